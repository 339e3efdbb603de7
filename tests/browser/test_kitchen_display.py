"""The kitchen display on a wall tablet: tickets arrive live, cooks start and
bump them, the expo serves whole tables, dishes are marked sold out."""

import datetime
import re
import time

import httpx
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kitchen.models import Alert, AlertKind, Station, Ticket, TicketStatus
from kitchen.services.screens import screen_pairing_create
from ordering.models import MenuItem
from ordering.tokens import table_code_make
from tests.factories import MenuItemFactory, TableFactory

pytestmark = pytest.mark.browser

LANDSCAPE = {"width": 1180, "height": 820}
PORTRAIT = {"width": 820, "height": 1180}
PAGE_BUDGET_BYTES = 60_000
ARRIVES_WITHIN_MS = 2_500


@pytest.fixture
def stations(restaurant) -> dict[str, Station]:
    names = [("hot", "Hot kitchen"), ("grill", "Grill"), ("bar", "Bar")]
    return {
        code: Station.objects.create(
            restaurant=restaurant, code=code, name=name, position=position
        )
        for position, (code, name) in enumerate(names)
    }


@pytest.fixture
def tablet(browser, server, staff, restaurant):
    """Open a kitchen tablet signed in as kitchen staff, past the first tap."""
    contexts = []

    def _open(station: str | None = None, *, viewport=LANDSCAPE, start=True):
        context = browser.new_context(
            viewport=viewport, locale="en-GB", has_touch=True, bypass_csp=True
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        user = staff("kitchen")
        page.goto(f"{server.url}/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill("pw")
        page.get_by_role("button", name="Sign in").click()
        expect(page).not_to_have_url(re.compile("/accounts/login/"))
        query = f"restaurant={restaurant.slug}"
        if station:
            query += f"&station={station}"
        page.goto(f"{server.url}/kitchen/?{query}")
        if start:
            _start(page)
        return page

    yield _open
    for context in contexts:
        context.close()


def _start(page) -> None:
    page.get_by_role("button", name="Tap to start the kitchen screen").click()
    expect(page.locator("#conn")).to_have_attribute("data-state", "live")


def _guest(server, table) -> httpx.Client:
    """Return a phone at `table`, as an HTTP client of the live server."""
    code = table_code_make(table_id=table.pk, version=table.qr_version)
    client = httpx.Client(base_url=server.url, timeout=15)
    assert client.get(f"/t/{code}/").status_code == 302
    client.get("/table/")
    client.headers["X-CSRFToken"] = client.cookies["csrftoken"]
    return client


def _order(guest: httpx.Client, *lines: dict, note: str = "") -> dict:
    cart = None
    for line in lines:
        added = guest.post("/api/v1/cart/lines", json=line)
        assert added.status_code == 201, added.text
        cart = added.json()
    placed = guest.post(
        "/api/v1/cart/submit", json={"cart_id": cart["id"], "note": note}
    )
    assert placed.status_code == 201, placed.text
    return placed.json()


def _eventually(check, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


def _ticket(order_id: int, station: str) -> Ticket:
    return Ticket.objects.get(order_id=order_id, station__code=station)


def _card(page, table: str):
    return page.locator("article.ticket", has_text=f"Table {table}")


def _order_status(page, number: int):
    return page.locator(
        f"article.order:has(h2:text-is('Order #{number}')) .progress li.current"
    )


def test_guest_order_reaches_the_station_and_the_cook_moves_it(
    server, menu, table, stations, phone, tablet, shoot
):
    # given: the hot kitchen's tablet is on, and a guest orders on a phone
    kitchen = tablet("hot")
    expect(kitchen.locator("#empty")).to_have_text(
        "No tickets. New orders appear here at once."
    )
    alice = phone()
    alice.goto(f"{server.url}/t/{table_code_make(table_id=table.pk, version=1)}/")
    alice.locator(f".item[data-id='{menu.soup.pk}'] .item-open").click()
    alice.locator("#dish").get_by_role("button", name=re.compile("^Add")).click()
    alice.locator("#cart-open").click()
    alice.get_by_role("button", name="Place order").click()
    expect(alice).to_have_url(f"{server.url}/table/orders/")

    # then: the ticket is on the kitchen screen at once
    card = _card(kitchen, "7")
    expect(card).to_be_visible(timeout=ARRIVES_WITHIN_MS)
    expect(card.locator(".ticket-number")).to_have_text("#1")
    expect(card.locator(".line .name")).to_have_text("Lohikeitto")
    expect(card.locator(".pill")).to_have_text(["Fish", "Milk"])
    expect(card.locator(".timer")).to_have_text(re.compile(r"^00:0\d$"))
    ticket = Ticket.objects.get(order__number=1)
    assert ticket.station.code == "hot"

    # and the screen has told the server it showed it
    assert _eventually(
        lambda: Ticket.objects.get(pk=ticket.pk).acknowledged_at is not None
    )

    # when: the cook starts it, the guest sees it being prepared
    card.get_by_role("button", name="Start").click()
    expect(card).to_have_attribute("data-status", "preparing")
    expect(_order_status(alice, 1)).to_have_text("Preparing")
    # a mis-tap is undone, and started again
    card.get_by_role("button", name="Undo").click()
    expect(card).to_have_attribute("data-status", "received")
    card.get_by_role("button", name="Start").click()
    expect(card).to_have_attribute("data-status", "preparing")

    # when: bumped, it leaves the board for the "ready" strip
    card.get_by_role("button", name="Ready").click()
    expect(card).to_have_count(0)
    recent = kitchen.locator("#recent")
    expect(recent.locator(".recent-item")).to_have_text([re.compile("Table 7")])
    expect(_order_status(alice, 1)).to_have_text("Ready")
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.READY

    # a recall brings it back; crossing off its only item bumps it again
    recent.get_by_role("button", name="Recall").click()
    expect(card).to_have_attribute("data-status", "preparing")
    expect(_order_status(alice, 1)).to_have_text("Preparing")
    card.locator("button.line-body").click()
    expect(card).to_have_count(0)
    expect(_order_status(alice, 1)).to_have_text("Ready")
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.READY


def test_station_screen_shows_only_its_own_tickets(
    server, menu, table, stations, tablet, staff_http
):
    # given: screens at the hot kitchen and at the bar
    hot, bar = tablet("hot"), tablet("bar")

    # when: one order has a soup and a beer
    order = _order(
        _guest(server, table),
        {"menu_item_id": menu.soup.pk, "note": "no dill"},
        {"menu_item_id": menu.beer.pk, "quantity": 2},
    )

    # then: each screen shows its own part only
    expect(_card(bar, "7")).to_be_visible(timeout=ARRIVES_WITHIN_MS)
    expect(_card(hot, "7")).to_be_visible(timeout=ARRIVES_WITHIN_MS)
    expect(bar.locator(".ticket .line .name")).to_have_text(["Olut"])
    expect(bar.locator(".ticket .qty")).to_have_text(["2×"])
    expect(hot.locator(".ticket .line .name")).to_have_text(["Lohikeitto"])
    expect(hot.locator(".ticket .note")).to_have_text("Note: no dill")
    # the same after a reload, from the snapshot
    bar.reload()
    _start(bar)
    expect(bar.locator(".ticket")).to_have_count(1)
    expect(bar.locator(".ticket .line .name")).to_have_text(["Olut"])
    # and the all-day count is the bar's
    bar.get_by_role("button", name="All day").click()
    expect(bar.locator("#allday-list li")).to_have_text(["2Olut"])
    beer = _ticket(order["id"], "bar")
    assert beer.acknowledged_at is not None
    bar.get_by_role("button", name="Close").click()

    # when: the bar screen misses that another screen started the beer, and
    # the bartender taps Start too
    bar.evaluate("() => window.__kds.drop(1)")
    started = staff_http("kitchen").post(f"/api/v1/kitchen/tickets/{beer.pk}/start")
    assert started.status_code == 200, started.text
    bar.wait_for_function("() => window.__kds.state().dropNext === 0")
    _card(bar, "7").get_by_role("button", name="Start").click()

    # then: the server's reason shows, and the screen catches up
    expect(bar.locator("#toast")).to_have_text(
        "This ticket is preparing; it cannot be started now."
    )
    expect(_card(bar, "7")).to_have_attribute("data-status", "preparing")


def test_expo_fires_the_main_course_and_serves_a_ready_table(
    server, menu, table, stations, tablet, staff_http, shoot
):
    # given: the expo screen, a hot kitchen screen, and one order for three
    # stations whose main course waits for the starters
    expo = tablet()
    hot = tablet("hot")
    order = _order(
        _guest(server, table),
        {"menu_item_id": menu.soup.pk},
        {"menu_item_id": menu.beer.pk},
        {
            "menu_item_id": menu.steak.pk,
            "modifier_ids": [menu.medium.pk, menu.fries.pk],
            "note": "no salt",
        },
    )
    soup, beer, steak = (_ticket(order["id"], s) for s in ("hot", "bar", "grill"))
    assert steak.status == TicketStatus.HELD

    # then: the expo shows the table's tickets, and the held course
    group = expo.locator("article.table", has_text="Table 7")
    expect(group).to_be_visible(timeout=ARRIVES_WITHIN_MS)
    expect(group.locator(".row-station")).to_have_text(["Hot kitchen", "Bar", "Grill"])
    expect(group.locator(".held-row")).to_contain_text("Held: course 2")
    expect(group.locator(".ready-flag")).to_have_count(0)

    # when: the waiter fires the main course from the expo
    group.get_by_role("button", name="Fire course 2").click()

    # then: the grill gets it
    expect(group.locator(".held-row")).to_have_count(0)
    expect(group.locator(".row.is-received")).to_have_count(3)
    assert Ticket.objects.get(pk=steak.pk).status == TicketStatus.RECEIVED

    # when: the hot kitchen bumps the soup on its screen, the bar by API
    _card(hot, "7").get_by_role("button", name="Ready").click()
    kitchen = staff_http("kitchen")
    assert kitchen.post(f"/api/v1/kitchen/tickets/{beer.pk}/bump").status_code == 200

    # then: the expo waits for the grill
    expect(group.locator(".waiting")).to_have_text("Waiting for Grill")
    expect(group.locator(".ready-flag")).to_have_count(0)
    shoot(expo, "kitchen-expo-waiting")

    # when: the grill bumps too
    assert kitchen.post(f"/api/v1/kitchen/tickets/{steak.pk}/bump").status_code == 200

    # then: the table is ready to serve, and "Served" serves it all
    expect(group.locator(".ready-flag")).to_have_text("Ready to serve")
    expect(group).to_have_class(re.compile(r"\bis-ready\b"))
    shoot(expo, "kitchen-expo-ready")
    group.get_by_role("button", name="Served").click()
    expect(group).to_have_count(0)
    expect(expo.locator("#empty")).to_be_visible()
    served = Ticket.objects.filter(pk__in=[soup.pk, beer.pk, steak.pk])
    assert set(served.values_list("status", flat=True)) == {TicketStatus.SERVED}


def test_paired_screen_sees_its_station_and_stops_when_unpaired(
    server, menu, table, stations, browser, staff, restaurant, shoot
):
    # given: a manager pairs a screen for the grill; the tablet types the code
    manager = staff("manager")
    pairing = screen_pairing_create(
        restaurant_id=restaurant.pk,
        name="Grill wall",
        station_id=stations["grill"].pk,
        user=manager,
    )
    context = browser.new_context(viewport=LANDSCAPE, locale="en-GB")
    page = context.new_page()
    page.goto(f"{server.url}/kitchen/pair/")
    page.get_by_label("Pairing code").fill(pairing.code)
    page.get_by_role("button", name="Pair").click()
    expect(page.locator(".bar-title")).to_have_text("Grill")
    shoot(page, "kitchen-tap-to-start")
    _start(page)

    # when: a steak is ordered
    _order(
        _guest(server, table),
        {"menu_item_id": menu.steak.pk, "modifier_ids": [menu.rare.pk, menu.mash.pk]},
    )

    # then: the screen shows it and acknowledges it as the screen
    expect(_card(page, "7")).to_be_visible(timeout=ARRIVES_WITHIN_MS)
    expect(page.locator(".ticket .mods")).to_contain_text("Raaka")
    assert _eventually(
        lambda: Ticket.objects.get(station__code="grill").acknowledged_at is not None
    )

    # when: the manager unpairs it (through the page, so the live server
    # publishes the revocation)
    manager_http = httpx.Client(base_url=server.url, timeout=10)
    manager_http.get("/accounts/login/")
    manager_http.post(
        "/accounts/login/",
        data={
            "username": manager.username,
            "password": "pw",
            "csrfmiddlewaretoken": manager_http.cookies["csrftoken"],
        },
    )
    revoked = manager_http.post(
        f"/kitchen/screens/?restaurant={restaurant.slug}",
        data={
            "revoke": _screen_id(pairing),
            "csrfmiddlewaretoken": manager_http.cookies["csrftoken"],
        },
    )
    assert revoked.status_code == 200

    # then: the screen says so and stops
    expect(page.locator("#empty")).to_have_text(
        "This screen was unpaired by a manager."
    )
    expect(page.locator(".ticket")).to_have_count(0)
    context.close()


def _screen_id(pairing) -> int:
    pairing.refresh_from_db()
    return pairing.screen_id


def test_sold_out_from_the_panel_reaches_the_open_guest_menu(
    server, menu, table, stations, tablet, phone, shoot
):
    # given: a guest has the menu open; the hot kitchen opens "Sold out?"
    alice = phone()
    alice.goto(f"{server.url}/t/{table_code_make(table_id=table.pk, version=1)}/")
    soup = alice.locator(f".item[data-id='{menu.soup.pk}']")
    expect(soup).not_to_have_class(re.compile("is-unavailable"))
    kitchen = tablet("hot")
    kitchen.get_by_role("button", name="Sold out?").click()
    panel = kitchen.get_by_role("dialog", name="Sold out?")
    expect(panel).to_be_visible()
    row = panel.locator(".stock-row", has_text="Lohikeitto")
    expect(row.locator(".stock-state")).to_have_text("Available")
    # the station's dishes only: no beer, no steak
    expect(panel.locator(".stock-name")).to_have_text(["Lohikeitto", "Päivän lounas"])

    # when: the cook marks the soup sold out
    row.get_by_role("button", name="Sold out").click()

    # then: the panel and the guest's open menu follow, without a reload
    expect(row.get_by_role("button", name="Sold out")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(row.locator(".stock-state")).to_have_text("Sold out")
    expect(soup).to_have_class(re.compile("is-unavailable"))
    expect(soup.locator(".badge")).to_have_text("Sold out")
    assert MenuItem.objects.get(pk=menu.soup.pk).is_available is False
    shoot(kitchen, "kitchen-sold-out-panel")

    # when: three portions turn up
    row.get_by_label("Lohikeitto: Portions left").fill("3")
    row.get_by_role("button", name="Save").click()

    # then: the soup is back, with three left
    expect(row.locator(".stock-state")).to_have_text("3 left")
    expect(soup).not_to_have_class(re.compile("is-unavailable"))
    expect(soup.locator(".badge")).to_have_text("Only 3 left")
    item = MenuItem.objects.get(pk=menu.soup.pk)
    assert (item.is_available, item.stock) == (True, 3)


def test_a_lost_event_is_noticed_and_the_snapshot_refetched(
    server, menu, table, stations, tablet
):
    # given: a hot kitchen screen whose network will drop the next event
    kitchen = tablet("hot")
    guest = _guest(server, table)
    seq = kitchen.evaluate("() => window.__kds.state().lastSeq")
    kitchen.evaluate("() => window.__kds.drop(1)")

    with kitchen.expect_request(
        lambda request: "/api/v1/kitchen/snapshot?" in request.url
    ) as resync:
        # when: an order's ticket is lost on the way
        first = _order(guest, {"menu_item_id": menu.soup.pk, "note": "first"})
        kitchen.wait_for_function("() => window.__kds.state().dropNext === 0")
        assert kitchen.evaluate("() => window.__kds.state().lastSeq") == seq
        # and the next one arrives, one number too far
        second = _order(guest, {"menu_item_id": menu.soup.pk, "note": "second"})

    # then: the page refetched the snapshot and shows both tickets, in order
    assert "station=hot" in resync.value.url
    expect(kitchen.locator(".ticket .note")).to_have_text(
        ["Note: first", "Note: second"]
    )
    expect(kitchen.locator("#conn")).to_have_attribute("data-state", "live")
    assert kitchen.evaluate("() => window.__kds.state().lastSeq") == seq + 2
    assert _eventually(
        lambda: all(
            _ticket(o["id"], "hot").acknowledged_at is not None for o in (first, second)
        )
    )

    # and a screen that was hidden (asleep) catches up when shown again
    with kitchen.expect_request(
        lambda request: "/api/v1/kitchen/snapshot?" in request.url
    ):
        kitchen.evaluate(
            """() => {
                const hide = (hidden) => {
                    Object.defineProperty(document, "hidden",
                        { value: hidden, configurable: true });
                    document.dispatchEvent(new Event("visibilitychange"));
                };
                hide(true);
                hide(false);
            }"""
        )
    expect(kitchen.locator(".ticket")).to_have_count(2)


@pytest.fixture
def busy_kitchen(server, menu, restaurant, table, stations, staff_http):
    """Four tables mid-service: timers at every level, notes, allergens, a
    held main course, a started ticket, a bumped one and two alerts."""
    hot = {"station": "hot"}
    fish = MenuItemFactory(
        restaurant=restaurant,
        category=menu.soup.category,
        name_fi="Paistetut muikut",
        name_en="Fried vendace",
        allergens=["fish", "gluten"],
        **hot,
    )
    pie = MenuItemFactory(
        restaurant=restaurant,
        category=menu.soup.category,
        name_fi="Karjalanpiirakat",
        name_en="Karelian pies",
        allergens=["milk", "gluten"],
        stock=4,
        **hot,
    )
    t12, t3, t21 = (
        TableFactory(restaurant=restaurant, label=label) for label in ("12", "3", "21")
    )
    kitchen = staff_http("kitchen")
    steak = {
        "menu_item_id": menu.steak.pk,
        "modifier_ids": [menu.medium.pk, menu.fries.pk, menu.cheese.pk],
        "note": "no salt",
    }
    orders = {
        "3": _order(
            _guest(server, t3),
            {"menu_item_id": menu.soup.pk, "quantity": 2},
            {"menu_item_id": fish.pk},
        ),
        "21": _order(
            _guest(server, t21),
            {"menu_item_id": pie.pk, "quantity": 3},
            {"menu_item_id": menu.beer.pk, "quantity": 2},
        ),
        "7": _order(
            _guest(server, table),
            {"menu_item_id": menu.soup.pk, "note": "one without dill"},
            {"menu_item_id": fish.pk, "quantity": 2},
            steak,
            note="Birthday: bring the cake after mains",
        ),
        "12": _order(_guest(server, t12), steak),
    }
    # ordered after the main course was fired, so not held behind it
    beer12 = _order(_guest(server, t12), {"menu_item_id": menu.beer.pk})
    now = timezone.now()
    for label, minutes in (("3", 16), ("21", 9), ("7", 3), ("12", 1)):
        Ticket.objects.filter(order_id=orders[label]["id"]).exclude(
            status=TicketStatus.HELD
        ).update(fired_at=now - datetime.timedelta(minutes=minutes, seconds=12))
    started = _ticket(orders["21"]["id"], "hot")
    assert kitchen.post(f"/api/v1/kitchen/tickets/{started.pk}/start").is_success
    soup_line = _ticket(orders["3"]["id"], "hot").lines.order_by("pk").first()
    assert kitchen.post(
        f"/api/v1/kitchen/ticket-lines/{soup_line.pk}/done", json={"done": True}
    ).is_success
    bumped = _ticket(beer12["id"], "bar")
    assert kitchen.post(f"/api/v1/kitchen/tickets/{bumped.pk}/bump").is_success
    Alert.objects.create(
        restaurant=restaurant,
        kind=AlertKind.STATION_OFFLINE,
        station=stations["bar"],
    )
    Alert.objects.create(
        restaurant=restaurant,
        kind=AlertKind.TICKET_UNACKNOWLEDGED,
        ticket=_ticket(orders["3"]["id"], "hot"),
        station=stations["hot"],
    )
    return orders


def test_busy_kitchen_screens_look_right_and_are_accessible(
    busy_kitchen, tablet, axe, shoot
):
    found = {}

    # the hot kitchen: oldest first, timers at the station's thresholds
    hot = tablet("hot")
    expect(hot.locator(".ticket-table")).to_have_text(
        ["Table 3", "Table 21", "Table 7"]
    )
    expect(hot.locator(".ticket").nth(0)).to_have_attribute("data-level", "red")
    expect(hot.locator(".ticket").nth(1)).to_have_attribute("data-level", "amber")
    expect(hot.locator(".ticket").nth(2)).to_have_attribute("data-level", "ok")
    expect(hot.locator(".ticket").nth(0).locator(".line.is-done")).to_have_count(1)
    # every screen shows every alert of the restaurant, oldest first
    expect(hot.locator("#alerts li")).to_have_count(2)
    expect(hot.locator("#alerts")).to_contain_text(
        "Table 3 #1 not confirmed by a screen"
    )
    expect(hot.locator("#alerts")).to_contain_text("No live screen at Bar")
    expect(hot.locator(".order-note")).to_have_text(
        "Note: Birthday: bring the cake after mains"
    )
    shoot(hot, "kitchen-station")
    found["station"] = axe(hot)
    hot.get_by_role("button", name="All day").click()
    expect(hot.locator("#allday-list li")).to_have_text(
        ["3Karjalanpiirakat", "3Paistetut muikut", "1Lohikeitto"]
    )
    shoot(hot, "kitchen-all-day")
    found["all day"] = axe(hot)
    hot.get_by_role("button", name="Close").click()
    hot.get_by_role("button", name="Sold out?").click()
    expect(hot.locator(".stock-row", has_text="Karjalanpiirakat")).to_contain_text(
        "1 left"
    )
    found["sold out panel"] = axe(hot)

    # the grill in portrait: the held main course of table 7 is greyed
    grill = tablet("grill", viewport=PORTRAIT)
    expect(grill.locator(".ticket.is-held")).to_contain_text("Held: course 2")
    expect(grill.locator(".ticket.is-held button")).to_have_count(0)
    shoot(grill, "kitchen-station-portrait")
    found["grill"] = axe(grill)

    # the bar: bumped beer in the strip, and the alerts
    bar = tablet("bar")
    expect(bar.locator(".recent-item")).to_have_text([re.compile("Table 12")])
    expect(bar.locator("#alerts")).to_contain_text("No live screen at Bar")
    found["bar"] = axe(bar)

    # the expo: tables by age, each with its stations' states
    expo = tablet()
    expect(expo.locator(".table .ticket-table")).to_have_text(
        ["Table 3", "Table 21", "Table 7", "Table 12"]
    )
    expect(expo.locator("#alert-count")).to_have_text("2")
    shoot(expo, "kitchen-expo")
    found["expo"] = axe(expo)

    assert {name: issues for name, issues in found.items() if issues} == {}


def test_kitchen_page_transfers_under_budget(busy_kitchen, tablet, restaurant):
    # when
    page = tablet("hot", start=False)
    page.wait_for_load_state("networkidle")
    sizes = page.evaluate(
        """() => performance.getEntries()
            .filter(e => e.entryType === 'navigation' || e.entryType === 'resource')
            .map(e => [e.name, e.transferSize])"""
    )
    # then
    total = sum(size for _, size in sizes)
    names = {name.rsplit("/", 1)[-1].split("?")[0] for name, _ in sizes}
    assert names >= {"display.js", "display.css", "live.js"}
    assert 0 < total <= PAGE_BUDGET_BYTES, sizes
    print(f"kitchen display page: {total} bytes transferred")
