"""Table cards with their state, and the snapshot a waiter's tablet starts
from."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils import timezone

from kitchen.events import FLOOR, current_seq
from kitchen.floor.access import FloorAccess
from kitchen.floor.models import (
    LIVE_CALL_STATUSES,
    Section,
    VoidStatus,
    WaiterCall,
)
from kitchen.floor.selectors.payloads import (
    call_data,
    call_data_for_guest,
    calls_with_details,
    earliest,
    staff_name,
    table_service_of,
    void_data,
    voids_with_details,
)
from kitchen.floor.states import (
    CLEARING_WINDOW,
    CallFacts,
    OrderFacts,
    PaymentFacts,
    SessionFacts,
    TableState,
    TicketFacts,
    table_state,
)
from kitchen.models import Ticket, TicketStatus
from kitchen.selectors import open_alerts
from kitchen.services.access import FLOOR_ROLES
from ordering.models import (
    Area,
    Order,
    OrderStatus,
    Payment,
    PaymentKind,
    StaffMember,
    Table,
    TableSession,
    TableSessionStatus,
)
from ordering.serializers import utc_iso


def _root(session: TableSession, by_id: dict[int, TableSession]) -> TableSession:
    """Follow `merged_into` to the session a merged party belongs to."""
    seen = {session.pk}
    while session.merged_into_id in by_id and session.merged_into_id not in seen:
        session = by_id[session.merged_into_id]
        seen.add(session.pk)
    return session


@dataclass
class _Facts:
    """What was read about a set of sessions, by session id."""

    orders: dict[int, list[OrderFacts]]
    approval: set[int]  # sessions with an order awaiting a waiter's approval
    tickets: dict[int, list[Any]]
    calls: dict[int, list[WaiterCall]]
    payments: dict[int, list[PaymentFacts]]


def _read_facts(session_ids: set[int]) -> _Facts:
    facts = _Facts(
        orders=defaultdict(list),
        approval=set(),
        tickets=defaultdict(list),
        calls=defaultdict(list),
        payments=defaultdict(list),
    )
    if not session_ids:
        return facts
    orders = (
        Order.objects.filter(table_session_id__in=session_ids)
        .exclude(status=OrderStatus.CANCELLED)
        .annotate(line_count=Count("lines"))
        .values_list(
            "table_session_id", "status", "created_at", "placed_at", "line_count"
        )
    )
    for session_id, status, created_at, placed_at, line_count in orders:
        facts.orders[session_id].append(
            OrderFacts(status, created_at, placed_at, line_count)
        )
        if status == OrderStatus.AWAITING_APPROVAL:
            facts.approval.add(session_id)
    tickets = (
        Ticket.objects.filter(order__table_session_id__in=session_ids)
        .exclude(status=TicketStatus.CANCELLED)
        .order_by("course", "ready_at", "id")
        .values(
            "id",
            "version",
            "status",
            "course",
            "fired_at",
            "ready_at",
            "served_at",
            "station__name",
            "order__number",
            "order__table_session_id",
        )
    )
    for ticket in tickets:
        facts.tickets[ticket["order__table_session_id"]].append(ticket)
    for call in calls_with_details().filter(
        table_session_id__in=session_ids, status__in=LIVE_CALL_STATUSES
    ):
        facts.calls[call.table_session_id].append(call)
    payments = Payment.objects.filter(
        table_session_id__in=session_ids, kind=PaymentKind.BILL
    ).values_list("table_session_id", "status", "created_at")
    for session_id, status, created_at in payments:
        facts.payments[session_id].append(PaymentFacts(status, created_at))
    return facts


def _group_facts(group: list[TableSession], facts: _Facts) -> SessionFacts:
    """Combine a party's sessions (one, or several merged) into one."""
    root = group[0]
    ids = [s.pk for s in group]
    return SessionFacts(
        is_open=True,
        opened_at=root.opened_at,
        bill_requested_at=earliest(s.bill_requested_at for s in group),
        paid_at=root.paid_at,
        orders=tuple(o for i in ids for o in facts.orders[i]),
        tickets=tuple(
            TicketFacts(t["status"], t["fired_at"], t["ready_at"], t["served_at"])
            for i in ids
            for t in facts.tickets[i]
        ),
        calls=tuple(
            CallFacts(c.kind, c.created_at) for i in ids for c in facts.calls[i]
        ),
        payments=tuple(p for i in ids for p in facts.payments[i]),
    )


def _ready_data(ticket: dict) -> dict:
    return {
        "id": ticket["id"],
        "version": ticket["version"],
        "course": ticket["course"],
        "station": ticket["station__name"],
        "number": ticket["order__number"],
        "ready_at": utc_iso(ticket["ready_at"]),
    }


def _waiter(session: TableSession) -> dict | None:
    service = table_service_of(session)
    if service is None or service.waiter is None:
        return None
    return {"id": service.waiter_id, "name": staff_name(service.waiter)}


def _card(
    table: Table,
    *,
    state: TableState,
    session: TableSession | None = None,
    group: list[TableSession] | None = None,
    facts: _Facts | None = None,
) -> dict:
    card: dict = {
        "id": table.pk,
        "label": table.label,
        "area": table.area_id,
        "seats": table.seats,
        "state": state.state.value,
        "since": utc_iso(state.since),
        "table_session": None,
        "sessions": [],
        "party_size": None,
        "opened_at": None,
        "merged_into": None,
        "merged_tables": [],
        "calls": [],
        "ready": [],
        "held_courses": [],
        "needs_approval": False,
        "waiter": None,
    }
    if session is None or group is None or facts is None:
        return card
    root = group[0]
    tickets = facts.tickets[session.pk]
    card.update(
        table_session=session.pk,
        sessions=[s.pk for s in group],
        party_size=session.party_size,
        opened_at=utc_iso(session.opened_at),
        calls=[call_data(c) for c in facts.calls[session.pk]],
        ready=[_ready_data(t) for t in tickets if t["status"] == TicketStatus.READY],
        held_courses=sorted(
            {t["course"] for t in tickets if t["status"] == TicketStatus.HELD}
        ),
        needs_approval=session.pk in facts.approval,
        waiter=_waiter(root),
    )
    if root.pk != session.pk:
        card["merged_into"] = {
            "table_session": root.pk,
            "table": root.table_id,
            "label": root.table.label,
        }
    else:
        card["merged_tables"] = [
            {"table_session": s.pk, "table": s.table_id, "label": s.table.label}
            for s in group[1:]
        ]
    return card


def floor_tables(
    *,
    restaurant_id: int,
    table_ids: list[int] | None = None,
    now: datetime.datetime | None = None,
) -> list[dict]:
    """Return the restaurant's active tables (or those named) as cards: state
    and since when, the party, live calls, food ready, held courses.

    Seven queries at most, however many tables: the restaurant's open
    sessions are read whole, because a merged party spans tables.
    """
    now = now or timezone.now()
    tables = Table.objects.filter(restaurant_id=restaurant_id, is_active=True)
    if table_ids is not None:
        tables = tables.filter(pk__in=table_ids)
    tables_list = list(tables.order_by("area__position", "position", "id"))
    open_sessions = list(
        TableSession.objects.filter(
            restaurant_id=restaurant_id, status=TableSessionStatus.OPEN
        )
        .select_related("table", "floor_service__waiter")
        .order_by("opened_at", "id")
    )
    by_id = {s.pk: s for s in open_sessions}
    by_table = {s.table_id: s for s in open_sessions}
    groups: dict[int, list[TableSession]] = defaultdict(list)
    for s in open_sessions:
        groups[_root(s, by_id).pk].append(s)
    for root_id, members in groups.items():
        # The root first, then the tables merged into it, oldest first.
        members.sort(key=lambda s: (s.pk != root_id, s.opened_at, s.pk))

    wanted: set[int] = set()
    free_tables = []
    for table in tables_list:
        session = by_table.get(table.pk)
        if session is None:
            free_tables.append(table.pk)
        else:
            wanted.update(s.pk for s in groups[_root(session, by_id).pk])
    facts = _read_facts(wanted)

    last_closed: dict[int, TableSession] = {}
    if free_tables:
        closed = (
            TableSession.objects.filter(
                table_id__in=free_tables,
                status=TableSessionStatus.CLOSED,
                closed_at__gte=now - CLEARING_WINDOW,
            )
            .select_related("floor_service")
            .order_by("table_id", "-closed_at", "-id")
        )
        for session in closed:
            last_closed.setdefault(session.table_id, session)

    cards = []
    for table in tables_list:
        session = by_table.get(table.pk)
        if session is not None:
            group = groups[_root(session, by_id).pk]
            state = table_state(_group_facts(group, facts), now=now)
            cards.append(
                _card(table, state=state, session=session, group=group, facts=facts)
            )
            continue
        previous = last_closed.get(table.pk)
        service = table_service_of(previous) if previous is not None else None
        state = table_state(
            SessionFacts(
                is_open=False,
                opened_at=previous.opened_at,
                closed_at=previous.closed_at,
                cleared_at=service.cleared_at if service else None,
            )
            if previous is not None
            else None,
            now=now,
        )
        cards.append(_card(table, state=state))
    return cards


def floor_snapshot(*, access: FloorAccess, now: datetime.datetime | None = None):
    """Return everything a waiter's tablet shows, numbered for resync.

    The stream's number is read first: an event that commits meanwhile is
    either in the snapshot and numbered after it (applied again, harmlessly)
    or numbered after it and applied once.
    """
    restaurant = access.restaurant
    seq = current_seq(restaurant_id=restaurant.pk, stream=FLOOR)
    now = now or timezone.now()
    return {
        "seq": seq,
        "now": utc_iso(now),
        "restaurant": {
            "id": restaurant.pk,
            "name": restaurant.name,
            "slug": restaurant.slug,
            "currency": restaurant.currency,
            "void_approval_over_minor": restaurant.void_approval_over_minor,
        },
        "me": {
            "id": access.user_id,
            "roles": sorted(access.roles),
            "is_manager": access.is_manager,
        },
        "areas": [
            {"id": area.pk, "name": area.name}
            for area in Area.objects.filter(restaurant_id=restaurant.pk)
        ],
        "sections": section_list(restaurant_id=restaurant.pk),
        "staff": floor_staff(restaurant_id=restaurant.pk),
        "tables": floor_tables(restaurant_id=restaurant.pk, now=now),
        "voids": voids_pending(restaurant_id=restaurant.pk),
        "alerts": open_alerts(restaurant_id=restaurant.pk),
    }


def floor_tables_fresh(*, restaurant_id: int, table_ids: list[int]) -> dict:
    """Return some tables' cards with the stream position they reflect."""
    seq = current_seq(restaurant_id=restaurant_id, stream=FLOOR)
    return {
        "seq": seq,
        "now": utc_iso(timezone.now()),
        "tables": floor_tables(restaurant_id=restaurant_id, table_ids=table_ids),
    }


def calls_live_for_guest(*, table_session_id: int) -> list[dict]:
    """Return the calls still open at a guest's table, oldest first."""
    calls = WaiterCall.objects.filter(
        table_session_id=table_session_id, status__in=LIVE_CALL_STATUSES
    )
    return [call_data_for_guest(call) for call in calls]


def voids_pending(*, restaurant_id: int) -> list[dict]:
    voids = voids_with_details().filter(
        restaurant_id=restaurant_id, status=VoidStatus.PENDING
    )
    return [void_data(void) for void in voids]


def section_list(*, restaurant_id: int) -> list[dict]:
    sections = Section.objects.filter(restaurant_id=restaurant_id).select_related(
        "waiter"
    )
    return [
        {"area": s.area_id, "waiter": s.waiter_id, "name": staff_name(s.waiter)}
        for s in sections
    ]


def floor_staff(*, restaurant_id: int) -> list[dict]:
    """Return the restaurant's active floor staff, for assigning sections."""
    members = (
        StaffMember.objects.filter(
            restaurant_id=restaurant_id, is_active=True, role__in=FLOOR_ROLES
        )
        .select_related("user")
        .order_by("user__first_name", "user__username")
    )
    return [
        {"id": m.user_id, "name": staff_name(m.user), "role": m.role}
        for m in members
        if m.user.is_active
    ]
