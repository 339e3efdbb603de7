"""Background jobs of the loyalty programme; each only calls a service.

`PERIODIC` lists them with their intervals for `manage.py run_periodic`.
"""

import logging

from django.tasks import Task, task

from loyalty.services.messages import birthdays_celebrate, messages_send_due
from loyalty.services.points import points_expire_inactive
from loyalty.services.regulars import scores_refit, scores_refit_all
from loyalty.services.rewards import reservations_release_expired
from loyalty.suggestions_fit import suggestions_refit_all

logger = logging.getLogger(__name__)


@task()
def refit_customer_models() -> dict[str, int]:
    """Refit the at-risk model of every restaurant with a programme."""
    at_risk = scores_refit_all()
    logger.info("loyalty refit: at-risk regulars per restaurant %s", at_risk)
    return {str(restaurant_id): count for restaurant_id, count in at_risk.items()}


@task()
def refit_customer_model(restaurant_id: int) -> int:
    """Refit one restaurant's model (a manager asked for it); return at-risk count."""
    return scores_refit(restaurant_id=restaurant_id).at_risk


@task()
def refit_suggestions() -> dict[str, int]:
    """Precompute every restaurant's suggestions (`loyalty.suggestions_fit`)."""
    ranked = suggestions_refit_all()
    logger.info("suggestions refit: members ranked per restaurant %s", ranked)
    return {str(restaurant_id): count for restaurant_id, count in ranked.items()}


@task()
def release_expired_reservations() -> int:
    return reservations_release_expired()


@task()
def send_due_messages() -> dict[str, int]:
    return dict(messages_send_due())


@task()
def celebrate_birthdays() -> int:
    return birthdays_celebrate()


@task()
def expire_points() -> int:
    return points_expire_inactive()


# (task, seconds between runs) for `run_periodic`. The refit reads every
# member's history (about a second for 200 members), so nightly is plenty;
# held rewards lapse after 30 minutes by default, so a minute is precise
# enough; quiet hours end on the hour.
PERIODIC: list[tuple[Task, int]] = [
    (release_expired_reservations, 60),
    (send_due_messages, 300),
    (celebrate_birthdays, 3600),
    (expire_points, 24 * 3600),
    (refit_customer_models, 24 * 3600),
    (refit_suggestions, 24 * 3600),
]
