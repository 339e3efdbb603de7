"""Service at the table: ordering on the guests' behalf, firing the next
course, serving what is ready.

Orders go through the waiter's own guest at the table and the guests' cart
services, so a waiter's order follows exactly the guests' rules and prices;
courses and serving go through the kitchen's ticket services.
"""

from django.db import transaction
from django.utils import timezone

from kitchen.floor.access import floor_session_require
from kitchen.floor.selectors.detail import session_group
from kitchen.floor.services.common import waiter_of_record_claim
from kitchen.models import Ticket, TicketStatus
from kitchen.services.tickets import course_fire, table_serve, ticket_move
from ordering.models import Order, TableSession
from ordering.services.orders import (
    cart_line_add,
    cart_line_remove,
    cart_line_update,
    order_submit,
)
from ordering.services.tables import guest_for_staff

# Tickets still on their way to the table.
UNSERVED = [
    TicketStatus.HELD,
    TicketStatus.RECEIVED,
    TicketStatus.PREPARING,
    TicketStatus.READY,
]


@transaction.atomic
def staff_cart_line_add(
    *,
    table_session_id: int,
    user,
    menu_item_id: int,
    quantity: int,
    modifier_ids: list[int] | None = None,
    note: str = "",
) -> Order:
    """Put a dish in the waiter's cart for the table (the guests' rules)."""
    guest = guest_for_staff(table_session_id=table_session_id, user=user)
    return cart_line_add(
        guest=guest,
        menu_item_id=menu_item_id,
        quantity=quantity,
        modifier_ids=modifier_ids,
        note=note,
    )


@transaction.atomic
def staff_cart_line_update(
    *, table_session_id: int, user, line_id: int, quantity: int, note=None
) -> Order:
    guest = guest_for_staff(table_session_id=table_session_id, user=user)
    return cart_line_update(guest=guest, line_id=line_id, quantity=quantity, note=note)


@transaction.atomic
def staff_cart_line_remove(*, table_session_id: int, user, line_id: int) -> Order:
    guest = guest_for_staff(table_session_id=table_session_id, user=user)
    return cart_line_remove(guest=guest, line_id=line_id)


def staff_order_submit(
    *, table_session_id: int, user, cart_id: int, note: str = ""
) -> Order:
    """Place the waiter's cart for the table, as a guest places theirs.

    Not wrapped in one transaction: like a guest's, a cart whose prices
    changed is saved re-priced and refused, for the waiter to check.
    """
    guest = guest_for_staff(table_session_id=table_session_id, user=user)
    order = order_submit(guest=guest, cart_id=cart_id, note=note)
    with transaction.atomic():
        waiter_of_record_claim(table_session_id=table_session_id, user=user)
    return order


def _food_served_stamp(table_session_id: int) -> None:
    """Record when the party's food is all on the table.

    Once: the first time nothing the party ordered is held, cooking or
    waiting at the pass. A dessert ordered later does not move it.
    """
    session = TableSession.objects.filter(pk=table_session_id).first()
    if session is None:
        return
    group = session_group(table_session=session)
    ids = [s.pk for s in group]
    if Ticket.objects.filter(
        order__table_session_id__in=ids, status__in=UNSERVED
    ).exists():
        return
    TableSession.objects.filter(pk=group[0].pk, food_served_at__isnull=True).update(
        food_served_at=timezone.now()
    )


@transaction.atomic
def floor_table_serve(*, table_session_id: int, user) -> list[Ticket]:
    """Mark everything of the party that is ready as served (at every table
    merged with it)."""
    # Outsiders learn nothing, not even whether anything is ready.
    session = floor_session_require(user=user, table_session_id=table_session_id)
    ids = [s.pk for s in session_group(table_session=session)]
    with_ready = sorted(
        set(
            Ticket.objects.filter(
                order__table_session_id__in=ids, status=TicketStatus.READY
            ).values_list("order__table_session_id", flat=True)
        )
    )
    tickets = []
    # With nothing ready, the kitchen's service says so (and checks the user).
    for member_id in with_ready or [table_session_id]:
        tickets += table_serve(table_session_id=member_id, by=user)
    waiter_of_record_claim(table_session_id=table_session_id, user=user)
    _food_served_stamp(table_session_id)
    return tickets


@transaction.atomic
def floor_ticket_serve(*, ticket_id: int, user) -> Ticket:
    """Mark one ready ticket served (one station's dishes of one course)."""
    ticket = ticket_move(ticket_id=ticket_id, action="serve", by=user)
    table_session_id = ticket.order.table_session_id
    waiter_of_record_claim(table_session_id=table_session_id, user=user)
    _food_served_stamp(table_session_id)
    return ticket


@transaction.atomic
def floor_course_fire(*, table_session_id: int, course: int, user) -> list[Ticket]:
    """Send the table's held course (and any earlier) to the kitchen now."""
    floor_session_require(user=user, table_session_id=table_session_id)
    tickets = course_fire(table_session_id=table_session_id, course=course, by=user)
    waiter_of_record_claim(table_session_id=table_session_id, user=user)
    return tickets
