"""Phones paying at the same moment, decided by PostgreSQL's row locks: what
one payment covers is never covered again, and nobody pays more than is left."""

import threading

import pytest
from django.db import connection, connections

from ordering.bills import bill_data
from ordering.exceptions import DomainError
from ordering.models import Payment, PaymentAllocation
from ordering.payments import gateway_reset
from ordering.services.payments import payment_start

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_gateway():
    gateway_reset()
    yield
    gateway_reset()


def _race(count: int, work) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except DomainError as error:
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_six_phones_paying_the_whole_bill_at_once_pay_it_once(menu, join, place):
    assert connection.vendor == "postgresql"
    # given: a table with soup, beer and a steak
    guests = [join()[0] for _ in range(6)]
    place([(menu.soup, 1), (menu.beer, 2)], guest=guests[0])
    place([(menu.steak, 1, [menu.rare.pk, menu.mash.pk])], guest=guests[1])
    total = bill_data(table_session=guests[0].table_session)["total_minor"]
    # when: every phone taps "pay the whole bill" at the same moment
    results = _race(
        6,
        lambda i: payment_start(
            guest=guests[i], split="all", payment_method="pm_card_visa"
        ),
    )
    # then: exactly one payment covers the bill; the others were told why
    started = [r for r in results if not isinstance(r, DomainError)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(started) == 1
    assert {error.code for error in refused} == {"nothing_to_pay"}
    assert started[0][0].amount_minor == total
    assert Payment.objects.filter(kind="bill").count() == 1


def test_equal_shares_and_amounts_at_once_never_overpay(menu, join, place):
    # given: €84.80 on the bill, four phones
    guests = [join()[0] for _ in range(4)]
    place([(menu.soup, 2), (menu.beer, 2)], guest=guests[0])
    place([(menu.steak, 1, [menu.rare.pk, menu.mash.pk])], guest=guests[1])
    total = bill_data(table_session=guests[0].table_session)["total_minor"]
    assert total == 8480

    # when: two split "equally between 2" while two others pay €30 each
    def pay(i):
        if i < 2:
            return payment_start(
                guest=guests[i],
                split="equal",
                people_left=2,
                payment_method="pm_card_visa",
            )
        return payment_start(
            guest=guests[i],
            split="amount",
            amount_minor=3000,
            payment_method="pm_card_visa",
        )

    results = _race(4, pay)
    # then: whatever order the locks chose, no line is covered beyond its price
    covered = sum(a.amount_minor for a in PaymentAllocation.objects.all())
    assert covered <= total
    for line in bill_data(table_session=guests[0].table_session)["lines"]:
        assert line["remaining_minor"] >= 0
    paid = [r for r in results if not isinstance(r, DomainError)]
    assert sum(payment.amount_minor for payment, _ in paid) == covered
    refused = [r for r in results if isinstance(r, DomainError)]
    assert {error.code for error in refused} <= {"amount_too_large", "nothing_to_pay"}
    assert len(paid) >= 2
