"""The floor's REST API: what tablets and phones call, and who may call it.

A waiter of another restaurant can neither see nor act on this one's tables.
"""

import pytest
from rest_framework.test import APIClient

from kitchen.floor.models import LineVoid, Section, WaiterCall
from kitchen.floor.services.calls import waiter_call_create
from kitchen.floor.services.tables import floor_table_seat
from kitchen.floor.services.voids import order_line_void
from kitchen.models import Ticket
from ordering.models import Order, TableSession

API = "/api/v1/kitchen/floor"


def _client(user=None) -> APIClient:
    """Return an API client speaking JSON and reading English messages."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.default_format = "json"
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def as_waiter(waiter) -> APIClient:
    return _client(waiter)


@pytest.fixture
def as_outsider(outsider) -> APIClient:
    return _client(outsider)


def test_the_snapshot_names_the_restaurant_and_its_tables(floor, as_waiter, waiter):
    # when
    response = as_waiter.get(f"{API}/snapshot?restaurant=testi")
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["restaurant"]["slug"] == "testi"
    assert [t["label"] for t in body["tables"]] == ["7", "8", "9"]
    assert body["me"]["id"] == waiter.pk


def test_a_waiter_at_one_restaurant_needs_no_slug(floor, as_waiter):
    assert as_waiter.get(f"{API}/snapshot").status_code == 200


@pytest.mark.parametrize(
    ("_case", "client", "query"),
    [
        ("staff elsewhere", "outsider", "restaurant=testi"),
        ("anonymous", "anonymous", "restaurant=testi"),
        ("kitchen staff", "cook", "restaurant=testi"),
        ("unknown restaurant", "waiter", "restaurant=nowhere"),
    ],
)
def test_the_snapshot_is_refused(floor, staff, outsider, waiter, _case, client, query):
    # given
    users = {"outsider": outsider, "waiter": waiter, "cook": staff("kitchen")}
    api = _client(users.get(client))
    # when
    response = api.get(f"{API}/snapshot?{query}")
    # then
    assert response.status_code == 403
    assert response.json()["code"] in {"forbidden", "not_authenticated"}
    assert "tables" not in response.json()


def test_tables_are_refetched_by_id(floor, guest, as_waiter):
    response = as_waiter.get(f"{API}/tables?restaurant=testi&ids={floor.t7.pk}")
    assert response.status_code == 200
    body = response.json()
    assert [t["label"] for t in body["tables"]] == ["7"]
    assert body["tables"][0]["table_session"] == guest.table_session_id
    assert body["seq"] == 1


def test_a_waiter_runs_a_table_over_the_api(floor, menu, as_waiter, waiter):
    # seat a party of three at 8
    seated = as_waiter.post(f"{API}/tables/{floor.t8.pk}/seat", {"party_size": 3})
    assert seated.status_code == 200, seated.json()
    session_id = seated.json()["table_session"]
    assert TableSession.objects.get(pk=session_id).party_size == 3
    # order a soup and a steak for them
    base = f"{API}/table-sessions/{session_id}"
    added = as_waiter.post(
        f"{base}/cart/lines", {"menu_item_id": menu.soup.pk, "note": "no dill"}
    )
    assert added.status_code == 201, added.json()
    added = as_waiter.post(
        f"{base}/cart/lines",
        {"menu_item_id": menu.steak.pk, "modifier_ids": [menu.rare.pk, menu.mash.pk]},
    )
    cart = as_waiter.get(f"{base}/cart").json()
    assert (cart["total_minor"], len(cart["lines"])) == (5090, 2)
    placed = as_waiter.post(f"{base}/cart/submit", {"cart_id": cart["id"]})
    assert placed.status_code == 201, placed.json()
    assert placed.json()["status"] == "received"
    # fire course 2
    fired = as_waiter.post(f"{base}/fire", {"course": 2})
    assert fired.status_code == 200, fired.json()
    assert Ticket.objects.get(station__code="grill").status == "received"
    # the detail shows it all
    detail = as_waiter.get(base).json()
    assert [line["note"] for line in detail["orders"][0]["lines"]] == ["no dill", ""]
    assert [t["status"] for t in detail["tickets"]] == ["received", "received"]
    # nothing is ready yet: serving says so, in words
    refused = as_waiter.post(f"{base}/serve")
    assert refused.status_code == 409
    assert refused.json()["message"] == "Nothing of this table is ready to serve."
    # move to 9, then clear
    moved = as_waiter.post(f"{base}/move", {"table_id": floor.t9.pk})
    assert moved.json() == {"table_session": session_id, "table": floor.t9.pk}
    cleared = as_waiter.post(f"{API}/tables/{floor.t9.pk}/clear")
    assert cleared.json() == {"table_sessions": [session_id]}


def test_calls_are_answered_over_the_api(guest, as_waiter, waiter):
    call = waiter_call_create(guest=guest, kind="bill")
    answered = as_waiter.post(f"{API}/calls/{call.pk}/acknowledge")
    assert answered.status_code == 200
    assert (answered.json()["status"], answered.json()["acknowledged_by"]) == (
        "acknowledged",
        waiter.pk,
    )
    resolved = as_waiter.post(f"{API}/calls/{call.pk}/resolve")
    assert resolved.json()["status"] == "resolved"


def test_a_void_waits_for_a_manager_over_the_api(menu, place, as_waiter, staff):
    # given
    order = place([(menu.steak, 1, [menu.rare.pk, menu.mash.pk])])
    line = order.lines.get()
    # when
    asked = as_waiter.post(f"{API}/order-lines/{line.pk}/void", {"reason": "Burnt"})
    # then
    assert asked.status_code == 200
    assert (asked.json()["status"], asked.json()["amount_minor"]) == ("pending", 3400)
    refused = as_waiter.post(f"{API}/voids/{asked.json()['id']}/approve")
    assert refused.status_code == 403
    manager = _client(staff("manager"))
    approved = manager.post(f"{API}/voids/{asked.json()['id']}/approve")
    assert approved.json()["status"] == "approved"
    assert Order.objects.get(pk=order.pk).total_minor == 0


def test_a_waiter_takes_a_section(floor, as_waiter, waiter):
    response = as_waiter.post(
        f"{API}/sections",
        {"area": floor.terrace.pk, "waiter": waiter.pk, "is_assigned": True},
    )
    assert response.status_code == 200
    assert response.json() == [{"area": floor.terrace.pk, "waiter": waiter.pk}]


def test_service_times_are_for_managers(floor, as_waiter, staff):
    assert (
        as_waiter.get(f"{API}/reports/service-times?restaurant=testi").status_code
        == 403
    )
    manager = _client(staff("manager"))
    response = manager.get(f"{API}/reports/service-times?restaurant=testi&days=3")
    assert response.status_code == 200
    assert response.json()["waiters"] == []


@pytest.fixture
def busy(floor, menu, place, guest, waiter):
    """Table 7 with an order, a call and a void waiting; 8 seated."""
    order = place([(menu.steak, 1, [menu.rare.pk, menu.mash.pk])], guest=guest)
    call = waiter_call_create(guest=guest, kind="waiter")
    void = order_line_void(order_line_id=order.lines.get().pk, reason="x", user=waiter)
    eight = floor_table_seat(table_id=floor.t8.pk, party_size=2, user=waiter)
    return {
        "session": guest.table_session_id,
        "eight": eight.pk,
        "call": call.pk,
        "void": void.pk,
        "line": order.lines.get().pk,
        "ticket": Ticket.objects.get(order=order).pk,
    }


OUTSIDER_REFUSED = [
    ("get", "/table-sessions/{session}", None),
    ("get", "/table-sessions/{session}/cart", None),
    ("post", "/tables/{t9}/seat", {"party_size": 2}),
    ("post", "/tables/{t7}/clear", None),
    ("post", "/table-sessions/{session}/move", {"table_id": "{t9}"}),
    ("post", "/table-sessions/{eight}/merge", {"table_id": "{t7}"}),
    ("post", "/table-sessions/{session}/fire", {"course": 2}),
    ("post", "/table-sessions/{session}/serve", None),
    ("post", "/tickets/{ticket}/serve", None),
    ("post", "/table-sessions/{session}/cart/lines", {"menu_item_id": "{soup}"}),
    ("post", "/calls/{call}/acknowledge", None),
    ("post", "/calls/{call}/resolve", None),
    ("post", "/order-lines/{line}/void", {"reason": "x"}),
    ("post", "/voids/{void}/approve", None),
    ("post", "/voids/{void}/reject", None),
    (
        "post",
        "/sections",
        {"area": "{hall}", "waiter": "{waiter}", "is_assigned": True},
    ),
    ("get", "/tables?restaurant=testi&ids={t7}", None),
]


@pytest.mark.parametrize(("method", "path", "body"), OUTSIDER_REFUSED)
def test_another_restaurants_waiter_can_neither_see_nor_act(
    floor, menu, busy, waiter, as_outsider, capture_events, method, path, body
):
    # given
    names = {
        **busy,
        "t7": floor.t7.pk,
        "t9": floor.t9.pk,
        "hall": floor.hall.pk,
        "waiter": waiter.pk,
        "soup": menu.soup.pk,
    }
    url = API + path.format(**names)
    data = {
        key: int(value.format(**names)) if str(value).startswith("{") else value
        for key, value in (body or {}).items()
    }
    before = _state()
    # when
    with capture_events() as sent:
        response = getattr(as_outsider, method)(url, data or None)
    # then
    assert response.status_code == 403, response.json()
    assert response.json()["code"] == "forbidden"
    assert _state() == before
    assert sent == []


def _state():
    return (
        sorted(
            TableSession.objects.values_list("pk", "table_id", "status", "merged_into")
        ),
        sorted(WaiterCall.objects.values_list("pk", "status")),
        sorted(LineVoid.objects.values_list("pk", "status")),
        sorted(Ticket.objects.values_list("pk", "status")),
        Order.objects.count(),
        Section.objects.count(),
    )


def test_a_phone_calls_and_cancels_over_the_api(floor, guest_client, join):
    # given
    guest, token = join()
    phone = guest_client(token)
    # when
    made = phone.post(
        f"{API}/guest/calls", {"kind": "help", "reason": "Gluten?"}, format="json"
    )
    listed = phone.get(f"{API}/guest/calls")
    # then
    assert made.status_code == 201
    assert {k: made.json()[k] for k in ("kind", "reason", "status")} == {
        "kind": "help",
        "reason": "Gluten?",
        "status": "open",
    }
    assert [c["id"] for c in listed.json()["calls"]] == [made.json()["id"]]
    cancelled = phone.post(f"{API}/guest/calls/{made.json()['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    assert phone.get(f"{API}/guest/calls").json() == {"calls": []}


def test_a_call_needs_a_phone_at_the_table(floor, as_waiter):
    anonymous = _client()
    assert anonymous.post(f"{API}/guest/calls", {"kind": "waiter"}).status_code == 401
    assert as_waiter.post(f"{API}/guest/calls", {"kind": "waiter"}).status_code == 403
    assert WaiterCall.objects.count() == 0


def test_an_unknown_kind_of_call_is_refused_in_words(floor, guest_client):
    response = guest_client().post(
        f"{API}/guest/calls", {"kind": "dance"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
