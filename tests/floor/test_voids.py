"""Voiding ordered lines: off the bill and off the kitchen's tickets, with a
manager's approval above the restaurant's threshold."""

import pytest

from kitchen.floor.exceptions import VoidError
from kitchen.floor.models import LineVoid
from kitchen.floor.services.voids import (
    line_void_approve,
    line_void_reject,
    order_line_void,
)
from kitchen.models import Ticket, TicketLine
from kitchen.services.tickets import ticket_move
from ordering.exceptions import PermissionDeniedError
from ordering.models import Order, OrderLine, Payment, PaymentAllocation
from tests.factories import MenuItemFactory, StaffFactory
from tests.floor.conftest import events_to


def _cook(menu):
    return StaffFactory(restaurant=menu.restaurant, role="kitchen").user


@pytest.fixture
def salad(menu):
    """A second dish for the hot kitchen, orderable at any hour."""
    return MenuItemFactory(
        restaurant=menu.restaurant,
        category=menu.soup.category,
        name_fi="Salaatti",
        price_minor=1200,
        station="hot",
    )


def _line(order, item) -> OrderLine:
    return order.lines.get(menu_item=item)


def _steak(menu):
    return (menu.steak, 1, [menu.medium.pk, menu.mash.pk])


def test_a_waiter_voids_a_cheap_line_at_once(menu, place, waiter, capture_events):
    # given: soup 16.90 (under the 20.00 threshold) and two beers
    order = place([(menu.soup, 1), (menu.beer, 2)])
    soup = _line(order, menu.soup)
    # when
    with capture_events() as sent:
        void = order_line_void(
            order_line_id=soup.pk, reason="Guest changed their mind", user=waiter
        )
    # then: the line is off the bill, with who and why
    soup.refresh_from_db()
    assert (soup.status, soup.void_reason) == ("cancelled", "Guest changed their mind")
    assert (soup.voided_by_id, soup.void_approved_by_id) == (waiter.pk, None)
    assert soup.voided_at is not None
    assert (void.status, void.amount_minor, void.decided_by_id) == (
        "approved",
        1690,
        waiter.pk,
    )
    order.refresh_from_db()
    assert order.total_minor == 1700
    assert order.status == "received"
    # and off the kitchen: the soup's ticket had nothing else, so it is cancelled
    soup_ticket = Ticket.objects.get(order=order, station__code="hot")
    assert soup_ticket.status == "cancelled"
    assert Ticket.objects.get(order=order, station__code="bar").status == "received"
    assert [env["event"] for group, env in sent if group.startswith("kitchen.")] == [
        "ticket.updated"
    ]
    assert events_to(sent, "floor.") == ["order.updated", "void.approved"]
    assert events_to(sent, "table.") == ["order.updated"]
    order_event = next(env for group, env in sent if group.startswith("table."))
    assert order_event["data"]["total_minor"] == 1700
    assert [line["status"] for line in order_event["data"]["lines"]] == [
        "cancelled",
        "received",
    ]


def test_voiding_one_of_a_tickets_lines_takes_it_off_the_ticket(
    menu, salad, place, waiter
):
    # given: soup and a salad on one hot-kitchen ticket
    order = place([(menu.soup, 1), (salad, 1)])
    soup = _line(order, menu.soup)
    ticket = Ticket.objects.get(order=order)
    # when
    order_line_void(order_line_id=soup.pk, reason="Wrong table", user=waiter)
    # then
    ticket.refresh_from_db()
    assert ticket.status == "received"
    assert ticket.version == 2
    assert list(
        TicketLine.objects.filter(ticket=ticket).values_list(
            "order_line__menu_item_id", flat=True
        )
    ) == [salad.pk]
    # and the kitchen moving the ticket later leaves the voided line cancelled
    cook = _cook(menu)
    ticket_move(ticket_id=ticket.pk, action="bump", by=cook)
    assert OrderLine.objects.get(pk=soup.pk).status == "cancelled"
    assert Order.objects.get(pk=order.pk).status == "ready"


def test_the_last_uncooked_item_voided_makes_the_ticket_ready(
    menu, salad, place, waiter
):
    # given: the cook crossed off the salad; the soup is still to do
    order = place([(menu.soup, 1), (salad, 1)])
    ticket = Ticket.objects.get(order=order)
    TicketLine.objects.filter(ticket=ticket, order_line__menu_item=salad).update(
        done_at="2026-11-20T17:00:00Z"
    )
    # when
    order_line_void(
        order_line_id=_line(order, menu.soup).pk, reason="Out of soup", user=waiter
    )
    # then
    ticket.refresh_from_db()
    assert (ticket.status, ticket.ready_at is not None) == ("ready", True)
    assert Order.objects.get(pk=order.pk).status == "ready"


def test_voiding_the_starter_fires_the_held_main_course(menu, place, waiter):
    # given: the steak waits for the soup
    order = place([(menu.soup, 1), _steak(menu)])
    steak_ticket = Ticket.objects.get(order=order, station__code="grill")
    assert steak_ticket.status == "held"
    # when
    order_line_void(
        order_line_id=_line(order, menu.soup).pk, reason="Skipped", user=waiter
    )
    # then
    steak_ticket.refresh_from_db()
    assert steak_ticket.status == "received"
    assert steak_ticket.fired_at is not None


def test_a_waiters_void_over_the_threshold_waits_for_a_manager(
    menu, place, waiter, manager, capture_events
):
    # given: a steak, 34.00 (over 20.00), its own course
    order = place([_steak(menu)])
    steak = _line(order, menu.steak)
    # when
    with capture_events() as sent:
        void = order_line_void(order_line_id=steak.pk, reason="Too rare", user=waiter)
    # then: nothing changes yet
    assert (void.status, void.requested_by_id, void.decided_at) == (
        "pending",
        waiter.pk,
        None,
    )
    steak.refresh_from_db()
    assert (steak.status, steak.voided_at) == ("received", None)
    assert Order.objects.get(pk=order.pk).total_minor == 3400
    assert Ticket.objects.get(order=order).status == "received"
    assert events_to(sent, "floor.") == ["void.requested"]
    assert events_to(sent, "kitchen.") == []
    # asking again returns the same request
    again = order_line_void(order_line_id=steak.pk, reason="Too rare", user=waiter)
    assert again.pk == void.pk
    assert LineVoid.objects.count() == 1

    # when: the manager approves on their own login
    with capture_events() as sent:
        approved = line_void_approve(void_id=void.pk, user=manager)
    # then
    steak.refresh_from_db()
    assert steak.status == "cancelled"
    assert (steak.voided_by_id, steak.void_approved_by_id) == (waiter.pk, manager.pk)
    assert steak.void_reason == "Too rare"
    assert (approved.status, approved.decided_by_id) == ("approved", manager.pk)
    order.refresh_from_db()
    assert (order.total_minor, order.status) == (0, "cancelled")
    assert Ticket.objects.get(order=order).status == "cancelled"
    assert events_to(sent, "floor.") == ["order.updated", "void.approved"]


def test_a_manager_turns_a_void_down(menu, place, waiter, manager, capture_events):
    # given
    order = place([_steak(menu)])
    void = order_line_void(
        order_line_id=_line(order, menu.steak).pk, reason="x", user=waiter
    )
    # when
    with capture_events() as sent:
        rejected = line_void_reject(void_id=void.pk, user=manager)
    # then
    assert (rejected.status, rejected.decided_by_id) == ("rejected", manager.pk)
    assert _line(order, menu.steak).status == "received"
    assert Order.objects.get(pk=order.pk).total_minor == 3400
    assert events_to(sent, "floor.") == ["void.rejected"]
    # and a decided void cannot be decided again
    with pytest.raises(VoidError):
        line_void_approve(void_id=void.pk, user=manager)


@pytest.mark.parametrize("_case", ["approve", "reject"])
def test_a_waiter_cannot_decide_a_void(
    menu, place, waiter, staff, capture_events, _case
):
    # given
    order = place([_steak(menu)])
    void = order_line_void(
        order_line_id=_line(order, menu.steak).pk, reason="x", user=waiter
    )
    decide = line_void_approve if _case == "approve" else line_void_reject
    # when / then: not even another waiter
    with capture_events() as sent, pytest.raises(PermissionDeniedError):
        decide(void_id=void.pk, user=staff("waiter"))
    assert LineVoid.objects.get(pk=void.pk).status == "pending"
    assert sent == []


def test_a_manager_voids_an_expensive_line_at_once(menu, place, manager):
    # given
    order = place([_steak(menu), (menu.beer, 1)])
    steak = _line(order, menu.steak)
    # when
    void = order_line_void(order_line_id=steak.pk, reason="Comp", user=manager)
    # then
    steak.refresh_from_db()
    assert void.status == "approved"
    assert (steak.status, steak.void_approved_by_id) == ("cancelled", manager.pk)
    assert Order.objects.get(pk=order.pk).total_minor == 850


def test_a_manager_voiding_a_waiting_line_approves_the_request(
    menu, place, waiter, manager
):
    # given
    order = place([_steak(menu)])
    steak = _line(order, menu.steak)
    void = order_line_void(order_line_id=steak.pk, reason="Burnt", user=waiter)
    # when
    done = order_line_void(order_line_id=steak.pk, reason="ok", user=manager)
    # then
    assert done.pk == void.pk
    assert done.status == "approved"
    steak.refresh_from_db()
    assert (steak.void_reason, steak.voided_by_id) == ("Burnt", waiter.pk)


def test_a_served_dish_is_voided_but_its_ticket_keeps_its_history(menu, place, waiter):
    # given: the soup was cooked and served
    order = place([(menu.soup, 1), (menu.beer, 1)])
    cook = _cook(menu)
    ticket = Ticket.objects.get(order=order, station__code="hot")
    ticket_move(ticket_id=ticket.pk, action="bump", by=cook)
    ticket_move(ticket_id=ticket.pk, action="serve", by=cook)
    # when
    order_line_void(
        order_line_id=_line(order, menu.soup).pk, reason="Cold", user=waiter
    )
    # then
    ticket.refresh_from_db()
    assert (ticket.status, ticket.version) == ("served", 3)
    assert _line(order, menu.soup).status == "cancelled"
    assert Order.objects.get(pk=order.pk).total_minor == 850


@pytest.mark.parametrize(
    ("_case", "reason", "code"),
    [
        ("no reason", "  ", "void_reason_missing"),
        ("long", "x" * 201, "void_reason_too_long"),
    ],
)
def test_a_void_needs_a_short_reason(
    menu, place, waiter, capture_events, _case, reason, code
):
    order = place([(menu.soup, 1)])
    with capture_events() as sent, pytest.raises(VoidError) as error:
        order_line_void(
            order_line_id=_line(order, menu.soup).pk, reason=reason, user=waiter
        )
    assert error.value.code == code
    assert _line(order, menu.soup).status == "received"
    assert LineVoid.objects.count() == 0
    assert sent == []


def test_a_voided_line_cannot_be_voided_again(menu, place, waiter):
    order = place([(menu.soup, 1), (menu.beer, 1)])
    soup = _line(order, menu.soup)
    order_line_void(order_line_id=soup.pk, reason="x", user=waiter)
    with pytest.raises(VoidError):
        order_line_void(order_line_id=soup.pk, reason="x", user=waiter)
    assert LineVoid.objects.count() == 1


def test_a_paid_line_is_refunded_not_voided(menu, place, waiter, capture_events):
    # given: the soup is paid
    order = place([(menu.soup, 1)])
    soup = _line(order, menu.soup)
    payment = Payment.objects.create(
        restaurant=menu.restaurant,
        table_session=order.table_session,
        status="succeeded",
        amount_minor=1690,
        total_minor=1690,
        currency="EUR",
    )
    PaymentAllocation.objects.create(
        payment=payment, order_line=soup, amount_minor=1690
    )
    # when / then
    with capture_events() as sent, pytest.raises(VoidError) as error:
        order_line_void(order_line_id=soup.pk, reason="x", user=waiter)
    assert error.value.code == "void_line_paid"
    assert _line(order, menu.soup).status == "received"
    assert sent == []


def test_staff_of_another_restaurant_cannot_void(menu, place, outsider, capture_events):
    order = place([(menu.soup, 1)])
    with capture_events() as sent, pytest.raises(PermissionDeniedError):
        order_line_void(
            order_line_id=_line(order, menu.soup).pk, reason="x", user=outsider
        )
    assert _line(order, menu.soup).status == "received"
    assert LineVoid.objects.count() == 0
    assert sent == []
