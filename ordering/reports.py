"""Reads for the manager's dashboard: sales, covers, kitchen and service
times, top dishes, members' baskets, repeat visits, customer value, feedback
and suggestions, for one restaurant over a range of its local days.

Plain functions returning plain values (integer cents, seconds, counts), a
handful of grouped queries each, so the page costs the same for a day as
for a year. Presentation (money in the reader's language, charts) is the
view's.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from statistics import median

from django.db.models import Avg, Count, Max, Q, Sum
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone

from kitchen.floor.selectors.reports import service_times_by_waiter
from kitchen.models import Station, Ticket, TicketStatus
from loyalty.models import Identification, MemberScore
from loyalty.models.engagement import FeedbackStatus
from loyalty.selectors import at_risk_members, feedback_inbox
from loyalty.suggestions_record import suggestion_acceptance_rate
from ordering.models import (
    Guest,
    LineStatus,
    MenuItem,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentKind,
    PaymentStatus,
    Restaurant,
    Table,
    TableSession,
    TableSessionStatus,
)
from ordering.translation import pick

# Orders that reached the kitchen: the sales. Orders still waiting for a
# payment or a waiter's approval may never happen.
SOLD_STATUSES = [
    OrderStatus.RECEIVED,
    OrderStatus.PREPARING,
    OrderStatus.READY,
    OrderStatus.SERVED,
]
LONGEST_RANGE_DAYS = 366


@dataclass(frozen=True)
class Period:
    """Whole local days [first, last] in the restaurant's time zone."""

    first: datetime.date
    last: datetime.date
    tz: datetime.tzinfo

    @property
    def since(self) -> datetime.datetime:
        return datetime.datetime.combine(self.first, datetime.time(), tzinfo=self.tz)

    @property
    def until(self) -> datetime.datetime:
        day_after = self.last + datetime.timedelta(days=1)
        return datetime.datetime.combine(day_after, datetime.time(), tzinfo=self.tz)

    @property
    def days(self) -> list[datetime.date]:
        count = (self.last - self.first).days + 1
        return [self.first + datetime.timedelta(days=n) for n in range(count)]


def period_parse(
    *, restaurant: Restaurant, first: str, last: str, today: datetime.date | None = None
) -> Period:
    """Read a range from two ISO dates; a missing or bad one means today.

    Swapped ends are put in order, and a range longer than a year is cut to
    the year ending on its last day.
    """
    tz = restaurant.tzinfo
    today = today or timezone.localdate(timezone=tz)

    def read(text: str) -> datetime.date:
        try:
            return datetime.date.fromisoformat(text) if text else today
        except ValueError:
            return today

    start, end = sorted([read(first), read(last)])
    longest = datetime.timedelta(days=LONGEST_RANGE_DAYS - 1)
    return Period(first=max(start, end - longest), last=end, tz=tz)


def _sold_lines(restaurant_id: int, period: Period):
    return OrderLine.objects.filter(
        order__restaurant_id=restaurant_id,
        order__status__in=SOLD_STATUSES,
        order__placed_at__gte=period.since,
        order__placed_at__lt=period.until,
        voided_at__isnull=True,
    ).exclude(status=LineStatus.CANCELLED)


def sales_summary(*, restaurant_id: int, period: Period) -> dict:
    """Return sales (cents, VAT included) in total, per local day and per
    hour of the day, the number of orders, visits and covers.

    Covers are the party sizes the staff entered; a visit without one counts
    the phones that joined it (at least one).
    """
    lines = _sold_lines(restaurant_id, period)
    by_day = {
        row["day"]: (row["sales"], row["orders"])
        for row in lines.annotate(day=TruncDate("order__placed_at", tzinfo=period.tz))
        .values("day")
        .annotate(sales=Sum("line_total_minor"), orders=Count("order", distinct=True))
    }
    by_hour = dict(
        lines.annotate(hour=ExtractHour("order__placed_at", tzinfo=period.tz))
        .values("hour")
        .annotate(sales=Sum("line_total_minor"))
        .values_list("hour", "sales")
    )
    visits = TableSession.objects.filter(
        restaurant_id=restaurant_id,
        opened_at__gte=period.since,
        opened_at__lt=period.until,
        merged_into__isnull=True,
    )
    counted = visits.aggregate(
        visits=Count("id"),
        seated=Sum("party_size"),
        unsized=Count("id", filter=Q(party_size__isnull=True)),
    )
    phones = (
        Guest.objects.filter(
            table_session__in=visits.filter(party_size__isnull=True),
            staff_user__isnull=True,
        )
        .values("table_session")
        .annotate(n=Count("id"))
        .values_list("n", flat=True)
    )
    phone_counts = list(phones)
    covers = (
        (counted["seated"] or 0)
        + sum(phone_counts)
        + (counted["unsized"] - len(phone_counts))  # visits nobody scanned
    )
    total = sum(sales for sales, _orders in by_day.values())
    return {
        "sales_minor": total,
        "orders": sum(orders for _sales, orders in by_day.values()),
        "visits": counted["visits"],
        "covers": covers,
        "per_cover_minor": round(total / covers) if covers else None,
        "days": [(day, by_day.get(day, (0, 0))[0]) for day in period.days],
        "hours": [(hour, by_hour.get(hour, 0)) for hour in range(24)],
    }


def payments_summary(*, restaurant_id: int, period: Period) -> dict:
    """Return the bill payments taken in the range: count, what they paid,
    tips, loyalty discounts and refunds (cents)."""
    totals = Payment.objects.filter(
        restaurant_id=restaurant_id,
        kind=PaymentKind.BILL,
        status=PaymentStatus.SUCCEEDED,
        succeeded_at__gte=period.since,
        succeeded_at__lt=period.until,
    ).aggregate(
        count=Count("id"),
        total=Sum("total_minor"),
        tips=Sum("tip_minor"),
        discounts=Sum("discount_minor"),
        refunded=Sum("refunded_minor"),
    )
    return {key: value or 0 for key, value in totals.items()}


def open_tables(*, restaurant_id: int) -> dict:
    """Return how many tables have guests right now, of those in use."""
    counts = TableSession.objects.filter(
        restaurant_id=restaurant_id, status=TableSessionStatus.OPEN
    ).aggregate(open=Count("table", distinct=True))
    in_use = Table.objects.filter(restaurant_id=restaurant_id, is_active=True).count()
    return {"open": counts["open"], "tables": in_use}


def kitchen_times(
    *, restaurant_id: int, period: Period, now: datetime.datetime | None = None
) -> list[dict]:
    """Return per station: tickets made ready in the range, the median
    seconds from firing to ready, how many were ready within the station's
    amber target and how many went past red; and, right now, the open
    tickets and how many of them are past amber and past red."""
    now = now or timezone.now()
    stations = list(
        Station.objects.filter(restaurant_id=restaurant_id).order_by("position", "id")
    )
    done = Ticket.objects.filter(
        restaurant_id=restaurant_id,
        fired_at__gte=period.since,
        fired_at__lt=period.until,
        ready_at__isnull=False,
    ).values_list("station_id", "fired_at", "ready_at")
    times: dict[int, list[float]] = defaultdict(list)
    for station_id, fired_at, ready_at in done:
        if fired_at is not None and ready_at is not None:  # always, by the filter
            times[station_id].append(max((ready_at - fired_at).total_seconds(), 0))
    live = Ticket.objects.filter(
        restaurant_id=restaurant_id,
        status__in=[TicketStatus.RECEIVED, TicketStatus.PREPARING],
        fired_at__isnull=False,
    ).values_list("station_id", "fired_at")
    waiting: dict[int, list[float]] = defaultdict(list)
    for station_id, fired_at in live:
        if fired_at is not None:  # always, by the filter
            waiting[station_id].append((now - fired_at).total_seconds())
    rows = []
    for station in stations:
        cooked = times.get(station.pk, [])
        ages = waiting.get(station.pk, [])
        if not (cooked or ages or station.is_active):
            continue
        rows.append(
            {
                "station": station.name,
                "code": station.code,
                "target_seconds": station.amber_after_seconds,
                "red_seconds": station.red_after_seconds,
                "tickets": len(cooked),
                "median_seconds": round(median(cooked)) if cooked else None,
                "within_target": sum(
                    1 for s in cooked if s <= station.amber_after_seconds
                ),
                "over_red": sum(1 for s in cooked if s > station.red_after_seconds),
                "open_now": len(ages),
                "late_now": sum(1 for a in ages if a > station.amber_after_seconds),
                "very_late_now": sum(1 for a in ages if a > station.red_after_seconds),
            }
        )
    return rows


def service_times(*, restaurant_id: int, period: Period) -> list[dict]:
    """Return the floor's service times per waiter (see
    `kitchen.floor.selectors.reports.service_times_by_waiter`)."""
    return service_times_by_waiter(
        restaurant_id=restaurant_id, since=period.since, until=period.until
    )


def top_items(
    *, restaurant_id: int, period: Period, lang: str, limit: int = 10
) -> list[dict]:
    """Return the dishes that sold most (by quantity, then sales), named in
    `lang`; dishes since removed from the menu are named as ordered."""
    rows = list(
        _sold_lines(restaurant_id, period)
        .values("menu_item_id")
        .annotate(quantity=Sum("quantity"), sales=Sum("line_total_minor"))
        .order_by("-quantity", "-sales", "menu_item_id")[:limit]
    )
    items = MenuItem.objects.in_bulk(
        [r["menu_item_id"] for r in rows if r["menu_item_id"]]
    )
    removed = next((r for r in rows if r["menu_item_id"] is None), None)
    removed_name = None
    if removed is not None:
        line = _sold_lines(restaurant_id, period).filter(menu_item__isnull=True).first()
        removed_name = pick(line.name, lang) if line is not None else ""
    result = []
    for row in rows:
        item = items.get(row["menu_item_id"])
        result.append(
            {
                "menu_item": row["menu_item_id"],
                "name": item.tr("name", lang) if item is not None else removed_name,
                "quantity": row["quantity"],
                "sales_minor": row["sales"],
            }
        )
    return result


def _spread(values: list[int]) -> dict:
    return {
        "guests": len(values),
        "average_minor": round(sum(values) / len(values)) if values else None,
        "median_minor": round(median(values)) if values else None,
    }


def member_baskets(*, restaurant_id: int, period: Period) -> dict:
    """Return the average and median basket of guests who identified as
    members and of those who did not, with how many guests each rests on.

    A basket is what one phone ordered on a visit (lines it added; lines a
    waiter added for the table belong to no guest and are left out). This
    describes the two groups; it does not say what membership causes.
    """
    baskets = (
        _sold_lines(restaurant_id, period)
        .filter(added_by__isnull=False, added_by__staff_user__isnull=True)
        .values("added_by", "added_by__identification__member")
        .annotate(total=Sum("line_total_minor"))
        .values_list("added_by__identification__member", "total")
    )
    members: list[int] = []
    others: list[int] = []
    for member, total in baskets:
        (members if member is not None else others).append(total)
    return {"members": _spread(members), "others": _spread(others)}


def repeat_rate(*, restaurant_id: int, period: Period) -> dict:
    """Return how many members came in the range and how many of them have
    come at least twice by its end (visits are table sessions they
    identified at). Guests who never joined cannot be recognised, so the
    rate is the members'."""
    seen = Identification.objects.filter(
        member__restaurant_id=restaurant_id,
        guest__table_session__opened_at__gte=period.since,
        guest__table_session__opened_at__lt=period.until,
    ).values("member")
    came_back = (
        Identification.objects.filter(
            member__in=seen, guest__table_session__opened_at__lt=period.until
        )
        .values("member")
        .annotate(visits=Count("guest__table_session", distinct=True))
        .filter(visits__gte=2)
        .count()
    )
    members = seen.distinct().count()
    return {
        "members": members,
        "returning": came_back,
        "rate": came_back / members if members else None,
    }


def customer_value(*, restaurant_id: int) -> dict:
    """Return the model's latest reading of the members: how many are scored,
    their expected spend over the next twelve months (BG/NBD × Gamma-Gamma)
    in total and on average, and how many are at-risk regulars."""
    scores = MemberScore.objects.filter(
        restaurant_id=restaurant_id, member__erased_at__isnull=True
    ).aggregate(
        members=Count("id"),
        total=Sum("value_12_months_minor"),
        average=Avg("value_12_months_minor"),
        average_p_alive=Avg("p_alive"),
        computed_at=Max("computed_at"),
    )
    return {
        "members": scores["members"],
        "value_12_months_minor": scores["total"] or 0,
        "average_12_months_minor": round(scores["average"])
        if scores["average"] is not None
        else None,
        "average_p_alive": scores["average_p_alive"],
        "computed_at": scores["computed_at"],
        "at_risk": at_risk_members(restaurant_id=restaurant_id).count(),
    }


def feedback_summary(*, restaurant_id: int, period: Period) -> dict:
    """Return the inbox's open feedback and complaints, and the range's
    feedback count and average rating."""
    in_range = Q(created_at__gte=period.since, created_at__lt=period.until)
    return feedback_inbox(restaurant_id=restaurant_id).aggregate(
        open=Count("id", filter=~Q(status=FeedbackStatus.RESOLVED)),
        complaints=Count(
            "id", filter=~Q(status=FeedbackStatus.RESOLVED) & Q(is_complaint=True)
        ),
        received=Count("id", filter=in_range),
        rating=Avg("rating", filter=in_range),
    )


def suggestions_summary(*, restaurant_id: int, period: Period) -> dict:
    """Return how many suggested dishes were shown and taken in the range."""
    rate = suggestion_acceptance_rate(
        restaurant_id=restaurant_id, since=period.since, until=period.until
    )
    return {
        "shown": rate.shown,
        "accepted": rate.accepted,
        "rate": rate.accepted / rate.shown if rate.shown else None,
        "by_placement": rate.by_placement,
    }
