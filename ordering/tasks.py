"""Background jobs. Each only calls a service; the worker
(`manage.py db_worker`) runs them, and `manage.py run_periodic` enqueues the
recurring ones."""

import datetime

from django.conf import settings
from django.tasks import task

from ordering.services.tables import table_sessions_close_idle


@task()
def close_idle_table_sessions() -> int:
    hours: int = settings.TABLESIDE["IDLE_SESSION_HOURS"]
    return table_sessions_close_idle(idle_for=datetime.timedelta(hours=hours))


# (task, seconds between runs) for `run_periodic`.
PERIODIC = [(close_idle_table_sessions, 600)]
