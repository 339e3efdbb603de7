"""Redeeming rewards: reserve, consume, release, and the rules around them."""

import datetime

import pytest
from django.utils import timezone

from loyalty.exceptions import (
    InsufficientPointsError,
    ReservationStateError,
    RewardUnavailableError,
)
from loyalty.models import (
    PointsEntry,
    Reservation,
    ReservationStatus,
    Reward,
    RewardKind,
    Tier,
)
from loyalty.selectors import points_balance
from loyalty.services.points import points_adjust, points_earn_for_payment
from loyalty.services.rewards import (
    reservations_release_expired,
    reward_consume,
    reward_release,
    reward_reserve,
)
from ordering.models import PaymentStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def ten_off(program) -> Reward:
    return Reward.objects.create(
        program=program,
        kind=RewardKind.AMOUNT_OFF,
        name_fi="10 € alennus",
        name_en="10 € off",
        cost_points=500,
        amount_off_minor=1000,
    )


@pytest.fixture
def rich(member):
    points_adjust(member_id=member.pk, points=600, note="test", user=None, key="r")
    return member


def _kinds(member) -> list[tuple[str, int]]:
    return list(
        PointsEntry.objects.filter(member=member)
        .order_by("id")
        .values_list("kind", "points")
    )


def test_reserve_holds_points_and_returns_the_discount(rich, ten_off, member_guest):
    # when
    reservation = reward_reserve(
        member_id=rich.pk,
        reward_id=ten_off.pk,
        table_session_id=member_guest.table_session_id,
        bill_total_minor=4200,
    )

    # then
    assert reservation.discount_minor == 1000
    assert reservation.status == ReservationStatus.RESERVED
    assert points_balance(member_id=rich.pk) == 100
    assert _kinds(rich) == [("adjust", 600), ("reserve", -500)]


def test_consume_after_payment_keeps_the_points_spent(
    rich, ten_off, member_guest, place, menu, pay
):
    # given
    order = place([(menu.steak, 1, [menu.medium.pk, menu.mash.pk])], guest=member_guest)
    reservation = reward_reserve(
        member_id=rich.pk,
        reward_id=ten_off.pk,
        table_session_id=order.table_session_id,
        bill_total_minor=order.total_minor,
    )
    payment = pay(order, discount_minor=reservation.discount_minor)

    # when: consumed, and the success event replayed
    reward_consume(reservation_id=reservation.pk, payment_id=payment.pk)
    again = reward_consume(reservation_id=reservation.pk, payment_id=payment.pk)

    # then
    assert again.status == ReservationStatus.CONSUMED
    assert again.payment_id == payment.pk
    assert points_balance(member_id=rich.pk) == 100
    assert _kinds(rich) == [
        ("adjust", 600),
        ("reserve", -500),
        ("release", 500),
        ("redeem", -500),
    ]


def test_consume_needs_a_succeeded_payment(
    rich, ten_off, member_guest, place, menu, pay
):
    # given
    order = place([(menu.soup, 1)], guest=member_guest)
    reservation = reward_reserve(
        member_id=rich.pk,
        reward_id=ten_off.pk,
        table_session_id=order.table_session_id,
        bill_total_minor=order.total_minor,
    )
    pending = pay(order, discount_minor=1000, status=PaymentStatus.PENDING)

    # when
    with pytest.raises(ReservationStateError) as error:
        reward_consume(reservation_id=reservation.pk, payment_id=pending.pk)

    # then
    assert error.value.message == (
        "The reward is used only once the payment has succeeded."
    )
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.RESERVED
    assert points_balance(member_id=rich.pk) == 100


def test_failed_payment_releases_the_points(rich, ten_off, member_guest):
    # given
    reservation = reward_reserve(
        member_id=rich.pk,
        reward_id=ten_off.pk,
        table_session_id=member_guest.table_session_id,
        bill_total_minor=4200,
    )

    # when: released twice (a retried failure event)
    reward_release(reservation_id=reservation.pk)
    again = reward_release(reservation_id=reservation.pk)

    # then
    assert again.status == ReservationStatus.RELEASED
    assert points_balance(member_id=rich.pk) == 600
    assert _kinds(rich) == [("adjust", 600), ("reserve", -500), ("release", 500)]


def test_used_reward_cannot_be_released(rich, ten_off, member_guest, place, menu, pay):
    # given
    order = place([(menu.soup, 1)], guest=member_guest)
    reservation = reward_reserve(
        member_id=rich.pk,
        reward_id=ten_off.pk,
        table_session_id=order.table_session_id,
        bill_total_minor=order.total_minor,
    )
    reward_consume(
        reservation_id=reservation.pk, payment_id=pay(order, discount_minor=1000).pk
    )

    # when
    with pytest.raises(ReservationStateError):
        reward_release(reservation_id=reservation.pk)

    # then
    assert points_balance(member_id=rich.pk) == 100
    assert PointsEntry.objects.filter(member=rich).count() == 4


def test_not_enough_points_changes_nothing(member, ten_off, member_guest):
    # given: 400 points, the reward costs 500
    points_adjust(member_id=member.pk, points=400, note="t", user=None, key="p")

    # when
    with pytest.raises(InsufficientPointsError) as error:
        reward_reserve(
            member_id=member.pk,
            reward_id=ten_off.pk,
            table_session_id=member_guest.table_session_id,
            bill_total_minor=4200,
        )

    # then
    assert error.value.message == (
        "This reward needs 500 points and you have 400 to use now."
    )
    assert error.value.extra == {"cost": 500, "balance": 400, "spendable": 400}
    assert Reservation.objects.count() == 0
    assert points_balance(member_id=member.pk) == 400


def test_a_bill_takes_one_reward_per_member(rich, ten_off, member_guest):
    # given: enough points for one more, but the bill already has one
    points_adjust(member_id=rich.pk, points=600, note="t", user=None, key="more")
    reward_reserve(
        member_id=rich.pk,
        reward_id=ten_off.pk,
        table_session_id=member_guest.table_session_id,
        bill_total_minor=4200,
    )

    # when
    with pytest.raises(RewardUnavailableError) as error:
        reward_reserve(
            member_id=rich.pk,
            reward_id=ten_off.pk,
            table_session_id=member_guest.table_session_id,
            bill_total_minor=4200,
        )

    # then
    assert error.value.code == "reward_already_reserved"
    assert Reservation.objects.count() == 1
    assert points_balance(member_id=rich.pk) == 700


@pytest.mark.parametrize(
    ("_case", "allowed", "expected_error"),
    [
        ("restaurant forbids it", False, True),
        ("restaurant allows it", True, False),
    ],
)
def test_points_earned_on_this_visit_pay_for_a_reward_only_if_allowed(
    _case, allowed, expected_error, program, member, member_guest, place, menu, pay
):
    # given: a 300-point reward; the steak paid earlier in the visit earned 340
    program.allow_same_visit_redemption = allowed
    program.save()
    coffee = Reward.objects.create(
        program=program,
        kind=RewardKind.AMOUNT_OFF,
        name_fi="Kahvi",
        cost_points=300,
        amount_off_minor=350,
    )
    first = place([(menu.steak, 1, [menu.medium.pk, menu.mash.pk])], guest=member_guest)
    points_earn_for_payment(payment_id=pay(first).pk)

    # when: she redeems at the checkout of her second round
    def reserve():
        return reward_reserve(
            member_id=member.pk,
            reward_id=coffee.pk,
            table_session_id=member_guest.table_session_id,
            bill_total_minor=850,
        )

    # then
    if expected_error:
        with pytest.raises(InsufficientPointsError) as error:
            reserve()
        assert error.value.extra["spendable"] == 0
        assert points_balance(member_id=member.pk) == 340
    else:
        assert reserve().discount_minor == 350
        assert points_balance(member_id=member.pk) == 40


def test_free_item_pays_for_the_dish_on_the_bill(
    program, rich, member_guest, place, menu
):
    # given
    free_beer = Reward.objects.create(
        program=program,
        kind=RewardKind.FREE_ITEM,
        name_fi="Olut",
        cost_points=200,
        menu_item=menu.beer,
    )
    with pytest.raises(RewardUnavailableError) as error:
        reward_reserve(
            member_id=rich.pk,
            reward_id=free_beer.pk,
            table_session_id=member_guest.table_session_id,
            bill_total_minor=1690,
        )
    assert error.value.message == "Order Beer first: this reward pays for it."
    assert points_balance(member_id=rich.pk) == 600

    # when: the beer is on the bill
    place([(menu.beer, 2)], guest=member_guest)
    reservation = reward_reserve(
        member_id=rich.pk,
        reward_id=free_beer.pk,
        table_session_id=member_guest.table_session_id,
        bill_total_minor=1700,
    )

    # then
    assert reservation.discount_minor == 850


@pytest.mark.parametrize(
    ("_case", "percent", "bill", "expected"),
    [
        ("rounds half up", 15, 1690, 254),
        ("whole bill", 100, 1690, 1690),
        ("small bill", 10, 5, 1),
    ],
)
def test_percent_off(_case, percent, bill, expected, program, rich, member_guest):
    # given
    reward = Reward.objects.create(
        program=program,
        kind=RewardKind.PERCENT_OFF,
        name_fi="Ale",
        cost_points=100,
        percent_off=percent,
    )

    # when
    reservation = reward_reserve(
        member_id=rich.pk,
        reward_id=reward.pk,
        table_session_id=member_guest.table_session_id,
        bill_total_minor=bill,
    )

    # then
    assert reservation.discount_minor == expected


def test_amount_off_never_exceeds_the_bill(rich, ten_off, member_guest):
    # when
    reservation = reward_reserve(
        member_id=rich.pk,
        reward_id=ten_off.pk,
        table_session_id=member_guest.table_session_id,
        bill_total_minor=850,
    )

    # then
    assert reservation.discount_minor == 850


def test_tier_reward_needs_the_tier(program, rich, member_guest):
    # given
    gold = Tier.objects.create(
        program=program, name_fi="Kulta", name_en="Gold", min_points=1000
    )
    reward = Reward.objects.create(
        program=program,
        kind=RewardKind.AMOUNT_OFF,
        name_fi="Kultaetu",
        cost_points=100,
        amount_off_minor=500,
        min_tier=gold,
    )

    # when
    with pytest.raises(RewardUnavailableError) as error:
        reward_reserve(
            member_id=rich.pk,
            reward_id=reward.pk,
            table_session_id=member_guest.table_session_id,
            bill_total_minor=4200,
        )

    # then
    assert error.value.message == "This reward is for Gold members and up."
    assert Reservation.objects.count() == 0


def test_lapsed_holds_are_released_and_still_consumed_if_paid_late(
    rich, ten_off, member_guest, place, menu, pay
):
    # given: a hold whose 30 minutes are over
    order = place([(menu.soup, 1)], guest=member_guest)
    reservation = reward_reserve(
        member_id=rich.pk,
        reward_id=ten_off.pk,
        table_session_id=order.table_session_id,
        bill_total_minor=order.total_minor,
    )

    # when
    released = reservations_release_expired(
        now=timezone.now() + datetime.timedelta(minutes=31)
    )
    balance_after_release = points_balance(member_id=rich.pk)
    reward_consume(
        reservation_id=reservation.pk, payment_id=pay(order, discount_minor=1000).pk
    )

    # then: the discount was given, so the points are spent after all
    assert released == 1
    assert balance_after_release == 600
    assert points_balance(member_id=rich.pk) == 100
