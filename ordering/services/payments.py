"""Paying the bill: starting a payment, settling it from Stripe's word,
recording cash, refunding, and issuing numbered receipts.

A payment first reserves what it pays for (its allocations), under the table
session's row lock, so two guests paying at once can never pay the same
thing twice or more than is owed. Only then does it go to the gateway. Its
outcome comes from Stripe (the webhook, or a server-side lookup), never from
the guest's browser; a succeeded payment never moves backwards.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kitchen.events import FLOOR, publish_on_commit, publish_on_stream
from kitchen.groups import floor_group, table_group
from kitchen.services.tickets import tickets_create_for_order
from ordering.billing import allocate, equal_share, item_share
from ordering.bills import bill_lines, refund_receipt_data, sale_receipt_data
from ordering.exceptions import DomainError, NotFoundError, PermissionDeniedError
from ordering.models import (
    Guest,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    PaymentStatus,
    Receipt,
    ReceiptKind,
    Refund,
    RefundStatus,
    Restaurant,
    StaffRole,
    TableSession,
)
from ordering.money import percent_of
from ordering.payments import GatewayError, IntentState, gateway
from ordering.services.order_events import order_publish
from ordering.services.staff import staff_require

SPLITS = {"all", "mine", "order", "equal", "amount", "item", "lines"}
MAX_TIP_BP = 5000  # 50 %: anything above is a typo, not generosity
WAITER_ROLES = {StaffRole.OWNER, StaffRole.MANAGER, StaffRole.WAITER}
MANAGER_ROLES = {StaffRole.OWNER, StaffRole.MANAGER}


class PaymentError(DomainError):
    http_status = 409
    code = "payment"


class CardDeclinedError(DomainError):
    http_status = 402
    code = "card_declined"


def _publish_bill(table_session: TableSession) -> None:
    """Tell the table's phones and the floor that the bill changed."""
    data = {"table_session": table_session.pk}
    publish_on_commit(
        groups=[table_group(table_session.pk)],
        event="bill.updated",
        version=1,
        data=data,
    )
    publish_on_stream(
        restaurant_id=table_session.restaurant_id,
        stream=FLOOR,
        group=floor_group(table_session.restaurant_id),
        event="bill.updated",
        version=1,
        data=data,
    )


def _allocations_for(
    *,
    split: str,
    session: TableSession,
    guest: Guest | None,
    people_left: int | None = None,
    amount_minor: int | None = None,
    line_ids: list[int] | None = None,
    order_id: int | None = None,
    item_line_id: int | None = None,
    parts: int | None = None,
) -> dict[int, int]:
    """Work out what a payment pays, line by line, from the chosen split."""
    lines = bill_lines(table_session_id=session.pk)
    open_lines = [line for line in lines if line.remaining_minor > 0]
    if split == "all":
        return {line.id: line.remaining_minor for line in open_lines}
    if split == "mine":
        mine = set(
            OrderLine.objects.filter(
                pk__in=[line.id for line in open_lines], bill_guest=guest
            ).values_list("pk", flat=True)
        )
        return {line.id: line.remaining_minor for line in open_lines if line.id in mine}
    if split == "order":
        if order_id is None:
            raise PaymentError(_("Say which order to pay."), code="split")
        in_order = set(
            OrderLine.objects.filter(order_id=order_id).values_list("pk", flat=True)
        )
        return {
            line.id: line.remaining_minor for line in open_lines if line.id in in_order
        }
    if split == "lines":
        wanted = set(line_ids or [])
        return {
            line.id: line.remaining_minor for line in open_lines if line.id in wanted
        }
    if split == "item":
        line = next((line for line in open_lines if line.id == item_line_id), None)
        if line is None:
            raise PaymentError(_("That item is already paid."), code="already_paid")
        return {line.id: item_share(line, parts=parts or 1)}
    left = sum(line.remaining_minor for line in open_lines)
    if split == "equal":
        amount = equal_share(left, people_left=max(1, people_left or 1))
    else:
        amount = amount_minor or 0
        if amount > left:
            raise PaymentError(
                _("Only %(left)s is left to pay.") % {"left": left},
                code="amount_too_large",
                extra={"remaining_minor": left},
            )
    return allocate(amount, open_lines)


def _tip(amount_minor: int, *, tip_minor: int | None, tip_bp: int | None) -> int:
    if tip_minor is not None:
        tip = tip_minor
    elif tip_bp:
        tip = percent_of(amount_minor, Decimal(tip_bp) / 100)
    else:
        tip = 0
    if tip < 0 or tip > percent_of(amount_minor, Decimal(MAX_TIP_BP) / 100):
        raise PaymentError(
            _("The tip can be at most half of the amount."), code="tip_too_large"
        )
    return tip


def _reserve(
    *,
    session_id: int,
    guest: Guest | None,
    split: str,
    method: str,
    tip_minor: int | None,
    tip_bp: int | None,
    recorded_by=None,
    **choice,
) -> Payment:
    """Create a payment holding its allocations (caller holds no lock)."""
    if split not in SPLITS:
        raise PaymentError(_("Unknown way of splitting the bill."), code="split")
    with transaction.atomic():
        # One payer at a time per table decides what is left.
        session = (
            TableSession.objects.select_for_update()
            .select_related("restaurant")
            .filter(pk=session_id)
            .first()
        )
        if session is None:
            raise NotFoundError()
        shares = _allocations_for(split=split, session=session, guest=guest, **choice)
        amount = sum(shares.values())
        if amount <= 0:
            raise PaymentError(
                _("There is nothing left to pay for that."), code="nothing_to_pay"
            )
        tip = _tip(amount, tip_minor=tip_minor, tip_bp=tip_bp)
        minutes = settings.PAYMENTS["PENDING_MINUTES"]
        payment = Payment.objects.create(
            restaurant=session.restaurant,
            table_session=session,
            guest=guest,
            recorded_by=recorded_by,
            method=method,
            status=PaymentStatus.PENDING,
            amount_minor=amount,
            tip_minor=tip,
            total_minor=amount + tip,
            currency=session.restaurant.currency,
            split=split,
            expires_at=timezone.now() + datetime.timedelta(minutes=minutes),
        )
        PaymentAllocation.objects.bulk_create(
            [
                PaymentAllocation(
                    payment=payment, order_line_id=line_id, amount_minor=c
                )
                for line_id, c in sorted(shares.items())
            ]
        )
        _publish_bill(session)
    return payment


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
    payment = _reserve(
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
        _publish_bill(payment.table_session)


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
        if state.status == PaymentStatus.SUCCEEDED:
            _succeed(payment, card=state.card)
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
            _publish_bill(payment.table_session)
        payment.refresh_from_db()
        return payment


def _succeed(payment: Payment, *, card: str = "") -> None:
    """Mark a locked payment paid, issue its receipt, and release what waited."""
    now = timezone.now()
    payment.status = PaymentStatus.SUCCEEDED
    payment.succeeded_at = now
    payment.version = F("version") + 1
    payment.save(update_fields=["status", "succeeded_at", "version"])
    payment.refresh_from_db()
    _receipt_issue(payment=payment, card=card)
    _release_paid_orders(payment.table_session_id)
    session = payment.table_session
    if not any(
        line.remaining_minor for line in bill_lines(table_session_id=session.pk)
    ):
        TableSession.objects.filter(pk=session.pk, paid_at__isnull=True).update(
            paid_at=now
        )
    _publish_bill(session)


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


def _next_receipt_number(restaurant_id: int) -> int:
    Restaurant.objects.filter(pk=restaurant_id).update(
        receipt_counter=F("receipt_counter") + 1
    )
    return Restaurant.objects.values_list("receipt_counter", flat=True).get(
        pk=restaurant_id
    )


def _receipt_issue(*, payment: Payment, card: str = "") -> Receipt:
    number = _next_receipt_number(payment.restaurant_id)
    now = timezone.now()
    return Receipt.objects.create(
        restaurant_id=payment.restaurant_id,
        number=number,
        kind=ReceiptKind.SALE,
        payment=payment,
        issued_at=now,
        data=sale_receipt_data(
            payment=payment, number=number, issued_at=now, card=card
        ),
    )


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
    payment = _reserve(
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
        _succeed(locked)
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
                _("At most %(left)s can still be refunded.") % {"left": left},
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
        number = _next_receipt_number(payment.restaurant_id)
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
        _publish_bill(payment.table_session)
    return refund


def line_claim(*, guest: Guest, line_id: int, mine: bool) -> OrderLine:
    """Say "mine" (take a line onto one's own part of the bill) or "not mine"
    (leave it to the table to share)."""
    with transaction.atomic():
        line = (
            OrderLine.objects.select_for_update()
            .filter(pk=line_id, order__table_session_id=guest.table_session_id)
            .exclude(order__status=OrderStatus.DRAFT)
            .first()
        )
        if line is None:
            raise NotFoundError()
        if not mine and line.bill_guest_id not in (guest.pk, None):
            raise PermissionDeniedError(
                _("Someone else has taken this item; they can give it back.")
            )
        line.bill_guest = guest if mine else None
        line.save(update_fields=["bill_guest"])
        _publish_bill(guest.table_session)
    return line


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
