"""Service times and call response times, for the managers' reports."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from statistics import median

from django.contrib.auth import get_user_model
from django.db.models import Min, Q

from kitchen.floor.models import WaiterCall
from kitchen.floor.selectors.payloads import ORDERED, staff_name, table_service_of
from ordering.models import OrderStatus, TableSession


@dataclass(frozen=True)
class ServiceTimes:
    """One table session's steps, and the seconds between them (None where a
    step has not happened)."""

    table_session: int
    table: str
    waiter: int | None
    seated_at: datetime.datetime
    first_order_at: datetime.datetime | None
    food_served_at: datetime.datetime | None
    bill_requested_at: datetime.datetime | None
    paid_at: datetime.datetime | None

    @staticmethod
    def _seconds(start, end) -> float | None:
        if start is None or end is None:
            return None
        return (end - start).total_seconds()

    @property
    def to_first_order(self) -> float | None:
        return self._seconds(self.seated_at, self.first_order_at)

    @property
    def to_food_served(self) -> float | None:
        return self._seconds(self.first_order_at, self.food_served_at)

    @property
    def to_bill_requested(self) -> float | None:
        return self._seconds(self.food_served_at, self.bill_requested_at)

    @property
    def to_paid(self) -> float | None:
        return self._seconds(self.bill_requested_at, self.paid_at)


STEPS = ("to_first_order", "to_food_served", "to_bill_requested", "to_paid")


def service_times_list(
    *, restaurant_id: int, since: datetime.datetime, until: datetime.datetime
) -> list[ServiceTimes]:
    """Return the service times of the table sessions opened in [since, until).

    A session's waiter is the floor's waiter of record, else the staff member
    who seated it. Sessions merged into another count as part of it.
    """
    sessions = (
        TableSession.objects.filter(
            restaurant_id=restaurant_id,
            opened_at__gte=since,
            opened_at__lt=until,
            merged_into__isnull=True,
        )
        .select_related("table", "floor_service")
        .annotate(
            first_placed_at=Min(
                "orders__placed_at",
                filter=Q(orders__status__in=[*ORDERED, OrderStatus.AWAITING_APPROVAL]),
            )
        )
        .order_by("opened_at", "id")
    )
    result = []
    for s in sessions:
        service = table_service_of(s)
        waiter = service.waiter_id if service and service.waiter_id else None
        result.append(
            ServiceTimes(
                table_session=s.pk,
                table=s.table.label,
                waiter=waiter or s.opened_by_id,
                seated_at=s.opened_at,
                first_order_at=s.first_order_at or s.first_placed_at,  # type: ignore[attr-defined]
                food_served_at=s.food_served_at,
                bill_requested_at=s.bill_requested_at,
                paid_at=s.paid_at,
            )
        )
    return result


def _median(values: list[float]) -> float | None:
    return round(median(values), 1) if values else None


def service_times_by_waiter(
    *, restaurant_id: int, since: datetime.datetime, until: datetime.datetime
) -> list[dict]:
    """Return per waiter: table sessions, the median seconds of each step, and
    how fast they answered guests' calls (median seconds to acknowledge).

    Waiter None gathers sessions nobody on the floor looked after (guests
    seated themselves and nobody answered, ordered for or served them).
    """
    rows: dict[int | None, dict] = {}

    def row(waiter: int | None) -> dict:
        return rows.setdefault(
            waiter,
            {
                "waiter": waiter,
                "sessions": 0,
                "calls": 0,
                "steps": defaultdict(list),
                "responses": [],
            },
        )

    for times in service_times_list(
        restaurant_id=restaurant_id, since=since, until=until
    ):
        entry = row(times.waiter)
        entry["sessions"] += 1
        for step in STEPS:
            value = getattr(times, step)
            if value is not None:
                entry["steps"][step].append(value)
    calls = WaiterCall.objects.filter(
        restaurant_id=restaurant_id,
        created_at__gte=since,
        created_at__lt=until,
        acknowledged_at__isnull=False,
    ).values_list("acknowledged_by_id", "created_at", "acknowledged_at")
    for waiter, created_at, acknowledged_at in calls:
        entry = row(waiter)
        entry["calls"] += 1
        if acknowledged_at is not None:  # always, by the filter
            entry["responses"].append((acknowledged_at - created_at).total_seconds())
    names = {
        user.pk: staff_name(user)
        for user in get_user_model()._default_manager.filter(
            pk__in=[w for w in rows if w is not None]
        )
    }
    return [
        {
            "waiter": waiter,
            "name": names.get(waiter, "") if waiter is not None else "",
            "sessions": entry["sessions"],
            **{
                f"median_{step}_seconds": _median(entry["steps"][step])
                for step in STEPS
            },
            "calls": entry["calls"],
            "median_response_seconds": _median(entry["responses"]),
        }
        for waiter, entry in sorted(
            rows.items(),
            key=lambda item: (item[0] is None, names.get(item[0] or 0, "")),
        )
    ]
