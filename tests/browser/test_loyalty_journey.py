"""Issue 6's demo, end to end on a phone: a guest joins from the menu in two
taps (the code arrives by email at a real SMTP server), answers a survey for
points, pays by card through
localstripe, is thanked by name for their dishes, uses a reward on the next
order, leaves a complaint that keeps the next campaign from them, and hears
back when the manager resolves it."""

import re

import pytest
from playwright.sync_api import expect

from loyalty.models import (
    ConsentPurpose,
    Feedback,
    FeedbackStatus,
    LoyaltyProgram,
    Member,
    Message,
    MessageKind,
    Reservation,
    ReservationStatus,
    Reward,
    RewardKind,
    Survey,
)
from loyalty.selectors import consents_current, points_balance
from loyalty.services.members import consent_set
from ordering.models import Guest, Payment, PaymentStatus
from ordering.tokens import table_code_make
from tests.browser.conftest import off_thread
from tests.conftest import STRIPE_TEST_KEYS
from tests.live import DaphneServer, free_port
from tests.loyalty.smtp import SmtpServer, body_of
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
LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


@pytest.fixture
def mail_server(stripe_settings, transactional_db, smtp):
    """Daphne paying through localstripe and mailing through the SMTP server;
    its public address is its own, so links in messages lead back to it."""
    port = free_port()
    server = DaphneServer(
        port=port,
        extra_env={
            **STRIPE_TEST_KEYS,
            "PAYMENT_GATEWAY": "ordering.payments.StripeGateway",
            "STRIPE_API_BASE": stripe_settings.url,
            "PUBLIC_URL": f"http://127.0.0.1:{port}",
            **smtp.environment(),
        },
    ).start()
    register_webhook(
        stripe_settings.url,
        url=f"{server.url}/api/v1/payments/stripe/webhook",
        secret=STRIPE_TEST_KEYS["STRIPE_WEBHOOK_SECRET"],
    )
    yield server
    server.stop()


def _mail_to(smtp, address: str, *, count: int) -> list:
    """Wait until `count` emails have reached `address`; return them."""
    for total in range(1, 100):
        arrived = [
            m for m in smtp.inbox.wait_for(total) if m["X-Envelope-To"] == address
        ]
        if len(arrived) >= count:
            return arrived
    raise AssertionError(f"{address} did not get {count} emails")


def _pay_by_card(page) -> None:
    card = page.locator("#card input")
    card.nth(0).fill("4242424242424242")
    card.nth(1).fill("12")
    card.nth(2).fill("30")
    card.nth(3).fill("123")
    card.nth(4).fill("00100")
    page.locator("#pay-button").click()
    expect(page.locator("#pay-status")).to_have_text("Paid. Thank you!", timeout=15_000)


def _sign_in(browser, server, user, next_path: str):
    context = browser.new_context(viewport=LAPTOP, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{server.url}/accounts/login/?next={next_path}")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Sign in").click()
    return context, page


def test_a_guest_joins_pays_is_thanked_redeems_complains_and_hears_back(
    mail_server, smtp, browser, restaurant, menu, table, phone, staff, shoot
):
    # given: the programme lets points from this visit pay for a reward; Ben,
    # another member, said yes to offers
    server = mail_server

    def setup():
        program = LoyaltyProgram.objects.create(
            restaurant=restaurant, allow_same_visit_redemption=True
        )
        Reward.objects.create(
            program=program,
            kind=RewardKind.AMOUNT_OFF,
            name_fi="5 € alennus",
            name_en="5 € off",
            cost_points=200,
            amount_off_minor=500,
        )
        Survey.objects.create(
            restaurant=restaurant,
            question_fi="Mitä lisäisimme talven listalle?",
            question_en="What should we add to the winter menu?",
        )
        ben = Member.objects.create(
            restaurant=restaurant, first_name="Ben", email="ben@example.com"
        )
        consent_set(
            member=ben,
            purpose=ConsentPurpose.MARKETING,
            is_granted=True,
            source="test",
            language="en",
        )
        return staff("manager"), staff("waiter")

    manager, waiter = off_thread(setup)
    page = phone()
    code = table_code_make(table_id=table.pk, version=table.qr_version)
    page.goto(f"{server.url}/t/{code}/")

    # when: Anna joins from the menu: her address, then the emailed code
    expect(page.locator("#loyalty-link")).to_have_text("Loyalty card")
    shoot(page, "journey-00-menu")
    page.locator("#loyalty-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Join in two taps")
    page.get_by_label("Email or mobile number").fill("anna@example.com")
    page.get_by_label("First name (optional)").fill("Anna")
    page.locator("input[name=marketing]").check()
    shoot(page, "journey-01-join")
    page.get_by_role("button", name="Send me a code").click()  # tap one
    [code_mail] = _mail_to(smtp, "anna@example.com", count=1)
    one_time_code = re.search(r"\b(\d{6})\b", code_mail["Subject"]).group(1)
    page.get_by_label("Code").fill(one_time_code)
    shoot(page, "journey-02-code")
    page.get_by_role("button", name="Join").click()  # tap two

    # then: her card, with its balance, and the waiter sees her at the table
    expect(page.locator(".notice")).to_have_text("Welcome! You are now a member.")
    expect(page.locator("#balance")).to_have_text("0")
    expect(page.locator(".member-name")).to_have_text("Anna")
    expect(
        page.get_by_text("The staff at your table can see you are a member.")
    ).to_be_visible()
    shoot(page, "journey-03-card")
    # and answers the restaurant's question for points
    page.get_by_role("link", name="What should we add to the winter menu?").click()
    page.locator("fieldset.stars").get_by_label("5 ★").check()
    page.get_by_label("Your answer").fill("Karelian stew, please")
    shoot(page, "journey-03b-survey")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_have_text(
        "Your answer went to the manager, and 30 points are on your card."
    )
    page.get_by_role("link", name="Back to my card").click()
    expect(page.locator("#balance")).to_have_text("30")
    anna = Member.objects.get(email="anna@example.com")
    assert consents_current(member_id=anna.pk)[ConsentPurpose.MARKETING] is True
    guest = Guest.objects.get(table_session__table=table)
    floor, floor_page = _sign_in(browser, server, waiter, "/kitchen/floor/")
    at_table = floor_page.request.get(
        f"{server.url}/api/v1/loyalty/staff/table-sessions/"
        f"{guest.table_session_id}/members"
    )
    assert [m["first_name"] for m in at_table.json()] == ["Anna"]
    floor.close()

    # when: she orders soup and a beer and pays by card
    page.goto(f"{server.url}/table/")
    page.evaluate(ORDER, [menu.soup.pk, menu.beer.pk])
    page.goto(f"{server.url}/table/bill/")
    expect(page.locator("#pay-button")).to_have_text("Pay €25.40")
    _pay_by_card(page)

    # then: thanked on the phone and by email, by name, for her dishes
    thanks = page.locator("#thank-you")
    expect(thanks).to_contain_text("Thank you, Anna!", timeout=10_000)
    expect(thanks).to_contain_text("Salmon soup and Beer")
    shoot(page, "journey-04-thanked")
    [thank_you] = [
        m
        for m in _mail_to(smtp, "anna@example.com", count=2)
        if m["Subject"] != code_mail["Subject"]
    ]
    assert body_of(thank_you).startswith(
        "Thank you, Anna!\n\nWe hope you enjoyed your Salmon soup and Beer."
    )
    assert points_balance(member_id=anna.pk) == 30 + 254

    # when: on the next order she uses 5 € off, paid for with today's points
    page.goto(f"{server.url}/table/")
    page.evaluate(ORDER, [menu.beer.pk])
    page.goto(f"{server.url}/table/bill/")
    page.get_by_role("button", name="Use 5 € off (200 points)").click()
    expect(page.locator("#reward-applied")).to_contain_text("On this bill: 5 € off")
    expect(page.locator("#pay-button")).to_have_text("Pay €3.50")
    shoot(page, "journey-05-reward")
    _pay_by_card(page)

    # then
    expect(thanks).to_contain_text("Thank you, Anna!", timeout=10_000)
    assert Reservation.objects.get().status == ReservationStatus.CONSUMED
    second = Payment.objects.filter(status=PaymentStatus.SUCCEEDED).latest("pk")
    assert (second.amount_minor, second.discount_minor) == (850, 500)
    assert points_balance(member_id=anna.pk) == 30 + 254 - 200 + 35

    # when: she follows the thank-you's link and complains
    page.get_by_role("link", name="Tell us how it was").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How was your visit?")
    page.locator("fieldset.stars", has_text="Overall").get_by_label("1 ★").check()
    page.get_by_label("Anything to tell us?").fill("The soup was cold.")
    shoot(page, "journey-06-feedback")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you!")
    feedback = Feedback.objects.get()
    assert (feedback.member, feedback.is_complaint) == (anna, True)

    # and the manager sends an offer to every member
    office, desk = _sign_in(browser, server, manager, "/loyalty/manage/offers/")
    desk.get_by_label("Subject").fill("Autumn menu")
    desk.get_by_label("Message ({name} becomes the member's first name)").fill(
        "Hello {name}, the autumn menu is here."
    )
    desk.get_by_role("button", name="Send to members").click()

    # then: it goes to Ben (now, or after the quiet hours) but not to Anna
    result = desk.locator(".notice")
    expect(result).to_contain_text("Not sent (An open complaint): 1")
    shoot(desk, "journey-07-campaign")
    offers = dict(
        Message.objects.filter(kind=MessageKind.OFFER).values_list(
            "member__first_name", "reason"
        )
    )
    assert offers == {"Anna": "open_complaint", "Ben": offers["Ben"]}
    assert offers["Ben"] in ("", "quiet_hours")

    # when: the manager resolves the complaint from the inbox
    desk.goto(f"{server.url}/loyalty/manage/feedback/")
    desk.get_by_role("link", name="The soup was cold.").click()
    desk.get_by_label("Reply, or what we did about it").fill(
        "We checked the soup station's thermometer and reheat to 75 °C."
    )
    desk.get_by_role("button", name="Resolve and tell the guest what we did").click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text("Feedback")
    office.close()

    # then: "you said, we did" reaches her by email and on her card
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.RESOLVED
    resolved = [
        m
        for m in _mail_to(smtp, "anna@example.com", count=3)
        if m["Subject"].startswith("You said, we did")
    ]
    assert "What we did: We checked the soup station" in body_of(resolved[0])
    page.goto(f"{server.url}/loyalty/{restaurant.slug}/")
    messages = page.locator(".messages")
    expect(messages).to_contain_text("You said, we did")
    expect(messages).to_contain_text("You said: “The soup was cold.”")
    page.locator(".messages").scroll_into_view_if_needed()
    shoot(page, "journey-08-heard-back")
