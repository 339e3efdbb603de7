"""Races only a database with row locks can decide (PostgreSQL): two devices
redeeming at once, and a payment event delivered twice at the same moment."""

import threading

import pytest
from django.db import connection, connections

from loyalty.exceptions import InsufficientPointsError, RewardUnavailableError
from loyalty.models import PointsEntry, Reservation, Reward, RewardKind
from loyalty.selectors import points_balance
from loyalty.services.points import points_adjust, points_earn_for_payment
from loyalty.services.rewards import reward_reserve
from ordering.exceptions import DomainError
from ordering.tokens import table_code_make
from tests.factories import TableFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(count: int, work) -> list:
    """Run `work(i)` in `count` threads, each on its own connection, released
    at the same moment."""
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


@pytest.fixture
def reward(program) -> Reward:
    return Reward.objects.create(
        program=program,
        kind=RewardKind.AMOUNT_OFF,
        name_fi="10 € alennus",
        cost_points=500,
        amount_off_minor=1000,
    )


@pytest.mark.parametrize(
    ("_case", "balance", "same_bill", "loser_error"),
    [
        ("points for one, two bills", 600, False, InsufficientPointsError),
        ("points for both, one bill", 1200, True, RewardUnavailableError),
    ],
)
def test_two_devices_redeeming_at_once_exactly_one_wins(
    _case, balance, same_bill, loser_error, member, reward, join, identify, restaurant
):
    assert connection.vendor == "postgresql"
    # given: Anna's card on her phone at table 7, and on her partner's phone
    # at the same table or at table 8
    points_adjust(member_id=member.pk, points=balance, note="t", user=None, key="b")
    other_table = TableFactory(restaurant=restaurant, label="8")
    phones = [
        join()[0],
        join()[0]
        if same_bill
        else join(table_code_make(table_id=other_table.pk, version=1))[0],
    ]
    for phone in phones:
        identify(phone, member)

    # when: both tap "use reward" at the same moment
    results = _race(
        2,
        lambda i: reward_reserve(
            member_id=member.pk,
            reward_id=reward.pk,
            table_session_id=phones[i].table_session_id,
            bill_total_minor=4200,
        ),
    )

    # then
    winners = [r for r in results if isinstance(r, Reservation)]
    losers = [r for r in results if isinstance(r, DomainError)]
    assert len(winners) == 1
    assert len(losers) == 1
    assert isinstance(losers[0], loser_error)
    assert Reservation.objects.count() == 1
    assert points_balance(member_id=member.pk) == balance - 500


def test_payment_event_delivered_twice_at_once_credits_once(
    program, member, join, identify, place, menu, pay
):
    # given
    guest, _ = join()
    identify(guest, member)
    payment = pay(place([(menu.soup, 1)], guest=guest))

    # when: four workers handle the same success event at the same moment
    results = _race(4, lambda i: points_earn_for_payment(payment_id=payment.pk))

    # then
    assert results == [169, 169, 169, 169]
    assert PointsEntry.objects.filter(member=member).count() == 1
    assert points_balance(member_id=member.pk) == 169
