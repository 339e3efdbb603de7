import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import connections
from django.test import Client

from config.asgi import application
from kitchen.access import SCREEN_COOKIE
from kitchen.models import ScreenConnection, Station
from kitchen.services.screens import screen_pair, screen_pairing_create, screen_revoke
from tests.factories import RestaurantFactory, StaffFactory

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


async def _connect(cookie: str, query: str = ""):
    communicator = WebsocketCommunicator(
        application,
        f"/ws/kitchen/?{query}",
        headers=[(b"origin", b"http://localhost"), (b"cookie", cookie.encode())],
    )
    connected, _ = await communicator.connect()
    return communicator, connected


@pytest.fixture
def hot(menu):
    return Station.objects.create(restaurant=menu.restaurant, code="hot", name="Hot")


async def test_kitchen_staff_get_a_snapshot_and_live_tickets(menu, hot, place):
    # given
    cook = await sync_to_async(StaffFactory)(restaurant=menu.restaurant, role="kitchen")
    cookie = await sync_to_async(_session_cookie)(cook.user)
    # when
    screen, connected = await _connect(
        cookie, f"restaurant={menu.restaurant.slug}&station=hot"
    )
    snapshot = await screen.receive_json_from(timeout=3)
    await sync_to_async(place)([(menu.soup, 1)])
    created = await screen.receive_json_from(timeout=3)
    # then
    assert connected
    assert snapshot["event"] == "snapshot"
    assert (snapshot["data"]["station"], snapshot["data"]["seq"]) == (hot.pk, 0)
    assert created["event"] == "ticket.created"
    assert created["seq"] == 1
    assert created["data"]["station"] == "hot"
    assert await ScreenConnection.objects.filter(station=hot).acount() == 1
    await screen.disconnect()
    assert await ScreenConnection.objects.acount() == 0


async def test_heartbeat_keeps_the_screen_live(menu, hot):
    cook = await sync_to_async(StaffFactory)(restaurant=menu.restaurant, role="kitchen")
    cookie = await sync_to_async(_session_cookie)(cook.user)
    screen, _ = await _connect(cookie, f"restaurant={menu.restaurant.slug}")
    await screen.receive_json_from(timeout=3)
    before = (await ScreenConnection.objects.aget()).last_seen_at
    await screen.send_json_to({"type": "ping"})
    assert (await screen.receive_json_from(timeout=3))["event"] == "pong"
    assert (await ScreenConnection.objects.aget()).last_seen_at > before
    await screen.disconnect()


@pytest.mark.parametrize(
    ("_case", "who", "query"),
    [
        ("anonymous", None, "restaurant={slug}"),
        ("staff elsewhere", "outsider", "restaurant={slug}"),
        ("unknown station", "cook", "restaurant={slug}&station=nowhere"),
        ("no restaurant named", "cook", ""),
    ],
)
async def test_refused_connections(menu, hot, _case, who, query):
    # given
    cookie = ""
    if who == "cook":
        cook = await sync_to_async(StaffFactory)(
            restaurant=menu.restaurant, role="kitchen"
        )
        cookie = await sync_to_async(_session_cookie)(cook.user)
    elif who == "outsider":
        other = await sync_to_async(RestaurantFactory)()
        outsider = await sync_to_async(StaffFactory)(restaurant=other, role="manager")
        cookie = await sync_to_async(_session_cookie)(outsider.user)
    # when
    _, connected = await _connect(cookie, query.format(slug=menu.restaurant.slug))
    # then
    assert not connected
    assert await ScreenConnection.objects.acount() == 0


async def test_a_paired_screen_connects_and_is_closed_when_revoked(menu, hot):
    # given
    manager = await sync_to_async(StaffFactory)(
        restaurant=menu.restaurant, role="manager"
    )
    pairing = await sync_to_async(screen_pairing_create)(
        restaurant_id=menu.restaurant.pk,
        name="Hot",
        station_id=hot.pk,
        user=manager.user,
    )
    paired, token = await sync_to_async(screen_pair)(code=pairing.code, client_key="k")
    screen, connected = await _connect(f"{SCREEN_COOKIE}={token}")
    snapshot = await screen.receive_json_from(timeout=3)
    # when
    await sync_to_async(screen_revoke)(screen_id=paired.pk, user=manager.user)
    revoked = await screen.receive_json_from(timeout=3)
    closed = await screen.receive_output(timeout=3)
    # then
    assert connected
    assert snapshot["data"]["station"] == hot.pk
    assert revoked["event"] == "screen.revoked"
    assert closed == {"type": "websocket.close", "code": 4403}
    _, again = await _connect(f"{SCREEN_COOKIE}={token}")
    assert not again


async def test_the_pong_tells_how_far_the_stream_has_gone(menu, hot, place):
    # given: a screen that has fallen out of its group (as after a Redis restart)
    cook = await sync_to_async(StaffFactory)(restaurant=menu.restaurant, role="kitchen")
    cookie = await sync_to_async(_session_cookie)(cook.user)
    screen, _ = await _connect(cookie, f"restaurant={menu.restaurant.slug}")
    assert (await screen.receive_json_from(timeout=3))["data"]["seq"] == 0
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    await layer.group_discard(
        f"kitchen.{menu.restaurant.pk}",
        (await ScreenConnection.objects.aget()).channel_name,
    )
    # when: an order is placed that it does not hear about, then it pings
    await sync_to_async(place)([(menu.soup, 1)])
    assert await screen.receive_nothing(timeout=0.3)
    await screen.send_json_to({"type": "ping"})
    pong = await screen.receive_json_from(timeout=3)
    # then: the pong says the stream is at 1, and the ping re-joined the group
    assert pong == {"event": "pong", "version": 0, "data": {"seq": 1}}
    await sync_to_async(place)([(menu.soup, 1)])
    assert (await screen.receive_json_from(timeout=3))["seq"] == 2
    await screen.disconnect()
