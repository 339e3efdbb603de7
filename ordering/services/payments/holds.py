"""Walkout protection by card hold.

Where an open-tab restaurant asks for it, a table's orders wait until one
guest's card is authorized for the restaurant's hold amount (Stripe's manual
capture): nothing is charged. Once the bill is paid the hold is released. If
a party leaves without paying, a manager captures what is still owed, up to
the hold; the hold then becomes an ordinary card payment of those lines,
with its receipt.
"""

import contextlib
import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kitchen.services.tickets import tickets_create_for_order
from ordering.exceptions import NotFoundError
from ordering.models import (
    Guest,
    Order,
    OrderStatus,
    Payment,
    PaymentAllocation,
    PaymentKind,
    PaymentMethod,
    PaymentMode,
    PaymentStatus,
    Restaurant,
    TableSession,
    WalkoutPolicy,
)
from ordering.payments import GatewayError, IntentState, gateway
from ordering.services.order_events import order_publish
from ordering.services.payments.common import (
    MANAGER_ROLES,
    CardDeclinedError,
    PaymentError,
    publish_bill,
)
from ordering.services.payments.reserve import allocations_for
from ordering.services.staff import staff_require


def hold_required(restaurant: Restaurant) -> bool:
    return (
        restaurant.payment_mode == PaymentMode.OPEN_TAB
        and restaurant.walkout_policy == WalkoutPolicy.CARD_HOLD
        and restaurant.card_hold_minor > 0
    )


def hold_in_place(table_session_id: int) -> bool:
    return Payment.objects.filter(
        table_session_id=table_session_id,
        kind=PaymentKind.HOLD,
        status=PaymentStatus.AUTHORIZED,
    ).exists()


def orders_wait_for_hold(*, table_session_id: int, restaurant: Restaurant) -> bool:
    """Whether a table's new order must wait for a card hold."""
    return hold_required(restaurant) and not hold_in_place(table_session_id)


def hold_start(
    *, guest: Guest, payment_method: str | None = None
) -> tuple[Payment, IntentState]:
    """Open a card hold for the guest's table (confirmed in the browser, or
    at once with `payment_method`)."""
    session = guest.table_session
    restaurant = session.restaurant
    if not session.is_open:
        raise PaymentError(_("This table's visit has ended."), code="closed")
    if not hold_required(restaurant):
        raise PaymentError(
            _("This restaurant does not hold a card."), code="hold_not_needed"
        )
    if hold_in_place(session.pk):
        raise PaymentError(
            _("A card is already held for this table."), code="hold_in_place"
        )
    amount = restaurant.card_hold_minor
    payment = Payment.objects.create(
        restaurant=restaurant,
        table_session=session,
        guest=guest,
        kind=PaymentKind.HOLD,
        method=PaymentMethod.CARD,
        status=PaymentStatus.PENDING,
        amount_minor=amount,
        total_minor=amount,
        currency=restaurant.currency,
        expires_at=timezone.now()
        + datetime.timedelta(minutes=settings.PAYMENTS["PENDING_MINUTES"]),
    )
    try:
        state = gateway().create_intent(
            amount_minor=amount,
            currency=payment.currency,
            idempotency_key=f"tableside-hold-{payment.pk}",
            metadata={
                "payment": str(payment.pk),
                "kind": "hold",
                "table_session": str(session.pk),
                "restaurant": str(restaurant.pk),
                "guest": str(guest.pk),
            },
            payment_method=payment_method,
            capture_manual=True,
        )
    except GatewayError as error:
        hold_settle_state(payment.pk, IntentState(id="", status="failed"))
        if error.code == "card_declined":
            raise CardDeclinedError(error.message) from error
        raise PaymentError(error.message, code="gateway") from error
    Payment.objects.filter(pk=payment.pk).update(
        stripe_payment_intent_id=state.id, client_secret=state.client_secret
    )
    if state.status != PaymentStatus.PENDING:
        hold_settle_state(payment.pk, state)
    payment.refresh_from_db()
    if payment.status == PaymentStatus.FAILED:
        raise CardDeclinedError(
            payment.failure_message or _("The card was declined."),
            extra={"payment": payment.pk},
        )
    return payment, state


def hold_settle_state(payment_id: int, state: IntentState) -> Payment:
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update()
            .select_related("table_session")
            .get(pk=payment_id)
        )
        hold_settle_locked(payment, state)
        return payment


def hold_settle_locked(payment: Payment, state: IntentState) -> None:
    """Apply Stripe's word on a hold (the caller holds the payment's lock).

    Authorized: the table's waiting orders go to the kitchen. A hold never
    goes back from captured or released.
    """
    if payment.status in (PaymentStatus.SUCCEEDED, PaymentStatus.CANCELLED):
        return
    if state.status == payment.status:
        return
    payment.status = state.status
    payment.failure_message = (state.error or "")[:300]
    payment.version = F("version") + 1
    payment.save(update_fields=["status", "failure_message", "version"])
    payment.refresh_from_db()
    if state.status == PaymentStatus.AUTHORIZED:
        _release_waiting_orders(payment.table_session_id)
    publish_bill(payment.table_session)


def _release_waiting_orders(table_session_id: int) -> None:
    # Every order of an open tab that waits for payment waits for this hold.
    TableSession.objects.select_for_update().filter(pk=table_session_id).first()
    waiting = Order.objects.select_for_update().filter(
        table_session_id=table_session_id, status=OrderStatus.AWAITING_PAYMENT
    )
    for order in waiting.order_by("pk"):
        order.status = OrderStatus.RECEIVED
        order.status_changed_at = timezone.now()
        order.version = F("version") + 1
        order.save(update_fields=["status", "status_changed_at", "version"])
        order.refresh_from_db()
        tickets_create_for_order(order=order)
        order_publish(order_id=order.pk, event="order.updated")


def holds_release(*, table_session_id: int) -> int:
    """Release the table's card holds (its bill is paid); return how many.

    Called after the paying transaction commits: Stripe is asked outside any
    lock, and a hold Stripe will not cancel now lapses on its own in days.
    """
    held = list(
        Payment.objects.filter(
            table_session_id=table_session_id,
            kind=PaymentKind.HOLD,
            status__in=[
                PaymentStatus.PENDING,
                PaymentStatus.REQUIRES_ACTION,
                PaymentStatus.AUTHORIZED,
            ],
        ).values_list("pk", "stripe_payment_intent_id")
    )
    for payment_id, intent_id in held:
        if intent_id:
            # Marked released here all the same; Stripe lets it lapse.
            with contextlib.suppress(GatewayError):
                gateway().cancel(intent_id=intent_id)
        hold_settle_state(
            payment_id, IntentState(id=intent_id or "", status=PaymentStatus.CANCELLED)
        )
    return len(held)


def hold_capture(*, payment_id: int, user) -> Payment:
    """Charge a walked-out table's card for what it still owes, up to the hold
    (a manager's decision). The hold becomes a card payment of those lines."""
    from ordering.services.payments.card import payment_succeed_locked

    with transaction.atomic():
        hold = Payment.objects.select_for_update().filter(pk=payment_id).first()
        if hold is None:
            raise NotFoundError()
        staff_require(user=user, restaurant_id=hold.restaurant_id, roles=MANAGER_ROLES)
        if hold.kind != PaymentKind.HOLD or hold.status != PaymentStatus.AUTHORIZED:
            raise PaymentError(
                _("Only a card hold that is in place can be charged."),
                code="hold_state",
            )
        session = TableSession.objects.select_for_update().get(pk=hold.table_session_id)
        left = sum(
            allocations_for(split="all", session=session, guest=hold.guest).values()
        )
        if left <= 0:
            raise PaymentError(
                _("Nothing is owed at this table, so there is nothing to charge."),
                code="nothing_to_pay",
            )
        shares = allocations_for(
            split="amount",
            session=session,
            guest=hold.guest,
            amount_minor=min(left, hold.amount_minor),
        )
        owed = sum(shares.values())
        PaymentAllocation.objects.bulk_create(
            PaymentAllocation(payment=hold, order_line_id=line_id, amount_minor=amount)
            for line_id, amount in shares.items()
        )
        # From here on it is a bill payment; the lines are held by it.
        Payment.objects.filter(pk=hold.pk).update(
            kind=PaymentKind.BILL,
            amount_minor=owed,
            total_minor=owed,
            split="amount",
            recorded_by=user,
            version=F("version") + 1,
        )
    try:
        state = gateway().capture(
            intent_id=hold.stripe_payment_intent_id or "",
            amount_minor=owed,
            idempotency_key=f"tableside-capture-{hold.pk}",
        )
    except GatewayError as error:
        _capture_undo(hold.pk, held_minor=hold.amount_minor)
        raise PaymentError(error.message, code="gateway") from error
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=hold.pk)
        if payment.status != PaymentStatus.SUCCEEDED:
            payment_succeed_locked(payment, card=state.card)
        payment.refresh_from_db()
        return payment


def _capture_undo(payment_id: int, *, held_minor: int) -> None:
    """Stripe refused the capture: the hold is a hold again, lines free."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        payment.allocations.all().delete()
        Payment.objects.filter(pk=payment_id).update(
            kind=PaymentKind.HOLD,
            amount_minor=held_minor,
            total_minor=held_minor,
            split="",
            version=F("version") + 1,
        )
