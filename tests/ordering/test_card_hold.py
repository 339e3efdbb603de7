"""Walkout protection by card hold, with the in-memory gateway (one test in
test_payments_stripe.py runs the hold through localstripe)."""

import pytest

from ordering.bills import bill_data
from ordering.exceptions import PermissionDeniedError
from ordering.models import Payment, PaymentMode, Receipt, Restaurant, WalkoutPolicy
from ordering.payments import gateway, gateway_reset
from ordering.services.orders import order_approve
from ordering.services.payments import PaymentError, payment_record, payment_settle
from ordering.services.payments.holds import hold_capture, hold_start


@pytest.fixture(autouse=True)
def _card_hold(menu):
    gateway_reset()
    Restaurant.objects.filter(pk=menu.restaurant.pk).update(
        payment_mode=PaymentMode.OPEN_TAB,
        walkout_policy=WalkoutPolicy.CARD_HOLD,
        card_hold_minor=5000,
    )
    yield
    gateway_reset()


def test_orders_wait_for_the_hold_then_go_to_the_kitchen(menu, join, place):
    # given: a table orders twice before anyone's card is held
    anna, _ = join()
    first = place([(menu.soup, 1)], guest=anna)
    second = place([(menu.beer, 1)], guest=anna)
    assert (first.status, second.status) == ("awaiting_payment", "awaiting_payment")
    assert not first.tickets.exists()
    # when: Anna's card is authorized for the hold
    hold, intent = hold_start(guest=anna, payment_method="pm_card_visa")
    # then: nothing is charged, both orders reach the kitchen
    assert (hold.kind, hold.status, hold.total_minor) == ("hold", "authorized", 5000)
    assert gateway().intents[intent.id]["captured"] == 0
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("received", "received")
    assert first.tickets.count() == 1
    # and later orders go straight on, while the bill lists no "payment"
    assert place(
        [(menu.steak, 1, [menu.rare.pk, menu.mash.pk])], guest=anna
    ).status == ("received")
    assert bill_data(table_session=anna.table_session, guest=anna)["payments"] == []


def test_a_hold_waiting_for_3d_secure_releases_orders_once_the_bank_says_yes(
    menu, join, place
):
    guest, _ = join()
    order = place([(menu.soup, 1)], guest=guest)
    hold, intent = hold_start(guest=guest, payment_method="pm_card_threeDSecure3184")
    assert hold.status == "requires_action"
    # when: the bank's check passes and Stripe's webhook says so
    payment_settle(
        payment_id=hold.pk, state=gateway().authenticate(intent_id=intent.id)
    )
    # then
    order.refresh_from_db()
    assert order.status == "received"


def test_a_declined_card_holds_nothing_and_orders_keep_waiting(menu, join, place):
    guest, _ = join()
    order = place([(menu.soup, 1)], guest=guest)
    with pytest.raises(Exception, match="declined"):
        hold_start(guest=guest, payment_method="pm_card_chargeDeclined0341")
    order.refresh_from_db()
    assert order.status == "awaiting_payment"
    assert Payment.objects.get(kind="hold").status == "failed"


def test_one_hold_per_table(menu, join):
    anna, _ = join()
    bob, _ = join()
    hold_start(guest=anna, payment_method="pm_card_visa")
    with pytest.raises(PaymentError) as error:
        hold_start(guest=bob, payment_method="pm_card_visa")
    assert error.value.code == "hold_in_place"


def test_no_hold_where_the_restaurant_does_not_ask(menu, join):
    Restaurant.objects.filter(pk=menu.restaurant.pk).update(
        walkout_policy=WalkoutPolicy.NONE
    )
    guest, _ = join()
    with pytest.raises(PaymentError) as error:
        hold_start(guest=guest, payment_method="pm_card_visa")
    assert error.value.code == "hold_not_needed"


def test_paying_the_bill_releases_the_hold(
    menu, join, place, staff, django_capture_on_commit_callbacks
):
    # given
    guest, _ = join()
    place([(menu.soup, 1)], guest=guest)
    hold, intent = hold_start(guest=guest, payment_method="pm_card_visa")
    # when: the table pays in cash
    with django_capture_on_commit_callbacks(execute=True):
        payment_record(
            table_session_id=guest.table_session_id,
            user=staff("waiter"),
            method="cash",
            split="all",
            tip_minor=0,
        )
    # then: Stripe is told to let the card go, and the hold is released
    hold.refresh_from_db()
    assert hold.status == "cancelled"
    assert gateway().intents[intent.id]["status"] == "cancelled"


def test_a_manager_charges_a_walkout_what_is_owed_up_to_the_hold(
    menu, join, place, staff
):
    # given: 16.90 + 8.50 owed, 50.00 held
    guest, _ = join()
    place([(menu.soup, 1), (menu.beer, 1)], guest=guest)
    hold, intent = hold_start(guest=guest, payment_method="pm_card_visa")
    # when: the party has left without paying; the manager charges the card
    with pytest.raises(PermissionDeniedError):
        hold_capture(payment_id=hold.pk, user=staff("waiter"))
    charged = hold_capture(payment_id=hold.pk, user=staff("manager"))
    # then: only what was owed is captured, as a paid bill with a receipt
    assert (charged.kind, charged.status, charged.total_minor) == (
        "bill",
        "succeeded",
        2540,
    )
    assert gateway().intents[intent.id]["captured"] == 2540
    assert Receipt.objects.get(payment=charged).data["total_minor"] == 2540
    data = bill_data(table_session=guest.table_session)
    assert data["remaining_minor"] == 0
    assert data["is_settled"]
    # and it cannot be charged twice
    with pytest.raises(PaymentError):
        hold_capture(payment_id=hold.pk, user=staff("manager"))


def test_a_waiter_can_vouch_for_a_table_without_a_hold(menu, join, place, staff):
    guest, _ = join()
    order = place([(menu.soup, 1)], guest=guest)
    approved = order_approve(order_id=order.pk, user=staff("waiter"))
    assert approved.status == "received"
    assert approved.tickets.count() == 1


def test_the_hold_api_answers_a_guest_and_refuses_a_second(guest_client, menu):
    client = guest_client()
    first = client.post(
        "/api/v1/bill/hold", {"payment_method": "pm_card_visa"}, format="json"
    )
    assert first.status_code == 201, first.content
    assert first.json()["payment"]["status"] == "authorized"
    second = client.post(
        "/api/v1/bill/hold", {"payment_method": "pm_card_visa"}, format="json"
    )
    assert second.status_code == 409
    assert second.json()["code"] == "hold_in_place"
    assert second.json()["message"]
