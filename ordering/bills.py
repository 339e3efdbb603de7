"""Reads of a table's bill: what was ordered, what is paid or being paid,
and what each phone at the table sees. Plus the frozen content of receipts."""

import datetime

from django.db.models import Q, Sum
from django.utils import timezone

from ordering.billing import BillLine, allocate, vat_breakdown
from ordering.hooks import bill_extras
from ordering.models import (
    HOLDING_STATUSES,
    Guest,
    LineStatus,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentKind,
    PaymentStatus,
    Refund,
    Restaurant,
    TableSession,
)
from ordering.money import format_rate
from ordering.serializers import utc_iso
from ordering.translation import pick

# Orders whose lines are on the bill: placed, not still a cart or cancelled.
BILLED_ORDER_STATUSES = [
    OrderStatus.AWAITING_PAYMENT,
    OrderStatus.AWAITING_APPROVAL,
    OrderStatus.RECEIVED,
    OrderStatus.PREPARING,
    OrderStatus.READY,
    OrderStatus.SERVED,
]


def billed_lines(*, table_session_id: int):
    return (
        OrderLine.objects.filter(
            order__table_session_id=table_session_id,
            order__status__in=BILLED_ORDER_STATUSES,
        )
        .exclude(status=LineStatus.CANCELLED)
        .select_related("order")
        .order_by("order__placed_at", "id")
    )


def bill_lines(*, table_session_id: int, now=None) -> list[BillLine]:
    """Return the session's billed lines with what is paid or held on each."""
    lines = list(billed_lines(table_session_id=table_session_id))
    held = dict(
        OrderLine.objects.filter(pk__in=[line.pk for line in lines])
        .filter(holding_lines(now))
        .values("pk")
        .annotate(paid=Sum("allocations__amount_minor"))
        .values_list("pk", "paid")
    )
    return [
        BillLine(
            id=line.pk,
            total_minor=line.line_total_minor,
            paid_minor=held.get(line.pk) or 0,
            vat_rate_bp=line.vat_rate_bp,
        )
        for line in lines
    ]


def holding_lines(now=None) -> Q:
    """The same filter as `holding`, seen from an order line."""
    now = now or timezone.now()
    return Q(allocations__payment__status=PaymentStatus.SUCCEEDED) | Q(
        allocations__payment__status__in=HOLDING_STATUSES,
        allocations__payment__expires_at__gt=now,
    )


def bill_data(*, table_session: TableSession, guest: Guest | None = None) -> dict:
    """Return the bill as one phone (or a waiter, guest=None) sees it."""
    lines = list(billed_lines(table_session_id=table_session.pk))
    by_id = {b.id: b for b in bill_lines(table_session_id=table_session.pk)}
    payments = list(
        Payment.objects.filter(table_session=table_session)
        .exclude(status__in=[PaymentStatus.FAILED, PaymentStatus.CANCELLED])
        .filter(kind=PaymentKind.BILL)  # a card hold pays for nothing
        .prefetch_related("receipts")
        .order_by("created_at", "id")
    )
    restaurant = table_session.restaurant
    total = sum(line.line_total_minor for line in lines)
    paid = sum(p.amount_minor for p in payments if p.status == PaymentStatus.SUCCEEDED)
    held = sum(b.paid_minor for b in by_id.values())
    extras: dict = {}
    if guest is not None:
        for _receiver, answer in bill_extras.send(
            sender=TableSession, table_session=table_session, guest=guest
        ):
            if isinstance(answer, dict):
                extras.update(answer)
    return {
        **extras,
        "table_session": table_session.pk,
        "currency": restaurant.currency,
        "total_minor": total,
        "paid_minor": paid,
        # What is left once payments under way finish (what others may pay).
        "remaining_minor": total - held,
        "tip_presets_bp": restaurant.tip_presets_bp,
        "is_settled": bool(lines) and total == paid,
        "lines": [
            {
                "id": line.pk,
                "order": line.order_id,
                "name": line.name,
                "quantity": line.quantity,
                "modifiers": line.modifiers,
                "total_minor": line.line_total_minor,
                "remaining_minor": by_id[line.pk].remaining_minor,
                "vat_rate_bp": line.vat_rate_bp,
                "added_by": line.added_by_id,
                "bill_guest": line.bill_guest_id,
                "mine": guest is not None and line.bill_guest_id == guest.pk,
            }
            for line in lines
        ],
        "payments": [
            {
                "id": p.pk,
                "guest": p.guest_id,
                "mine": guest is not None and p.guest_id == guest.pk,
                "method": p.method,
                "status": p.status,
                "amount_minor": p.amount_minor,
                "tip_minor": p.tip_minor,
                "discount_minor": p.discount_minor,
                "total_minor": p.total_minor,
                "refunded_minor": p.refunded_minor,
                "receipt": next(
                    (r.number for r in p.receipts.all() if r.kind == "sale"), None
                ),
            }
            for p in payments
        ],
    }


def _vat_rows(amounts: list[tuple[int, int]]) -> list[dict]:
    return [
        {
            "rate": format_rate(row.rate_bp),
            "rate_bp": row.rate_bp,
            "gross_minor": row.gross_minor,
            "vat_minor": row.vat_minor,
            "net_minor": row.net_minor,
        }
        for row in vat_breakdown(amounts)
    ]


def _header(restaurant: Restaurant, number: int, issued_at) -> dict:
    local = issued_at.astimezone(restaurant.tzinfo)
    return {
        "restaurant": restaurant.name,
        "business_id": restaurant.business_id,
        "currency": restaurant.currency,
        "number": number,
        "issued_at": utc_iso(issued_at),
        # As printed: the restaurant's own wall clock.
        "issued_local": local.strftime("%d.%m.%Y %H:%M"),
    }


def sale_receipt_data(
    *, payment: Payment, number: int, issued_at: datetime.datetime, card: str = ""
) -> dict:
    """Freeze what a receipt for a payment shows."""
    restaurant = payment.restaurant
    lang = restaurant.default_language
    allocations = list(payment.allocations.select_related("order_line"))
    rows = []
    for allocation in allocations:
        line = allocation.order_line
        rows.append(
            {
                "name": pick(line.name, lang),
                # The guest may read it in their own language.
                "names": line.name,
                "quantity": line.quantity,
                "share": allocation.amount_minor != line.line_total_minor,
                "amount_minor": allocation.amount_minor,
                "vat_rate": format_rate(line.vat_rate_bp),
            }
        )
    # A loyalty discount lowers each line's VAT base in proportion.
    amounts = [
        (a.order_line.vat_rate_bp, a.amount_minor)
        for a in allocations
        if a.amount_minor
    ]
    if payment.discount_minor and payment.amount_minor:
        cut = allocate(
            payment.discount_minor,
            [
                BillLine(id=i, total_minor=gross, paid_minor=0, vat_rate_bp=rate)
                for i, (rate, gross) in enumerate(amounts)
            ],
        )
        amounts = [
            (rate, gross - cut.get(i, 0)) for i, (rate, gross) in enumerate(amounts)
        ]
    return {
        **_header(restaurant, number, issued_at),
        "kind": "sale",
        "lines": rows,
        "subtotal_minor": payment.amount_minor,
        "discount_minor": payment.discount_minor,
        "tip_minor": payment.tip_minor,
        "total_minor": payment.total_minor,
        "vat": _vat_rows(amounts),
        "method": payment.method,
        "card": card,
        "payment": payment.pk,
    }


def refund_receipt_data(
    *,
    refund: Refund,
    number: int,
    issued_at: datetime.datetime,
    sale_number: int | None,
) -> dict:
    """Freeze a refund receipt: the refund spread over the original payment's
    VAT rates in proportion (tip first, as it carries no VAT)."""
    payment = refund.payment
    restaurant = payment.restaurant
    tip_back = min(refund.amount_minor, payment.tip_minor)
    goods_back = refund.amount_minor - tip_back
    allocations = list(payment.allocations.select_related("order_line"))
    shares = allocate(
        min(goods_back, sum(a.amount_minor for a in allocations)),
        [
            BillLine(
                id=a.pk,
                total_minor=a.amount_minor,
                paid_minor=0,
                vat_rate_bp=a.order_line.vat_rate_bp,
            )
            for a in allocations
        ],
    )
    amounts = [(a.order_line.vat_rate_bp, shares.get(a.pk, 0)) for a in allocations]
    return {
        **_header(restaurant, number, issued_at),
        "kind": "refund",
        "refund_of": sale_number,
        "reason": refund.reason,
        "tip_minor": tip_back,
        "total_minor": refund.amount_minor,
        "vat": _vat_rows([a for a in amounts if a[1]]),
        "method": payment.method,
        "payment": payment.pk,
    }
