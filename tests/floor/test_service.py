"""Service at the table: a waiter orders for the guests (through the guests'
own cart services), fires the next course and serves what is ready."""

import pytest

from kitchen.exceptions import TicketStateError
from kitchen.floor.models import TableService
from kitchen.floor.services.calls import (
    waiter_call_acknowledge,
    waiter_call_create,
)
from kitchen.floor.services.service import (
    floor_course_fire,
    floor_table_serve,
    floor_ticket_serve,
    staff_cart_line_add,
    staff_cart_line_remove,
    staff_cart_line_update,
    staff_order_submit,
)
from kitchen.floor.services.tables import floor_table_seat, table_session_merge
from kitchen.models import Ticket
from kitchen.services.tickets import ticket_move
from ordering.exceptions import (
    ItemUnavailableError,
    ModifierRuleError,
    PermissionDeniedError,
    TableClosedError,
)
from ordering.models import Guest, Order, TableSession
from ordering.services.tables import table_session_close
from tests.floor.conftest import events_to


@pytest.fixture
def cook(staff):
    return staff("kitchen")


@pytest.fixture
def seated(floor, waiter) -> TableSession:
    """A party of two seated by the waiter at table 8."""
    return floor_table_seat(table_id=floor.t8.pk, party_size=2, user=waiter)


def _order_for_table(session, user, menu) -> Order:
    staff_cart_line_add(
        table_session_id=session.pk, user=user, menu_item_id=menu.soup.pk, quantity=2
    )
    cart = staff_cart_line_add(
        table_session_id=session.pk,
        user=user,
        menu_item_id=menu.steak.pk,
        quantity=1,
        modifier_ids=[menu.rare.pk, menu.fries.pk],
        note="no salt",
    )
    return staff_order_submit(table_session_id=session.pk, user=user, cart_id=cart.pk)


def test_a_waiter_orders_for_the_table_like_a_guest(
    menu, seated, waiter, capture_events
):
    # when
    with capture_events() as sent:
        order = _order_for_table(seated, waiter, menu)
    # then: priced and sent to the kitchen as a guest's order would be
    order.refresh_from_db()
    assert (order.status, order.number, order.total_minor) == ("received", 1, 6930)
    assert order.guest.staff_user_id == waiter.pk
    assert order.guest.table_session_id == seated.pk
    assert [(line.quantity, line.note) for line in order.lines.all()] == [
        (2, ""),
        (1, "no salt"),
    ]
    tickets = {t.station.code: t.status for t in Ticket.objects.filter(order=order)}
    assert tickets == {"hot": "received", "grill": "held"}
    assert "order.placed" in events_to(sent, "floor.")
    # the waiter's own guest at the table is reused
    assert Guest.objects.filter(table_session=seated, staff_user=waiter).count() == 1


def test_the_waiter_edits_the_cart_before_sending_it(menu, seated, waiter):
    # given
    cart = staff_cart_line_add(
        table_session_id=seated.pk, user=waiter, menu_item_id=menu.soup.pk, quantity=1
    )
    line = cart.lines.get()
    # when
    cart = staff_cart_line_update(
        table_session_id=seated.pk, user=waiter, line_id=line.pk, quantity=3
    )
    # then
    assert cart.total_minor == 5070
    cart = staff_cart_line_remove(
        table_session_id=seated.pk, user=waiter, line_id=line.pk
    )
    assert (cart.total_minor, cart.lines.count()) == (0, 0)


@pytest.mark.parametrize(
    ("_case", "item", "modifiers", "error"),
    [
        ("required choice missing", "steak", [], ModifierRuleError),
        ("sold out", "sold_out_soup", [], ItemUnavailableError),
    ],
)
def test_the_guests_rules_hold_for_the_waiter(
    menu, seated, waiter, _case, item, modifiers, error
):
    # given
    if item == "sold_out_soup":
        menu.soup.is_available = False
        menu.soup.save()
        item = "soup"
    # when / then
    with pytest.raises(error):
        staff_cart_line_add(
            table_session_id=seated.pk,
            user=waiter,
            menu_item_id=getattr(menu, item).pk,
            quantity=1,
            modifier_ids=modifiers,
        )
    assert not Order.objects.filter(table_session=seated).exclude(lines=None).exists()


def test_no_ordering_for_a_closed_table(menu, seated, waiter):
    table_session_close(table_session_id=seated.pk, user=waiter)
    with pytest.raises(TableClosedError):
        staff_cart_line_add(
            table_session_id=seated.pk,
            user=waiter,
            menu_item_id=menu.soup.pk,
            quantity=1,
        )


def test_staff_of_another_restaurant_cannot_order_for_the_table(menu, seated, outsider):
    with pytest.raises(PermissionDeniedError):
        staff_cart_line_add(
            table_session_id=seated.pk,
            user=outsider,
            menu_item_id=menu.soup.pk,
            quantity=1,
        )
    assert not Guest.objects.filter(staff_user=outsider).exists()


def test_the_waiter_fires_the_main_course_and_serves_it(
    menu, seated, waiter, cook, capture_events
):
    # given: soup (course 1) and steak (course 2, held)
    order = _order_for_table(seated, waiter, menu)
    soup = Ticket.objects.get(order=order, station__code="hot")
    steak = Ticket.objects.get(order=order, station__code="grill")
    # when: the waiter fires course 2 early
    with capture_events() as sent:
        fired = floor_course_fire(table_session_id=seated.pk, course=2, user=waiter)
    # then
    assert [t.pk for t in fired] == [steak.pk]
    assert Ticket.objects.get(pk=steak.pk).status == "received"
    assert "order.updated" in events_to(sent, "floor.")
    # when: the kitchen has both ready, the waiter serves the soup, then the rest
    ticket_move(ticket_id=soup.pk, action="bump", by=cook)
    ticket_move(ticket_id=steak.pk, action="bump", by=cook)
    floor_ticket_serve(ticket_id=soup.pk, user=waiter)
    # then: food is not all served yet
    assert TableSession.objects.get(pk=seated.pk).food_served_at is None
    served = floor_table_serve(table_session_id=seated.pk, user=waiter)
    # then
    assert [t.pk for t in served] == [steak.pk]
    assert Order.objects.get(pk=order.pk).status == "served"
    assert TableSession.objects.get(pk=seated.pk).food_served_at is not None


def test_food_served_waits_for_the_held_course(menu, seated, waiter, cook, clock):
    # given: the soup is ready; the steak still held
    order = _order_for_table(seated, waiter, menu)
    soup = Ticket.objects.get(order=order, station__code="hot")
    ticket_move(ticket_id=soup.pk, action="bump", by=cook)
    # when: the soup is served, the steak fires by itself
    floor_table_serve(table_session_id=seated.pk, user=waiter)
    # then
    assert TableSession.objects.get(pk=seated.pk).food_served_at is None
    steak = Ticket.objects.get(order=order, station__code="grill")
    assert steak.status == "received"
    # when: the steak is served later
    ticket_move(ticket_id=steak.pk, action="bump", by=cook)
    clock.advance(minutes=20)
    floor_ticket_serve(ticket_id=steak.pk, user=waiter)
    # then: stamped once, not moved by later servings
    assert TableSession.objects.get(pk=seated.pk).food_served_at == clock.now


def test_serving_a_merged_party_serves_every_table(
    menu, floor, seated, waiter, cook, guest, place
):
    # given: table 8 merged into 7; both tables have a soup ready
    table_session_merge(
        table_session_id=seated.pk, into_table_id=floor.t7.pk, user=waiter
    )
    at_seven = place([(menu.soup, 1)], guest=guest)
    staff_cart_line_add(
        table_session_id=seated.pk, user=waiter, menu_item_id=menu.soup.pk, quantity=1
    )
    at_eight = staff_order_submit(
        table_session_id=seated.pk,
        user=waiter,
        cart_id=Order.objects.get(table_session=seated, status="draft").pk,
    )
    for order in (at_seven, at_eight):
        ticket_move(
            ticket_id=Ticket.objects.get(order=order).pk, action="bump", by=cook
        )
    # when
    served = floor_table_serve(table_session_id=guest.table_session_id, user=waiter)
    # then
    assert len(served) == 2
    assert set(Ticket.objects.values_list("status", flat=True)) == {"served"}


def test_nothing_ready_to_serve_is_refused(seated, waiter):
    with pytest.raises(TicketStateError):
        floor_table_serve(table_session_id=seated.pk, user=waiter)


def test_the_first_to_look_after_a_party_is_its_waiter(menu, floor, guest, staff):
    # given: guests seated themselves; one waiter orders for them
    first, second = staff("waiter"), staff("waiter")
    cart = staff_cart_line_add(
        table_session_id=guest.table_session_id,
        user=first,
        menu_item_id=menu.soup.pk,
        quantity=1,
    )
    staff_order_submit(
        table_session_id=guest.table_session_id, user=first, cart_id=cart.pk
    )
    # when: a colleague answers the table's call
    call = waiter_call_create(guest=guest, kind="waiter")
    waiter_call_acknowledge(call_id=call.pk, user=second)
    # then
    assert TableService.objects.get().waiter_id == first.pk
