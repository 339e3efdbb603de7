"""Suggestion speed: a table of 6 members with 100k members and 2M order lines.

    .venv/bin/python bench/suggestions.py [--members 100000] [--lines 2000000]
        [--requests 300] [--keep]

Creates a dedicated PostgreSQL database (127.0.0.1:5432, user postgres, or
BENCH_POSTGRES_URL), seeds the demo bistro plus the given number of members
and order lines with COPY (every member's visits in closed table sessions,
with a few favourite dishes each), runs the nightly refit, and seats six of
them at one open table with carts. It then times the waiter's
`GET /api/v1/loyalty/staff/suggestions?session=` under Daphne on loopback,
one request at a time, beside a bare Django JSON view under the same server
(the project's floor, `bench/bare_asgi.py`) and the selector alone in
process. The database is dropped at the end unless --keep. Not a test: the
figures go in the README.
"""

import argparse
import asyncio
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))

SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
DATABASE = "tableside_bench_suggestions"
WAITER = "waiter"  # the demo's waiter login
TABLE_SIZE = 6


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(sql)


# ---------------------------------------------------------------------------
# The seeding child: Django set up against the bench database.


def _copy(cursor, model, rows: list[dict]) -> None:
    """COPY rows into a model's table; fields not given take their defaults."""
    from django.db import connection

    fields = model._meta.concrete_fields
    given = set(rows[0]) if rows else set()
    defaults = {
        field.column: field.get_db_prep_save(field.get_default(), connection)
        for field in fields
        if field.column not in given
    }
    columns = [field.column for field in fields]
    statement = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"  # noqa: S608
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(
                [row[c] if c in row else _plain(defaults[c]) for c in columns]
            )


def _plain(value):
    # JSON defaults come back wrapped for the driver; COPY wants their text.
    adapted = getattr(value, "obj", value)
    return json.dumps(adapted) if isinstance(adapted, (dict, list)) else adapted


def _seed(members: int, lines: int) -> dict:
    import datetime
    import secrets

    import django

    django.setup()
    import numpy as np
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from loyalty.models import Consent, Identification, LoyaltyProgram, Member
    from ordering.demo.seed import seed_demo
    from ordering.models import (
        Guest,
        MenuItem,
        Order,
        OrderLine,
        Table,
        TableSession,
    )
    from ordering.services.orders import cart_line_add
    from ordering.services.tables import table_session_join
    from ordering.tokens import table_code_make

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    info = seed_demo()
    restaurant = info.restaurant
    LoyaltyProgram.objects.get_or_create(restaurant=restaurant)
    tables = list(
        Table.objects.filter(restaurant=restaurant).values_list("id", flat=True)
    )
    dishes = list(
        MenuItem.objects.filter(
            restaurant=restaurant,
            category__is_active=True,
            modifier_groups__isnull=True,
        ).distinct()
    )
    rng = np.random.default_rng(7)
    # Zipf-like popularity, so that some dishes are the house favourites.
    weights = 1.0 / np.arange(1, len(dishes) + 1) ** 0.8
    weights /= weights.sum()
    now = timezone.now()

    def ids(model) -> int:
        return (
            model.objects.order_by("-id").values_list("id", flat=True).first() or 0
        ) + 1

    member_id, session_id, guest_id = ids(Member), ids(TableSession), ids(Guest)
    identification_id, order_id, line_id = (
        ids(Identification),
        ids(Order),
        ids(OrderLine),
    )
    consent_id = ids(Consent)
    rows: dict[Any, list[dict]] = {
        model: []
        for model in (
            Member,
            Consent,
            TableSession,
            Guest,
            Identification,
            Order,
            OrderLine,
        )
    }
    notes = [
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "pähkinäallergia",
        "laktoositon",
        "vegaani",
    ]
    first_member = member_id
    favourites = []
    for m in range(members):
        joined = now - datetime.timedelta(days=400)
        rows[Member].append(
            {
                "id": first_member + m,
                "restaurant_id": restaurant.pk,
                "first_name": f"Jäsen {m}",
                "joined_at": joined,
                "language": "fi",
                "diet_notes": notes[m % len(notes)],
            }
        )
        rows[Consent].append(
            {
                "id": consent_id,
                "member_id": first_member + m,
                "purpose": "personalisation",
                "is_granted": m % 7 != 0,
                "wording_version": "bench",
                "wording": "Personal suggestions?",
                "language": "fi",
                "source": "bench",
                "recorded_at": joined,
            }
        )
        consent_id += 1
        favourites.append(rng.choice(len(dishes), size=3, replace=False, p=weights))

    def schedule():
        """Each member's visits (a long tail of regulars), then more visits
        by random members until the lines add up."""
        for m in range(members):
            yield from [m] * int(rng.geometric(1 / 6.5))
        while True:
            yield int(rng.integers(members))

    written = 0
    for m in schedule():
        if written >= lines:
            break
        member_id = first_member + m
        at = now - datetime.timedelta(
            days=int(rng.integers(1, 365)), hours=int(rng.integers(0, 10))
        )
        rows[TableSession].append(
            {
                "id": session_id,
                "restaurant_id": restaurant.pk,
                "table_id": tables[session_id % len(tables)],
                "status": "closed",
                "opened_at": at,
                "last_activity_at": at,
                "closed_at": at + datetime.timedelta(hours=1),
            }
        )
        rows[Guest].append(
            {
                "id": guest_id,
                "table_session_id": session_id,
                "token_hash": secrets.token_hex(32),
                "created_at": at,
            }
        )
        rows[Identification].append(
            {
                "id": identification_id,
                "guest_id": guest_id,
                "member_id": member_id,
                "identified_at": at,
            }
        )
        chosen = {
            int(favourites[m][i])
            if rng.random() < 0.55
            else int(rng.choice(len(dishes), p=weights))
            for i in rng.integers(0, 3, size=1 + int(rng.poisson(2.1)))
        }
        total = 0
        for index in chosen:
            dish = dishes[index]
            total += dish.price_minor
            rows[OrderLine].append(
                {
                    "id": line_id,
                    "order_id": order_id,
                    "menu_item_id": dish.pk,
                    "name": json.dumps(dish.texts("name")),
                    "quantity": 1,
                    "unit_price_minor": dish.price_minor,
                    "line_total_minor": dish.price_minor,
                    "vat_rate_bp": dish.vat_rate_bp,
                    "station": dish.station,
                    "course": dish.course,
                    "status": "served",
                    "created_at": at,
                }
            )
            line_id += 1
        rows[Order].append(
            {
                "id": order_id,
                "restaurant_id": restaurant.pk,
                "table_session_id": session_id,
                "guest_id": guest_id,
                "status": "served",
                "total_minor": total,
                "created_at": at,
                "placed_at": at,
                "status_changed_at": at,
            }
        )
        written += len(chosen)
        session_id += 1
        guest_id += 1
        identification_id += 1
        order_id += 1
    generated = time.perf_counter() - started
    with transaction.atomic(), connection.cursor() as cursor:
        # The rows are consistent by construction; checking 4M foreign keys
        # one trigger at a time would take most of the seeding time.
        cursor.execute("SET LOCAL session_replication_role = replica")
        for model, model_rows in rows.items():
            if model_rows:
                _copy(cursor.cursor, model, model_rows)
        for model in rows:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT max(id) FROM {table}))"
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    copied = time.perf_counter() - started - generated

    from loyalty.suggestions_fit import suggestions_refit

    refit_started = time.perf_counter()
    refit = suggestions_refit(restaurant_id=restaurant.pk)
    refit_seconds = time.perf_counter() - refit_started

    # Six regulars (with consent and at least five visits) at one open table,
    # four of them with something in their carts already.
    from django.db.models import Count

    regulars = [
        row["member_id"]
        for row in Identification.objects.filter(member_id__gte=first_member)
        .values("member_id")
        .annotate(visits=Count("id"))
        .filter(visits__gte=5)
        .order_by("member_id")[:200]
    ]
    seated = [m for m in regulars if (m - first_member) % 7 != 0][:TABLE_SIZE]
    table = (
        Table.objects.filter(restaurant=restaurant)
        .exclude(sessions__status="open")
        .first()
    )
    assert table is not None, "the demo has a free table"
    code = table_code_make(table_id=table.pk, version=table.qr_version)
    session = None
    for position, member in enumerate(seated):
        guest, _token = table_session_join(code=code)
        session = guest.table_session
        Identification.objects.create(guest=guest, member_id=member)
        if position < 4:
            cart_line_add(
                guest=guest,
                menu_item_id=dishes[position].pk,
                quantity=1,
                modifier_ids=[],
            )
    assert session is not None
    return {
        "restaurant": restaurant.pk,
        "session": session.pk,
        "members": members,
        "lines": written,
        "orders": len(rows[Order]),
        "seed_seconds": round(generated + copied, 1),
        "copy_seconds": round(copied, 1),
        "refit_seconds": round(refit_seconds, 1),
        "refit_members": refit.members,
    }


def _measure(*, refit: bool) -> dict:
    """Time the selector in a fresh process (no seeding garbage to collect)
    and sign the waiter in for the HTTP part; refit first if asked."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client

    from loyalty.suggestions_fit import suggestions_refit
    from ordering.models import Restaurant, TableSession

    result: dict = {}
    if refit:
        started = time.perf_counter()
        fitted = suggestions_refit(
            restaurant_id=Restaurant.objects.get(slug="saaristo").pk
        )
        result["refit_seconds"] = round(time.perf_counter() - started, 1)
        result["refit_members"] = fitted.members
        # The refit's garbage must not be collected in the timings below.
        del fitted
        gc.collect()
        gc.freeze()

    session = (
        TableSession.objects.filter(status="open")
        .annotate(phones=Count("guests__identification"))
        .filter(phones__gte=TABLE_SIZE)
        .order_by("-id")
        .first()
    )
    if session is None:
        raise SystemExit("no seeded table of six: run without --reuse")
    service = _time_service(session.pk)
    # The tablet's signed-in session, made here so the bench needs no HTML
    # login page (and no collected static files).
    browser = Client()
    browser.force_login(get_user_model().objects.get(username=WAITER))
    return result | {
        "session": session.pk,
        "service": service,
        "sessionid": browser.cookies["sessionid"].value,
    }


def _time_service(session_id: int, count: int = 300) -> dict:
    """Time the selector and the shown-record in process (no HTTP)."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from loyalty.models import SuggestionChannel
    from loyalty.suggestions import table_suggestions
    from loyalty.suggestions_record import suggestions_shown_record
    from ordering.models import TableSession

    def once():
        session = TableSession.objects.select_related("restaurant").get(pk=session_id)
        found = table_suggestions(table_session=session, lang="fi")
        suggestions_shown_record(
            table_session=session, channel=SuggestionChannel.STAFF, shown=found.shown()
        )
        return found

    for _ in range(20):
        once()
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        once()
        samples.append(time.perf_counter() - started)
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        found = once()
    return {
        "p50": _pct(samples, 50),
        "p95": _pct(samples, 95),
        "queries": len(queries),
        "example": [
            {
                "member": view.first_name,
                "usual": [p.name for p in view.usual],
                "suggestions": [f"{p.name}: {p.reason}" for p in view.suggestions],
            }
            for view in found.members
        ]
        + [{"pairings": [f"{p.name}: {p.reason}" for p in found.pairings]}],
    }


# ---------------------------------------------------------------------------
# The timing parent.


def _pct(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100)[q - 1] * 1000


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
    for _ in range(count):
        started = time.perf_counter()
        response = await make_request()
        samples.append(time.perf_counter() - started)
        if response.status_code >= 400:
            raise SystemExit(f"request failed: {response.status_code} {response.text}")
    return samples


async def _run(
    app_url: str, bare_url: str, session: int, sessionid: str, count: int
) -> list:
    bare = httpx.AsyncClient(base_url=bare_url)
    tablet = httpx.AsyncClient(
        base_url=app_url, timeout=30, cookies={"sessionid": sessionid}
    )
    endpoints = {
        "bare Django JSON view": lambda: bare.get("/bare"),
        "same, our middleware": lambda: tablet.get("/healthz"),
        "GET suggestions, table of 6": lambda: tablet.get(
            "/api/v1/loyalty/staff/suggestions", params={"session": session}
        ),
    }
    rows = []
    for name, make in endpoints.items():
        await _latencies(make, 20)  # warm-up
        samples = await _latencies(make, count)
        rows.append((name, _pct(samples, 50), _pct(samples, 95)))
    for client in (bare, tablet):
        await client.aclose()
    return rows


def _child(env: dict, *flags: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, *flags],
        cwd=BASE,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--reuse", action="store_true", help="time a database kept by --keep"
    )
    parser.add_argument("--seed", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--refit", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:  # the children print what the parent needs as JSON
        print(json.dumps(_seed(args.members, args.lines)))
        return
    if args.measure:
        print(json.dumps(_measure(refit="--refit" in sys.argv)))
        return
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DEBUG": "false",
        "DATABASE_URL": f"{SERVER}/{DATABASE}",
    }
    if not args.reuse:
        _admin(f'DROP DATABASE IF EXISTS "{DATABASE}"')
        _admin(f'CREATE DATABASE "{DATABASE}"')
    app = bare = None
    setup: dict = {}
    try:
        if not args.reuse:
            setup = _child(
                env, "--seed", f"--members={args.members}", f"--lines={args.lines}"
            )
        setup |= _child(env, "--measure", *(["--refit"] if args.reuse else []))
        app = _daphne(8421, "config.asgi:application", env)
        bare = _daphne(8422, "bench.bare_asgi:application", env)
        rows = asyncio.run(
            _run(
                "http://127.0.0.1:8421",
                "http://127.0.0.1:8422",
                setup["session"],
                setup["sessionid"],
                args.requests,
            )
        )
    finally:
        for process in (app, bare):
            if process is not None:
                _stop(process)
        if not args.keep:
            _admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    service = setup["service"]
    if "members" in setup:
        print(
            f"\n{setup['members']} members, {setup['lines']} order lines in "
            f"{setup['orders']} visits, PostgreSQL, {os.cpu_count()} cores; "
            f"seeded in {setup['seed_seconds']} s (COPY {setup['copy_seconds']} s)\n"
            f"nightly refit: {setup['refit_seconds']} s, "
            f"{setup['refit_members']} consenting members ranked"
        )
    elif "refit_seconds" in setup:
        print(
            f"\nkept database; refit: {setup['refit_seconds']} s, "
            f"{setup['refit_members']} consenting members ranked"
        )
    print(f"{args.requests} requests each, one at a time\n")
    base_p50 = rows[0][1]
    print("{:<30} {:>7} {:>7} {:>6}".format("endpoint", "p50 ms", "p95 ms", "×bare"))
    for name, p50, p95 in rows:
        print(f"{name:<30} {p50:7.1f} {p95:7.1f} {p50 / base_p50:6.1f}")
    print(
        f"{'selector + record, in process':<30} {service['p50']:7.1f} "
        f"{service['p95']:7.1f}      -   "
        f"({service['queries']} query + 3 reads in one pipelined round trip)"
    )
    print("\nexample table:")
    for entry in service["example"]:
        print(" ", json.dumps(entry, ensure_ascii=False))


if __name__ == "__main__":
    main()
