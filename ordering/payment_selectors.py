"""Reads for the manager's payments page: a day's payments, and the cards
held against walkouts with what their tables still owe."""

import datetime
from dataclasses import dataclass

from ordering.bills import bill_lines
from ordering.models import Payment, PaymentKind, PaymentStatus, Restaurant


def payments_on_day(*, restaurant: Restaurant, day: datetime.date) -> list[Payment]:
    """Succeeded bill payments of one local day, newest first, with their
    table, receipts and refunds loaded."""
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=restaurant.tzinfo)
    return list(
        Payment.objects.filter(
            restaurant=restaurant,
            kind=PaymentKind.BILL,
            status=PaymentStatus.SUCCEEDED,
            succeeded_at__gte=start,
            succeeded_at__lt=start + datetime.timedelta(days=1),
        )
        .select_related("table_session__table")
        .prefetch_related("receipts", "refunds")
        .order_by("-succeeded_at")
    )


@dataclass(frozen=True)
class HeldCard:
    hold: Payment
    owed_minor: int

    @property
    def chargeable_minor(self) -> int:
        return min(self.owed_minor, self.hold.total_minor)


def holds_in_place(*, restaurant: Restaurant) -> list[HeldCard]:
    """Authorized card holds, oldest first, with what each table still owes."""
    held = (
        Payment.objects.filter(
            restaurant=restaurant,
            kind=PaymentKind.HOLD,
            status=PaymentStatus.AUTHORIZED,
        )
        .select_related("table_session__table")
        .order_by("created_at")
    )
    return [
        HeldCard(
            hold=hold,
            owed_minor=sum(
                line.remaining_minor
                for line in bill_lines(table_session_id=hold.table_session_id)
            ),
        )
        for hold in held
    ]
