"""A guest orders from a phone and watches the order move, live."""

import re

import pytest
from playwright.sync_api import expect

from kitchen.models import Ticket
from ordering.models import Order
from ordering.tokens import table_code_make

pytestmark = pytest.mark.browser


def _status_of(page, number: int):
    return page.locator(f"article.order:has(h2:text-is('Order #{number}'))")


def test_guest_orders_on_a_phone_and_sees_live_status(
    server, menu, table, phone, staff_http, shoot
):
    code = table_code_make(table_id=table.pk, version=table.qr_version)
    alice = phone()

    # given: Alice scans the QR code on table 7
    alice.goto(f"{server.url}/t/{code}/")
    expect(alice).to_have_url(f"{server.url}/table/")
    expect(alice.locator(".top-table")).to_have_text("Table 7")
    expect(alice.get_by_role("heading", name="Soups")).to_be_visible()
    shoot(alice, "01-menu")

    # the "no gluten" filter hides the beer and keeps the soup
    alice.locator("summary", has_text="Allergies and diets").click()
    alice.get_by_label("Cereals containing gluten").check()
    expect(alice.locator(f".item[data-id='{menu.beer.pk}']")).to_be_hidden()
    expect(alice.locator(f".item[data-id='{menu.soup.pk}']")).to_be_visible()
    alice.get_by_label("Cereals containing gluten").uncheck()
    alice.locator("summary", has_text="Allergies and diets").click()

    # when: she opens the steak and tries to add it without the required choice
    alice.locator(f".item[data-id='{menu.steak.pk}'] .item-open").click()
    dialog = alice.locator("#dish")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name=re.compile("^Add")).click()
    expect(alice.locator("#dish-error")).to_contain_text("Doneness")

    # she picks medium, fries instead of mash, cheese, two portions and a note
    dialog.get_by_label("Medium").check()
    dialog.get_by_label("Fries").check()
    dialog.get_by_label(menu.cheese.name_en).check()
    dialog.get_by_role("button", name="One more").click()
    dialog.get_by_label("Note for the kitchen").fill("no salt")
    expect(dialog.get_by_role("button", name=re.compile("^Add"))).to_have_text(
        "Add · €75.00"
    )
    shoot(alice, "02-dish")
    dialog.get_by_role("button", name=re.compile("^Add")).click()
    expect(dialog).to_be_hidden()
    expect(alice.locator("#cart-count")).to_have_text("2")

    # and a soup
    alice.locator(f".item[data-id='{menu.soup.pk}'] .item-open").click()
    dialog.get_by_role("button", name=re.compile("^Add")).click()
    expect(alice.locator("#cart-count")).to_have_text("3")

    # the cart shows the server's prices; one steak less, then place the order
    alice.locator("#cart-open").click()
    cart = alice.locator("#cart")
    expect(cart.locator("#cart-total")).to_have_text("€91.90")
    cart.locator("li", has_text="Beef tenderloin").get_by_role(
        "button", name="One less"
    ).click()
    expect(cart.locator("#cart-total")).to_have_text("€54.40")
    shoot(alice, "03-cart")
    cart.get_by_role("button", name="Place order").click()

    # then: the orders page shows order #1 as received
    expect(alice).to_have_url(f"{server.url}/table/orders/")
    order = _status_of(alice, 1)
    expect(order.locator(".progress li.current")).to_have_text("Received")
    expect(alice.locator("#live")).to_have_attribute("data-state", "live")
    placed = Order.objects.get(number=1)
    assert placed.total_minor == 5440
    assert placed.lines.get(menu_item=menu.steak).note == "no salt"

    # a second phone at the same table joins the same visit and sees it
    bob = phone()
    bob.goto(f"{server.url}/t/{code}/")
    bob.goto(f"{server.url}/table/orders/")
    expect(_status_of(bob, 1).locator(".who")).to_contain_text("Someone at your table")
    expect(bob.locator("#live")).to_have_attribute("data-state", "live")

    # the kitchen moves the order; both phones follow without reloading
    kitchen = staff_http("kitchen")
    # the steak is a main course, held until the waiter fires it
    fired = kitchen.post(
        f"/api/v1/kitchen/table-sessions/{placed.table_session_id}/fire",
        json={"course": 2},
    )
    assert fired.status_code == 200, fired.text
    tickets = list(Ticket.objects.filter(order=placed).order_by("pk"))
    for action, label in [("start", "Preparing"), ("bump", "Ready")]:
        for ticket in tickets:
            response = kitchen.post(f"/api/v1/kitchen/tickets/{ticket.pk}/{action}")
            assert response.status_code == 200, response.text
        for page in (alice, bob):
            expect(_status_of(page, 1).locator(".progress li.current")).to_have_text(
                label
            )
    shoot(alice, "04-live-status")
    kitchen.post(f"/api/v1/kitchen/table-sessions/{placed.table_session_id}/serve")
    expect(_status_of(bob, 1).locator(".progress li.done")).to_have_count(4)


def test_page_reconnects_and_resyncs_after_missing_events(
    server, menu, table, phone, staff_http
):
    """Events sent while a phone is offline are not lost: the reconnect
    snapshot brings the page up to date."""
    code = table_code_make(table_id=table.pk, version=table.qr_version)
    page = phone()
    page.goto(f"{server.url}/t/{code}/")
    page.locator(f".item[data-id='{menu.soup.pk}'] .item-open").click()
    page.locator("#dish").get_by_role("button", name=re.compile("^Add")).click()
    page.locator("#cart-open").click()
    page.get_by_role("button", name="Place order").click()
    expect(page.locator("#live")).to_have_attribute("data-state", "live")
    order = Order.objects.get()

    # when: the phone goes offline, the kitchen moves the order, it comes back
    page.context.set_offline(True)
    page.evaluate("() => window.dispatchEvent(new Event('offline'))")
    ticket = Ticket.objects.get(order=order)
    staff_http().post(f"/api/v1/kitchen/tickets/{ticket.pk}/bump")
    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")

    # then
    expect(_status_of(page, order.number).locator(".progress li.current")).to_have_text(
        "Ready"
    )


def test_forged_code_shows_a_helpful_page(server, table, phone):
    page = phone()
    response = page.goto(f"{server.url}/t/{table.pk}.1:forged/")
    assert response.status == 404
    expect(page.locator(".problem")).to_contain_text("not valid any more")


def test_menu_in_finnish_and_swedish(server, menu, table, phone):
    code = table_code_make(table_id=table.pk, version=table.qr_version)
    page = phone(locale="fi-FI")
    page.goto(f"{server.url}/t/{code}/")
    expect(page.locator(".top-table")).to_have_text("Pöytä 7")
    expect(page.locator(".item-name", has_text="Lohikeitto")).to_be_visible()
    page.get_by_role("button", name="SV").click()
    expect(page.locator(".item-name", has_text="Laxsoppa")).to_be_visible()
    expect(page.locator(".top-table")).to_have_text("Bord 7")
