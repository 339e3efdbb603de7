"""What every kind of payment shares: its errors, telling the table and the
floor that the bill changed, and numbered receipts.
"""

from django.db.models import F
from django.utils import timezone

from kitchen.events import FLOOR, publish_on_commit, publish_on_stream
from kitchen.groups import floor_group, table_group
from ordering.bills import sale_receipt_data
from ordering.exceptions import DomainError
from ordering.models import (
    Payment,
    Receipt,
    ReceiptKind,
    Restaurant,
    StaffRole,
    TableSession,
)

WAITER_ROLES = {StaffRole.OWNER, StaffRole.MANAGER, StaffRole.WAITER}
MANAGER_ROLES = {StaffRole.OWNER, StaffRole.MANAGER}


class PaymentError(DomainError):
    http_status = 409
    code = "payment"


class CardDeclinedError(DomainError):
    http_status = 402
    code = "card_declined"


def publish_bill(table_session: TableSession) -> None:
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


def receipt_number_next(restaurant_id: int) -> int:
    Restaurant.objects.filter(pk=restaurant_id).update(
        receipt_counter=F("receipt_counter") + 1
    )
    return Restaurant.objects.values_list("receipt_counter", flat=True).get(
        pk=restaurant_id
    )


def receipt_issue(*, payment: Payment, card: str = "") -> Receipt:
    number = receipt_number_next(payment.restaurant_id)
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
