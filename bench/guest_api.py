"""Guest ordering speed: our endpoints against bare Django under the same Daphne.

    .venv/bin/python bench/guest_api.py [--requests 300] [--concurrency 8]

Seeds the demo bistro into a throwaway database (or DATABASE_URL), starts two
Daphne processes on loopback (Tableside and a one-view bare Django app), and
prints per endpoint the latency one request at a time (p50, p95), the
throughput with concurrent clients, and the ratio of each to the bare view.
"same, our middleware" is a trivial view behind Tableside's middleware stack
(sessions, CSRF, locale, CSP, compression): the framework's share of the cost.
Not a test: numbers go in the README.
"""

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))


def _setup(env: dict) -> str:
    """Migrate and seed in a child process; return the guest path for a table."""
    code = (
        "import django; django.setup();"
        "from django.core.management import call_command;"
        "call_command('migrate', verbosity=0);"
        "from ordering.demo.seed import seed_demo; info = seed_demo();"
        "from ordering.tokens import table_code_make;"
        "print(table_code_make(table_id=info.table.pk, version=info.table.qr_version))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return f"/t/{out.stdout.strip().splitlines()[-1]}/"


def _daphne(port: int, app: str, env: dict) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), app],
        cwd=BASE,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=0.5)
            return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"daphne for {app} did not start")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()


async def _latencies(make_request, count: int) -> list[float]:
    samples = []
    for i in range(count):
        started = time.perf_counter()
        response = await make_request(i)
        samples.append(time.perf_counter() - started)
        if response.status_code >= 400:
            raise SystemExit(f"request failed: {response.status_code} {response.text}")
    return samples


async def _throughput(make_request, count: int, concurrency: int) -> float:
    queue = iter(range(count))

    async def worker():
        for i in queue:
            await make_request(i)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return count / (time.perf_counter() - started)


def _pct(samples: list[float], q: float) -> float:
    return statistics.quantiles(samples, n=100)[int(q) - 1] * 1000


async def _run(
    app_url: str, bare_url: str, guest_path: str, count: int, concurrency: int
):
    bare = httpx.AsyncClient(base_url=bare_url)
    phones = [httpx.AsyncClient(base_url=app_url) for _ in range(concurrency)]
    for phone in phones:
        await phone.get(guest_path)
        await phone.get("/table/")
    menu = (await phones[0].get("/api/v1/restaurants/saaristo/menu")).json()
    item = next(
        i
        for c in menu["categories"]
        for i in c["items"]
        if i["orderable_now"] and not i["modifier_groups"]
    )

    def post(phone, url, body):
        return phone.post(
            url, json=body, headers={"X-CSRFToken": phone.cookies["csrftoken"]}
        )

    endpoints = {
        "bare Django JSON view": lambda i: bare.get("/bare"),
        "same, our middleware": lambda i: phones[i % concurrency].get("/healthz"),
        "GET menu API": lambda i: phones[i % concurrency].get(
            "/api/v1/restaurants/saaristo/menu"
        ),
        "GET menu page (HTML)": lambda i: phones[i % concurrency].get("/table/"),
        "GET cart API": lambda i: phones[i % concurrency].get("/api/v1/cart"),
        "POST add to cart": lambda i: post(
            phones[i % concurrency],
            "/api/v1/cart/lines",
            {"menu_item_id": item["id"], "quantity": 1},
        ),
    }
    rows = []
    for name, make in endpoints.items():
        await _latencies(make, 20)  # warm-up
        samples = await _latencies(make, count)
        rate = await _throughput(make, count, concurrency)
        rows.append((name, _pct(samples, 50), _pct(samples, 95), rate))
    for client in (bare, *phones):
        await client.aclose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DEBUG": "false",
            "TABLESIDE_ORDER_RATE_LIMIT": "1000000",
        }
        env.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
        guest_path = _setup(env)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=BASE,
            env=env,
            check=True,
        )
        app = _daphne(8411, "config.asgi:application", env)
        bare = _daphne(8412, "bench.bare_asgi:application", env)
        try:
            rows = asyncio.run(
                _run(
                    "http://127.0.0.1:8411",
                    "http://127.0.0.1:8412",
                    guest_path,
                    args.requests,
                    args.concurrency,
                )
            )
        finally:
            _stop(app)
            _stop(bare)
    base_p50, base_rate = rows[0][1], rows[0][3]
    db = env["DATABASE_URL"].split(":", 1)[0]
    print(
        f"\n{args.requests} requests each, {args.concurrency} concurrent clients, "
        f"database {db}, {os.cpu_count()} cores\n"
    )
    header = ("endpoint", "p50 ms", "p95 ms", "×bare", "req/s", "÷bare")
    print("{:<24} {:>7} {:>7} {:>6} {:>7} {:>6}".format(*header))
    for name, p50, p95, rate in rows:
        print(
            f"{name:<24} {p50:7.1f} {p95:7.1f} {p50 / base_p50:6.1f} {rate:7.0f} "
            f"{base_rate / rate:6.1f}"
        )


if __name__ == "__main__":
    main()
