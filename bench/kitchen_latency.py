"""Kitchen delivery speed: from a guest's order to the ticket on its screen.

    .venv/bin/python bench/kitchen_latency.py [--screens 10] [--guests 20]
        [--rate 20] [--seconds 20] [--layers memory,redis]

Seeds the demo bistro into a throwaway database (or DATABASE_URL), then for
each channel layer starts the app under Daphne on loopback (in-memory: one
worker; Redis: two workers behind no proxy, clients spread over both), connects
M kitchen screens, and has N guests place orders at the given rate over HTTP.
For every order and every screen of its station it measures the time from
the order's HTTP response to the ticket's arrival on that screen, and counts
tickets that never arrive. The floor is the same websockets receiving a bare
`group_send` (a probe request) in the same run. Not a test: the figures go in
the README.
"""

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))

from kitchen.processes import DaphneServer, RedisServer  # noqa: E402
from kitchen.testing import ScreenClient  # noqa: E402

STATIONS = ["hot", "cold", "pastry", "bar"]
SETUP = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from ordering.demo.seed import seed_demo
from ordering.models import MenuItem, Table
from ordering.tokens import table_code_make
info = seed_demo()
items = [
    {"id": i.pk, "station": i.station}
    for i in MenuItem.objects.filter(
        restaurant=info.restaurant, is_available=True,
        available_from__isnull=True, category__available_from__isnull=True,
        modifier_groups__isnull=True,
    )
]
codes = [table_code_make(table_id=t.pk, version=t.qr_version)
         for t in Table.objects.filter(restaurant=info.restaurant)]
print(json.dumps({"restaurant": info.restaurant.pk, "slug": info.restaurant.slug,
                  "items": items, "codes": codes}))
"""


def _setup(env: dict) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", SETUP],
        cwd=BASE,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


async def _login(base_url: str) -> dict[str, str]:
    async with httpx.AsyncClient(base_url=base_url) as http:
        await http.get("/accounts/login/")
        await http.post(
            "/accounts/login/",
            data={
                "username": "kitchen",
                "password": "tableside-kitchen",
                "csrfmiddlewaretoken": http.cookies["csrftoken"],
            },
        )
        return {"sessionid": http.cookies["sessionid"]}


class Guest:
    def __init__(self, base_url: str, code: str):
        self.http = httpx.AsyncClient(base_url=base_url, timeout=30)
        self.code = code

    async def join(self) -> None:
        await self.http.get(f"/t/{self.code}/")
        await self.http.get("/table/")
        self.http.headers["X-CSRFToken"] = self.http.cookies["csrftoken"]

    async def order(self, item_id: int) -> tuple[int | None, float, float]:
        started = time.perf_counter()
        cart = await self.http.post(
            "/api/v1/cart/lines", json={"menu_item_id": item_id}
        )
        if cart.status_code != 201:
            return None, started, time.perf_counter()
        placed = await self.http.post(
            "/api/v1/cart/submit", json={"cart_id": cart.json()["id"]}
        )
        done = time.perf_counter()
        return (
            (placed.json()["id"] if placed.status_code == 201 else None),
            started,
            done,
        )


def _percentiles(samples: list[float]) -> dict[str, float]:
    if not samples:
        return {"p50": float("nan"), "p95": float("nan"), "p99": float("nan"), "max": 0}
    ordered = sorted(samples)
    cut = statistics.quantiles(ordered, n=100) if len(ordered) > 1 else ordered * 99
    return {"p50": cut[49], "p95": cut[94], "p99": cut[98], "max": ordered[-1]}


async def _run(workers, setup: dict, args) -> dict:
    urls = [w.url for w in workers]
    cookies = await _login(urls[0])
    screens = []
    for i in range(args.screens):
        station = STATIONS[i % len(STATIONS)]
        screen = ScreenClient(
            urls[i % len(urls)],
            cookies=cookies,
            query=f"restaurant={setup['slug']}&station={station}",
        )
        screen.station = station  # type: ignore[attr-defined]
        screens.append(await screen.start())
    for screen in screens:
        await screen.wait_for(lambda s: s.connects >= 1)
    await asyncio.sleep(0.5)

    guests = [
        Guest(urls[j % len(urls)], setup["codes"][j % len(setup["codes"])])
        for j in range(args.guests)
    ]
    await asyncio.gather(*(g.join() for g in guests))
    station_of = {item["id"]: item["station"] for item in setup["items"]}
    item_ids = [i["id"] for i in setup["items"] if i["station"] in STATIONS]
    rng = random.Random(7)

    total = int(args.rate * args.seconds)
    interval = 1 / args.rate
    orders: list[tuple[int, str, float, float]] = []
    probes: dict[str, tuple[float, float]] = {}
    errors = 0
    begin = time.perf_counter()
    probe_http = [httpx.AsyncClient(base_url=url, timeout=30) for url in urls]

    async def one(n: int) -> None:
        nonlocal errors
        await asyncio.sleep(max(0.0, begin + n * interval - time.perf_counter()))
        if n % 5 == 4:
            probe = uuid.uuid4().hex
            sent = time.perf_counter()
            response = await probe_http[n % len(urls)].post(
                f"/bench/probe/{setup['restaurant']}?id={probe}"
            )
            probes[probe] = (sent, time.perf_counter())
            if response.status_code != 200:
                errors += 1
        item = rng.choice(item_ids)
        order_id, started, done = await guests[n % len(guests)].order(item)
        if order_id is None:
            errors += 1
        else:
            orders.append((order_id, station_of[item], started, done))

    await asyncio.gather(*(one(n) for n in range(total)))
    elapsed = time.perf_counter() - begin
    await asyncio.sleep(3)  # stragglers

    latencies, from_start, lost = [], [], 0
    for order_id, station, started, done in orders:
        for screen in screens:
            if screen.station != station:  # type: ignore[attr-defined]
                continue
            arrived = next(
                (a.at for a in screen.arrivals if a.order == order_id),
                None,
            )
            if arrived is None and not any(
                t["order"] == order_id for t in screen.tickets.values()
            ):
                lost += 1
            elif arrived is not None:
                latencies.append(max(0.0, arrived - done) * 1000)
                from_start.append((arrived - started) * 1000)
    floor, floor_sent = [], []
    for probe, (sent, done) in probes.items():
        for screen in screens:
            arrived = next((a.at for a in screen.arrivals if a.probe == probe), None)
            if arrived is not None:
                floor.append(max(0.0, arrived - done) * 1000)
                floor_sent.append((arrived - sent) * 1000)
    for screen in screens:
        await screen.stop()
    for client in (*probe_http, *(g.http for g in guests)):
        await client.aclose()
    return {
        "orders": len(orders),
        "orders_per_s": len(orders) / elapsed,
        "errors": errors,
        "lost": lost,
        "resyncs": sum(s.resyncs for s in screens),
        "latency": _percentiles(latencies),
        "from_request": _percentiles(from_start),
        "floor": _percentiles(floor),
        "floor_sent": _percentiles(floor_sent),
    }


def _print(layer: str, result: dict, args) -> None:
    lat, floor, req = result["latency"], result["floor"], result["from_request"]
    floor_sent = result["floor_sent"]
    print(
        f"\n{layer}: {result['orders']} orders in {args.seconds} s "
        f"({result['orders_per_s']:.1f}/s), {args.screens} screens, {args.guests} "
        f"guests; errors {result['errors']}, lost tickets {result['lost']}, "
        f"screen resyncs {result['resyncs']}"
    )
    print(f"{'ms':<40} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>6}")
    rows = [
        ("order response -> ticket on screen", lat),
        ("floor: probe response -> on screen", floor),
        ("order sent -> ticket on screen", req),
        ("floor: probe sent -> on screen", floor_sent),
    ]
    for name, p in rows:
        cells = " ".join(f"{p[k]:6.1f}" for k in ("p50", "p95", "p99", "max"))
        print(f"{name:<40} {cells}")
    # Each request publishes before it answers, so "after the response" is
    # mostly zero; "sent" compares the two requests end to end.
    for label, ours, base in (
        ("after the response", lat, floor),
        ("from sending", req, floor_sent),
    ):
        ratio = ours["p99"] / base["p99"] if base["p99"] else float("nan")
        print(f"p99 {label}: {ratio:.2f} x the floor")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screens", type=int, default=10)
    parser.add_argument("--guests", type=int, default=20)
    parser.add_argument("--rate", type=float, default=20, help="orders per second")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--layers", default="memory,redis")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DEBUG": "false",
            "TABLESIDE_ORDER_RATE_LIMIT": "1000000",
            "TABLESIDE_BENCH_ENDPOINTS": "true",
            "LOG_LEVEL": "WARNING",
        }
        env["DATABASE_URL"] = os.environ.get(
            "DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3"
        )
        setup = _setup(env)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=BASE,
            env={**os.environ, **env},
            check=True,
        )
        print(
            f"database {env['DATABASE_URL'].split(':')[0]}, {os.cpu_count()} cores, "
            f"target {args.rate:g} orders/s"
        )
        for layer in args.layers.split(","):
            redis = RedisServer().start() if layer == "redis" else None
            layer_env = {**env, "REDIS_URL": redis.url if redis else ""}
            count = 2 if redis else 1
            workers = [
                DaphneServer(env=layer_env, log_dir=tmp).start() for _ in range(count)
            ]
            try:
                result = asyncio.run(_run(workers, setup, args))
            finally:
                for worker in workers:
                    worker.stop()
                if redis:
                    redis.stop()
            name = "Redis, 2 Daphne workers" if redis else "in-memory, 1 Daphne worker"
            _print(name, result, args)


if __name__ == "__main__":
    main()
