import pytest

from kitchen.exceptions import TicketStateError
from kitchen.models import Station, Ticket
from kitchen.services.tickets import (
    course_fire,
    table_serve,
    ticket_line_done,
    ticket_move,
    tickets_acknowledge,
)
from ordering.exceptions import PermissionDeniedError
from ordering.models import Order
from tests.factories import RestaurantFactory


@pytest.fixture
def cook(staff):
    return staff("kitchen")


def _steak(menu):
    return (menu.steak, 1, [menu.medium.pk, menu.mash.pk])


def _tickets(order):
    return {(t.station.code, t.course): t for t in Ticket.objects.filter(order=order)}


def test_an_order_becomes_one_ticket_per_station_and_course(
    menu, place, capture_events
):
    # when: soup (hot, course 1), beer (bar, course 1), steak (grill, course 2)
    with capture_events() as sent:
        order = place([(menu.soup, 2), (menu.beer, 1), _steak(menu)])
    # then
    tickets = _tickets(order)
    assert {key: t.status for key, t in tickets.items()} == {
        ("hot", 1): "received",
        ("bar", 1): "received",
        ("grill", 2): "held",
    }
    assert tickets[("grill", 2)].fired_at is None
    assert dict(order.lines.values_list("menu_item_id", "status")) == {
        menu.soup.pk: "received",
        menu.beer.pk: "received",
        menu.steak.pk: "held",
    }
    assert set(Station.objects.values_list("code", flat=True)) == {
        "hot",
        "bar",
        "grill",
    }
    kitchen = [env for group, env in sent if group.startswith("kitchen.")]
    assert [env["event"] for env in kitchen] == ["ticket.created"] * 3
    assert [env["seq"] for env in kitchen] == [1, 2, 3]


def test_the_cook_moves_a_ticket_and_the_order_follows(
    menu, place, cook, capture_events
):
    # given
    order = place([(menu.soup, 1)])
    ticket = Ticket.objects.get(order=order)
    # when / then
    with capture_events() as sent:
        ticket_move(ticket_id=ticket.pk, action="start", by=cook)
    order.refresh_from_db()
    assert order.status == "preparing"
    assert [(g.split(".")[0], e["event"]) for g, e in sent] == [
        ("kitchen", "ticket.updated"),
        ("table", "order.updated"),
        ("floor", "order.updated"),
    ]
    with capture_events() as sent:
        ticket_move(ticket_id=ticket.pk, action="bump", by=cook)
    order.refresh_from_db()
    assert order.status == "ready"
    assert ("floor", "ticket.ready") in [(g.split(".")[0], e["event"]) for g, e in sent]
    ticket_move(ticket_id=ticket.pk, action="recall", by=cook)
    assert Order.objects.get(pk=order.pk).status == "preparing"
    ticket_move(ticket_id=ticket.pk, action="bump", by=cook)
    ticket_move(ticket_id=ticket.pk, action="serve", by=cook)
    order.refresh_from_db()
    assert order.status == "served"
    ticket.refresh_from_db()
    assert None not in (ticket.started_at, ticket.ready_at, ticket.served_at)


@pytest.mark.parametrize(
    ("_case", "path", "bad"),
    [
        ("serve before ready", [], "serve"),
        ("recall a new ticket", [], "recall"),
        ("start twice", ["start"], "start"),
        ("bump a served ticket", ["bump", "serve"], "bump"),
        ("unknown action", [], "fry"),
    ],
)
def test_impossible_moves_are_refused(
    menu, place, cook, capture_events, _case, path, bad
):
    # given
    ticket = Ticket.objects.get(order=place([(menu.soup, 1)]))
    for action in path:
        ticket_move(ticket_id=ticket.pk, action=action, by=cook)
    before = Ticket.objects.get(pk=ticket.pk)
    # when / then
    with capture_events() as sent, pytest.raises(TicketStateError):
        ticket_move(ticket_id=ticket.pk, action=bad, by=cook)
    after = Ticket.objects.get(pk=ticket.pk)
    assert (after.status, after.version) == (before.status, before.version)
    assert sent == []


def test_the_next_course_fires_when_the_previous_is_served(menu, place, cook):
    # given: a starter and a main at the table
    order = place([(menu.soup, 1), _steak(menu)])
    tickets = _tickets(order)
    soup, steak = tickets[("hot", 1)], tickets[("grill", 2)]
    # when
    ticket_move(ticket_id=soup.pk, action="bump", by=cook)
    steak.refresh_from_db()
    assert steak.status == "held"
    ticket_move(ticket_id=soup.pk, action="serve", by=cook)
    # then
    steak.refresh_from_db()
    assert steak.status == "received"
    assert steak.fired_at is not None
    assert Order.objects.get(pk=order.pk).lines.get(menu_item=menu.steak).status == (
        "received"
    )


def test_a_waiter_fires_a_course_early(menu, place, staff):
    # given
    order = place([(menu.soup, 1), _steak(menu)])
    steak = _tickets(order)[("grill", 2)]
    # when
    fired = course_fire(
        table_session_id=order.table_session_id, course=2, by=staff("waiter")
    )
    # then
    assert [t.pk for t in fired] == [steak.pk]
    steak.refresh_from_db()
    assert steak.status == "received"
    with pytest.raises(TicketStateError):
        course_fire(table_session_id=order.table_session_id, course=2, by=staff())


def test_a_main_alone_fires_at_once_and_later_mains_follow_the_fired_course(
    menu, place, join
):
    # given: a table that ordered only a main
    first = place([_steak(menu)])
    assert _tickets(first)[("grill", 2)].status == "received"
    # when: someone at the same table orders another main later
    second = place([_steak(menu)], guest=join()[0])
    # then: course 2 is already being cooked for this table, so it goes now
    assert _tickets(second)[("grill", 2)].status == "received"


def test_crossing_off_the_last_item_bumps_the_ticket(menu, place, cook):
    # given
    order = place([(menu.soup, 2)])
    ticket = Ticket.objects.get(order=order)
    line = ticket.lines.get()
    # when
    ticket_line_done(ticket_line_id=line.pk, done=True, by=cook)
    # then
    ticket.refresh_from_db()
    assert ticket.status == "ready"
    assert Order.objects.get(pk=order.pk).status == "ready"


def test_crossing_off_one_of_two_items_marks_only_that_line(menu, place, cook, staff):
    # given: two hot dishes on one ticket
    from tests.factories import MenuItemFactory

    stew = MenuItemFactory(
        restaurant=menu.restaurant, category=menu.soup.category, station="hot"
    )
    order = place([(menu.soup, 1), (stew, 1)])
    ticket = Ticket.objects.get(order=order)
    soup_line = ticket.lines.get(order_line__menu_item=menu.soup)
    # when
    ticket_line_done(ticket_line_id=soup_line.pk, done=True, by=cook)
    # then
    ticket.refresh_from_db()
    assert ticket.status == "received"
    statuses = dict(order.lines.values_list("menu_item_id", "status"))
    assert statuses == {menu.soup.pk: "ready", stew.pk: "received"}
    # and undoing it puts it back
    ticket_line_done(ticket_line_id=soup_line.pk, done=False, by=cook)
    assert order.lines.get(menu_item=menu.soup).status == "received"


def test_expo_serves_a_whole_table(menu, place, cook):
    # given: soup and beer, both bumped
    order = place([(menu.soup, 1), (menu.beer, 1)])
    for ticket in Ticket.objects.filter(order=order):
        ticket_move(ticket_id=ticket.pk, action="bump", by=cook)
    # when
    served = table_serve(table_session_id=order.table_session_id, by=cook)
    # then
    assert len(served) == 2
    assert Order.objects.get(pk=order.pk).status == "served"
    with pytest.raises(TicketStateError):
        table_serve(table_session_id=order.table_session_id, by=cook)


@pytest.mark.parametrize(
    ("_case", "role", "action", "allowed"),
    [
        ("cook starts", "kitchen", "start", True),
        ("waiter cannot cook", "waiter", "start", False),
        ("manager can", "manager", "start", True),
    ],
)
def test_roles(menu, place, staff, _case, role, action, allowed):
    ticket = Ticket.objects.get(order=place([(menu.soup, 1)]))
    if allowed:
        ticket_move(ticket_id=ticket.pk, action=action, by=staff(role))
    else:
        with pytest.raises(PermissionDeniedError):
            ticket_move(ticket_id=ticket.pk, action=action, by=staff(role))


def test_staff_of_another_restaurant_cannot_touch_tickets(menu, place, staff):
    # given
    ticket = Ticket.objects.get(order=place([(menu.soup, 1)]))
    outsider = staff("kitchen", at=RestaurantFactory())
    # when / then
    with pytest.raises(PermissionDeniedError):
        ticket_move(ticket_id=ticket.pk, action="start", by=outsider)
    with pytest.raises(PermissionDeniedError):
        tickets_acknowledge(ticket_ids=[ticket.pk], by=outsider)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.acknowledged_at) == ("received", None)


def test_acknowledging_counts_once_and_only_fired_tickets(menu, place, cook):
    # given
    order = place([(menu.soup, 1), _steak(menu)])
    tickets = _tickets(order)
    ids = [t.pk for t in tickets.values()]
    # when
    first = tickets_acknowledge(ticket_ids=ids, by=cook)
    again = tickets_acknowledge(ticket_ids=ids, by=cook)
    # then: the held steak is not on any screen yet, so it cannot be seen
    assert (first, again) == (1, 0)
    assert Ticket.objects.get(pk=tickets[("grill", 2)].pk).acknowledged_at is None
