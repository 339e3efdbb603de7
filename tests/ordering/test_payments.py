"""Paying the bill, with the in-memory gateway (the same services run
against localstripe in test_payments_stripe.py)."""

import datetime

import pytest
from django.utils import timezone

from ordering.bills import bill_data, bill_lines
from ordering.exceptions import PermissionDeniedError
from ordering.models import (
    Order,
    Payment,
    PaymentMode,
    Receipt,
    Restaurant,
    WalkoutPolicy,
)
from ordering.payments import IntentState, gateway, gateway_reset
from ordering.services.orders import order_approve
from ordering.services.payments import (
    CardDeclinedError,
    PaymentError,
    line_claim,
    payment_record,
    payment_refund,
    payment_settle,
    payment_start,
    payments_expire,
)


@pytest.fixture(autouse=True)
def _fresh_gateway():
    gateway_reset()
    yield
    gateway_reset()


def _succeed(payment: Payment) -> Payment:
    """What Stripe's webhook does once the bank says yes."""
    state = gateway().retrieve(intent_id=payment.stripe_payment_intent_id)
    return payment_settle(
        payment_id=payment.pk,
        state=IntentState(id=state.id, status="succeeded", card="visa •••• 4242"),
    )


@pytest.fixture
def table_of_two(menu, place, join):
    """Anna orders soup and beer, Bob a steak; they share a bottle of wine."""
    from tests.factories import MenuItemFactory

    wine = MenuItemFactory(
        restaurant=menu.restaurant,
        category=menu.beer.category,
        name_fi="Viinipullo",
        price_minor=4750,
        vat_rate_bp=2550,
        station="bar",
    )
    anna, _ = join()
    bob, _ = join()
    place([(menu.soup, 1), (menu.beer, 1)], guest=anna)
    place([(menu.steak, 1, [menu.rare.pk, menu.mash.pk]), (wine, 1)], guest=bob)
    return {"anna": anna, "bob": bob, "wine": wine}


def _remaining(guest) -> int:
    return sum(
        b.remaining_minor for b in bill_lines(table_session_id=guest.table_session_id)
    )


def test_the_bill_adds_up_what_was_ordered(table_of_two):
    anna = table_of_two["anna"]
    data = bill_data(table_session=anna.table_session, guest=anna)
    assert data["total_minor"] == 1690 + 850 + 3400 + 4750
    assert data["remaining_minor"] == data["total_minor"]
    assert [line["mine"] for line in data["lines"]] == [True, True, False, False]


def test_paying_only_my_items_with_a_tip(table_of_two):
    # given
    anna = table_of_two["anna"]
    # when: Anna pays her soup and beer with a 10 % tip
    payment, intent = payment_start(guest=anna, split="mine", tip_bp=1000)
    # then: the payment holds her lines while the card is confirmed
    assert (payment.amount_minor, payment.tip_minor, payment.total_minor) == (
        2540,
        254,
        2794,
    )
    assert intent.client_secret.startswith(intent.id)
    assert payment.status == "pending"
    assert _remaining(anna) == 3400 + 4750
    # and once Stripe says it succeeded, it is paid with a numbered receipt
    paid = _succeed(payment)
    assert paid.status == "succeeded"
    receipt = Receipt.objects.get(payment=payment)
    assert receipt.number == 1
    assert receipt.data["vat"] == [
        {
            "rate": "13.5",
            "rate_bp": 1350,
            "gross_minor": 1690,
            "vat_minor": 201,
            "net_minor": 1489,
        },
        {
            "rate": "25.5",
            "rate_bp": 2550,
            "gross_minor": 850,
            "vat_minor": 173,
            "net_minor": 677,
        },
    ]
    assert (receipt.data["tip_minor"], receipt.data["total_minor"]) == (254, 2794)
    assert receipt.data["card"] == "visa •••• 4242"


def test_equal_shares_and_a_third_of_the_wine_add_up_to_the_cent(table_of_two):
    # given: Bob pays a third of the wine, then the two split the rest
    anna, bob, wine = table_of_two["anna"], table_of_two["bob"], table_of_two["wine"]
    wine_line = Order.objects.get(guest=bob).lines.get(menu_item=wine)
    # when
    third, _ = payment_start(
        guest=bob, split="item", item_line_id=wine_line.pk, parts=3
    )
    first, _ = payment_start(guest=anna, split="equal", people_left=2)
    second, _ = payment_start(guest=bob, split="equal", people_left=1)
    for payment in (third, first, second):
        _succeed(payment)
    # then
    total = 1690 + 850 + 3400 + 4750
    assert third.amount_minor == 1584
    assert (first.amount_minor, second.amount_minor) == (4553, 4553)
    assert third.amount_minor + first.amount_minor + second.amount_minor == total
    assert _remaining(anna) == 0
    assert anna.table_session.__class__.objects.get(pk=anna.table_session_id).paid_at


def test_nobody_pays_more_than_is_left(table_of_two):
    anna = table_of_two["anna"]
    payment_start(guest=anna, split="all")
    with pytest.raises(PaymentError) as error:
        payment_start(guest=table_of_two["bob"], split="mine")
    assert error.value.code == "nothing_to_pay"
    with pytest.raises(PaymentError) as error:
        payment_start(guest=anna, split="amount", amount_minor=1)
    assert error.value.code == "amount_too_large"


def test_a_declined_card_frees_the_lines(table_of_two):
    anna = table_of_two["anna"]
    with pytest.raises(CardDeclinedError):
        payment_start(guest=anna, split="mine", payment_method="pm_card_0341")
    assert Payment.objects.get().status == "failed"
    assert _remaining(anna) == 1690 + 850 + 3400 + 4750


def test_three_d_secure_then_success(table_of_two):
    anna = table_of_two["anna"]
    payment, intent = payment_start(
        guest=anna, split="mine", payment_method="pm_card_3184"
    )
    assert payment.status == "requires_action"
    done = gateway().authenticate(intent_id=intent.id)
    assert payment_settle(payment_id=payment.pk, state=done).status == "succeeded"


def test_a_paid_payment_never_moves_backwards(table_of_two):
    # given
    payment, _ = payment_start(guest=table_of_two["anna"], split="mine")
    _succeed(payment)
    # when: a late "failed" event arrives
    after = payment_settle(
        payment_id=payment.pk, state=IntentState(id="x", status="failed", error="late")
    )
    # then
    assert after.status == "succeeded"
    assert Receipt.objects.count() == 1


def test_an_abandoned_payment_lets_go_of_its_lines(table_of_two):
    anna = table_of_two["anna"]
    payment_start(guest=anna, split="mine")
    later = timezone.now() + datetime.timedelta(minutes=16)
    assert _remaining(anna) == 3400 + 4750
    assert payments_expire(now=later) == 1
    assert Payment.objects.get().status == "cancelled"
    assert _remaining(anna) == 1690 + 850 + 3400 + 4750


def test_not_mine_leaves_a_line_to_share(table_of_two):
    anna, bob = table_of_two["anna"], table_of_two["bob"]
    beer = Order.objects.get(guest=anna).lines.get(vat_rate_bp=2550)
    line_claim(guest=anna, line_id=beer.pk, mine=False)
    payment, _ = payment_start(guest=anna, split="mine")
    assert payment.amount_minor == 1690
    line_claim(guest=bob, line_id=beer.pk, mine=True)
    with pytest.raises(PermissionDeniedError):
        line_claim(guest=anna, line_id=beer.pk, mine=False)


def test_cash_and_refunds(table_of_two, staff):
    # given: the waiter takes cash for everything, with a 5 € tip
    anna = table_of_two["anna"]
    waiter, manager = staff("waiter"), staff("manager")
    cash = payment_record(
        table_session_id=anna.table_session_id,
        method="cash",
        user=waiter,
        tip_minor=500,
    )
    assert cash.status == "succeeded"
    assert cash.total_minor == 1690 + 850 + 3400 + 4750 + 500
    # when: the manager gives back 10 € for a cold steak
    refund = payment_refund(
        payment_id=cash.pk, amount_minor=1000, reason="steak was cold", user=manager
    )
    # then
    assert refund.status == "succeeded"
    receipt = refund.receipt
    assert (receipt.number, receipt.kind) == (2, "refund")
    assert receipt.data["refund_of"] == 1
    assert receipt.data["tip_minor"] == 500
    assert sum(row["gross_minor"] for row in receipt.data["vat"]) == 500
    with pytest.raises(PaymentError) as error:
        payment_refund(
            payment_id=cash.pk, amount_minor=10_691, reason="x", user=manager
        )
    assert error.value.extra == {"refundable_minor": 10_190}
    with pytest.raises(PermissionDeniedError):
        payment_refund(payment_id=cash.pk, amount_minor=1, reason="x", user=waiter)


def test_pay_first_orders_reach_the_kitchen_once_paid(menu, join, place):
    # given: a quick-service restaurant
    Restaurant.objects.filter(pk=menu.restaurant.pk).update(
        payment_mode=PaymentMode.PAY_FIRST
    )
    guest, _ = join()
    order = place([(menu.soup, 1)], guest=guest)
    assert order.status == "awaiting_payment"
    assert not order.tickets.exists()
    # when
    payment, _ = payment_start(guest=guest, split="order", order_id=order.pk)
    _succeed(payment)
    # then
    order.refresh_from_db()
    assert order.status == "received"
    assert order.tickets.count() == 1


def test_a_waiter_approves_the_first_order(menu, join, place, staff):
    Restaurant.objects.filter(pk=menu.restaurant.pk).update(
        walkout_policy=WalkoutPolicy.WAITER_APPROVAL
    )
    guest, _ = join()
    first = place([(menu.soup, 1)], guest=guest)
    second = place([(menu.beer, 1)], guest=guest)
    assert (first.status, second.status) == ("awaiting_approval", "received")
    approved = order_approve(order_id=first.pk, user=staff("waiter"))
    assert approved.status == "received"
    assert approved.tickets.count() == 1


def test_other_apps_hear_of_each_payment_and_refund_once(table_of_two, staff):
    # given: a listener, as loyalty is
    from ordering.hooks import payment_succeeded, refund_issued

    heard = []

    def on_paid(payment, **kwargs):
        heard.append(("paid", payment.pk))

    def on_refund(refund, **kwargs):
        heard.append(("refund", refund.payment_id))

    payment_succeeded.connect(on_paid)
    refund_issued.connect(on_refund)
    try:
        # when: Stripe says "succeeded" twice, and a manager refunds a euro
        payment, _ = payment_start(
            guest=table_of_two["anna"], split="mine", payment_method="pm_card_visa"
        )
        _succeed(payment)
        _succeed(payment)
        payment_refund(
            payment_id=payment.pk,
            amount_minor=100,
            reason="slow service",
            user=staff("manager"),
        )
    finally:
        payment_succeeded.disconnect(on_paid)
        refund_issued.disconnect(on_refund)
    # then
    assert heard == [("paid", payment.pk), ("refund", payment.pk)]
