"""Fixtures for the loyalty tests: a programme, members, identified phones and
payments. Payments are written as rows: the payment flow that creates them
lives in ordering, and these tests exercise what loyalty does with them."""

import pytest

from loyalty.models import Identification, LoyaltyProgram, Member
from ordering.models import (
    Guest,
    Order,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
)


@pytest.fixture
def program(restaurant) -> LoyaltyProgram:
    return LoyaltyProgram.objects.create(restaurant=restaurant)


@pytest.fixture
def make_member(restaurant):
    def _make(first_name: str = "Anna", *, at=None, **fields) -> Member:
        fields.setdefault("email", f"{first_name.lower()}@example.com")
        member = Member(restaurant=at or restaurant, first_name=first_name, **fields)
        member.full_clean()
        member.save()
        return member

    return _make


@pytest.fixture
def member(make_member) -> Member:
    return make_member("Anna")


@pytest.fixture
def identify():
    def _identify(guest: Guest, member: Member) -> Identification:
        return Identification.objects.create(guest=guest, member=member)

    return _identify


@pytest.fixture
def member_guest(join, identify, member) -> Guest:
    """A phone at table 7 on which Anna identified herself."""
    guest = join()[0]
    identify(guest, member)
    return guest


@pytest.fixture
def pay():
    """Record a payment by a guest for their order (a row, as the flow leaves it)."""

    def _pay(
        order: Order,
        *,
        amount_minor: int | None = None,
        tip_minor: int = 0,
        discount_minor: int = 0,
        status: str = PaymentStatus.SUCCEEDED,
        guest: Guest | None = None,
    ) -> Payment:
        amount = order.total_minor if amount_minor is None else amount_minor
        return Payment.objects.create(
            restaurant=order.restaurant,
            table_session=order.table_session,
            guest=guest or order.guest,
            status=status,
            amount_minor=amount,
            tip_minor=tip_minor,
            discount_minor=discount_minor,
            total_minor=amount - discount_minor + tip_minor,
            currency=order.restaurant.currency,
        )

    return _pay


@pytest.fixture
def refund(staff):
    def _refund(
        payment: Payment, amount_minor: int, *, status: str = RefundStatus.SUCCEEDED
    ) -> Refund:
        return Refund.objects.create(
            payment=payment,
            amount_minor=amount_minor,
            reason="cold soup",
            status=status,
            created_by=staff("manager"),
        )

    return _refund


@pytest.fixture(autouse=True)
def _sms_outbox(settings):
    """Text messages land in `loyalty.sms.outbox`, empty at the start."""
    from loyalty import sms

    settings.LOYALTY_SMS_BACKEND = "loyalty.sms.LocmemSmsSender"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run what services do after commit (deliveries, pushes) when the block ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
