"""Two phones at one table split the bill and pay by card: the real Stripe
SDK on the server, localstripe's Stripe.js and 3-D Secure page in Chromium."""

import re

import pytest
from playwright.sync_api import expect

from ordering.models import Payment, Receipt
from ordering.tokens import table_code_make
from tests.conftest import STRIPE_TEST_KEYS
from tests.ordering.stripe_helpers import register_webhook

PAID = "Paid. Thank you!"
SETTLED = "Everything is paid. Thank you!"

pytestmark = pytest.mark.browser

ORDER = """async (ids) => {
  const { api } = window.Tableside;
  let cart;
  for (const id of ids) {
    cart = await api("POST", "/api/v1/cart/lines", { menu_item_id: id });
  }
  return (await api("POST", "/api/v1/cart/submit", { cart_id: cart.id })).id;
}"""


def _pay_with_card(page, number: str) -> None:
    card = page.locator("#card input")
    card.nth(0).fill(number)
    card.nth(1).fill("12")
    card.nth(2).fill("30")
    card.nth(3).fill("123")
    card.nth(4).fill("00100")
    page.locator("#pay-button").click()


@pytest.fixture
def card_server(stripe_settings, server_factory):
    server = server_factory(
        {
            **STRIPE_TEST_KEYS,
            "PAYMENT_GATEWAY": "ordering.payments.StripeGateway",
            "STRIPE_API_BASE": stripe_settings.url,
        }
    )
    register_webhook(
        stripe_settings.url,
        url=f"{server.url}/api/v1/payments/stripe/webhook",
        secret=STRIPE_TEST_KEYS["STRIPE_WEBHOOK_SECRET"],
    )
    return server


def test_two_phones_split_the_bill_and_pay_by_card(
    card_server, menu, table, phone, shoot
):
    server = card_server
    code = table_code_make(table_id=table.pk, version=table.qr_version)
    alice, bob = phone(), phone()
    for guest in (alice, bob):
        guest.goto(f"{server.url}/t/{code}/")
    # given: Alice had the soup; Bob had the soup and a beer
    alice.evaluate(ORDER, [menu.soup.pk])
    bob.evaluate(ORDER, [menu.soup.pk, menu.beer.pk])

    # when: Alice pays for her own items with a 10 % tip
    alice.goto(f"{server.url}/table/bill/")
    expect(alice.locator("#bill-summary")).to_have_text("To pay: €42.30 / €42.30")
    expect(alice.get_by_label("My items")).to_be_checked()
    alice.locator("#tip-options label", has_text="10 %").click()
    expect(alice.locator("#pay-button")).to_have_text("Pay €18.59")
    shoot(alice, "20-bill")
    _pay_with_card(alice, "4242424242424242")

    # then: the server hears from Stripe, and her receipt is there
    expect(alice.locator("#pay-status")).to_have_text(PAID, timeout=15_000)
    expect(alice.locator("#bill-summary")).to_have_text("To pay: €25.40 / €42.30")
    alice.get_by_role("link", name=re.compile("^Receipt")).click()
    receipt = alice.locator(".receipt")
    expect(receipt).to_contain_text("1 × Salmon soup")
    expect(receipt.locator(".receipt-total")).to_contain_text("€18.59")
    expect(receipt.locator(".receipt-vat")).to_contain_text("13.5 %")
    shoot(alice, "21-receipt")

    # when: she also pays half of Bob's beer
    alice.goto(f"{server.url}/table/bill/")
    alice.get_by_label("A share of one item").check()
    alice.get_by_label("Which item").select_option(label="Beer (€8.50)")
    alice.get_by_label("Shared between").fill("2")
    expect(alice.locator("#pay-button")).to_have_text("Pay €4.25")
    _pay_with_card(alice, "4242424242424242")
    expect(alice.locator("#pay-status")).to_have_text(PAID, timeout=15_000)

    # and Bob pays the rest with a card that asks for 3-D Secure
    bob.goto(f"{server.url}/table/bill/")
    expect(bob.locator("#bill-summary")).to_have_text("To pay: €21.15 / €42.30")
    bob.get_by_label("Split equally").check()
    bob.get_by_label("People still to pay").fill("1")
    expect(bob.locator("#pay-button")).to_have_text("Pay €21.15")
    _pay_with_card(bob, "4000002760003184")
    bob.get_by_role("button", name="Complete authentication").click()

    # then: the bill is settled on both phones, with three numbered receipts
    expect(bob.locator("#pay-status")).to_have_text(PAID, timeout=15_000)
    expect(bob.locator("#bill-summary")).to_have_text(SETTLED)
    expect(alice.locator("#bill-summary")).to_have_text(SETTLED)
    shoot(bob, "22-bill-settled")
    assert sorted(Payment.objects.values_list("total_minor", flat=True)) == [
        425,
        1859,
        2115,
    ]
    assert sorted(Receipt.objects.values_list("number", flat=True)) == [1, 2, 3]
