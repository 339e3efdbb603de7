"""The manager's payments page: the day's payments, refunds with a reason,
and charging a card held against a walkout."""

import pytest
from django.test import Client

from ordering.models import PaymentMode, Refund, Restaurant, WalkoutPolicy
from ordering.payments import gateway_reset
from ordering.services.payments import payment_record
from ordering.services.payments.holds import hold_start
from tests.factories import RestaurantFactory

URL = "/staff/payments/"


@pytest.fixture(autouse=True)
def _fresh_gateway():
    gateway_reset()
    yield
    gateway_reset()


@pytest.fixture
def paid(menu, join, place, staff):
    """Table 7 had soup and beer (€25.40) and paid in cash."""
    guest, _ = join()
    place([(menu.soup, 1), (menu.beer, 1)], guest=guest)
    return payment_record(
        table_session_id=guest.table_session_id,
        user=staff("waiter"),
        method="cash",
        split="all",
        tip_minor=0,
    )


def _client(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def test_a_manager_sees_the_days_payments_and_refunds_part_of_one(paid, staff):
    client = _client(staff("manager"))
    # when
    page = client.get(URL)
    # then
    assert page.status_code == 200
    text = page.content.decode()
    assert "25,40" in text or "25.40" in text
    assert "Cash" in text
    # when: €1.50 back for a cold soup
    response = client.post(
        URL, {"payment": paid.pk, "amount": "1,50", "reason": "Soup was cold"}
    )
    # then: done once, and a reload cannot do it again
    assert response.status_code == 302
    refund = Refund.objects.get()
    assert (refund.amount_minor, refund.reason) == (150, "Soup was cold")
    assert "Refunded" in client.get(response["Location"]).content.decode()
    assert Refund.objects.count() == 1


@pytest.mark.parametrize(
    ("amount", "reason", "message"),
    [
        ("abc", "x", "in euros"),
        ("0", "x", "in euros"),
        ("1.555", "x", "in euros"),
        ("30.00", "too much", "At most €25.40"),
        ("1.00", "", "Say why"),
    ],
)
def test_a_refund_the_page_cannot_do_says_why_and_changes_nothing(
    paid, staff, amount, reason, message
):
    client = _client(staff("manager"))
    response = client.post(
        URL, {"payment": paid.pk, "amount": amount, "reason": reason}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Refund.objects.exists()


def test_only_managers_of_the_restaurant(paid, staff):
    elsewhere = RestaurantFactory()
    # a waiter, and a manager of another restaurant, see nothing of it
    assert _client(staff("waiter")).get(URL).status_code == 403
    other = _client(staff("manager", at=elsewhere))
    page = other.get(URL)
    assert page.status_code == 200
    assert "25,40" not in page.content.decode()
    assert "25.40" not in page.content.decode()
    refused = other.post(URL, {"payment": paid.pk, "amount": "1", "reason": "x"})
    assert refused.status_code == 400
    assert not Refund.objects.exists()
    # and nobody signed out
    assert Client().get(URL).status_code == 302


def test_a_manager_charges_a_walked_out_tables_held_card(menu, join, place, staff):
    Restaurant.objects.filter(pk=menu.restaurant.pk).update(
        payment_mode=PaymentMode.OPEN_TAB,
        walkout_policy=WalkoutPolicy.CARD_HOLD,
        card_hold_minor=5000,
    )
    guest, _ = join()
    place([(menu.soup, 1)], guest=guest)
    hold, _ = hold_start(guest=guest, payment_method="pm_card_visa")
    client = _client(staff("manager"))
    page = client.get(URL).content.decode()
    assert "Cards held against walkouts" in page
    # when
    response = client.post(URL, {"capture": hold.pk})
    # then
    assert response.status_code == 302
    hold.refresh_from_db()
    assert (hold.kind, hold.status, hold.total_minor) == ("bill", "succeeded", 1690)
