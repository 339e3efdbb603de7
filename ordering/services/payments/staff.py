"""What staff do with payments: record cash and card-terminal payments, and
refund (a manager, with a reason).
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ordering.bills import refund_receipt_data
from ordering.exceptions import NotFoundError
from ordering.hooks import refund_issued
from ordering.models import (
    Payment,
    PaymentMethod,
    PaymentStatus,
    Receipt,
    ReceiptKind,
    Refund,
    RefundStatus,
    TableSession,
)
from ordering.money import money_text
from ordering.payments import GatewayError, gateway
from ordering.services.payments.card import payment_succeed_locked
from ordering.services.payments.common import (
    MANAGER_ROLES,
    WAITER_ROLES,
    PaymentError,
    publish_bill,
    receipt_number_next,
)
from ordering.services.payments.reserve import payment_reserve
from ordering.services.staff import staff_require


def payment_record(
    *,
    table_session_id: int,
    method: str,
    user,
    split: str = "all",
    tip_minor: int | None = None,
    **choice,
) -> Payment:
    """Record a cash or card-terminal payment a waiter took (paid at once)."""
    if method not in (PaymentMethod.CASH, PaymentMethod.TERMINAL):
        raise PaymentError(_("Record cash or card-terminal payments here."))
    restaurant_id = (
        TableSession.objects.filter(pk=table_session_id)
        .values_list("restaurant_id", flat=True)
        .first()
    )
    if restaurant_id is None:
        raise NotFoundError()
    staff_require(user=user, restaurant_id=restaurant_id, roles=WAITER_ROLES)
    payment = payment_reserve(
        session_id=table_session_id,
        guest=None,
        split=split,
        method=method,
        tip_minor=tip_minor,
        tip_bp=None,
        recorded_by=user,
        **choice,
    )
    with transaction.atomic():
        locked = (
            Payment.objects.select_for_update()
            .select_related("table_session", "restaurant")
            .get(pk=payment.pk)
        )
        payment_succeed_locked(locked)
    payment.refresh_from_db()
    return payment


def payment_refund(*, payment_id: int, amount_minor: int, reason: str, user) -> Refund:
    """Give back part or all of a payment (manager), with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise PaymentError(_("Say why the money is given back."), code="reason")
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update()
            .select_related("restaurant")
            .filter(pk=payment_id)
            .first()
        )
        if payment is None:
            raise NotFoundError()
        staff_require(
            user=user, restaurant_id=payment.restaurant_id, roles=MANAGER_ROLES
        )
        if payment.status != PaymentStatus.SUCCEEDED:
            raise PaymentError(_("Only a completed payment can be refunded."))
        left = payment.total_minor - payment.refunded_minor
        if not 0 < amount_minor <= left:
            raise PaymentError(
                _("At most %(left)s can still be refunded.")
                % {"left": money_text(left, payment.currency)},
                code="refund_too_large",
                extra={"refundable_minor": left},
            )
        refund = Refund.objects.create(
            payment=payment,
            amount_minor=amount_minor,
            reason=reason[:300],
            created_by=user,
        )
        Payment.objects.filter(pk=payment.pk).update(
            refunded_minor=F("refunded_minor") + amount_minor
        )
    if payment.method == PaymentMethod.CARD and payment.stripe_payment_intent_id:
        try:
            state = gateway().refund(
                intent_id=payment.stripe_payment_intent_id,
                amount_minor=amount_minor,
                idempotency_key=f"tableside-refund-{refund.pk}",
            )
        except GatewayError as error:
            with transaction.atomic():
                Refund.objects.filter(pk=refund.pk).update(status=RefundStatus.FAILED)
                Payment.objects.filter(pk=payment.pk).update(
                    refunded_minor=F("refunded_minor") - amount_minor
                )
            raise PaymentError(error.message, code="gateway") from error
        refund.stripe_refund_id = state.id
        status = (
            RefundStatus.SUCCEEDED
            if state.status == "succeeded"
            else RefundStatus.PENDING
        )
    else:
        status = RefundStatus.SUCCEEDED  # cash and terminal: handed back on the spot
    with transaction.atomic():
        refund.status = status
        refund.save(update_fields=["status", "stripe_refund_id"])
        number = receipt_number_next(payment.restaurant_id)
        sale = payment.receipts.filter(kind=ReceiptKind.SALE).first()
        now = timezone.now()
        Receipt.objects.create(
            restaurant_id=payment.restaurant_id,
            number=number,
            kind=ReceiptKind.REFUND,
            payment=payment,
            refund=refund,
            issued_at=now,
            data=refund_receipt_data(
                refund=refund,
                number=number,
                issued_at=now,
                sale_number=sale.number if sale else None,
            ),
        )
        refund_issued.send(sender=Refund, refund=refund)
        publish_bill(payment.table_session)
    return refund
