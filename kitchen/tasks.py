"""Background jobs of the kitchen; each only calls a service."""

import logging

from django.tasks import Task, task

from kitchen.services.alerts import alerts_check

logger = logging.getLogger(__name__)


@task()
def check_kitchen_alerts() -> dict[str, int]:
    result = alerts_check()
    if result["raised"] or result["resolved"]:
        logger.info("kitchen alerts: %s", result)
    return result


# (task, seconds between runs) for `run_periodic`. A ticket waits for its
# screen's confirmation 20 s by default; checking every 5 s raises the alert
# within 25 s.
PERIODIC: list[tuple[Task, int]] = [(check_kitchen_alerts, 5)]
