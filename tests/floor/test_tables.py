"""Seating, moving, merging and clearing tables."""

import pytest
from django.core.exceptions import ValidationError

from kitchen.floor.exceptions import FloorTableError
from kitchen.floor.models import TableService, WaiterCall
from kitchen.floor.services.calls import waiter_call_create
from kitchen.floor.services.tables import (
    floor_table_clear,
    floor_table_seat,
    table_session_merge,
    table_session_move,
    table_session_unmerge,
)
from kitchen.models import Ticket
from kitchen.selectors import ticket_data, tickets_with_details
from ordering.exceptions import NotFoundError, PermissionDeniedError
from ordering.models import Order, TableSession
from ordering.services.tables import table_session_close
from tests.factories import TableFactory
from tests.floor.conftest import events_to, floor_events


def _merge(session, table, user):
    return table_session_merge(
        table_session_id=session.pk, into_table_id=table.pk, user=user
    )


def test_a_waiter_seats_a_party_at_a_free_table(floor, waiter, capture_events):
    # when
    with capture_events() as sent:
        session = floor_table_seat(table_id=floor.t8.pk, party_size=4, user=waiter)
    # then
    session.refresh_from_db()
    assert (session.table_id, session.party_size, session.status) == (
        floor.t8.pk,
        4,
        "open",
    )
    assert session.opened_by_id == waiter.pk
    assert TableService.objects.get(table_session=session).waiter_id == waiter.pk
    assert floor_events(sent) == [
        ("table_session.opened", 1),
        ("table_session.seated", 2),
    ]


def test_seating_a_table_whose_guests_scanned_keeps_their_visit(floor, guest, waiter):
    # when
    session = floor_table_seat(table_id=floor.t7.pk, party_size=3, user=waiter)
    # then
    assert session.pk == guest.table_session_id
    assert TableSession.objects.get(pk=session.pk).party_size == 3
    assert TableSession.objects.count() == 1


@pytest.mark.parametrize("party_size", [0, 61])
def test_an_impossible_party_size_is_refused(floor, waiter, party_size):
    with pytest.raises(ValidationError):
        floor_table_seat(table_id=floor.t8.pk, party_size=party_size, user=waiter)
    assert TableSession.objects.count() == 0


def test_staff_of_another_restaurant_cannot_seat(floor, outsider, capture_events):
    with capture_events() as sent, pytest.raises(PermissionDeniedError):
        floor_table_seat(table_id=floor.t8.pk, party_size=2, user=outsider)
    assert TableSession.objects.count() == 0
    assert sent == []


def test_a_party_moves_to_a_free_table_with_its_orders(
    floor, menu, place, guest, waiter, capture_events
):
    # given: table 7 has ordered
    order = place([(menu.soup, 1)], guest=guest)
    # when
    with capture_events() as sent:
        session = table_session_move(
            table_session_id=guest.table_session_id,
            to_table_id=floor.t9.pk,
            user=waiter,
        )
    # then
    assert TableSession.objects.get(pk=session.pk).table_id == floor.t9.pk
    assert Order.objects.get(pk=order.pk).table_session_id == session.pk
    ticket = tickets_with_details().get(order=order)
    assert ticket_data(ticket)["table"] == "9"
    assert events_to(sent, "floor.") == ["table_session.moved"]
    assert events_to(sent, "table.") == ["table_session.moved"]
    moved = next(env for group, env in sent if group.startswith("floor."))
    assert moved["data"] == {
        "table_session": session.pk,
        "from_table": floor.t7.pk,
        "to_table": floor.t9.pk,
    }


@pytest.mark.parametrize(
    ("_case", "target", "error"),
    [
        ("taken", "t8", FloorTableError),
        ("same table", "t7", FloorTableError),
        ("inactive", "inactive", FloorTableError),
        ("another restaurant", "elsewhere", NotFoundError),
    ],
)
def test_impossible_moves_are_refused(
    floor, guest, waiter, elsewhere, capture_events, _case, target, error
):
    # given
    floor_table_seat(table_id=floor.t8.pk, party_size=2, user=waiter)
    tables = {
        "t7": floor.t7,
        "t8": floor.t8,
        "inactive": TableFactory(restaurant=floor.t7.restaurant, is_active=False),
        "elsewhere": elsewhere.tables.get(),
    }
    # when / then
    with capture_events() as sent, pytest.raises(error):
        table_session_move(
            table_session_id=guest.table_session_id,
            to_table_id=tables[target].pk,
            user=waiter,
        )
    assert TableSession.objects.get(pk=guest.table_session_id).table_id == floor.t7.pk
    assert sent == []


def test_another_restaurants_staff_cannot_move_a_party(
    floor, guest, outsider, capture_events
):
    with capture_events() as sent, pytest.raises(PermissionDeniedError):
        table_session_move(
            table_session_id=guest.table_session_id,
            to_table_id=floor.t9.pk,
            user=outsider,
        )
    assert TableSession.objects.get(pk=guest.table_session_id).table_id == floor.t7.pk
    assert sent == []


def test_two_tables_are_merged_into_one_party(floor, guest, waiter, capture_events):
    # given: parties at 7 and 8
    eight = floor_table_seat(table_id=floor.t8.pk, party_size=2, user=waiter)
    # when: the party at 8 joins the one at 7
    with capture_events() as sent:
        merged = table_session_merge(
            table_session_id=eight.pk, into_table_id=floor.t7.pk, user=waiter
        )
    # then: both visits stay open, 8's belongs to 7's
    eight.refresh_from_db()
    assert eight.merged_into_id == guest.table_session_id
    assert merged.pk == eight.pk
    assert set(TableSession.objects.values_list("status", flat=True)) == {"open"}
    assert floor_events(sent) == [("table_session.merged", 4)]
    assert sent[0][1]["data"] == {
        "table_session": eight.pk,
        "table": floor.t8.pk,
        "into_table_session": guest.table_session_id,
        "into_table": floor.t7.pk,
    }


def test_merging_into_a_merged_table_joins_its_party(floor, guest, waiter):
    # given: 8 merged into 7
    eight = floor_table_seat(table_id=floor.t8.pk, party_size=2, user=waiter)
    nine = floor_table_seat(table_id=floor.t9.pk, party_size=2, user=waiter)
    table_session_merge(
        table_session_id=eight.pk, into_table_id=floor.t7.pk, user=waiter
    )
    # when: 9 merges with 8
    table_session_merge(
        table_session_id=nine.pk, into_table_id=floor.t8.pk, user=waiter
    )
    # then: all three are one party, at 7's visit
    roots = dict(TableSession.objects.values_list("table_id", "merged_into_id"))
    assert roots == {
        floor.t7.pk: None,
        floor.t8.pk: guest.table_session_id,
        floor.t9.pk: guest.table_session_id,
    }


def test_a_party_with_merged_tables_joining_another_brings_them(floor, guest, waiter):
    # given: 9 merged into 8
    eight = floor_table_seat(table_id=floor.t8.pk, party_size=2, user=waiter)
    nine = floor_table_seat(table_id=floor.t9.pk, party_size=2, user=waiter)
    table_session_merge(
        table_session_id=nine.pk, into_table_id=floor.t8.pk, user=waiter
    )
    # when: 8 joins 7
    table_session_merge(
        table_session_id=eight.pk, into_table_id=floor.t7.pk, user=waiter
    )
    # then
    nine.refresh_from_db()
    assert nine.merged_into_id == guest.table_session_id


@pytest.mark.parametrize(
    ("_case", "into"),
    [("nobody at the other table", "t9"), ("already together", "t8")],
)
def test_impossible_merges_are_refused(
    floor, guest, waiter, capture_events, _case, into
):
    # given: 8 merged into 7
    eight = floor_table_seat(table_id=floor.t8.pk, party_size=2, user=waiter)
    table_session_merge(
        table_session_id=eight.pk, into_table_id=floor.t7.pk, user=waiter
    )
    # when / then: 7 merging with 9 (free), or with 8 (its own party)
    with capture_events() as sent, pytest.raises(FloorTableError):
        table_session_merge(
            table_session_id=guest.table_session_id,
            into_table_id=getattr(floor, into).pk,
            user=waiter,
        )
    assert TableSession.objects.get(pk=guest.table_session_id).merged_into_id is None
    assert sent == []


def test_a_merge_is_undone(floor, guest, waiter, capture_events):
    # given
    eight = floor_table_seat(table_id=floor.t8.pk, party_size=2, user=waiter)
    table_session_merge(
        table_session_id=eight.pk, into_table_id=floor.t7.pk, user=waiter
    )
    # when
    with capture_events() as sent:
        table_session_unmerge(table_session_id=eight.pk, user=waiter)
    # then
    eight.refresh_from_db()
    assert eight.merged_into_id is None
    assert events_to(sent, "floor.") == ["table_session.unmerged"]
    with pytest.raises(FloorTableError):
        table_session_unmerge(table_session_id=eight.pk, user=waiter)


def test_clearing_closes_the_party_with_its_merged_tables_and_calls(
    floor, guest, waiter, capture_events
):
    # given: 8 merged into 7, a bill call at 7
    eight = floor_table_seat(table_id=floor.t8.pk, party_size=2, user=waiter)
    table_session_merge(
        table_session_id=eight.pk, into_table_id=floor.t7.pk, user=waiter
    )
    call = waiter_call_create(guest=guest, kind="bill")
    # when
    with capture_events() as sent:
        cleared = floor_table_clear(table_id=floor.t7.pk, user=waiter)
    # then
    assert [s.pk for s in cleared] == [guest.table_session_id, eight.pk]
    assert set(TableSession.objects.values_list("status", flat=True)) == {"closed"}
    assert WaiterCall.objects.get(pk=call.pk).status == "resolved"
    services = TableService.objects.filter(table_session__in=[s.pk for s in cleared])
    assert [s.cleared_by_id for s in services] == [waiter.pk, waiter.pk]
    assert events_to(sent, "floor.") == [
        "waiter_call.resolved",
        "table_session.closed",
        "table_session.closed",
        "table.cleared",
    ]
    assert sent[-1][1]["data"] == {
        "tables": sorted([floor.t7.pk, floor.t8.pk]),
        "table_sessions": [guest.table_session_id, eight.pk],
    }


def test_a_table_the_party_left_is_marked_cleared(floor, guest, waiter):
    # given: the visit was closed (paid and gone), the table not yet cleared
    table_session_close(table_session_id=guest.table_session_id, user=waiter)
    # when
    cleared = floor_table_clear(table_id=floor.t7.pk, user=waiter)
    again = floor_table_clear(table_id=floor.t7.pk, user=waiter)
    # then
    assert [s.pk for s in cleared] == [guest.table_session_id]
    assert again == []
    assert TableService.objects.get().cleared_by_id == waiter.pk


def test_another_restaurants_staff_cannot_clear(floor, guest, outsider, capture_events):
    with capture_events() as sent, pytest.raises(PermissionDeniedError):
        floor_table_clear(table_id=floor.t7.pk, user=outsider)
    assert TableSession.objects.get(pk=guest.table_session_id).status == "open"
    assert sent == []


def test_tickets_keep_the_table_their_party_sits_at(floor, menu, place, guest, waiter):
    # given: 8 merged into 7, each table orders
    eight = floor_table_seat(table_id=floor.t8.pk, party_size=2, user=waiter)
    table_session_merge(
        table_session_id=eight.pk, into_table_id=floor.t7.pk, user=waiter
    )
    place([(menu.soup, 1)], guest=guest)
    # then
    assert [ticket_data(t)["table"] for t in tickets_with_details()] == ["7"]
    assert Ticket.objects.count() == 1
