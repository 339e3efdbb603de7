"""Background jobs. Each only calls a service; the worker
(`manage.py db_worker`) runs them, and `manage.py run_periodic` enqueues the
recurring ones."""

import datetime

from django.conf import settings
from django.core.management import call_command
from django.tasks import Task, task

from ordering.services.payments import payments_expire
from ordering.services.tables import table_sessions_close_idle


@task()
def close_idle_table_sessions() -> int:
    hours: int = settings.TABLESIDE["IDLE_SESSION_HOURS"]
    return table_sessions_close_idle(idle_for=datetime.timedelta(hours=hours))


@task()
def prune_task_results() -> None:
    """Forget finished background jobs after a day (the alert check alone runs
    17,000 times a day)."""
    call_command("prune_db_task_results", min_age_days=1, verbosity=0)


@task()
def expire_payments() -> int:
    """Cancel card payments a guest started and never finished."""
    return payments_expire()


# (task, seconds between runs) for `run_periodic`.
PERIODIC: list[tuple[Task, int]] = [
    (close_idle_table_sessions, 600),
    (expire_payments, 60),
    (prune_task_results, 3600),
]
