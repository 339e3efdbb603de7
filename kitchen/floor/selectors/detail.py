"""One party's visit as the waiter sees it at the table, and the loyalty
members identified there."""

from django.db.models import Prefetch

from kitchen.floor.access import floor_session_require
from kitchen.floor.models import LIVE_CALL_STATUSES, VoidStatus
from kitchen.floor.selectors.payloads import (
    call_data,
    calls_with_details,
    earliest,
    void_data,
    voids_with_details,
)
from kitchen.models import Ticket, TicketLine, TicketStatus
from loyalty.selectors import members_at_table as loyalty_members_at_table
from ordering.models import (
    LineStatus,
    Order,
    OrderLine,
    OrderStatus,
    TableSession,
    TableSessionStatus,
)
from ordering.serializers import line_data, utc_iso


def session_group(*, table_session: TableSession) -> list[TableSession]:
    """Return the party a session belongs to: its root session first, then
    the open sessions merged into it."""
    root = table_session
    seen = {root.pk}
    while root.merged_into_id is not None and root.merged_into_id not in seen:
        parent = (
            TableSession.objects.select_related("table")
            .filter(pk=root.merged_into_id)
            .first()
        )
        if parent is None:
            break
        root = parent
        seen.add(root.pk)
    merged = list(
        TableSession.objects.filter(
            merged_into=root, status=TableSessionStatus.OPEN
        ).select_related("table")
    )
    return [root, *[s for s in merged if s.pk != root.pk]]


def _line(line: OrderLine) -> dict:
    return {
        **line_data(line),
        "void_reason": line.void_reason,
        "voided_at": utc_iso(line.voided_at),
    }


def _order(order: Order, *, table_label: str) -> dict:
    return {
        "id": order.pk,
        "number": order.number,
        "status": order.status,
        "table_session": order.table_session_id,
        "table_label": table_label,
        "note": order.note,
        "total_minor": order.total_minor,
        "placed_at": utc_iso(order.placed_at),
        "placed_by_staff": order.guest.staff_user_id is not None
        if order.guest
        else False,
        "version": order.version,
        "lines": [_line(line) for line in order.lines.all()],
    }


def _ticket(ticket: Ticket) -> dict:
    return {
        "id": ticket.pk,
        "version": ticket.version,
        "status": ticket.status,
        "course": ticket.course,
        "station": ticket.station.name,
        "number": ticket.order.number,
        "order_lines": [line.order_line_id for line in ticket.lines.all()],
        "fired_at": utc_iso(ticket.fired_at),
        "ready_at": utc_iso(ticket.ready_at),
        "served_at": utc_iso(ticket.served_at),
    }


def _first_order_at(session: TableSession, orders: list[Order]):
    """Stored when ordering records it; until then, the first placed order."""
    if session.first_order_at is not None:
        return session.first_order_at
    return earliest(o.placed_at for o in orders if o.table_session_id == session.pk)


def table_session_detail(
    *, table_session_id: int, lang: str | None = None
) -> dict | None:
    """Return one party's visit as the waiter sees it at the table: orders
    with every line's allergens, notes and progress, tickets, held courses,
    live calls, voids waiting for a manager, and identified members."""
    session = (
        TableSession.objects.select_related("table", "restaurant")
        .filter(pk=table_session_id)
        .first()
    )
    if session is None:
        return None
    group = session_group(table_session=session) if session.is_open else [session]
    if session.pk not in [s.pk for s in group]:
        group = [session]
    ids = [s.pk for s in group]
    labels = {s.pk: s.table.label for s in group}
    orders = list(
        Order.objects.filter(table_session_id__in=ids)
        .exclude(status=OrderStatus.DRAFT)
        .select_related("guest")
        .order_by("placed_at", "id")
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("id")))
    )
    tickets = (
        Ticket.objects.filter(order__table_session_id__in=ids)
        .exclude(status=TicketStatus.CANCELLED)
        .select_related("station", "order")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=TicketLine.objects.only("id", "ticket_id", "order_line_id"),
            )
        )
        .order_by("course", "station__position", "id")
    )
    voids = voids_with_details().filter(
        order_line__order__table_session_id__in=ids, status=VoidStatus.PENDING
    )
    calls = calls_with_details().filter(
        table_session_id__in=ids, status__in=LIVE_CALL_STATUSES
    )
    root = group[0]
    total = sum(
        line.line_total_minor
        for order in orders
        for line in order.lines.all()
        if line.status != LineStatus.CANCELLED
        and order.status not in (OrderStatus.CANCELLED,)
    )
    return {
        "table_session": {
            "id": session.pk,
            "status": session.status,
            "table": session.table_id,
            "label": session.table.label,
            "party_size": session.party_size,
            "opened_at": utc_iso(session.opened_at),
            "closed_at": utc_iso(session.closed_at),
            "first_order_at": utc_iso(_first_order_at(root, orders)),
            "food_served_at": utc_iso(root.food_served_at),
            "bill_requested_at": utc_iso(earliest(s.bill_requested_at for s in group)),
            "paid_at": utc_iso(root.paid_at),
            "merged_into": root.pk if root.pk != session.pk else None,
            "group": [
                {"table_session": s.pk, "table": s.table_id, "label": s.table.label}
                for s in group
            ],
        },
        "currency": session.restaurant.currency,
        "total_minor": total,
        "orders": [
            _order(order, table_label=labels.get(order.table_session_id, ""))
            for order in orders
        ],
        "tickets": [_ticket(ticket) for ticket in tickets],
        "calls": [call_data(call) for call in calls],
        "voids": [void_data(void) for void in voids],
        "members": members_at_tables(table_session_ids=ids, lang=lang),
    }


def members_at_tables(
    *, table_session_ids: list[int], lang: str | None = None
) -> list[dict]:
    """Return the loyalty members identified at these sessions (a party, with
    its merged tables): first name, tier, visits, diet notes and the usual
    order (empty without the member's consent to personal suggestions).

    Read through the loyalty app's selector, which leaves out erased members.
    """
    members: list[dict] = []
    seen: set[int] = set()
    for table_session_id in table_session_ids:
        for member in loyalty_members_at_table(
            table_session_id=table_session_id, lang=lang
        ):
            if member.member_id in seen:
                continue
            seen.add(member.member_id)
            members.append(
                {
                    "member": member.member_id,
                    "table_session": table_session_id,
                    "first_name": member.first_name,
                    "tier": member.tier,
                    "visits": member.visits,
                    "usual": list(member.usual_order),
                    "diet_notes": member.diet_notes,
                    "is_birthday_week": member.is_birthday_week,
                }
            )
    return members


def staff_cart_get(*, table_session_id: int, user) -> Order | None:
    """Return the waiter's own cart at a table (None before their first dish).

    Raise unless the user works on the floor of the table's restaurant.
    """
    floor_session_require(user=user, table_session_id=table_session_id)
    return (
        Order.objects.filter(
            table_session_id=table_session_id,
            guest__staff_user=user,
            status=OrderStatus.DRAFT,
        )
        .select_related("restaurant")
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("id")))
        .first()
    )
