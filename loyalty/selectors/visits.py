"""A member's visits and usual order, from the lines they ordered."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from ordering.models import PLACED_STATUSES, LineStatus, OrderLine
from ordering.translation import pick


@dataclass(frozen=True)
class VisitRow:
    """One visit of a member: a table session where they were identified."""

    table_session_id: int
    day: datetime.date  # local to the restaurant
    spend_minor: int
    item_ids: frozenset[int]


def _visit_lines(member_ids: list[int]) -> QuerySet[OrderLine]:
    return OrderLine.objects.filter(
        order__guest__identification__member_id__in=member_ids,
        order__status__in=PLACED_STATUSES,
    ).exclude(status=LineStatus.CANCELLED)


def member_visits(
    *, member_ids: list[int], tz: datetime.tzinfo
) -> dict[int, list[VisitRow]]:
    """Return each member's visits, oldest first: what their identified phones
    ordered, one row per table session.

    Spend is what the lines cost (voided lines excluded); paying is the
    payment flow's business, and a visit happened when food was ordered.
    """
    rows = (
        _visit_lines(member_ids)
        .filter(voided_at__isnull=True)
        .values_list(
            "order__guest__identification__member_id",
            "order__table_session_id",
            "order__table_session__opened_at",
            "line_total_minor",
            "menu_item_id",
        )
    )
    visits: dict[int, dict[int, list]] = {}
    for member_id, session_id, opened_at, total, item_id in rows:
        entry = visits.setdefault(member_id, {}).setdefault(
            session_id, [opened_at, 0, set()]
        )
        entry[1] += total
        if item_id is not None:
            entry[2].add(item_id)
    return {
        member_id: sorted(
            (
                VisitRow(
                    table_session_id=session_id,
                    day=timezone.localtime(opened_at, tz).date(),
                    spend_minor=spend,
                    item_ids=frozenset(items),
                )
                for session_id, (opened_at, spend, items) in sessions.items()
            ),
            key=lambda visit: (visit.day, visit.table_session_id),
        )
        for member_id, sessions in visits.items()
    }


def usual_order(*, member_id: int, lang: str | None = None, top: int = 3) -> list[str]:
    """Return the names of the dishes the member orders most, most often first.

    Counted once per visit, from the last 20 visits; a dish ordered on only
    one visit is not "usual".
    """
    sessions = list(
        _visit_lines([member_id])
        .order_by("-order__table_session__opened_at")
        .values_list("order__table_session_id", flat=True)
        .distinct()
    )
    recent = list(dict.fromkeys(sessions))[:20]
    names: dict[int, dict[str, str]] = {}
    counts: Counter[int] = Counter()
    seen: set[tuple[int, int]] = set()
    for session_id, item_id, name in (
        _visit_lines([member_id])
        .filter(order__table_session_id__in=recent, menu_item_id__isnull=False)
        .values_list("order__table_session_id", "menu_item_id", "name")
    ):
        names[item_id] = name
        if (session_id, item_id) not in seen:
            seen.add((session_id, item_id))
            counts[item_id] += 1
    return [
        pick(names[item_id], lang)
        for item_id, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if count >= 2
    ][:top]
