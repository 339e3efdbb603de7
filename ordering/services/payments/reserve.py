"""Deciding what a payment pays for, and holding it.

A payment first reserves its lines (its allocations) under the table
session's row lock, so two guests paying at once can never pay the same
thing twice, or more than is owed. Only then does it go to the gateway.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ordering.billing import allocate, equal_share, item_share
from ordering.bills import bill_lines
from ordering.exceptions import NotFoundError, PermissionDeniedError
from ordering.hooks import payment_discount
from ordering.models import (
    Guest,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    PaymentStatus,
    TableSession,
)
from ordering.money import percent_of
from ordering.services.payments.common import PaymentError, publish_bill

SPLITS = {"all", "mine", "order", "equal", "amount", "item", "lines"}
MAX_TIP_BP = 5000  # 50 %: anything above is a typo, not generosity
# Stripe refuses card charges under 0.50 (EUR, and about as much elsewhere):
# a discount leaves a card payment at least this much to charge.
MIN_CARD_CHARGE_MINOR = 50


def allocations_for(
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


def payment_reserve(
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
        shares = allocations_for(split=split, session=session, guest=guest, **choice)
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
        _discount_apply(payment)
        publish_bill(session)
    return payment


def _discount_apply(payment: Payment) -> None:
    """Take what other apps grant (a loyalty reward) off a new payment.

    The discount comes off the amount, never the tip, and the VAT base of the
    lines in proportion (see `bills.sale_receipt_data`); the allocations keep
    the lines' full prices, as that is what is settled on the bill.
    """
    limit = payment.amount_minor
    if payment.method == PaymentMethod.CARD:
        limit = min(limit, max(0, payment.total_minor - MIN_CARD_CHARGE_MINOR))
    if limit <= 0:
        return
    granted = sum(
        int(answer or 0)
        for _receiver, answer in payment_discount.send(
            sender=Payment, payment=payment, limit_minor=limit
        )
    )
    discount = max(0, min(granted, limit))
    if not discount:
        return
    payment.discount_minor = discount
    payment.total_minor = payment.amount_minor - discount + payment.tip_minor
    payment.save(update_fields=["discount_minor", "total_minor"])


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
        publish_bill(guest.table_session)
    return line
