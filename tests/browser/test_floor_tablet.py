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
        context = browser.new_context(
            viewport=viewport, locale="en-GB", has_touch=True, device_scale_factor=1
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
