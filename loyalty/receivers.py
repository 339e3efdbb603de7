"""What loyalty does when ordering's payment hooks fire (`ordering.hooks`).

Connected in `LoyaltyConfig.ready`. Each receiver only calls services. The
payment hooks are sent inside the transaction that records the payment:
points and rewards are written in it, and the thank-you goes out after it
commits.

A fault in loyalty must never lose a payment (a webhook that failed here
would be retried against a payment already recorded in Stripe): the ledger
writes run in a savepoint, and a failure is logged and rolled back alone.
The ledger's keys make a later retry safe.
"""

import logging

from django.db import transaction
from django.db.models import Max
from django.utils.translation import get_language

from loyalty.selectors import bill_rewards, guest_thank_you
from loyalty.services.messages import thank_you_send_for_payment
from loyalty.services.points import points_earn_for_payment, points_reverse_for_refund
from loyalty.services.rewards import (
    reservation_bind_payment,
    reservation_consume_for_payment,
)
from ordering.models import PaymentMethod

logger = logging.getLogger(__name__)


def payment_succeeded(sender, *, payment, **kwargs) -> None:
    try:
        with transaction.atomic():
            reservation_consume_for_payment(payment_id=payment.pk)
            points_earn_for_payment(payment_id=payment.pk)
    except Exception:  # boundary: see the module docstring
        logger.exception("loyalty: payment %s not credited", payment.pk)
    if payment.recorded_by_id is not None and payment.method == PaymentMethod.CARD:
        return  # a manager charged a walked-out table's card hold: no thanks
    payment_id = payment.pk
    transaction.on_commit(lambda: _thank(payment_id))


def _thank(payment_id: int) -> None:
    try:
        thank_you_send_for_payment(payment_id=payment_id)
    except Exception:  # boundary: the payment is committed whatever happens here
        logger.exception("loyalty: no thank-you for payment %s", payment_id)


def refund_issued(sender, *, refund, **kwargs) -> None:
    try:
        with transaction.atomic():
            points_reverse_for_refund(refund_id=refund.pk)
    except Exception:  # boundary: see the module docstring
        logger.exception("loyalty: refund %s not reversed", refund.pk)


def payment_discount(sender, *, payment, limit_minor: int, **kwargs) -> int:
    # No savepoint here: a failure fails the payment before any money moves.
    return reservation_bind_payment(payment=payment, limit_minor=limit_minor)


def bill_extras(sender, *, table_session, guest, **kwargs) -> dict:
    return {
        **bill_rewards(
            guest_id=guest.pk, table_session_id=table_session.pk, lang=get_language()
        ),
        "thank_you": guest_thank_you(
            guest_id=guest.pk,
            since=table_session.orders.aggregate(last=Max("placed_at"))["last"],
        ),
    }
