"""One contract, two gateways: the in-memory fake and the real Stripe SDK
talking to a localstripe process. Whatever the fake promises, Stripe keeps."""

import pytest

from ordering.payments import FakeGateway, GatewayError, StripeGateway
from tests.ordering.stripe_helpers import authenticate, card_payment_method


@pytest.fixture(params=["fake", "stripe"])
def world(request):
    """(gateway, make_card(number) -> payment method id, finish_3ds(state))."""
    if request.param == "fake":
        fake = FakeGateway()
        return (
            fake,
            lambda number: f"pm_card_{number[-4:]}",
            lambda state: fake.authenticate(intent_id=state.id),
        )
    server = request.getfixturevalue("localstripe")
    gateway = StripeGateway(
        secret_key="sk_test_tableside",
        webhook_secret="whsec_x",
        api_base=server.url,
        card_element=True,
    )

    def finish(state):
        authenticate(server.url, intent_id=state.id, client_secret=state.client_secret)
        return gateway.retrieve(intent_id=state.id)

    return gateway, lambda number: card_payment_method(server.url, number), finish


def _intent(gateway, key, card=None, **kw):
    return gateway.create_intent(
        amount_minor=kw.pop("amount", 2540),
        currency="EUR",
        idempotency_key=key,
        metadata={"payment": "1"},
        payment_method=card,
        **kw,
    )


def test_a_good_card_pays(world):
    gateway, card, _ = world
    state = _intent(gateway, "k1", card("4242424242424242"))
    assert state.status == "succeeded"
    assert gateway.retrieve(intent_id=state.id).status == "succeeded"


def test_a_declined_card_is_refused_with_a_message(world):
    gateway, card, _ = world
    with pytest.raises(GatewayError) as error:
        _intent(gateway, "k2", card("4000000000000341"))
    assert error.value.code == "card_declined"
    assert "declined" in error.value.message


def test_three_d_secure(world):
    gateway, card, finish = world
    state = _intent(gateway, "k3", card("4000002760003184"))
    assert state.status == "requires_action"
    assert finish(state).status == "succeeded"


def test_a_card_hold_is_captured_in_part(world):
    gateway, card, _ = world
    held = _intent(
        gateway, "k4", card("4242424242424242"), amount=5000, capture_manual=True
    )
    assert held.status == "authorized"
    captured = gateway.capture(
        intent_id=held.id, amount_minor=3100, idempotency_key="c4"
    )
    assert captured.status == "succeeded"


def test_a_hold_can_be_let_go(world):
    gateway, card, _ = world
    held = _intent(gateway, "k5", card("4242424242424242"), capture_manual=True)
    assert gateway.cancel(intent_id=held.id).status == "cancelled"


def test_refunds(world):
    gateway, card, _ = world
    paid = _intent(gateway, "k6", card("4242424242424242"))
    refund = gateway.refund(intent_id=paid.id, amount_minor=1000, idempotency_key="r6")
    assert refund.status == "succeeded"
    assert refund.id


# Two promises localstripe cannot show (it ignores Idempotency-Key and has no
# refund limits); real Stripe keeps them, so they are checked on the fake only.


def test_an_intent_waits_for_the_browser_without_a_card(world):
    gateway, _, _ = world
    state = _intent(gateway, "k0")
    assert (state.status, state.client_secret.startswith(state.id)) == ("pending", True)


def test_the_fake_never_charges_twice_for_one_key():
    fake = FakeGateway()
    assert (
        _intent(fake, "k7", "pm_card_4242").id == _intent(fake, "k7", "pm_card_4242").id
    )


def test_the_fake_refuses_to_refund_more_than_was_paid():
    fake = FakeGateway()
    paid = _intent(fake, "k8", "pm_card_4242")
    with pytest.raises(GatewayError):
        fake.refund(intent_id=paid.id, amount_minor=2541, idempotency_key="r8")
