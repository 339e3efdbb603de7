"""Background jobs run through django.tasks: immediately in tests, and from
the database queue by `manage.py db_worker` in production."""

import datetime

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kitchen.models import Alert
from kitchen.tasks import check_kitchen_alerts
from ordering.models import TableSession
from ordering.tasks import close_idle_table_sessions, expire_payments

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


# The worker closes database connections between jobs, as it should in
# production; that needs real transactions in the test too.
@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_queued_jobs_from_the_database(guest):
    # given: a visit idle for a day, and the job queued in the database
    TableSession.objects.update(
        last_activity_at=timezone.now() - datetime.timedelta(days=1)
    )
    with override_settings(TASKS=DATABASE_QUEUE):
        result = close_idle_table_sessions.enqueue()
        assert DBTaskResult.objects.get().status == "READY"
        # when
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    # then
    row = DBTaskResult.objects.get(pk=result.id)
    assert (row.status, row.return_value) == ("SUCCESSFUL", 1)
    assert TableSession.objects.get().status == "closed"


def test_the_alert_job_raises_alerts(menu, place):
    # given: food for a station nobody watches
    place([(menu.soup, 1)])
    # when
    result = check_kitchen_alerts.enqueue()
    # then
    assert result.return_value == {"raised": 1, "resolved": 0}
    assert Alert.objects.get().kind == "station_offline"


def test_run_periodic_enqueues_every_job_once(db, capsys):
    with override_settings(TASKS=DATABASE_QUEUE):
        call_command("run_periodic", once=True)
    names = sorted(DBTaskResult.objects.values_list("task_path", flat=True))
    assert names == [
        "kitchen.tasks.check_kitchen_alerts",
        "loyalty.tasks.celebrate_birthdays",
        "loyalty.tasks.expire_points",
        "loyalty.tasks.refit_customer_models",
        "loyalty.tasks.refit_suggestions",
        "loyalty.tasks.release_expired_reservations",
        "loyalty.tasks.send_due_messages",
        "ordering.tasks.close_idle_table_sessions",
        "ordering.tasks.expire_payments",
        "ordering.tasks.prune_task_results",
    ]


def test_unfinished_card_payments_expire_in_the_background(menu, place, guest):
    import datetime

    from django.utils import timezone

    from ordering.models import Payment
    from ordering.payments import gateway_reset
    from ordering.services.payments import payment_start

    # given: a card payment the guest walked away from, past its time
    gateway_reset()
    place([(menu.soup, 1)], guest=guest)
    payment, _state = payment_start(guest=guest, split="all")
    Payment.objects.filter(pk=payment.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    # when
    result = expire_payments.enqueue()
    # then
    assert result.return_value == 1
    payment.refresh_from_db()
    assert payment.status == "cancelled"
