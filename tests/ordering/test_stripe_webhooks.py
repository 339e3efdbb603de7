"""Stripe's webhooks: verified, recorded once, acted on once, in any order;
and the whole loop with localstripe delivering signed events to a real
server."""

import time

import httpx
import pytest
from rest_framework.test import APIClient

from ordering.models import Payment, Receipt, StripeEvent
from ordering.services.payments import payment_start
from ordering.tokens import table_code_make
from tests.conftest import STRIPE_TEST_KEYS
from tests.ordering.stripe_helpers import (
    authenticate,
    card_payment_method,
    register_webhook,
    signed,
)

SECRET = STRIPE_TEST_KEYS["STRIPE_WEBHOOK_SECRET"]
URL = "/api/v1/payments/stripe/webhook"


def _post(body: bytes, signature: str):
    return APIClient().post(
        URL, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )


def _event(event_id: str, kind: str, intent_id: str, status: str, **extra) -> dict:
    return {
        "id": event_id,
        "type": kind,
        "api_version": "2017-08-15",
        "data": {"object": {"id": intent_id, "status": status, **extra}},
    }


@pytest.fixture
def pending(stripe_settings, menu, guest, place):
    """A guest's card payment waiting for Stripe's word (created through
    localstripe, so the intent is real)."""
    place([(menu.soup, 1)], guest=guest)
    payment, intent = payment_start(guest=guest, split="all")
    return payment


def test_a_signed_success_pays_once_however_often_it_arrives(pending):
    # given
    body, signature = signed(
        _event(
            "evt_1",
            "payment_intent.succeeded",
            pending.stripe_payment_intent_id,
            "succeeded",
        ),
        secret=SECRET,
    )
    # when
    first = _post(body, signature)
    second = _post(body, signature)
    # then
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.content.decode().endswith("pending -> succeeded")
    assert second.content.decode() == "duplicate of evt_1"
    assert Payment.objects.get().status == "succeeded"
    assert Receipt.objects.count() == 1
    assert StripeEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("_case", "tamper"),
    [
        ("wrong secret", lambda body, sig: (body, signed({}, secret="whsec_other")[1])),
        (
            "tampered body",
            lambda body, sig: (body.replace(b"succeeded", b"succeedex"), sig),
        ),
        ("no signature", lambda body, sig: (body, "")),
    ],
)
def test_bad_signatures_are_rejected_and_change_nothing(pending, _case, tamper):
    body, signature = signed(
        _event(
            "evt_2",
            "payment_intent.succeeded",
            pending.stripe_payment_intent_id,
            "succeeded",
        ),
        secret=SECRET,
    )
    response = _post(*tamper(body, signature))
    assert response.status_code == 400
    assert Payment.objects.get().status == "pending"
    assert StripeEvent.objects.count() == 0


def test_a_stale_signature_is_rejected(pending):
    body, signature = signed(
        _event(
            "evt_3",
            "payment_intent.succeeded",
            pending.stripe_payment_intent_id,
            "succeeded",
        ),
        secret=SECRET,
        timestamp=int(time.time()) - 3600,
    )
    assert _post(body, signature).status_code == 400
    assert Payment.objects.get().status == "pending"


def test_out_of_order_events_never_move_a_payment_backwards(pending):
    intent = pending.stripe_payment_intent_id
    for event in (
        _event("evt_a", "payment_intent.succeeded", intent, "succeeded"),
        _event(
            "evt_b",
            "payment_intent.payment_failed",
            intent,
            "requires_payment_method",
            last_payment_error={"message": "late"},
        ),
    ):
        assert _post(*signed(event, secret=SECRET)).status_code == 200
    assert Payment.objects.get().status == "succeeded"


def test_a_failure_then_a_success_ends_paid(pending):
    intent = pending.stripe_payment_intent_id
    for event in (
        _event(
            "evt_c",
            "payment_intent.payment_failed",
            intent,
            "requires_payment_method",
            last_payment_error={"message": "no"},
        ),
        _event("evt_d", "payment_intent.succeeded", intent, "succeeded"),
    ):
        _post(*signed(event, secret=SECRET))
    assert Payment.objects.get().status == "succeeded"


def test_unknown_types_and_api_versions_are_acknowledged_and_ignored(pending):
    intent = pending.stripe_payment_intent_id
    charge = _event("evt_e", "charge.succeeded", intent, "succeeded")
    future = {
        **_event("evt_f", "payment_intent.succeeded", intent, "succeeded"),
        "api_version": "2099-01-01",
    }
    assert _post(*signed(charge, secret=SECRET)).content == b"ignored: charge.succeeded"
    assert _post(*signed(future, secret=SECRET)).content == (
        b"ignored: API version 2099-01-01"
    )
    assert Payment.objects.get().status == "pending"


@pytest.mark.django_db(transaction=True)
def test_localstripe_delivers_signed_webhooks_to_the_server(
    stripe_settings, menu, table, server_factory
):
    # given: a real server using the real SDK against localstripe, which
    # sends its webhooks (signed with our secret) to that server
    server = server_factory(
        {
            **STRIPE_TEST_KEYS,
            "PAYMENT_GATEWAY": "ordering.payments.StripeGateway",
            "STRIPE_API_BASE": stripe_settings.url,
        }
    )
    register_webhook(stripe_settings.url, url=f"{server.url}{URL}", secret=SECRET)
    code = table_code_make(table_id=table.pk, version=table.qr_version)
    phone = httpx.Client(base_url=server.url, timeout=15)
    phone.get(f"/t/{code}/")
    phone.get("/table/")
    phone.headers["X-CSRFToken"] = phone.cookies["csrftoken"]
    cart = phone.post("/api/v1/cart/lines", json={"menu_item_id": menu.soup.pk}).json()
    phone.post("/api/v1/cart/submit", json={"cart_id": cart["id"]})
    # when: the guest pays with a card that needs 3-D Secure
    card = card_payment_method(stripe_settings.url, "4000002760003184")
    started = phone.post(
        "/api/v1/bill/payments", json={"split": "all", "payment_method": card}
    )
    assert started.status_code == 201, started.text
    body = started.json()
    assert body["payment"]["status"] == "requires_action"
    intent_id = body["client_secret"].split("_secret_")[0]
    authenticate(
        stripe_settings.url, intent_id=intent_id, client_secret=body["client_secret"]
    )
    # then: localstripe's webhook (about a second later) marks it paid
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        payment = Payment.objects.get(pk=body["payment"]["id"])
        if payment.status == "succeeded":
            break
        time.sleep(0.2)
    assert payment.status == "succeeded"
    event = StripeEvent.objects.get(type="payment_intent.succeeded")
    assert event.outcome.endswith("requires_action -> succeeded")
    bill = phone.get("/api/v1/bill").json()
    assert (bill["remaining_minor"], bill["is_settled"]) == (0, True)
    receipt = phone.get(f"/api/v1/bill/payments/{payment.pk}/receipt").json()
    assert receipt["number"] == 1
    assert receipt["total_minor"] == 1690
