"""Paying the bill: reserving what a payment pays for, card payments settled
from Stripe's word, cash and terminal payments, refunds, numbered receipts."""

from ordering.services.payments.card import (
    payment_refresh,
    payment_settle,
    payment_start,
    payments_expire,
)
from ordering.services.payments.common import CardDeclinedError, PaymentError
from ordering.services.payments.reserve import SPLITS, line_claim
from ordering.services.payments.staff import payment_record, payment_refund

__all__ = [
    "SPLITS",
    "CardDeclinedError",
    "PaymentError",
    "line_claim",
    "payment_record",
    "payment_refresh",
    "payment_refund",
    "payment_settle",
    "payment_start",
    "payments_expire",
]
