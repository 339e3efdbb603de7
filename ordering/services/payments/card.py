"""Card payments through Stripe: starting one, and settling it from Stripe's
word (the webhook, or asking Stripe), never from the guest's browser. A
succeeded payment never moves backwards.
"""

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kitchen.services.tickets import tickets_create_for_order
from ordering.bills import bill_lines
from ordering.exceptions import NotFoundError
from ordering.hooks import payment_succeeded
from ordering.models import (
    Guest,
    Order,
    OrderStatus,
    Payment,
    PaymentKind,
    PaymentMethod,
    PaymentStatus,
    TableSession,
)
from ordering.payments import GatewayError, IntentState, gateway
from ordering.services.order_events import order_publish
from ordering.services.payments.common import (
    CardDeclinedError,
    PaymentError,
    publish_bill,
    receipt_issue,
)
from ordering.services.payments.holds import hold_settle_locked, holds_release
from ordering.services.payments.reserve import payment_reserve


def payment_start(
    *,
    guest: Guest,
    split: str,
    tip_minor: int | None = None,
    tip_bp: int | None = None,
    people_left: int | None = None,
    amount_minor: int | None = None,
    line_ids: list[int] | None = None,
    order_id: int | None = None,
    item_line_id: int | None = None,
    parts: int | None = None,
    payment_method: str | None = None,
) -> tuple[Payment, IntentState]:
    """Reserve what a guest pays for and open a card payment for it.

    With `payment_method` (a card tokenised in the browser) the payment is
    confirmed at once; otherwise the browser confirms it with Stripe.js.
    """
    if not guest.table_session.is_open:
        raise PaymentError(_("This table's visit has ended."), code="closed")
    payment = payment_reserve(
        session_id=guest.table_session_id,
        guest=guest,
        split=split,
        method=PaymentMethod.CARD,
        tip_minor=tip_minor,
        tip_bp=tip_bp,
        people_left=people_left,
        amount_minor=amount_minor,
        line_ids=line_ids,
        order_id=order_id,
        item_line_id=item_line_id,
        parts=parts,
    )
    try:
        state = gateway().create_intent(
            amount_minor=payment.total_minor,
            currency=payment.currency,
            idempotency_key=f"tableside-payment-{payment.pk}-{payment.attempt}",
            metadata={
                "payment": str(payment.pk),
                "table_session": str(payment.table_session_id),
                "restaurant": str(payment.restaurant_id),
                "guest": str(guest.pk),
            },
            payment_method=payment_method,
        )
    except GatewayError as error:
        _fail(payment.pk, error.message)
        if error.code == "card_declined":
            raise CardDeclinedError(error.message) from error
        raise PaymentError(error.message, code="gateway") from error
    with transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(
            stripe_payment_intent_id=state.id, client_secret=state.client_secret
        )
    if state.status in (PaymentStatus.FAILED, PaymentStatus.REQUIRES_ACTION):
        # Success waits for Stripe's webhook; a decline or a 3-D Secure
        # step is known now and shown at once.
        payment_settle(payment_id=payment.pk, state=state)
    payment.refresh_from_db()
    if payment.status == PaymentStatus.FAILED:
        raise CardDeclinedError(
            payment.failure_message or _("The card was declined."),
            extra={"payment": payment.pk},
        )
    return payment, state


def _fail(payment_id: int, message: str) -> None:
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status == PaymentStatus.SUCCEEDED:
            return
        payment.status = PaymentStatus.FAILED
        payment.failure_message = message[:300]
        payment.version = F("version") + 1
        payment.save(update_fields=["status", "failure_message", "version"])
        publish_bill(payment.table_session)


def payment_settle(*, payment_id: int, state: IntentState) -> Payment:
    """Apply what Stripe says about a payment's intent.

    Called from the webhook and from server-side lookups. A paid payment
    stays paid whatever arrives later; a late success after a failure wins,
    because the money moved.
    """
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update()
            .select_related("table_session", "restaurant")
            .get(pk=payment_id)
        )
        if payment.status == PaymentStatus.SUCCEEDED or state.status == payment.status:
            return payment
        if payment.kind == PaymentKind.HOLD:
            hold_settle_locked(payment, state)
            return payment
        if state.status == PaymentStatus.SUCCEEDED:
            payment_succeed_locked(payment, card=state.card)
        elif state.status in (
            PaymentStatus.FAILED,
            PaymentStatus.CANCELLED,
            PaymentStatus.REQUIRES_ACTION,
            PaymentStatus.AUTHORIZED,
        ):
            payment.status = state.status
            payment.failure_message = (state.error or "")[:300]
            payment.version = F("version") + 1
            payment.save(update_fields=["status", "failure_message", "version"])
            publish_bill(payment.table_session)
        payment.refresh_from_db()
        return payment


def payment_succeed_locked(payment: Payment, *, card: str = "") -> None:
    """Mark a locked payment paid, issue its receipt, and release what waited."""
    now = timezone.now()
    payment.status = PaymentStatus.SUCCEEDED
    payment.succeeded_at = now
    payment.version = F("version") + 1
    payment.save(update_fields=["status", "succeeded_at", "version"])
    payment.refresh_from_db()
    receipt_issue(payment=payment, card=card)
    payment_succeeded.send(sender=Payment, payment=payment)
    _release_paid_orders(payment.table_session_id)
    session = payment.table_session
    if not any(
        line.remaining_minor for line in bill_lines(table_session_id=session.pk)
    ):
        TableSession.objects.filter(pk=session.pk, paid_at__isnull=True).update(
            paid_at=now
        )
        # Paid in full: a card held against a walkout is let go.
        transaction.on_commit(lambda: holds_release(table_session_id=session.pk))
    publish_bill(session)


def _release_paid_orders(table_session_id: int) -> None:
    """Send pay-first orders whose every line is paid to the kitchen."""
    waiting = Order.objects.select_for_update().filter(
        table_session_id=table_session_id, status=OrderStatus.AWAITING_PAYMENT
    )
    remaining = {
        line.id: line.remaining_minor
        for line in bill_lines(table_session_id=table_session_id)
    }
    for order in waiting:
        if any(remaining.get(pk, 0) for pk in order.lines.values_list("pk", flat=True)):
            continue
        order.status = OrderStatus.RECEIVED
        order.status_changed_at = timezone.now()
        order.version = F("version") + 1
        order.save(update_fields=["status", "status_changed_at", "version"])
        order.refresh_from_db()
        tickets_create_for_order(order=order)
        order_publish(order_id=order.pk, event="order.updated")


def payment_refresh(*, payment_id: int, guest: Guest | None = None) -> Payment:
    """Ask Stripe how a card payment stands and apply it (the webhook's
    fallback: a guest waiting on "processing" never waits for nothing)."""
    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None or (guest is not None and payment.guest_id != guest.pk):
        raise NotFoundError()
    if payment.stripe_payment_intent_id is None or payment.status in (
        PaymentStatus.SUCCEEDED,
        PaymentStatus.FAILED,
        PaymentStatus.CANCELLED,
    ):
        return payment
    try:
        state = gateway().retrieve(intent_id=payment.stripe_payment_intent_id)
    except GatewayError as error:
        raise PaymentError(error.message, code="gateway") from error
    return payment_settle(payment_id=payment.pk, state=state)


def payments_expire(*, now: datetime.datetime | None = None) -> int:
    """Cancel card payments left unfinished past their time; return how many.

    Their lines are free for others already (expired holds don't count); this
    tidies the rows and tells Stripe.
    """
    now = now or timezone.now()
    stale = list(
        Payment.objects.filter(
            status__in=[PaymentStatus.PENDING, PaymentStatus.REQUIRES_ACTION],
            expires_at__lt=now,
        ).values_list("pk", "stripe_payment_intent_id")
    )
    for payment_id, intent_id in stale:
        if intent_id:
            try:
                state = gateway().retrieve(intent_id=intent_id)
                if state.status == PaymentStatus.SUCCEEDED:
                    payment_settle(payment_id=payment_id, state=state)
                    continue
                gateway().cancel(intent_id=intent_id)
            except GatewayError:
                pass  # cancelled here all the same; Stripe drops it later
        payment_settle(
            payment_id=payment_id,
            state=IntentState(id=intent_id or "", status=PaymentStatus.CANCELLED),
        )
    return len(stale)
