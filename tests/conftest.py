"""Shared fixtures, and the rule that decides which tests this machine runs.

Tests marked `postgres`, `redis` or `browser` need a component the embedded
setup lacks. Without it they are deselected, and the summary says so. CI sets
TABLESIDE_REQUIRE="postgres redis browser": then a missing component, or any
skipped test, fails the run instead.
"""

import contextlib
import datetime
import os
import shutil
from dataclasses import dataclass

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from ordering.models import Guest, MenuItem, Restaurant, Table
from ordering.services.tables import table_session_join
from ordering.tokens import table_code_make
from tests.factories import (
    CategoryFactory,
    MenuItemFactory,
    ModifierFactory,
    ModifierGroupFactory,
    RestaurantFactory,
    StaffFactory,
    TableFactory,
)

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
REQUIRED = set(os.environ.get("TABLESIDE_REQUIRE", "").split())


def _missing_components() -> dict[str, str]:
    missing = {}
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        missing["postgres"] = "DATABASE_URL does not point at PostgreSQL"
    if not settings.REDIS_URL:
        missing["redis"] = "REDIS_URL is not set"
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        missing["browser"] = f"no Chromium at {CHROMIUM}"
    return missing


def pytest_collection_modifyitems(config, items):
    missing = _missing_components()
    unmet = {name: why for name, why in missing.items() if name in REQUIRED}
    if unmet:
        raise pytest.UsageError(
            "TABLESIDE_REQUIRE asks for components this machine lacks: "
            + "; ".join(f"{name}: {why}" for name, why in unmet.items())
        )
    keep, drop = [], []
    for item in items:
        needs = {m.name for m in item.iter_markers()} & set(missing)
        (drop if needs else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        config._tableside_deselected = (len(drop), missing)
    # Browser tests last: while Playwright runs, its event loop occupies this
    # thread and async tests cannot start their own.
    items[:] = sorted(keep, key=lambda item: "tests/browser/" in item.nodeid)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    dropped = getattr(config, "_tableside_deselected", None)
    if dropped:
        count, missing = dropped
        reasons = "; ".join(f"{k}: {v}" for k, v in missing.items())
        terminalreporter.write_line(
            f"tableside: {count} tests need components not configured here "
            f"and were not run ({reasons}). CI runs them all."
        )


def pytest_sessionfinish(session, exitstatus):
    if REQUIRED and exitstatus == 0:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        skipped = reporter.stats.get("skipped", []) if reporter else []
        if skipped:
            session.exitstatus = 1
            if reporter:
                reporter.write_line(
                    f"tableside: {len(skipped)} tests were skipped; "
                    "with TABLESIDE_REQUIRE set, a skip is a failure."
                )


@pytest.fixture(autouse=True)
def _english():
    """Tests read messages in English, whatever an earlier request activated."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _isolated_cache():
    """Rate-limit counters and other cache state never leak between tests."""
    from django.core.cache import cache

    from ordering.selectors import menu_for_pricing_forget

    cache.clear()
    menu_for_pricing_forget()
    yield
    cache.clear()
    menu_for_pricing_forget()


@dataclass
class Menu:
    restaurant: Restaurant
    soup: MenuItem
    steak: MenuItem
    beer: MenuItem
    lunch: MenuItem
    doneness: object
    side: object
    extras: object
    medium: object
    rare: object
    mash: object
    fries: object
    cheese: object
    bacon: object


@pytest.fixture
def restaurant(db) -> Restaurant:
    return RestaurantFactory(name="Bistro Testi", slug="testi")


@pytest.fixture
def menu(restaurant) -> Menu:
    """A small menu: a soup, a steak with required and optional choices,
    a beer at the alcohol rate and a lunch-only dish."""
    starters = CategoryFactory(
        restaurant=restaurant, name_fi="Keitot", name_sv="Soppor", name_en="Soups"
    )
    mains = CategoryFactory(
        restaurant=restaurant, name_fi="Pääruoat", name_sv="Varmrätter", name_en="Mains"
    )
    drinks = CategoryFactory(
        restaurant=restaurant, name_fi="Juomat", name_sv="Drycker", name_en="Drinks"
    )
    soup = MenuItemFactory(
        restaurant=restaurant,
        category=starters,
        name_fi="Lohikeitto",
        name_sv="Laxsoppa",
        name_en="Salmon soup",
        price_minor=1690,
        allergens=["fish", "milk"],
        diets=["gluten_free"],
    )
    steak = MenuItemFactory(
        restaurant=restaurant,
        category=mains,
        name_fi="Häränfilee",
        name_en="Beef tenderloin",
        price_minor=3400,
        station="grill",
        course=2,
    )
    beer = MenuItemFactory(
        restaurant=restaurant,
        category=drinks,
        name_fi="Olut",
        name_en="Beer",
        price_minor=850,
        vat_rate_bp=2550,
        allergens=["gluten"],
        station="bar",
        diets=["vegan"],
    )
    lunch = MenuItemFactory(
        restaurant=restaurant,
        category=mains,
        name_fi="Päivän lounas",
        name_en="Lunch of the day",
        price_minor=1350,
        available_from=datetime.time(10, 30),
        available_until=datetime.time(14, 0),
    )
    doneness = ModifierGroupFactory(
        restaurant=restaurant, name_fi="Kypsyys", name_en="Doneness", min_choices=1
    )
    rare = ModifierFactory(group=doneness, name_fi="Raaka", name_en="Rare")
    medium = ModifierFactory(group=doneness, name_fi="Medium", name_en="Medium")
    side = ModifierGroupFactory(restaurant=restaurant, name_fi="Lisuke", min_choices=1)
    mash = ModifierFactory(group=side, name_fi="Muusi", name_en="Mash", is_default=True)
    fries = ModifierFactory(
        group=side, name_fi="Ranskalaiset", name_en="Fries", price_delta_minor=150
    )
    extras = ModifierGroupFactory(
        restaurant=restaurant, name_fi="Lisät", name_en="Extras", max_choices=2
    )
    cheese = ModifierFactory(
        group=extras, name_fi="Juusto", price_delta_minor=200, allergens=["milk"]
    )
    bacon = ModifierFactory(group=extras, name_fi="Pekoni", price_delta_minor=250)
    ModifierFactory(group=extras, name_fi="Sipuli", price_delta_minor=100)
    steak.modifier_groups.set([doneness, side, extras])
    return Menu(
        restaurant=restaurant,
        soup=soup,
        steak=steak,
        beer=beer,
        lunch=lunch,
        doneness=doneness,
        side=side,
        extras=extras,
        medium=medium,
        rare=rare,
        mash=mash,
        fries=fries,
        cheese=cheese,
        bacon=bacon,
    )


@pytest.fixture
def table(restaurant) -> Table:
    return TableFactory(restaurant=restaurant, label="7")


@pytest.fixture
def table_code(table) -> str:
    return table_code_make(table_id=table.pk, version=table.qr_version)


@pytest.fixture
def join(table_code):
    """Join the table as a new phone; return (guest, token)."""

    def _join(code: str | None = None) -> tuple[Guest, str]:
        return table_session_join(code=code or table_code)

    return _join


@pytest.fixture
def guest(join) -> Guest:
    return join()[0]


@pytest.fixture
def guest_client(join):
    """An API client acting as a freshly joined phone (header token auth)."""

    def _client(token: str | None = None) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Guest {token or join()[1]}")
        return client

    return _client


@pytest.fixture
def staff(restaurant):
    def _staff(role: str = "waiter", at: Restaurant | None = None):
        return StaffFactory(restaurant=at or restaurant, role=role).user

    return _staff


@pytest.fixture
def staff_client(staff):
    def _client(role: str = "kitchen", at: Restaurant | None = None) -> APIClient:
        client = APIClient()
        client.force_authenticate(staff(role, at))
        return client

    return _client


@pytest.fixture
def capture_events(django_capture_on_commit_callbacks, monkeypatch):
    """Return a context manager collecting what services publish after commit.

    Inside it, commit callbacks run when the block ends, as a real commit
    would run them; `sent` then holds (group, envelope) pairs.
    """
    sent: list[tuple[str, dict]] = []

    def fake_send(groups, payload):
        sent.extend((group, payload) for group in groups)

    monkeypatch.setattr("kitchen.events._send", fake_send)

    @contextlib.contextmanager
    def _capture():
        sent.clear()
        with django_capture_on_commit_callbacks(execute=True):
            yield sent

    return _capture


@pytest.fixture
def server(transactional_db):
    """A real Daphne process serving the test database, for one test."""
    from tests.live import DaphneServer

    daphne = DaphneServer().start()
    yield daphne
    daphne.stop()


@pytest.fixture
def server_factory(transactional_db):
    """Start Daphne processes with extra environment; all stop after the test."""
    from tests.live import DaphneServer

    started = []

    def _start(extra_env: dict):
        daphne = DaphneServer(extra_env=extra_env).start()
        started.append(daphne)
        return daphne

    yield _start
    for daphne in started:
        daphne.stop()


@pytest.fixture
def staff_http(server, staff):
    """Return an HTTP client signed in to the live server as staff."""
    import httpx

    def _client(role: str = "kitchen") -> httpx.Client:
        user = staff(role)
        client = httpx.Client(base_url=server.url, timeout=10)
        client.get("/accounts/login/")
        client.post(
            "/accounts/login/",
            data={
                "username": user.username,
                "password": "pw",
                "csrfmiddlewaretoken": client.cookies["csrftoken"],
            },
        )
        assert "sessionid" in client.cookies, "staff login failed"
        client.headers["X-CSRFToken"] = client.cookies["csrftoken"]
        return client

    return _client


@pytest.fixture
def place(menu, join):
    """Place an order from a new phone at the table; return the order.

    `items` is a list of (menu item, quantity) or (menu item, quantity,
    modifier ids).
    """
    from ordering.services.orders import cart_line_add, order_submit

    def _place(items, guest=None):
        guest = guest or join()[0]
        cart = None
        for entry in items:
            item, quantity, *rest = entry
            cart = cart_line_add(
                guest=guest,
                menu_item_id=item.pk,
                quantity=quantity,
                modifier_ids=rest[0] if rest else [],
            )
        return order_submit(guest=guest, cart_id=cart.pk)

    return _place


@pytest.fixture(scope="session")
def localstripe():
    """A localstripe process (Stripe's API on loopback) for the whole run."""
    from kitchen.processes import LocalStripe

    server = LocalStripe().start()
    yield server
    server.stop()


STRIPE_TEST_KEYS = {
    "STRIPE_SECRET_KEY": "sk_test_tableside",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_tableside",
    "STRIPE_WEBHOOK_SECRET": "whsec_tableside_test",
}


@pytest.fixture
def stripe_settings(localstripe, settings):
    """Point the gateway at localstripe through the official SDK."""
    from ordering.payments import gateway_reset

    settings.PAYMENTS = {
        **settings.PAYMENTS,
        **STRIPE_TEST_KEYS,
        "GATEWAY": "ordering.payments.StripeGateway",
        "STRIPE_API_BASE": localstripe.url,
        "STRIPE_JS_URL": f"{localstripe.url}/js.stripe.com/v3/",
        "CARD_ELEMENT": True,
        "WEBHOOK_API_VERSIONS": [settings.STRIPE_API_VERSION, "2017-08-15"],
    }
    gateway_reset()
    yield localstripe
    gateway_reset()
