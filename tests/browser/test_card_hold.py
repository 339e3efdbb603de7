"""A tab that starts with a card hold: the phone holds a card through
localstripe (manual capture), and the waiting order goes to the kitchen."""

import re

import pytest
from playwright.sync_api import expect

from ordering.models import Order, Payment, PaymentMode, Restaurant, WalkoutPolicy
from ordering.tokens import table_code_make
from tests.browser.test_floor_tablet import dining, tablet, waiter  # noqa: F401
from tests.browser.test_paying import ORDER, card_server  # noqa: F401

pytestmark = pytest.mark.browser


def _fill_card(page, number: str) -> None:
    card = page.locator("#card input")
    for index, value in enumerate((number, "12", "30", "123", "00100")):
        card.nth(index).fill(value)


def test_a_held_card_sends_the_waiting_order_to_the_kitchen(
    card_server,  # noqa: F811
    menu,
    table,
    phone,
    shoot,
):
    # given: an open tab that holds €50 before the kitchen sees anything
    Restaurant.objects.filter(pk=menu.restaurant.pk).update(
        payment_mode=PaymentMode.OPEN_TAB,
        walkout_policy=WalkoutPolicy.CARD_HOLD,
        card_hold_minor=5000,
    )
    code = table_code_make(table_id=table.pk, version=table.qr_version)
    guest = phone()
    guest.goto(f"{card_server.url}/t/{code}/")
    order_id = guest.evaluate(ORDER, [menu.soup.pk])
    assert Order.objects.get(pk=order_id).status == "awaiting_payment"

    # when: the bill page asks for the hold, and the guest gives a card
    guest.goto(f"{card_server.url}/table/bill/")
    shoot(guest, "25-card-hold")
    expect(guest.get_by_role("heading", name="Start your tab")).to_be_visible()
    expect(guest.locator("#hold-button")).to_have_text("Hold €50.00")
    _fill_card(guest, "4242424242424242")
    guest.locator("#hold-button").click()

    # then: the server hears from Stripe, the order goes on, the phone follows
    guest.wait_for_url("**/table/orders/**", timeout=15_000)
    hold = Payment.objects.get(kind="hold")
    assert (hold.status, hold.total_minor) == ("authorized", 5000)
    assert Order.objects.get(pk=order_id).status == "received"


def test_a_waiter_vouches_for_a_table_without_a_card(
    server,
    menu,
    table,
    phone,
    dining,  # noqa: F811
    waiter,  # noqa: F811
    tablet,  # noqa: F811
    shoot,
):
    # given: the tab waits for a card hold, and the guest has no card
    Restaurant.objects.filter(pk=menu.restaurant.pk).update(
        payment_mode=PaymentMode.OPEN_TAB,
        walkout_policy=WalkoutPolicy.CARD_HOLD,
        card_hold_minor=5000,
    )
    guest = phone()
    code = table_code_make(table_id=table.pk, version=table.qr_version)
    guest.goto(f"{server.url}/t/{code}/")
    order_id = guest.evaluate(ORDER, [menu.soup.pk])
    # when: the waiter opens the table and approves the order
    page = tablet(waiter)
    page.locator(f".tcard[data-table='{table.pk}']").click()
    expect(page.get_by_text("Waiting for a card hold")).to_be_visible()
    shoot(page, "floor-landscape-vouch")
    page.get_by_role("button", name=re.compile("^Approve order")).click()
    # then: the order goes to the kitchen without a hold
    expect(page.get_by_text("Waiting for a card hold")).not_to_be_visible()
    assert Order.objects.get(pk=order_id).status == "received"
    assert not Payment.objects.exists()
