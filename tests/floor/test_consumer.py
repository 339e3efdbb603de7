"""The floor's websocket: a snapshot on connect, numbered events after, a
pong carrying the stream position; staff of the restaurant only."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import connections
from django.test import Client

from config.asgi import application
from kitchen.floor.services.calls import waiter_call_create
from ordering.models import StaffMember
from ordering.services.tables import table_session_join
from ordering.tokens import table_code_make
from tests.factories import RestaurantFactory, StaffFactory, TableFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
async def _close_db_connections():
    yield
    await sync_to_async(connections.close_all)()


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"


async def _connect(user=None, query: str = "restaurant=testi"):
    headers = [(b"origin", b"http://localhost")]
    if user is not None:
        cookie = await sync_to_async(_session_cookie)(user)
        headers.append((b"cookie", cookie.encode()))
    communicator = WebsocketCommunicator(
        application, f"/ws/floor/?{query}", headers=headers
    )
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def _staff(restaurant, role):
    return (await sync_to_async(StaffFactory)(restaurant=restaurant, role=role)).user


def _join(table):
    return table_session_join(
        code=table_code_make(table_id=table.pk, version=table.qr_version)
    )[0]


async def test_a_waiter_gets_the_floor_then_live_calls(restaurant, table):
    # given
    waiter = await _staff(restaurant, "waiter")
    guest = await sync_to_async(_join)(table)
    # when
    tablet = await _connect(waiter)
    snapshot = await tablet.receive_json_from(timeout=3)
    await sync_to_async(waiter_call_create)(guest=guest, kind="bill")
    called = await tablet.receive_json_from(timeout=3)
    # then
    assert snapshot["event"] == "snapshot"
    assert snapshot["data"]["seq"] == 1
    assert [t["state"] for t in snapshot["data"]["tables"]] == ["seated"]
    assert (called["event"], called["seq"]) == ("waiter_call.created", 2)
    assert (called["data"]["kind"], called["data"]["table_label"]) == ("bill", "7")
    await tablet.disconnect()


async def test_the_pong_tells_how_far_the_stream_has_gone(restaurant, table):
    # given
    waiter = await _staff(restaurant, "waiter")
    tablet = await _connect(waiter)
    await tablet.receive_json_from(timeout=3)
    await sync_to_async(_join)(table)  # table_session.opened, seq 1
    await tablet.receive_json_from(timeout=3)
    # when
    await tablet.send_json_to({"type": "ping"})
    pong = await tablet.receive_json_from(timeout=3)
    # then
    assert pong == {"event": "pong", "version": 0, "data": {"seq": 1}}
    await tablet.disconnect()


async def test_another_restaurants_floor_is_not_heard(restaurant, table):
    # given: a tablet at Testi, and a table at another restaurant
    waiter = await _staff(restaurant, "waiter")
    other = await sync_to_async(RestaurantFactory)(slug="toinen")
    other_table = await sync_to_async(TableFactory)(restaurant=other, label="1")
    tablet = await _connect(waiter)
    await tablet.receive_json_from(timeout=3)
    # when: a party sits down there
    await sync_to_async(_join)(other_table)
    # then
    assert await tablet.receive_nothing(timeout=0.3)
    await tablet.disconnect()


@pytest.mark.parametrize(
    ("_case", "who", "query", "code"),
    [
        ("anonymous", None, "restaurant=testi", 4401),
        ("waiter elsewhere", "outsider", "restaurant=testi", 4403),
        ("kitchen staff", "cook", "restaurant=testi", 4403),
        ("unknown restaurant", "waiter", "restaurant=nowhere", 4403),
        ("manager elsewhere naming their own", "outsider", "restaurant=toinen", None),
    ],
)
async def test_refused_tablets_learn_why_and_hear_nothing(
    restaurant, table, _case, who, query, code
):
    # given
    other = await sync_to_async(RestaurantFactory)(slug="toinen")
    users = {
        "outsider": await _staff(other, "waiter"),
        "cook": await _staff(restaurant, "kitchen"),
        "waiter": await _staff(restaurant, "waiter"),
    }
    # when
    tablet = await _connect(users.get(who), query)
    first = await tablet.receive_output(timeout=3)
    # then
    if code is None:  # their own restaurant's floor: allowed, and only that
        assert first["type"] == "websocket.send"
        await sync_to_async(_join)(table)
        assert await tablet.receive_nothing(timeout=0.3)
        await tablet.disconnect()
        return
    assert first == {"type": "websocket.close", "code": code}
    await sync_to_async(_join)(table)
    assert await tablet.receive_nothing(timeout=0.3)


async def test_a_waiter_who_loses_their_role_is_closed_at_the_next_ping(
    restaurant, table
):
    # given
    waiter = await _staff(restaurant, "waiter")
    tablet = await _connect(waiter)
    await tablet.receive_json_from(timeout=3)
    # when
    await StaffMember.objects.filter(user=waiter).aupdate(is_active=False)
    await tablet.send_json_to({"type": "ping"})
    # then
    assert await tablet.receive_output(timeout=3) == {
        "type": "websocket.close",
        "code": 4403,
    }
    await sync_to_async(_join)(table)
    assert await tablet.receive_nothing(timeout=0.3)
