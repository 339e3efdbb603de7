"""Real processes, as in production: two Daphne workers sharing a Redis
channel layer. An order taken by one worker reaches a screen on the other;
restarting Redis or killing a worker mid-service loses nothing, because
screens reconnect and resync from the database."""

import asyncio

import httpx
import pytest
from asgiref.sync import sync_to_async

from kitchen.models import Station
from kitchen.testing import ScreenClient
from ordering.models import Order
from ordering.tokens import table_code_make
from tests.live import DaphneServer, RedisServer

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_server():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def workers(redis_server):
    """Two Daphne processes on the test database and a Redis of their own."""
    env = {"REDIS_URL": redis_server.url, "REDIS_PREFIX": "procs"}
    pair = [DaphneServer(extra_env=env).start() for _ in range(2)]
    yield pair
    for worker in pair:
        worker.stop()


@pytest.fixture
def kitchen_setup(menu, table, staff):
    Station.objects.create(restaurant=menu.restaurant, code="hot", name="Hot")
    cook = staff("kitchen")
    return {
        "code": table_code_make(table_id=table.pk, version=table.qr_version),
        "query": f"restaurant={menu.restaurant.slug}&station=hot",
        "cook": cook,
        "soup": menu.soup.pk,
    }


async def _login(base_url: str, username: str) -> dict[str, str]:
    async with httpx.AsyncClient(base_url=base_url) as http:
        await http.get("/accounts/login/")
        await http.post(
            "/accounts/login/",
            data={
                "username": username,
                "password": "pw",
                "csrfmiddlewaretoken": http.cookies["csrftoken"],
            },
        )
        return {"sessionid": http.cookies["sessionid"]}


async def _order(base_url: str, code: str, item_id: int) -> int:
    """A guest scans the table's code and orders, through one worker."""
    async with httpx.AsyncClient(base_url=base_url, timeout=15) as phone:
        await phone.get(f"/t/{code}/")
        await phone.get("/table/")
        headers = {"X-CSRFToken": phone.cookies["csrftoken"]}
        cart = await phone.post(
            "/api/v1/cart/lines", json={"menu_item_id": item_id}, headers=headers
        )
        placed = await phone.post(
            "/api/v1/cart/submit", json={"cart_id": cart.json()["id"]}, headers=headers
        )
        assert placed.status_code == 201, placed.text
        return placed.json()["id"]


def _shows(order_id: int):
    return lambda screen: any(t["order"] == order_id for t in screen.tickets.values())


async def _screen(worker, setup) -> ScreenClient:
    cookies = await _login(worker.url, setup["cook"].username)
    screen = await ScreenClient(
        worker.url, cookies=cookies, query=setup["query"], ping_every=1
    ).start()
    await screen.wait_for(lambda s: s.connects >= 1)
    await asyncio.sleep(0.2)
    return screen


async def test_an_order_on_one_worker_reaches_a_screen_on_the_other(
    workers, kitchen_setup
):
    # given: a screen connected to worker B
    a, b = workers
    screen = await _screen(b, kitchen_setup)
    # when: a guest orders through worker A
    order_id = await _order(a.url, kitchen_setup["code"], kitchen_setup["soup"])
    # then: the ticket is pushed to B's screen, with no resync needed
    await screen.wait_for(_shows(order_id), timeout=5)
    assert [x.event for x in screen.arrivals] == ["ticket.created"]
    assert screen.resyncs == 0
    assert screen.errors == []
    await screen.stop()


async def test_restarting_redis_loses_nothing(workers, redis_server, kitchen_setup):
    # given
    a, b = workers
    screen = await _screen(b, kitchen_setup)
    # when: Redis goes away, an order is taken meanwhile, Redis comes back empty
    redis_server.stop()
    during = await _order(a.url, kitchen_setup["code"], kitchen_setup["soup"])
    await asyncio.sleep(0.5)
    redis_server.start()
    # then: the screen gets the order it could not be told about
    await screen.wait_for(_shows(during), timeout=20)
    # and live pushes work again
    after = await _order(a.url, kitchen_setup["code"], kitchen_setup["soup"])
    await screen.wait_for(_shows(after), timeout=20)
    assert await Order.objects.filter(pk__in=[during, after]).acount() == 2
    assert screen.errors == []
    await screen.stop()


async def test_a_worker_killed_mid_service_loses_nothing(workers, kitchen_setup):
    # given: a screen on worker B
    a, b = workers
    screen = await _screen(b, kitchen_setup)
    first = await _order(a.url, kitchen_setup["code"], kitchen_setup["soup"])
    await screen.wait_for(_shows(first), timeout=5)
    # when: B dies (kill -9); orders keep coming through A; the screen's
    # reconnect lands on A, as a load balancer would route it
    await sync_to_async(b.kill)()
    during = await _order(a.url, kitchen_setup["code"], kitchen_setup["soup"])
    screen.base_url = a.url
    # then
    await screen.wait_for(_shows(during), timeout=15)
    assert screen.connects >= 2
    assert _shows(first)(screen)
    assert screen.errors == []
    await screen.stop()
