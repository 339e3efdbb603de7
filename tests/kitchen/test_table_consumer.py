import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import connections

from config.asgi import application
from kitchen.models import Ticket
from kitchen.services.tickets import ticket_move
from ordering.guest_auth import SESSION_KEY
from ordering.services.orders import cart_line_add, order_submit
from ordering.services.tables import table_session_close, table_session_join
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _cookie_for(token: str | None) -> bytes:
    session = SessionStore()
    if token:
        session[SESSION_KEY] = token
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}".encode()


async def _connect(token: str | None, origin: bytes = b"http://localhost"):
    cookie = await sync_to_async(_cookie_for)(token)
    communicator = WebsocketCommunicator(
        application, "/ws/table/", headers=[(b"origin", origin), (b"cookie", cookie)]
    )
    connected, code = await communicator.connect()
    return communicator, connected, code


@pytest.fixture(autouse=True)
async def _close_db_connections():
    """PostgreSQL teardown stalls on connections left open by async tests."""
    yield
    await sync_to_async(connections.close_all)()


def _place(menu, code):
    guest, token = table_session_join(code=code)
    cart = cart_line_add(guest=guest, menu_item_id=menu.soup.pk, quantity=2)
    return guest, token, order_submit(guest=guest, cart_id=cart.pk)


async def test_phone_gets_a_snapshot_then_live_status(menu, table_code):
    # given: an order placed at the table
    guest, token, order = await sync_to_async(_place)(menu, table_code)
    cook = await sync_to_async(StaffFactory)(restaurant=menu.restaurant, role="kitchen")
    # when
    phone, connected, _ = await _connect(token)
    snapshot = await phone.receive_json_from(timeout=3)
    ticket = await Ticket.objects.aget(order=order)
    await sync_to_async(ticket_move)(ticket_id=ticket.pk, action="start", by=cook.user)
    event = await phone.receive_json_from(timeout=3)
    # then
    assert connected
    assert snapshot["event"] == "snapshot"
    assert snapshot["data"]["table_session"]["id"] == guest.table_session_id
    assert [o["id"] for o in snapshot["data"]["orders"]] == [order.pk]
    assert snapshot["data"]["orders"][0]["lines"][0]["quantity"] == 2
    assert event["event"] == "order.updated"
    assert event["data"]["status"] == "preparing"
    assert event["data"]["lines"][0]["status"] == "preparing"
    assert event["version"] == order.version + 1
    await phone.disconnect()


async def test_second_phone_sees_the_first_phones_order(menu, table_code):
    # given: phone B at the table before phone A orders
    _, token_b = await sync_to_async(table_session_join)(code=table_code)
    phone_b, _, _ = await _connect(token_b)
    empty = await phone_b.receive_json_from(timeout=3)
    # when
    _, _, order = await sync_to_async(_place)(menu, table_code)
    placed = await phone_b.receive_json_from(timeout=3)
    # then
    assert empty["data"]["orders"] == []
    assert placed["event"] == "order.placed"
    assert placed["data"]["id"] == order.pk
    await phone_b.disconnect()


async def test_phone_without_a_guest_is_refused(db):
    phone, connected, _ = await _connect(None)
    assert not connected


async def test_foreign_origin_is_refused(menu, table_code):
    _, token = await sync_to_async(table_session_join)(code=table_code)
    phone, connected, _ = await _connect(token, origin=b"http://evil.example")
    assert not connected


async def test_ended_visit_is_told_and_closed(menu, table_code):
    # given
    guest, token = await sync_to_async(table_session_join)(code=table_code)
    waiter = await sync_to_async(StaffFactory)(restaurant=menu.restaurant)
    await sync_to_async(table_session_close)(
        table_session_id=guest.table_session_id, user=waiter.user
    )
    # when
    phone, connected, _ = await _connect(token)
    closed = await phone.receive_output(timeout=3)
    # then
    assert connected
    assert closed == {"type": "websocket.close", "code": 4410}


async def test_ping_gets_pong_and_nothing_else_is_accepted(menu, table_code):
    _, token = await sync_to_async(table_session_join)(code=table_code)
    phone, _, _ = await _connect(token)
    await phone.receive_json_from(timeout=3)
    await phone.send_json_to({"type": "order", "menu_item_id": menu.soup.pk})
    await phone.send_json_to({"type": "ping"})
    assert (await phone.receive_json_from(timeout=3))["event"] == "pong"
    assert await phone.receive_nothing(timeout=0.2)
    await phone.disconnect()
