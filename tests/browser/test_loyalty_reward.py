"""A member uses a reward on the bill from their phone and pays the rest by
card through localstripe; the thank-you shows on the phone, and the receipt
takes the discount off."""

import re

import pytest
from playwright.sync_api import expect

from loyalty.models import (
    Identification,
    LoyaltyProgram,
    Member,
    Reservation,
    Reward,
    RewardKind,
)
from loyalty.selectors import points_balance
from loyalty.services.points import points_adjust
from ordering.models import Guest, Payment
from ordering.tokens import table_code_make
from tests.conftest import STRIPE_TEST_KEYS
from tests.ordering.stripe_helpers import register_webhook

pytestmark = pytest.mark.browser

ORDER = """async (ids) => {
  const { api } = window.Tableside;
  let cart;
  for (const id of ids) {
    cart = await api("POST", "/api/v1/cart/lines", { menu_item_id: id });
  }
  return (await api("POST", "/api/v1/cart/submit", { cart_id: cart.id })).id;
}"""


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


def test_member_uses_a_reward_and_pays_the_rest(
    card_server, restaurant, menu, table, phone, shoot
):
    # given: Anna has 600 points; 10 € off costs 500
    program = LoyaltyProgram.objects.create(restaurant=restaurant)
    reward = Reward.objects.create(
        program=program,
        kind=RewardKind.AMOUNT_OFF,
        name_fi="10 € alennus",
        name_en="10 € off",
        cost_points=500,
        amount_off_minor=1000,
    )
    anna = Member.objects.create(
        restaurant=restaurant, first_name="Anna", email="anna@example.com"
    )
    anna.language = "en"
    anna.save()
    points_adjust(member_id=anna.pk, points=600, note="test", user=None, key="a")
    server = card_server
    code = table_code_make(table_id=table.pk, version=table.qr_version)
    page = phone()
    page.goto(f"{server.url}/t/{code}/")
    page.evaluate(ORDER, [menu.soup.pk, menu.beer.pk])
    Identification.objects.create(guest=Guest.objects.get(), member=anna)

    # when: she opens the bill, uses the reward and pays her items
    page.goto(f"{server.url}/table/bill/")
    expect(page.locator("#pay-button")).to_have_text("Pay €25.40")
    page.get_by_role("button", name="Use 10 € off (500 points)").click()
    expect(page.locator("#reward-applied")).to_contain_text("On this bill: 10 € off")
    expect(page.locator("#pay-discount")).to_have_text("Reward: −€10.00")
    expect(page.locator("#pay-button")).to_have_text("Pay €15.40")
    shoot(page, "30-bill-reward")
    card = page.locator("#card input")
    card.nth(0).fill("4242424242424242")
    card.nth(1).fill("12")
    card.nth(2).fill("30")
    card.nth(3).fill("123")
    card.nth(4).fill("00100")
    page.locator("#pay-button").click()

    # then: paid, thanked on the phone by name, the reward used
    expect(page.locator("#pay-status")).to_have_text("Paid. Thank you!", timeout=15_000)
    thanks = page.locator("#thank-you")
    expect(thanks).to_contain_text("Thank you, Anna!", timeout=10_000)
    expect(thanks).to_contain_text("Salmon soup and Beer")
    expect(thanks.get_by_role("link", name="Tell us how it was")).to_have_attribute(
        "href", re.compile(r"/loyalty/feedback/[^/]+/$")
    )
    shoot(page, "31-bill-thanked")
    payment = Payment.objects.get()
    assert (payment.amount_minor, payment.discount_minor, payment.total_minor) == (
        2540,
        1000,
        1540,
    )
    assert Reservation.objects.get(reward=reward).status == "consumed"
    # 600 - 500 + 15.40 € at 10 points per euro
    assert points_balance(member_id=anna.pk) == 100 + 154

    # and the receipt shows the discount
    page.goto(f"{server.url}/table/receipts/{payment.pk}/")
    expect(page.locator(".receipt")).to_contain_text("Discount")
    expect(page.locator(".receipt-total")).to_contain_text("€15.40")
    expect(page.locator("#receipt-join")).to_have_count(0)
