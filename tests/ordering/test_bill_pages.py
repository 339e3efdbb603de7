"""The guest's bill and receipt pages, and receipts sent by email."""

import pytest
from django.core import mail
from django.test import Client

from ordering.models import Guest, Receipt
from ordering.payments import IntentState, gateway, gateway_reset
from ordering.receipt_mail import SENDS_PER_HOUR
from ordering.services.payments import payment_settle, payment_start


@pytest.fixture(autouse=True)
def _fresh_gateway():
    gateway_reset()
    yield
    gateway_reset()


@pytest.fixture
def phone(menu, table_code, place):
    """A phone that scanned the code and ordered a soup and a beer."""
    browser = Client()
    browser.get(f"/t/{table_code}/")
    browser.guest = Guest.objects.latest("pk")
    place([(menu.soup, 1), (menu.beer, 1)], guest=browser.guest)
    return browser


def _paid(guest: Guest):
    payment, state = payment_start(guest=guest, split="all", tip_minor=100)
    state = gateway().retrieve(intent_id=state.id)
    return payment_settle(
        payment_id=payment.pk,
        state=IntentState(id=state.id, status="succeeded", card="visa •••• 4242"),
    )


def test_the_bill_page_carries_the_servers_bill(phone):
    # when
    response = phone.get("/table/bill/", headers={"accept-language": "en"})
    # then
    assert response.status_code == 200
    boot = response.context["boot"]
    assert boot["bill"]["total_minor"] == 1690 + 850
    assert [line["mine"] for line in boot["bill"]["lines"]] == [True, True]
    assert b"The bill" in response.content


def test_pages_need_a_table(db):
    assert Client().get("/table/bill/").status_code == 403
    assert Client().get("/table/receipts/1/").status_code == 403


def test_a_receipt_shows_in_the_guests_language(phone):
    # given
    payment = _paid(phone.guest)
    # when
    url = f"/table/receipts/{payment.pk}/"
    en = phone.get(url, headers={"accept-language": "en"})
    sv = phone.get(url, headers={"accept-language": "sv"})
    # then
    assert en.status_code == sv.status_code == 200
    names = [line["name"] for line in en.context["receipt"]["lines"]]
    assert names == ["Salmon soup", "Beer"]
    assert en.context["receipt"]["total_minor"] == 1690 + 850 + 100
    assert "Kvitto" in sv.content.decode()


def test_another_tables_receipt_is_not_found(phone, restaurant):
    # given: a payment at this table, and a phone at another table
    from ordering.tokens import table_code_make
    from tests.factories import TableFactory

    payment = _paid(phone.guest)
    other_table = TableFactory(restaurant=restaurant, label="9")
    stranger = Client()
    stranger.get(f"/t/{table_code_make(table_id=other_table.pk, version=1)}/")
    # when
    response = stranger.get(
        f"/table/receipts/{payment.pk}/", headers={"accept-language": "en"}
    )
    # then
    assert response.status_code == 404
    assert "no receipt" in response.content.decode()


def test_a_receipt_is_emailed_on_request(phone):
    # given
    payment = _paid(phone.guest)
    # when
    response = phone.post(
        f"/table/receipts/{payment.pk}/",
        {"email": " anna@example.com "},
        headers={"accept-language": "en"},
    )
    # then: sent once, with the lines and VAT, and the page says so
    assert response.status_code == 302
    assert response["Location"].endswith("?sent=1")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna@example.com"]
    assert (
        message.subject == f"Receipt {Receipt.objects.get().number} from Bistro Testi"
    )
    assert "1 × Salmon soup" in message.body
    assert "13.5 %" in message.body
    assert "25.5 %" in message.body
    assert "€26.40" in message.body
    page = phone.get(response["Location"], headers={"accept-language": "en"})
    assert b"Sent. Check your inbox." in page.content


def test_a_bad_address_is_explained_and_nothing_is_sent(phone):
    payment = _paid(phone.guest)
    response = phone.post(
        f"/table/receipts/{payment.pk}/",
        {"email": "anna@"},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 400
    assert "does not look like an email address" in response.content.decode()
    assert 'value="anna@"' in response.content.decode()
    assert mail.outbox == []


def test_a_table_cannot_send_receipts_without_limit(phone):
    payment = _paid(phone.guest)
    for _ in range(SENDS_PER_HOUR):
        phone.post(f"/table/receipts/{payment.pk}/", {"email": "a@example.com"})
    response = phone.post(f"/table/receipts/{payment.pk}/", {"email": "a@example.com"})
    assert response.status_code == 429
    assert len(mail.outbox) == SENDS_PER_HOUR
