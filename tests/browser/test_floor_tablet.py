"""A guest's phone and a waiter's tablet together: the guest calls the waiter
and asks for the bill, the tablet shows both live and the phone hears that a
waiter is on the way; the waiter seats a new party, orders for it, fires
course 2 and serves it."""

import re

import httpx
import pytest
from playwright.sync_api import expect

from kitchen.floor.models import Section, WaiterCall
from kitchen.models import Ticket, TicketStatus
from ordering.models import Order, TableSession
from ordering.tokens import table_code_make
from tests.factories import AreaFactory, TableFactory

pytestmark = pytest.mark.browser

LANDSCAPE = {"width": 1180, "height": 820}
PORTRAIT = {"width": 820, "height": 1180}
GUEST_CALLS = "/api/v1/kitchen/floor/guest/calls"


@pytest.fixture
def dining(restaurant, table):
    """Two areas: the hall (tables 7, 8, 10) and the terrace (11, 12)."""
    hall = AreaFactory(restaurant=restaurant, name="Hall", position=0)
    terrace = AreaFactory(restaurant=restaurant, name="Terrace", position=1)
    table.area, table.position, table.seats = hall, 0, 4
    table.save(update_fields=["area", "position", "seats"])
    tables = {"7": table}
    for position, (label, area, seats) in enumerate(
        [("8", hall, 4), ("10", hall, 2), ("11", terrace, 6), ("12", terrace, 2)],
        start=1,
    ):
        tables[label] = TableFactory(
            restaurant=restaurant,
            label=label,
            area=area,
            position=position,
            seats=seats,
        )
    return {"hall": hall, "terrace": terrace, "tables": tables}


@pytest.fixture
def waiter(staff, restaurant, dining):
    """Aino, a waiter covering the hall."""
    user = staff("waiter")
    user.first_name = "Aino"
    user.save(update_fields=["first_name"])
    Section.objects.create(restaurant=restaurant, area=dining["hall"], waiter=user)
    return user


@pytest.fixture
def tablet(browser, server, restaurant):
    contexts = []

    def _open(user, *, viewport=LANDSCAPE):
        # bypass_csp: axe is injected inline.
        context = browser.new_context(
            viewport=viewport,
            locale="en-GB",
            has_touch=True,
            device_scale_factor=1,
            bypass_csp=True,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{server.url}/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill("pw")
        page.get_by_role("button", name="Sign in").click()
        expect(page).not_to_have_url(re.compile("/accounts/login/"))
        page.goto(f"{server.url}/kitchen/floor/?restaurant={restaurant.slug}")
        expect(page.locator("#conn")).to_have_attribute("data-state", "live")
        return page

    yield _open
    for context in contexts:
        context.close()


def _card(page, table):
    return page.locator(f".tcard[data-table='{table.pk}']")


def _call_staff(phone, choice: str) -> None:
    phone.get_by_role("button", name="Call staff").click()
    phone.locator("#calls-sheet").get_by_role("button", name=choice).click()
    expect(phone.locator("#calls-sheet")).not_to_be_visible()


def test_a_phone_calls_and_the_waiter_serves_a_new_party_course_by_course(
    server, menu, dining, waiter, phone, tablet, staff_http, shoot
):
    t7, t8 = dining["tables"]["7"], dining["tables"]["8"]
    guest = phone()
    guest.goto(
        f"{server.url}/t/{table_code_make(table_id=t7.pk, version=t7.qr_version)}/"
    )
    page = tablet(waiter)
    expect(_card(page, t7)).to_contain_text("Seated")
    expect(_card(page, t8)).to_contain_text("Free")

    # when: the guest calls the waiter
    _call_staff(guest, "Call the waiter")
    expect(guest.locator(".calls-status")).to_have_text(
        "Waiter called. Waiting for an answer…Cancel"
    )
    # then: it is on the tablet at once, first in the queue
    call = page.locator("#queue .qitem.is-call").first
    expect(call).to_contain_text("Calls for a waiter")
    expect(call.locator(".qitem-table")).to_have_text("7")
    expect(page.locator("#announce")).to_have_text("Table 7: Calls for a waiter")
    expect(_card(page, t7)).to_contain_text("Waiter")

    # when: the waiter answers, the phone hears a waiter is on the way
    call.get_by_role("button", name="On my way").click()
    expect(guest.locator(".calls-status")).to_have_text("A waiter is on the way.")
    expect(call).to_contain_text("Aino is on the way")

    # when: the guest also asks for the bill
    _call_staff(guest, "Bring the bill")
    bill = page.locator("#queue .qitem.is-call", has_text="Asks for the bill")
    expect(bill).to_be_visible()
    expect(_card(page, t7)).to_have_class(re.compile(r"\bis-bill_requested\b"))
    expect(guest.locator(".calls-status")).to_contain_text(
        "Bill asked for. Waiting for an answer…"
    )
    shoot(guest, "floor-phone-calls")
    shoot(page, "floor-landscape-calls")
    assert sorted(WaiterCall.objects.values_list("kind", "status")) == [
        ("bill", "open"),
        ("waiter", "acknowledged"),
    ]

    # when: the waiter seats a party of three at the free table 8
    _card(page, t8).click()
    panel = page.locator("#table-panel")
    expect(panel.locator("#panel-title")).to_have_text("Table 8")
    panel.get_by_role("button", name="One more").click()
    expect(panel.get_by_label("Party size").last).to_have_value("3")
    panel.get_by_role("button", name="Seat a party").click()
    expect(_card(page, t8)).to_contain_text("3 guests")
    expect(panel.locator("#panel-state")).to_have_text("Seated")
    session = TableSession.objects.get(table=t8, status="open")
    assert session.party_size == 3

    # and orders a soup and a steak (course 2) for them
    panel.get_by_role("button", name="Add items").click()
    order = page.locator("#order-panel")
    expect(order.locator("#order-title")).to_have_text("Order for table 8")
    order.locator(f"[data-dish='{menu.soup.pk}']").click()
    expect(order.locator("#cart-lines li")).to_have_count(1)
    order.locator(f"[data-dish='{menu.steak.pk}']").click()
    order.locator("#dish").get_by_label("Medium").check()
    order.locator("#dish").get_by_role("button", name="Add").click()
    expect(order.locator("#cart-lines li")).to_have_count(2)
    expect(order.locator("#cart-total")).to_have_text("Total €50.90")
    shoot(page, "floor-landscape-order")
    order.get_by_role("button", name="Send to the kitchen").click()
    expect(order).not_to_be_visible()

    # then: the steak waits as course 2 until the waiter fires it
    fire = panel.get_by_role("button", name="Fire course 2")
    expect(fire).to_be_visible()
    placed = Order.objects.get(table_session=session)
    assert placed.guest.staff_user == waiter
    steak = Ticket.objects.get(order=placed, course=2)
    assert steak.status == TicketStatus.HELD
    fire.click()
    expect(fire).to_have_count(0)
    steak.refresh_from_db()
    assert steak.status == TicketStatus.RECEIVED

    # when: the grill calls it ready, "food ready" reaches the tablet
    kitchen = staff_http("kitchen")
    bumped = kitchen.post(f"/api/v1/kitchen/tickets/{steak.pk}/bump")
    assert bumped.status_code == 200, bumped.text
    ready = page.locator("#queue .qitem.is-ready")
    expect(ready).to_contain_text("Food ready")
    expect(ready.locator(".qitem-table")).to_have_text("8")
    expect(_card(page, t8)).to_have_class(re.compile(r"\bis-food_ready\b"))
    page.locator("#table-panel [data-close]").first.click()
    shoot(page, "floor-landscape-food-ready")

    # and the waiter marks it served
    ready.get_by_role("button", name="Served").click()
    expect(page.locator("#queue .qitem.is-ready")).to_have_count(0)
    steak.refresh_from_db()
    assert steak.status == TicketStatus.SERVED

    # and the tablet works upright too
    page.set_viewport_size(PORTRAIT)
    expect(page.locator("#queue .qitem.is-call")).to_have_count(2)
    shoot(page, "floor-portrait")
    _card(page, t8).click()
    expect(page.locator("#table-panel article.order")).to_have_count(1)
    expect(page.locator("#table-panel .times")).to_contain_text("Food served")
    shoot(page, "floor-portrait-table")


def test_a_lost_event_is_caught_up_from_a_snapshot(server, dining, waiter, tablet):
    # given: a phone at table 7, and a tablet that loses the next event
    t7 = dining["tables"]["7"]
    phone = httpx.Client(base_url=server.url, timeout=15)
    code = table_code_make(table_id=t7.pk, version=t7.qr_version)
    assert phone.get(f"/t/{code}/").status_code == 302
    phone.get("/table/")
    phone.headers["X-CSRFToken"] = phone.cookies["csrftoken"]
    page = tablet(waiter)
    expect(_card(page, t7)).to_contain_text("Seated")
    page.evaluate("() => window.__floor.drop(1)")
    # when: two calls come; the first one's event is lost on the way
    for kind, reason in (("help", "High chair"), ("waiter", "")):
        sent = phone.post(GUEST_CALLS, json={"kind": kind, "reason": reason})
        assert sent.status_code == 201, sent.text
    # then: the gap shows, and the tablet catches up with both
    queue = page.locator("#queue .qitem.is-call")
    expect(queue).to_have_count(2)
    expect(queue.filter(has_text="Needs help")).to_contain_text("High chair")
    assert page.evaluate("() => window.__floor.state().lastSeq") >= 2


def _seat_and_order(page, table, items) -> None:
    """Seat two at `table` from the tablet and send `items` (dish ids)."""
    _card(page, table).click()
    panel = page.locator("#table-panel")
    panel.get_by_role("button", name="Seat a party").click()
    expect(panel.locator("#panel-state")).to_have_text("Seated")
    if not items:
        return
    panel.get_by_role("button", name="Add items").click()
    order = page.locator("#order-panel")
    for count, item in enumerate(items, start=1):
        order.locator(f"[data-dish='{item}']").click()
        # The same dish again adds to its line.
        expect(order.locator("#cart-lines li")).to_have_count(len(set(items[:count])))
    order.get_by_role("button", name="Send to the kitchen").click()
    expect(order).not_to_be_visible()
    expect(panel.locator("article.order")).to_have_count(1)


def test_the_waiter_voids_moves_merges_and_takes_payment(
    server, menu, dining, waiter, staff, tablet, shoot
):
    tables = dining["tables"]
    page = tablet(waiter)
    _seat_and_order(page, tables["10"], [menu.soup.pk, menu.beer.pk, menu.beer.pk])
    panel = page.locator("#table-panel")

    # when: the soup (under €20) is voided by the waiter: gone at once
    expect(panel.locator("li.line", has_text="Beer")).to_contain_text("2×")
    soup = panel.locator("li.line", has_text="Salmon soup")
    soup.get_by_role("button", name="Void").click()
    ask = page.locator("#ask")
    expect(ask.locator("#ask-title")).to_have_text("Void 1× Salmon soup")
    ask.get_by_label("Guest changed their mind").check()
    ask.get_by_role("button", name="Void").click()
    expect(soup).to_contain_text("Voided: Guest changed their mind")
    expect(panel.locator(".totals")).to_contain_text("€17.00")

    # when: the party moves to table 12 on the terrace
    panel.get_by_role("button", name="Move").click()
    expect(ask.locator("#ask-title")).to_have_text("Move the party to a free table")
    ask.get_by_label(re.compile("^Table 12")).check()
    ask.get_by_role("button", name="Move").click()
    expect(panel).not_to_be_visible()
    page.get_by_role("button", name="All tables").click()
    expect(_card(page, tables["12"])).to_contain_text("2 guests")
    expect(_card(page, tables["10"])).to_contain_text("Free")

    # and a party at table 11 joins them
    _seat_and_order(page, tables["11"], [menu.beer.pk])
    panel.get_by_role("button", name="Merge").click()
    ask.get_by_label(re.compile("^Table 12")).check()
    ask.get_by_role("button", name="Merge").click()
    expect(_card(page, tables["11"])).to_contain_text("Together with table 12")
    expect(_card(page, tables["12"])).to_contain_text("With tables 11")
    expect(panel.locator("article.order")).to_have_count(2)

    # and separate again
    panel.get_by_role("button", name="Separate").click()
    expect(_card(page, tables["11"])).not_to_contain_text("Together with")
    expect(_card(page, tables["12"])).not_to_contain_text("With tables")
    panel.locator("[data-close]").first.click()

    # when: table 12 pays its €17 by card terminal, the table needs clearing
    _card(page, tables["12"]).click()
    panel.get_by_role("button", name="Record a payment").click()
    expect(ask).to_contain_text("Still to pay: €17.00")
    ask.get_by_label("Card terminal").check()
    ask.get_by_role("button", name="Record a payment").click()
    expect(page.locator("#toast")).to_have_text("Payment recorded.")
    expect(_card(page, tables["12"])).to_contain_text("Needs clearing")
    shoot(page, "floor-landscape-paid")
    # and once the visit is closed, it is free again
    panel.get_by_role("button", name="Close the visit").click()
    expect(ask).to_contain_text("Still to pay: €0.00")
    ask.get_by_role("button", name="Close the visit").click()
    expect(_card(page, tables["12"])).to_contain_text("Free")
    assert list(
        TableSession.objects.filter(status="open").values_list(
            "table__label", flat=True
        )
    ) == ["11"]


def test_a_void_over_the_limit_waits_for_a_manager(
    server, menu, dining, waiter, staff, tablet
):
    # given: a steak (€34, over the €20 limit) at table 8
    page = tablet(waiter)
    _seat_and_order(page, dining["tables"]["8"], [])
    page.locator("#table-panel").get_by_role("button", name="Add items").click()
    order = page.locator("#order-panel")
    order.locator(f"[data-dish='{menu.steak.pk}']").click()
    order.locator("#dish").get_by_label("Rare").check()
    order.locator("#dish").get_by_role("button", name="Add").click()
    order.get_by_role("button", name="Send to the kitchen").click()
    panel = page.locator("#table-panel")
    steak = panel.locator("li.line", has_text="Beef tenderloin")
    # when: the waiter voids it
    steak.get_by_role("button", name="Void").click()
    ask = page.locator("#ask")
    expect(ask).to_contain_text("Over €20.00 a manager approves the void.")
    ask.get_by_label("Quality problem").check()
    ask.get_by_role("button", name="Void").click()
    expect(steak).to_contain_text("Void waiting for a manager")
    # then: the manager's tablet asks them, and their approval voids it
    manager = staff("manager")
    boss = tablet(manager)
    request = boss.locator("#queue .qitem.is-void")
    expect(request).to_contain_text("Void 1× Beef tenderloin (€34.00)")
    expect(request).to_contain_text("Reason: Quality problem")
    request.get_by_role("button", name="Approve").click()
    expect(request).to_have_count(0)
    expect(steak).to_contain_text("Voided: Quality problem")


def test_a_suggestion_goes_to_the_cart_and_is_reported_when_sent(
    server, menu, dining, waiter, tablet, shoot
):
    # given: loyalty suggests a beer for Liisa, and soup for the table
    page = tablet(waiter)
    accepted = []
    suggestions = {
        "members": [
            {
                "member_id": 41,
                "first_name": "Liisa",
                "usual": [],
                "suggestions": [
                    {
                        "menu_item_id": menu.beer.pk,
                        "name": "Beer",
                        "reason": "Her usual on Fridays",
                        "allergens": ["gluten"],
                    }
                ],
            }
        ],
        "pairings": [
            {
                "menu_item_id": menu.soup.pk,
                "name": "Salmon soup",
                "reason": "Popular tonight",
            }
        ],
    }
    page.route(
        re.compile(r".*/api/v1/loyalty/staff/suggestions\?session=\d+$"),
        lambda route: route.fulfill(json=suggestions),
    )

    def accept(route):
        accepted.append(route.request.post_data_json)
        route.fulfill(json={})

    page.route("**/api/v1/loyalty/staff/suggestions/accept", accept)
    t7 = dining["tables"]["7"]
    _seat_and_order(page, t7, [])
    panel = page.locator("#table-panel")
    offered = panel.locator(".suggestions")
    expect(offered).to_contain_text("For Liisa")
    expect(offered).to_contain_text("Her usual on Fridays")
    shoot(page, "floor-landscape-suggestions")

    # when: the waiter taps the beer and sends the order
    offered.get_by_role("button", name=re.compile("^Beer")).click()
    order = page.locator("#order-panel")
    expect(order.locator("#cart-lines li")).to_have_count(1)
    expect(order.locator("#cart-lines")).to_contain_text("Beer")
    order.get_by_role("button", name="Send to the kitchen").click()
    expect(order).not_to_be_visible()

    # then: loyalty hears which suggestion was taken, for whom
    session = TableSession.objects.get(table=t7, status="open")
    expect(panel.locator("article.order")).to_have_count(1)
    page.wait_for_timeout(300)
    assert accepted == [
        {"session": session.pk, "menu_item_id": menu.beer.pk, "member_id": 41}
    ]


def test_the_floor_and_the_calls_sheet_have_no_serious_accessibility_problems(
    server, menu, dining, waiter, tablet, phone, axe, shoot
):
    # given: a guest at table 7 who calls the waiter
    t7 = dining["tables"]["7"]
    guest = phone(bypass_csp=True)
    guest.goto(
        f"{server.url}/t/{table_code_make(table_id=t7.pk, version=t7.qr_version)}/"
    )
    found = {}
    guest.get_by_role("button", name="Call staff").click()
    found["calls sheet"] = axe(guest)
    shoot(guest, "floor-phone-call-sheet")
    guest.locator("#calls-sheet").get_by_role("button", name="Call the waiter").click()
    expect(guest.locator(".calls-status")).to_contain_text("Waiter called")
    found["phone with a call"] = axe(guest)
    # when: the waiter looks at the floor, the table and the order panel
    page = tablet(waiter)
    expect(page.locator("#queue .qitem.is-call")).to_have_count(1)
    found["floor"] = axe(page)
    _card(page, t7).click()
    expect(page.locator("#table-panel .suggestions")).to_be_visible()
    found["table panel"] = axe(page)
    page.locator("#table-panel").get_by_role("button", name="Add items").click()
    expect(page.locator("#order-panel .dish-button")).not_to_have_count(0)
    page.locator(f"[data-dish='{menu.steak.pk}']").click()
    found["order panel"] = axe(page)
    page.locator("#order-panel [data-close]").click()
    page.locator("#table-panel").get_by_role("button", name="Move").click()
    found["move dialog"] = axe(page)
    page.locator("#ask [data-close]").click()
    page.locator("#table-panel [data-close]").first.click()
    page.get_by_role("button", name="Sections").click()
    expect(page.locator("#sections")).to_contain_text("Terrace")
    found["sections"] = axe(page)
    shoot(page, "floor-landscape-sections")
    # and taking the terrace too puts it in the waiter's section
    page.locator("#sections fieldset", has_text="Terrace").get_by_label("Aino").check()
    page.locator("#sections [data-close]").click()
    expect(page.locator("section.area.is-mine")).to_have_count(2)
    assert Section.objects.filter(waiter=waiter).count() == 2
    # then
    assert {name: issues for name, issues in found.items() if issues} == {}


def test_members_at_the_table_show_by_first_name_with_their_notes(
    server, menu, dining, waiter, tablet, join, shoot
):
    # given: Liisa identified herself on her phone at table 7
    from loyalty.models import Identification, Member

    t7 = dining["tables"]["7"]
    guest, _token = join(table_code_make(table_id=t7.pk, version=t7.qr_version))
    liisa = Member.objects.create(
        restaurant=t7.restaurant,
        first_name="Liisa",
        email="liisa@example.com",
        diet_notes="Nut allergy",
    )
    Identification.objects.create(guest=guest, member=liisa)
    # when: the waiter opens the table
    page = tablet(waiter)
    _card(page, t7).click()
    # then
    members = page.locator("#table-panel .members")
    expect(members.locator(".member-name")).to_have_text("Liisa")
    expect(members).to_contain_text("Diet: Nut allergy")
    expect(members.locator(".member-meta")).to_have_text("First visit")
    expect(members).to_contain_text("No usual order yet, or no consent to use it.")
    expect(members.locator(".suggestions")).to_be_visible()
    shoot(page, "floor-landscape-member")
