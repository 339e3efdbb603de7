"""The points ledger: earning for payments, replays, refunds, referrals, expiry."""

import datetime

import pytest
from django.utils import timezone

from loyalty.models import Badge, EntryKind, PointsEntry, Tier
from loyalty.selectors import points_balance
from loyalty.services.points import (
    points_adjust,
    points_earn_for_payment,
    points_expire_inactive,
    points_reverse_for_refund,
)
from ordering.models import PaymentStatus, RefundStatus

pytestmark = pytest.mark.django_db


def _ledger(member) -> list[tuple[str, str, int]]:
    return list(
        PointsEntry.objects.filter(member=member)
        .order_by("id")
        .values_list("kind", "key", "points")
    )


def test_payment_earns_points_on_food_after_discount_not_on_tip(
    program, member, member_guest, place, menu, pay
):
    # given: Anna's order of two soups (2 x 16.90), paid with a 5 € tip and a
    # 3.80 € reward discount
    order = place([(menu.soup, 2)], guest=member_guest)
    payment = pay(order, tip_minor=500, discount_minor=380)

    # when
    earned = points_earn_for_payment(payment_id=payment.pk)

    # then: 30.00 € of food at 10 points per euro
    assert earned == 300
    assert points_balance(member_id=member.pk) == 300
    assert _ledger(member) == [("earn", f"payment:{payment.pk}", 300)]


def test_replayed_payment_credits_once(program, member, member_guest, place, menu, pay):
    # given
    payment = pay(
        place([(menu.steak, 1, [menu.medium.pk, menu.mash.pk])], guest=member_guest)
    )
    first = points_earn_for_payment(payment_id=payment.pk)

    # when: the payment's webhook arrives three more times
    replays = [points_earn_for_payment(payment_id=payment.pk) for _ in range(3)]

    # then
    assert first == 340
    assert replays == [340, 340, 340]
    assert PointsEntry.objects.filter(member=member).count() == 1
    assert points_balance(member_id=member.pk) == 340


@pytest.mark.parametrize(
    ("_case", "status", "identified"),
    [
        ("payment still pending", PaymentStatus.PENDING, True),
        ("payment failed", PaymentStatus.FAILED, True),
        ("guest not a member", PaymentStatus.SUCCEEDED, False),
    ],
)
def test_payment_that_should_not_earn_credits_nothing(
    _case, status, identified, program, member, join, identify, place, menu, pay
):
    # given
    guest = join()[0]
    if identified:
        identify(guest, member)
    payment = pay(place([(menu.soup, 1)], guest=guest), status=status)

    # when
    earned = points_earn_for_payment(payment_id=payment.pk)

    # then
    assert earned == 0
    assert PointsEntry.objects.count() == 0


def test_no_programme_means_no_points(member, member_guest, place, menu, pay):
    # given: the restaurant has no loyalty programme
    payment = pay(place([(menu.soup, 1)], guest=member_guest))

    # when
    earned = points_earn_for_payment(payment_id=payment.pk)

    # then
    assert earned == 0
    assert PointsEntry.objects.count() == 0


def test_tier_multiplies_points(program, member, member_guest, place, menu, pay):
    # given: Gold from 300 points a year earns 150 %
    Tier.objects.create(program=program, name_fi="Kulta", min_points=300)
    Tier.objects.filter(min_points=300).update(points_multiplier_percent=150)
    first = pay(
        place([(menu.steak, 1, [menu.medium.pk, menu.mash.pk])], guest=member_guest)
    )
    points_earn_for_payment(payment_id=first.pk)

    # when: she pays for a soup as a Gold member
    second = pay(place([(menu.soup, 1)], guest=member_guest))
    earned = points_earn_for_payment(payment_id=second.pk)

    # then: 16.90 € x 10 x 1.5, rounded down
    assert earned == 253
    assert points_balance(member_id=member.pk) == 340 + 253


def test_refunds_reverse_their_share_and_add_up_to_all_points(
    program, member, member_guest, place, menu, pay, refund
):
    # given: a 50.00 € payment (34 € steak + 16 € of tip) earned 340 points
    payment = pay(
        place([(menu.steak, 1, [menu.medium.pk, menu.mash.pk])], guest=member_guest),
        tip_minor=1600,
    )
    assert points_earn_for_payment(payment_id=payment.pk) == 340

    # when: refunded in three parts: 10 €, 10 €, then the remaining 30 €
    first = refund(payment, 1000)
    reversed_first = points_reverse_for_refund(refund_id=first.pk)
    replay = points_reverse_for_refund(refund_id=first.pk)
    second = refund(payment, 1000)
    reversed_second = points_reverse_for_refund(refund_id=second.pk)
    last = refund(payment, 3000)
    reversed_last = points_reverse_for_refund(refund_id=last.pk)

    # then: 20 %, 20 %, 60 % of 340, and nothing twice
    assert (reversed_first, replay, reversed_second, reversed_last) == (68, 68, 68, 204)
    assert points_balance(member_id=member.pk) == 0
    assert [kind for kind, _key, _points in _ledger(member)] == [
        "earn",
        "reverse",
        "reverse",
        "reverse",
    ]


def test_refund_rounding_never_reverses_more_than_earned(
    program, member, member_guest, place, menu, pay, refund
):
    # given: 16.90 € earned 169 points; refunds of about a third each
    payment = pay(place([(menu.soup, 1)], guest=member_guest))
    points_earn_for_payment(payment_id=payment.pk)

    # when
    reversed_points = [
        points_reverse_for_refund(refund_id=refund(payment, cents).pk)
        for cents in (563, 563, 564)
    ]

    # then
    assert reversed_points == [56, 57, 56]
    assert points_balance(member_id=member.pk) == 0


def test_pending_refund_reverses_nothing(
    program, member, member_guest, place, menu, pay, refund
):
    # given
    payment = pay(place([(menu.soup, 1)], guest=member_guest))
    points_earn_for_payment(payment_id=payment.pk)
    pending = refund(payment, 1690, status=RefundStatus.PENDING)

    # when
    result = points_reverse_for_refund(refund_id=pending.pk)

    # then
    assert result == 0
    assert points_balance(member_id=member.pk) == 169


def test_referrer_is_credited_after_the_friends_first_paid_visit_only(
    program, member, make_member, join, identify, place, menu, pay
):
    # given: Ben joined with Anna's referral
    ben = make_member("Ben", referred_by=member)
    guest = join()[0]
    identify(guest, ben)
    order = place([(menu.soup, 1)], guest=guest)
    unpaid = pay(order, status=PaymentStatus.PENDING)
    points_earn_for_payment(payment_id=unpaid.pk)
    assert points_balance(member_id=member.pk) == 0

    # when: his first payment succeeds, then a second visit
    points_earn_for_payment(payment_id=pay(order).pk)
    points_earn_for_payment(payment_id=pay(place([(menu.beer, 1)], guest=guest)).pk)

    # then
    assert _ledger(member) == [("earn", f"referral:{ben.pk}", 250)]
    assert points_balance(member_id=ben.pk) == 169 + 85


def test_referrals_are_capped_per_year(
    program, member, make_member, join, identify, place, menu, pay
):
    # given: a cap of two friends a year
    program.referral_awards_per_year = 2
    program.save()

    # when: three friends come and pay
    for name in ("Ben", "Cai", "Dan"):
        friend = make_member(name, referred_by=member)
        guest = join()[0]
        identify(guest, friend)
        points_earn_for_payment(payment_id=pay(place([(menu.soup, 1)], guest=guest)).pk)

    # then
    assert points_balance(member_id=member.pk) == 500
    assert PointsEntry.objects.filter(member=member).count() == 2


def test_ledger_rows_cannot_be_changed_or_deleted(
    program, member, member_guest, place, menu, pay
):
    # given
    points_earn_for_payment(
        payment_id=pay(place([(menu.soup, 1)], guest=member_guest)).pk
    )
    entry = PointsEntry.objects.get()

    # when / then
    entry.points = 100000
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    assert PointsEntry.objects.get().points == 169


def test_adjustment_counts_once_per_key(program, member, staff):
    # given
    manager = staff("manager")

    # when: the same goodwill form is submitted twice
    first = points_adjust(
        member_id=member.pk, points=75, note="cold soup", user=manager, key="f1"
    )
    second = points_adjust(
        member_id=member.pk, points=75, note="cold soup", user=manager, key="f1"
    )

    # then
    assert (first, second) == (75, 75)
    assert _ledger(member) == [("adjust", "adjust:f1", 75)]


def test_points_expire_after_a_year_without_a_visit(
    program, member, make_member, member_guest, place, menu, pay
):
    # given: Anna's last visit was 400 days ago, Ben's 10 days ago
    old = pay(place([(menu.soup, 1)], guest=member_guest))
    points_earn_for_payment(payment_id=old.pk)
    PointsEntry.objects.filter(member=member).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )
    ben = make_member("Ben")
    points_adjust(member_id=ben.pk, points=90, note="welcome", user=None, key="b")

    # when: the job runs twice
    first = points_expire_inactive()
    second = points_expire_inactive()

    # then
    assert (first, second) == (1, 0)
    assert points_balance(member_id=member.pk) == 0
    assert points_balance(member_id=ben.pk) == 90
    assert PointsEntry.objects.filter(kind=EntryKind.EXPIRE).get().points == -169


def test_trying_every_dessert_earns_the_badge(
    program, member, member_guest, place, menu, pay
):
    # given: the Drinks category has three drinks
    from tests.factories import MenuItemFactory

    wine = MenuItemFactory(restaurant=menu.restaurant, category=menu.beer.category)
    cider = MenuItemFactory(restaurant=menu.restaurant, category=menu.beer.category)
    place([(menu.beer, 1), (wine, 1)], guest=member_guest)
    points_earn_for_payment(
        payment_id=pay(place([(menu.soup, 1)], guest=member_guest)).pk
    )
    assert set(Badge.objects.values_list("code", flat=True)) == {"first_visit"}

    # when: she tries the last one and pays
    points_earn_for_payment(payment_id=pay(place([(cider, 1)], guest=member_guest)).pk)

    # then
    badge = Badge.objects.get(code=f"category:{menu.beer.category_id}")
    assert badge.label["en"] == "Tried everything in Drinks"
    assert badge.label["fi"].endswith("Juomat")
