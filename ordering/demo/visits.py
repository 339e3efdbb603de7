"""When the demo restaurant's guests come, where they sit, and what they order.

Visits fall inside opening hours in the restaurant's time zone: lunch
orders are placed before the lunch menu closes, and the last dinner table
leaves before the doors close.
"""

import datetime
import random
from dataclasses import dataclass

from ordering.demo import menu
from ordering.demo.dishes import DINNER, LUNCH, DemoMenu, price
from ordering.demo.people import (
    CHURNED,
    RECENT,
    STEADY,
    Profile,
    member_order,
    profiles_make,
    walk_in_order,
)
from ordering.models import Table
from ordering.pricing import PricedLine

HISTORY_DAYS = 182
WALK_IN_VISITS = 650


@dataclass
class Visit:
    opened_at: datetime.datetime
    placed_at: datetime.datetime
    served_at: datetime.datetime
    closed_at: datetime.datetime
    table: Table
    party_size: int
    language: str
    member: int | None  # index into the profiles; None for a walk-in
    lines: list[PricedLine]
    quantities: list[int]


@dataclass(frozen=True)
class Plan:
    profiles: list[Profile]
    joined_at: list[datetime.datetime]  # one per profile, before its first visit
    visits: list[Visit]  # oldest order first


def _local(
    day: datetime.date, minute_of_day: int, tz: datetime.tzinfo
) -> datetime.datetime:
    moment = datetime.time(minute_of_day // 60, minute_of_day % 60)
    return datetime.datetime.combine(day, moment, tzinfo=tz)


def _gap(rng: random.Random, cadence: str) -> int:
    if cadence == "weekly":
        return 7 + (rng.choice([-1, 1]) if rng.random() < 0.1 else 0)
    if cadence == "biweekly":
        return 14 + (rng.choice([-2, -1, 1, 2]) if rng.random() < 0.2 else 0)
    if cadence == "monthly":
        return rng.randint(24, 36)
    return rng.randint(35, 70)


def _visit_days(
    rng: random.Random, profile: Profile, *, today: datetime.date
) -> list[datetime.date]:
    day = profile.first_day
    if profile.cadence in ("weekly", "biweekly"):
        day += datetime.timedelta(days=(profile.weekday - day.weekday()) % 7)
    last = profile.stop_day or today
    # Regulars who later stopped hardly missed a week while they came.
    skip = 0.05 if profile.kind == CHURNED else 0.12
    days: list[datetime.date] = []
    while day <= last:
        actual = day
        if profile.slot == LUNCH and actual.weekday() >= 5:
            # Saturday lunch moves to Friday, Sunday's to Monday.
            actual += datetime.timedelta(days=-1 if actual.weekday() == 5 else 1)
        if actual <= last and actual not in days and rng.random() > skip:
            days.append(actual)
        day += datetime.timedelta(days=_gap(rng, profile.cadence))
    return days


def _timing(
    rng: random.Random, *, day: datetime.date, slot: str, tz: datetime.tzinfo
) -> tuple[datetime.datetime, datetime.datetime, datetime.datetime, datetime.datetime]:
    """Return when the table opened, ordered, was served and closed.

    A lunch order is placed by 13:43, before the lunch menu closes at 14:00;
    the latest dinner table leaves at 21:58, before the doors close at 22:00.
    """
    if slot == LUNCH:
        minute = int(rng.triangular(11 * 60, 13 * 60 + 30, 12 * 60))
        stay = rng.randint(15, 45)
    else:
        minute = int(rng.triangular(17 * 60, 20 * 60 + 15, 18 * 60 + 30))
        stay = rng.randint(25, 60)
    one = datetime.timedelta(minutes=1)
    opened = _local(day, minute, tz)
    placed = opened + rng.randint(5, 13) * one
    served = placed + rng.randint(12, 30) * one
    return opened, placed, served, served + stay * one


class Floor:
    """Seat parties at free tables that fit them, the terrace only in season."""

    def __init__(self, *, tables: list[Table]):
        self.tables = tables
        self.busy: dict[tuple[int, datetime.date], list[tuple]] = {}

    def seat(
        self,
        rng: random.Random,
        *,
        party_size: int,
        opened: datetime.datetime,
        closed: datetime.datetime,
    ) -> Table:
        outside = opened.month in menu.TERRACE_MONTHS
        fitting = [
            t
            for t in self.tables
            if t.seats >= party_size
            and (outside or t.area is None or t.area.name != menu.TERRACE_AREA)
        ]
        taken = self.busy.get
        free = [
            t
            for t in fitting
            if all(
                closed <= start or opened >= end
                for start, end in taken((t.pk, opened.date()), [])
            )
        ]
        # A full house still gets a table: the history is not a booking system.
        table = rng.choice(free or fitting)
        self.busy.setdefault((table.pk, opened.date()), []).append((opened, closed))
        return table


def _member_visits(
    rng: random.Random,
    dm: DemoMenu,
    profile: Profile,
    *,
    index: int,
    floor: Floor,
    now: datetime.datetime,
    tz: datetime.tzinfo,
) -> list[Visit]:
    visits = []
    for day in _visit_days(rng, profile, today=now.astimezone(tz).date()):
        slot = profile.slot
        if rng.random() < 0.1:
            # Now and then a lunch regular comes for dinner, or the reverse.
            slot = DINNER if slot == LUNCH or day.weekday() >= 5 else LUNCH
        opened, placed, served, closed = _timing(rng, day=day, slot=slot, tz=tz)
        if closed > now:
            continue
        party_sizes = [1, 1, 1, 2] if slot == LUNCH else [1, 2, 2, 3, 4]
        party_size = rng.choice(party_sizes)
        if profile.has_kids:
            party_size = max(party_size, 3)
        local_time = placed.astimezone(tz).time()
        wanted = member_order(
            rng, dm, profile, slot=slot, local_time=local_time, party_size=party_size
        )
        lines = price(
            rng,
            dm,
            wanted,
            tastes=profile.tastes,
            optional=profile.optional,
            party_size=party_size,
            local_time=local_time,
        )
        table = floor.seat(rng, party_size=party_size, opened=opened, closed=closed)
        visits.append(
            Visit(
                opened_at=opened,
                placed_at=placed,
                served_at=served,
                closed_at=closed,
                table=table,
                party_size=party_size,
                language=profile.language,
                member=index,
                lines=lines,
                quantities=[quantity for _, quantity in wanted],
            )
        )
    return visits


def _joined_at(
    rng: random.Random,
    profile: Profile,
    *,
    visits: list[Visit],
    start: datetime.date,
    tz: datetime.tzinfo,
) -> datetime.datetime:
    """Date the membership before the member's first recorded visit."""
    if profile.kind in (STEADY, CHURNED):
        day = start - datetime.timedelta(days=rng.randint(20, 500))
        return _local(day, rng.randint(11 * 60, 21 * 60), tz)
    first = visits[0].opened_at if visits else _local(profile.first_day, 12 * 60, tz)
    # Signed up on the web a little before coming in; a recent member's head
    # start is short enough to stay inside the last month.
    most = 2 if profile.kind == RECENT else 10
    return first - datetime.timedelta(
        days=rng.randint(0, most), minutes=rng.randint(5, 600)
    )


def _walk_ins(
    rng: random.Random,
    dm: DemoMenu,
    *,
    floor: Floor,
    start: datetime.date,
    now: datetime.datetime,
    tz: datetime.tzinfo,
) -> list[Visit]:
    visits: list[Visit] = []
    days = [start + datetime.timedelta(days=n) for n in range(HISTORY_DAYS + 1)]
    # Fridays and Saturdays bring twice the passers-by.
    weights = [2 if day.weekday() in (4, 5) else 1 for day in days]
    while len(visits) < WALK_IN_VISITS:
        day = rng.choices(days, weights)[0]
        slot = LUNCH if day.weekday() < 5 and rng.random() < 0.4 else DINNER
        opened, placed, served, closed = _timing(rng, day=day, slot=slot, tz=tz)
        if closed > now:
            continue
        party_size = rng.randint(1, 4)
        local_time = placed.astimezone(tz).time()
        wanted = walk_in_order(rng, dm, slot=slot, local_time=local_time)
        lines = price(
            rng,
            dm,
            wanted,
            tastes={},
            optional={},
            party_size=party_size,
            local_time=local_time,
        )
        table = floor.seat(rng, party_size=party_size, opened=opened, closed=closed)
        visits.append(
            Visit(
                opened_at=opened,
                placed_at=placed,
                served_at=served,
                closed_at=closed,
                table=table,
                party_size=party_size,
                language=rng.choices(["fi", "en", "sv"], [60, 28, 12])[0],
                member=None,
                lines=lines,
                quantities=[quantity for _, quantity in wanted],
            )
        )
    return visits


def visits_plan(
    rng: random.Random,
    dm: DemoMenu,
    *,
    tables: list[Table],
    now: datetime.datetime,
    tz: datetime.tzinfo,
) -> Plan:
    """Return the members, when they joined, and every visit up to `now`."""
    today = now.astimezone(tz).date()
    start = today - datetime.timedelta(days=HISTORY_DAYS)
    floor = Floor(tables=tables)
    profiles = profiles_make(rng, dm, start=start, today=today)
    visits: list[Visit] = []
    joined_at = []
    for index, profile in enumerate(profiles):
        mine = _member_visits(
            rng, dm, profile, index=index, floor=floor, now=now, tz=tz
        )
        joined_at.append(_joined_at(rng, profile, visits=mine, start=start, tz=tz))
        visits += mine
    visits += _walk_ins(rng, dm, floor=floor, start=start, now=now, tz=tz)
    visits.sort(key=lambda visit: visit.placed_at)
    return Plan(profiles=profiles, joined_at=joined_at, visits=visits)
