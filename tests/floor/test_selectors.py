"""What the tablets read: table cards, the snapshot, one visit in detail,
the members at a table, and the managers' service times."""

import datetime

import pytest

from kitchen.floor.access import floor_access
from kitchen.floor.selectors.detail import table_session_detail
from kitchen.floor.selectors.reports import service_times_by_waiter
from kitchen.floor.selectors.tables import floor_snapshot, floor_tables
from kitchen.floor.services.calls import (
    waiter_call_acknowledge,
    waiter_call_create,
)
from kitchen.floor.services.sections import section_set
from kitchen.floor.services.service import (
    floor_table_serve,
    staff_cart_line_add,
    staff_order_submit,
)
from kitchen.floor.services.tables import (
    floor_table_seat,
    table_session_merge,
)
from kitchen.floor.services.voids import order_line_void
from kitchen.models import Ticket
from kitchen.services.tickets import ticket_move
from loyalty.models import Consent, ConsentPurpose, Identification, Member
from ordering.models import TableSession
from ordering.serializers import utc_iso
from ordering.services.tables import (
    guest_for_staff,
    table_session_close,
    table_session_join,
)
from ordering.tokens import table_code_make
from tests.factories import TableFactory


@pytest.fixture
def cook(staff):
    return staff("kitchen")


def _bump(order, station, cook):
    ticket = Ticket.objects.get(order=order, station__code=station)
    ticket_move(ticket_id=ticket.pk, action="bump", by=cook)
    return ticket


def _cards(restaurant):
    return {card["label"]: card for card in floor_tables(restaurant_id=restaurant.pk)}


def test_each_table_shows_its_state_since_when_and_what_needs_doing(
    floor, menu, place, guest, waiter, cook, clock
):
    # given: 7 ordered soup and steak; the soup is ready; they call a waiter
    order = place(
        [(menu.soup, 1), (menu.steak, 1, [menu.rare.pk, menu.mash.pk])], guest=guest
    )
    clock.advance(minutes=5)
    soup = _bump(order, "hot", cook)
    call = waiter_call_create(guest=guest, kind="waiter")
    # 8 is seated by the waiter; 9's party left a minute ago
    clock.advance(minutes=1)
    eight = floor_table_seat(table_id=floor.t8.pk, party_size=2, user=waiter)
    nine = floor_table_seat(table_id=floor.t9.pk, party_size=4, user=waiter)
    table_session_close(table_session_id=nine.pk, user=waiter)
    clock.advance(minutes=1)
    # when
    cards = _cards(menu.restaurant)
    # then
    assert {label: (c["state"], c["since"]) for label, c in cards.items()} == {
        "7": ("food_ready", "2026-11-20T17:05:00Z"),
        "8": ("seated", utc_iso(TableSession.objects.get(pk=eight.pk).opened_at)),
        "9": ("needs_clearing", "2026-11-20T17:06:00Z"),
    }
    seven = cards["7"]
    assert seven == {
        "id": floor.t7.pk,
        "label": "7",
        "area": floor.hall.pk,
        "seats": 4,
        "state": "food_ready",
        "since": "2026-11-20T17:05:00Z",
        "table_session": guest.table_session_id,
        "sessions": [guest.table_session_id],
        "party_size": None,
        "opened_at": utc_iso(guest.table_session.opened_at),
        "merged_into": None,
        "merged_tables": [],
        "calls": [seven["calls"][0]],
        "ready": [
            {
                "id": soup.pk,
                "version": 2,
                "course": 1,
                "station": "Hot",
                "number": 1,
                "ready_at": "2026-11-20T17:05:00Z",
            }
        ],
        "held_courses": [2],
        "needs_approval": False,
        "waiter": None,
    }
    assert (seven["calls"][0]["id"], seven["calls"][0]["kind"]) == (call.pk, "waiter")
    assert cards["8"]["waiter"] == {"id": waiter.pk, "name": waiter.username}
    assert (cards["8"]["party_size"], cards["8"]["table_session"]) == (2, eight.pk)
    assert cards["9"]["table_session"] is None


def test_merged_tables_share_their_partys_state(floor, menu, place, guest, waiter):
    # given: 8 joins 7, which has ordered
    place([(menu.soup, 1)], guest=guest)
    eight = floor_table_seat(table_id=floor.t8.pk, party_size=2, user=waiter)
    table_session_merge(
        table_session_id=eight.pk, into_table_id=floor.t7.pk, user=waiter
    )
    # when
    cards = _cards(menu.restaurant)
    # then
    assert cards["8"]["state"] == cards["7"]["state"] == "waiting_for_food"
    assert cards["8"]["merged_into"] == {
        "table_session": guest.table_session_id,
        "table": floor.t7.pk,
        "label": "7",
    }
    assert cards["7"]["merged_tables"] == [
        {"table_session": eight.pk, "table": floor.t8.pk, "label": "8"}
    ]
    assert (
        cards["7"]["sessions"]
        == cards["8"]["sessions"]
        == [
            guest.table_session_id,
            eight.pk,
        ]
    )


def _busy_floor(restaurant, menu, place, join, waiter, tables: int):
    """Seat `tables` extra tables, each with an order and a call."""
    for n in range(tables):
        table = TableFactory(restaurant=restaurant, label=f"x{n}")
        guest, _token = table_session_join(
            code=table_code_make(table_id=table.pk, version=table.qr_version)
        )
        place([(menu.soup, 1)], guest=guest)
        waiter_call_create(guest=guest, kind="bill")


@pytest.mark.parametrize("extra_tables", [1, 6])
def test_the_snapshot_costs_the_same_queries_however_busy(
    floor, menu, place, join, waiter, django_assert_num_queries, extra_tables
):
    # given
    _busy_floor(menu.restaurant, menu, place, join, waiter, extra_tables)
    section_set(
        area_id=floor.hall.pk, waiter_id=waiter.pk, is_assigned=True, user=waiter
    )
    access = floor_access(user=waiter, restaurant_slug=menu.restaurant.slug)
    # when / then
    with django_assert_num_queries(13):
        snapshot = floor_snapshot(access=access)
    assert len(snapshot["tables"]) == 3 + extra_tables
    assert snapshot["seq"] == 3 * extra_tables + 1
    assert snapshot["sections"] == [
        {"area": floor.hall.pk, "waiter": waiter.pk, "name": waiter.username}
    ]
    assert snapshot["me"] == {"id": waiter.pk, "roles": ["waiter"], "is_manager": False}
    assert [a["name"] for a in snapshot["areas"]] == ["Sali", "Terassi"]


def test_the_detail_shows_allergens_notes_progress_and_pending_voids(
    floor, menu, place, guest, waiter, cook
):
    # given
    order = place(
        [
            (menu.soup, 2),
            (menu.steak, 1, [menu.medium.pk, menu.mash.pk, menu.cheese.pk]),
        ],
        guest=guest,
    )
    steak = order.lines.get(menu_item=menu.steak)
    void = order_line_void(order_line_id=steak.pk, reason="Wrong dish", user=waiter)
    call = waiter_call_create(guest=guest, kind="help", reason="Gluten?")
    # when
    detail = table_session_detail(table_session_id=guest.table_session_id)
    # then
    assert detail["table_session"]["label"] == "7"
    assert detail["total_minor"] == 2 * 1690 + 3400 + 200
    assert detail["currency"] == "EUR"
    (placed,) = detail["orders"]
    assert [
        (line["quantity"], line["allergens"], line["status"])
        for line in placed["lines"]
    ] == [(2, ["fish", "milk"], "received"), (1, ["milk"], "held")]
    assert [m["id"] for m in placed["lines"][1]["modifiers"]] == [
        menu.medium.pk,
        menu.mash.pk,
        menu.cheese.pk,
    ]
    assert [(t["course"], t["status"], t["station"]) for t in detail["tickets"]] == [
        (1, "received", "Hot"),
        (2, "held", "Grill"),
    ]
    assert [v["id"] for v in detail["voids"]] == [void.pk]
    assert [(c["id"], c["reason"]) for c in detail["calls"]] == [(call.pk, "Gluten?")]
    assert detail["members"] == []


@pytest.mark.parametrize("_case", ["consented", "no consent"])
def test_identified_members_show_with_their_usual_order(
    floor, menu, place, join, guest, waiter, _case
):
    # given: Maija visited twice before: soup both times, a beer once
    maija = Member.objects.create(restaurant=menu.restaurant, first_name="Maija")
    if _case == "consented":
        Consent.objects.create(
            member=maija,
            purpose=ConsentPurpose.PERSONALISATION,
            is_granted=True,
            wording_version="1",
            wording="Suggestions?",
            language="en",
            source="test",
        )
    for items in ([(menu.soup, 1), (menu.beer, 1)], [(menu.soup, 2)]):
        earlier = join()[0]
        Identification.objects.create(guest=earlier, member=maija)
        place(items, guest=earlier)
        table_session_close(table_session_id=earlier.table_session_id, user=waiter)
    # today she is at table 7 again, with a friend who is not a member
    today = join()[0]
    Identification.objects.create(guest=today, member=maija)
    # when
    detail = table_session_detail(table_session_id=today.table_session_id, lang="en")
    # then
    assert detail["members"] == [
        {
            "member": maija.pk,
            "table_session": today.table_session_id,
            "first_name": "Maija",
            "tier": "",
            "visits": 2,
            "usual": ["Salmon soup"] if _case == "consented" else [],
            "diet_notes": "",
            "is_birthday_week": False,
        }
    ]


def test_service_times_per_waiter(floor, menu, waiter, staff, cook, clock, restaurant):
    # given: the waiter seats table 8 at 17:00 and takes its order at 17:04
    session = floor_table_seat(table_id=floor.t8.pk, party_size=2, user=waiter)
    # (the model's default took the real time; the story runs on the clock)
    TableSession.objects.filter(pk=session.pk).update(opened_at=clock.now)
    clock.advance(minutes=4)
    cart = staff_cart_line_add(
        table_session_id=session.pk, user=waiter, menu_item_id=menu.soup.pk, quantity=1
    )
    order = staff_order_submit(
        table_session_id=session.pk, user=waiter, cart_id=cart.pk
    )
    # food served at 17:16
    clock.advance(minutes=12)
    _bump(order, "hot", cook)
    floor_table_serve(table_session_id=session.pk, user=waiter)
    # bill asked at 17:46 and answered 90 s later; paid at 17:50
    clock.advance(minutes=30)
    guest = guest_for_staff(table_session_id=session.pk, user=waiter)
    call = waiter_call_create(guest=guest, kind="bill")
    clock.advance(seconds=90)
    waiter_call_acknowledge(call_id=call.pk, user=waiter)
    TableSession.objects.filter(pk=session.pk).update(
        paid_at=clock.now + datetime.timedelta(seconds=150)
    )
    # when
    rows = service_times_by_waiter(
        restaurant_id=restaurant.pk,
        since=clock.now - datetime.timedelta(hours=2),
        until=clock.now + datetime.timedelta(hours=1),
    )
    # then
    assert rows == [
        {
            "waiter": waiter.pk,
            "name": waiter.username,
            "sessions": 1,
            "median_to_first_order_seconds": 240.0,
            "median_to_food_served_seconds": 720.0,
            "median_to_bill_requested_seconds": 1800.0,
            "median_to_paid_seconds": 240.0,
            "calls": 1,
            "median_response_seconds": 90.0,
        }
    ]
