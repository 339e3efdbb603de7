"""The real server under concurrent traffic: every request succeeds, and a
phone's websocket hears every change, in order."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from websockets.sync.client import connect

from kitchen.models import Ticket
from ordering.models import Order
from ordering.tokens import table_code_make
from tests.factories import TableFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Kitchen actions on a ticket, and the order status each one leads to.
ACTIONS = [("start", "preparing"), ("bump", "ready"), ("serve", "served")]
STATUSES = [status for _, status in ACTIONS]


def _phone(server, code: str) -> httpx.Client:
    phone = httpx.Client(base_url=server.url, timeout=15)
    assert phone.get(f"/t/{code}/").status_code == 302
    phone.get("/table/")
    phone.headers["X-CSRFToken"] = phone.cookies["csrftoken"]
    return phone


def _order(phone: httpx.Client, menu_item_id: int) -> int:
    added = phone.post("/api/v1/cart/lines", json={"menu_item_id": menu_item_id})
    assert added.status_code == 201, added.text
    placed = phone.post("/api/v1/cart/submit", json={"cart_id": added.json()["id"]})
    assert placed.status_code == 201, placed.text
    return placed.json()["id"]


def _listen(server, phone: httpx.Client, heard: list, ready: threading.Event, stop):
    cookie = f"sessionid={phone.cookies['sessionid']}"
    url = server.url.replace("http", "ws") + "/ws/table/"
    with connect(
        url, origin=server.url, additional_headers={"Cookie": cookie}
    ) as socket:
        heard.append(json.loads(socket.recv(timeout=10)))
        ready.set()
        while not stop.is_set():
            try:
                heard.append(json.loads(socket.recv(timeout=0.5)))
            except TimeoutError:
                continue


def test_concurrent_orders_and_status_changes(server, menu, restaurant, staff_http):
    # given: four tables, a phone listening at the first one, a cook
    tables = [TableFactory(restaurant=restaurant) for _ in range(4)]
    codes = [table_code_make(table_id=t.pk, version=1) for t in tables]
    phones = [_phone(server, code) for code in codes for _ in range(2)]
    cook = staff_http("kitchen")
    heard: list[dict] = []
    ready, stop = threading.Event(), threading.Event()
    listener = threading.Thread(
        target=_listen, args=(server, phones[0], heard, ready, stop)
    )
    listener.start()
    assert ready.wait(10)

    # when: every phone orders three times while the cook moves each order on
    def guest_work(phone):
        return [_order(phone, menu.soup.pk) for _ in range(3)]

    def cook_work(order_id):
        ticket = Ticket.objects.get(order_id=order_id)
        for action, _status in ACTIONS:
            moved = cook.post(f"/api/v1/kitchen/tickets/{ticket.pk}/{action}")
            assert moved.status_code == 200, moved.text

    with ThreadPoolExecutor(max_workers=8) as pool:
        order_ids = [i for ids in pool.map(guest_work, phones) for i in ids]
        list(pool.map(cook_work, order_ids))

    # then: the database has them all, served
    assert Order.objects.filter(status="served").count() == len(phones) * 3 == 24
    # and the phone at the first table heard each of its table's orders placed
    # and moved through every status, in order
    first_session = Order.objects.get(pk=order_ids[0]).table_session_id
    own = set(
        Order.objects.filter(table_session_id=first_session).values_list(
            "pk", flat=True
        )
    )
    deadline = threading.Event()
    for _ in range(50):
        events = [e for e in heard if e["event"].startswith("order.")]
        if len(events) == len(own) * (1 + len(STATUSES)):
            break
        deadline.wait(0.1)
    stop.set()
    listener.join()
    assert heard[0]["event"] == "snapshot"
    for order_id in own:
        trail = [e["data"]["status"] for e in events if e["data"]["id"] == order_id]
        versions = [e["version"] for e in events if e["data"]["id"] == order_id]
        assert trail == ["received", *STATUSES]
        assert versions == sorted(versions)
    assert {e["data"]["table_session"] for e in events} == {first_session}
