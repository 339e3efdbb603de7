"""Write six months of closed visits to the demo restaurant, ending now.

Each visit is a closed table session, one guest phone, one served order and
its lines; a member's visit also has the loyalty identification that links
the guest to them. `visits` decides what happened; this module only stores
it, in batches, so the whole seed stays fast on SQLite.

Everything comes from one seeded random generator except the guests' tokens,
which are real secrets: a predictable token would let anyone act as a guest.
"""

import datetime
import random
import secrets
from dataclasses import dataclass

from django.db.models import F

# The demo writes members and identifications directly: loyalty has no
# services for this yet, and bulk_create is what keeps the seed fast.
from loyalty.models import Identification, Member
from ordering.demo import Writer
from ordering.demo.dishes import DemoMenu
from ordering.demo.people import Profile
from ordering.demo.visits import Visit, visits_plan
from ordering.models import (
    Guest,
    Order,
    OrderLine,
    OrderStatus,
    Restaurant,
    Table,
    TableSession,
    TableSessionStatus,
)
from ordering.selectors import token_hash

SEED = 20260525
BATCH_VISITS = 400


@dataclass(frozen=True)
class HistorySummary:
    members: int
    member_visits: int
    walk_in_visits: int
    lines: int
    first_number: int
    last_number: int


def _write_batch(
    *,
    restaurant: Restaurant,
    batch: list[Visit],
    profiles: list[Profile],
    members: list[Member],
    first_number: int,
) -> int:
    """Insert one batch of visits; return how many order lines it held."""
    one = datetime.timedelta(minutes=1)
    sessions = TableSession.objects.bulk_create(
        [
            TableSession(
                restaurant=restaurant,
                table=visit.table,
                status=TableSessionStatus.CLOSED,
                party_size=visit.party_size,
                opened_at=visit.opened_at,
                last_activity_at=visit.placed_at,
                closed_at=visit.closed_at,
            )
            for visit in batch
        ]
    )
    guests = Guest.objects.bulk_create(
        [
            Guest(
                table_session=session,
                token_hash=token_hash(secrets.token_urlsafe(32)),
                display_name=(
                    profiles[visit.member].first_name
                    if visit.member is not None
                    else ""
                ),
                language=visit.language,
                created_at=visit.opened_at,
            )
            for visit, session in zip(batch, sessions, strict=True)
        ]
    )
    Identification.objects.bulk_create(
        [
            Identification(
                guest=guest,
                member=members[visit.member],
                identified_at=visit.opened_at + one,
            )
            for visit, guest in zip(batch, guests, strict=True)
            if visit.member is not None
        ]
    )
    orders = Order.objects.bulk_create(
        [
            Order(
                restaurant=restaurant,
                table_session=session,
                guest=guest,
                number=first_number + offset,
                status=OrderStatus.SERVED,
                total_minor=sum(line.line_total_minor for line in visit.lines),
                created_at=visit.opened_at + 2 * one,
                placed_at=visit.placed_at,
                status_changed_at=visit.served_at,
                version=1,
            )
            for offset, (visit, session, guest) in enumerate(
                zip(batch, sessions, guests, strict=True)
            )
        ]
    )
    # Lines went into the cart half a minute apart, all before it was placed
    # (at least three minutes after the cart was opened).
    half_minute = datetime.timedelta(seconds=30)
    lines = [
        OrderLine(
            order=order,
            menu_item_id=priced.menu_item_id,
            added_by=guest,
            name=priced.name,
            modifiers=priced.modifiers,
            allergens=priced.allergens,
            quantity=quantity,
            unit_price_minor=priced.unit_price_minor,
            line_total_minor=priced.line_total_minor,
            vat_rate_bp=priced.vat_rate_bp,
            station=priced.station,
            course=priced.course,
            created_at=order.created_at + position * half_minute,
        )
        for visit, order, guest in zip(batch, orders, guests, strict=True)
        for position, (priced, quantity) in enumerate(
            zip(visit.lines, visit.quantities, strict=True)
        )
    ]
    OrderLine.objects.bulk_create(lines)
    return len(lines)


def history_create(
    *, restaurant: Restaurant, now: datetime.datetime, stdout: Writer | None = None
) -> HistorySummary | None:
    """Write six months of closed visits ending at `now`; None if already there.

    The caller holds a transaction. The restaurant row stays locked from
    taking the order numbers until the counter is advanced past them, as in
    the live service.
    """
    restaurant = Restaurant.objects.select_for_update().get(pk=restaurant.pk)
    if (
        Member.objects.filter(restaurant=restaurant).exists()
        or Order.objects.filter(restaurant=restaurant).exists()
    ):
        return None
    rng = random.Random(SEED)
    tables = list(
        Table.objects.filter(restaurant=restaurant, is_active=True)
        .select_related("area")
        .order_by("position", "id")
    )
    plan = visits_plan(
        rng,
        DemoMenu(restaurant=restaurant),
        tables=tables,
        now=now,
        tz=restaurant.tzinfo,
    )
    profiles, visits = plan.profiles, plan.visits
    members = Member.objects.bulk_create(
        [
            Member(
                restaurant=restaurant,
                first_name=profile.first_name,
                email=profile.email,
                joined_at=joined_at,
            )
            for profile, joined_at in zip(profiles, plan.joined_at, strict=True)
        ]
    )
    first_number = restaurant.order_counter + 1
    line_count = 0
    for start in range(0, len(visits), BATCH_VISITS):
        batch = visits[start : start + BATCH_VISITS]
        line_count += _write_batch(
            restaurant=restaurant,
            batch=batch,
            profiles=profiles,
            members=members,
            first_number=first_number + start,
        )
        if stdout is not None:
            stdout.write(f"history: {start + len(batch)}/{len(visits)} visits\n")
    Restaurant.objects.filter(pk=restaurant.pk).update(
        order_counter=F("order_counter") + len(visits)
    )
    member_visits = sum(1 for visit in visits if visit.member is not None)
    return HistorySummary(
        members=len(members),
        member_visits=member_visits,
        walk_in_visits=len(visits) - member_visits,
        lines=line_count,
        first_number=first_number,
        last_number=first_number + len(visits) - 1,
    )
