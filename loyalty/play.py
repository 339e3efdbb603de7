"""A little play: visit streaks and badges, as pure functions on plain values.

No ORM and no clock: callers pass visit days, item ids and today's date.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Visits in this many weeks in a row earn the streak badge.
STREAK_BADGE_WEEKS = 4
VISITS_BADGE = 10
# A category counts for "tried everything" only with at least this many dishes.
CATEGORY_BADGE_MIN_ITEMS = 3


def _week(day: datetime.date) -> int:
    """Return a running week number: Monday-based weeks since 0001-01-01."""
    return (day.toordinal() - 1) // 7


def week_streak(days: Iterable[datetime.date], *, today: datetime.date) -> int:
    """Return how many weeks in a row, up to this week or last, had a visit.

    A streak survives the current week until it is over: a regular who came
    every week keeps their streak on Monday before they come.
    """
    weeks = {_week(day) for day in days if day <= today}
    current = _week(today)
    week = current if current in weeks else current - 1
    streak = 0
    while week in weeks:
        streak += 1
        week -= 1
    return streak


def longest_week_streak(days: Iterable[datetime.date]) -> int:
    weeks = sorted({_week(day) for day in days})
    best = run = 0
    previous = None
    for week in weeks:
        run = run + 1 if previous is not None and week == previous + 1 else 1
        best = max(best, run)
        previous = week
    return best


@dataclass(frozen=True)
class BadgeEarned:
    code: str
    # What the badge names (a category's name), for its label.
    subject: Mapping[str, str] | None = None


def badges_earned(
    *,
    visit_days: list[datetime.date],
    tried_item_ids: set[int],
    categories: Mapping[int, tuple[Mapping[str, str], set[int]]],
) -> list[BadgeEarned]:
    """Return every badge a member's history earns.

    `categories` maps a category id to its names and the ids of the dishes
    on the menu in it now; trying all of them ("every dessert") earns the
    category's badge.
    """
    earned: list[BadgeEarned] = []
    if visit_days:
        earned.append(BadgeEarned("first_visit"))
    if len(set(visit_days)) >= VISITS_BADGE:
        earned.append(BadgeEarned("visits_10"))
    if longest_week_streak(visit_days) >= STREAK_BADGE_WEEKS:
        earned.append(BadgeEarned("streak_4_weeks"))
    for category_id, (names, item_ids) in sorted(categories.items()):
        if len(item_ids) >= CATEGORY_BADGE_MIN_ITEMS and item_ids <= tried_item_ids:
            earned.append(BadgeEarned(f"category:{category_id}", names))
    return earned
