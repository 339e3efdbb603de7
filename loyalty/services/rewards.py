"""Redeeming rewards: hold the points for a bill, then use or release them.

`reward_reserve` takes the points out of the balance at once (a `reserve`
entry), so a second device sees them gone; `reward_consume` turns the hold
into a redemption when the payment succeeds (a `release` and a `redeem`
entry, so the ledger says what happened); `reward_release` gives them back
when the payment fails or the hold times out.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loyalty.exceptions import (
    InsufficientPointsError,
    LoyaltyUnavailableError,
    MemberErasedError,
    NotSignedInError,
    ReservationStateError,
    RewardUnavailableError,
)
from loyalty.models import (
    EntryKind,
    EntrySource,
    Reservation,
    ReservationStatus,
    Reward,
    RewardKind,
)
from loyalty.selectors import (
    member_for_guest,
    points_balance,
    points_earned_on_visit,
    program_get,
    tier_for_member,
)
from loyalty.services.points import entry_add, member_lock
from ordering.bills import bill_lines
from ordering.exceptions import NotFoundError
from ordering.models import (
    HOLDING_STATUSES,
    PLACED_STATUSES,
    Guest,
    LineStatus,
    OrderLine,
    Payment,
    PaymentStatus,
    TableSession,
)


def reward_discount(
    *, reward: Reward, bill_total_minor: int, table_session_id: int
) -> int:
    """Return what a reward takes off a bill, in cents; never more than the bill.

    A free item pays for the dearest matching line already ordered at the
    table; without one there is nothing to take off.
    """
    if reward.kind == RewardKind.FREE_ITEM:
        line = (
            OrderLine.objects.filter(
                order__table_session_id=table_session_id,
                order__status__in=PLACED_STATUSES,
                menu_item_id=reward.menu_item_id,
                voided_at__isnull=True,
            )
            .exclude(status=LineStatus.CANCELLED)
            .order_by("-unit_price_minor")
            .first()
        )
        discount = line.unit_price_minor if line else 0
    elif reward.kind == RewardKind.PERCENT_OFF:
        # Half up, in integers: percent / 100 of the bill.
        discount = (2 * bill_total_minor * (reward.percent_off or 0) + 100) // 200
    else:
        discount = reward.amount_off_minor or 0
    return max(0, min(discount, bill_total_minor))


@transaction.atomic
def reward_reserve(
    *, member_id: int, reward_id: int, table_session_id: int, bill_total_minor: int
) -> Reservation:
    """Hold a reward's points for a bill; return the reservation with its
    `discount_minor`, which the payment takes off the amount to charge.

    Takes the member's row lock: of two devices redeeming at once, the second
    waits, then finds the points gone or the bill's one reward taken, and
    gets `InsufficientPointsError` or `RewardUnavailableError`. The hold
    lapses after the programme's `reservation_minutes`
    (`reservations_release_expired`).
    """
    member = member_lock(member_id=member_id)
    if member.is_erased:
        raise MemberErasedError()
    program = program_get(restaurant_id=member.restaurant_id)
    if program is None:
        raise LoyaltyUnavailableError()
    reward = (
        Reward.objects.select_related("menu_item", "min_tier")
        .filter(pk=reward_id, program=program, is_active=True)
        .first()
    )
    if reward is None:
        raise RewardUnavailableError(_("This reward is not offered any more."))
    session = TableSession.objects.filter(
        pk=table_session_id, restaurant_id=member.restaurant_id
    ).first()
    if session is None:
        raise NotFoundError(_("This visit was not found at this restaurant."))
    if reward.min_tier is not None:
        tier = tier_for_member(member_id=member.pk, program=program)
        if tier is None or tier.min_points < reward.min_tier.min_points:
            raise RewardUnavailableError(
                _("This reward is for %(tier)s members and up.")
                % {"tier": reward.min_tier.tr("name")},
                extra={"tier": reward.min_tier.tr("name")},
            )
    if Reservation.objects.filter(
        member=member, table_session=session, status=ReservationStatus.RESERVED
    ).exists():
        raise RewardUnavailableError(
            _(
                "A reward is already being used on this bill. Finish or cancel "
                "that payment first."
            ),
            code="reward_already_reserved",
        )
    balance = points_balance(member_id=member.pk)
    spendable = balance
    if not program.allow_same_visit_redemption:
        spendable -= points_earned_on_visit(
            member_id=member.pk, table_session_id=session.pk
        )
    if spendable < reward.cost_points:
        raise InsufficientPointsError(
            _(
                "This reward needs %(cost)d points and you have %(spendable)d to "
                "use now."
            )
            % {"cost": reward.cost_points, "spendable": max(spendable, 0)},
            extra={
                "cost": reward.cost_points,
                "balance": balance,
                "spendable": max(spendable, 0),
            },
        )
    discount = reward_discount(
        reward=reward, bill_total_minor=bill_total_minor, table_session_id=session.pk
    )
    if discount <= 0:
        message = (
            _("Order %(item)s first: this reward pays for it.")
            % {"item": reward.menu_item.tr("name")}
            if reward.kind == RewardKind.FREE_ITEM and reward.menu_item
            else _("There is nothing on this bill for this reward to take off.")
        )
        raise RewardUnavailableError(message, code="reward_not_applicable")
    now = timezone.now()
    reservation = Reservation(
        member=member,
        reward=reward,
        table_session=session,
        points=reward.cost_points,
        discount_minor=discount,
        created_at=now,
        expires_at=now + datetime.timedelta(minutes=program.reservation_minutes),
    )
    reservation.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            reservation.save()
    except IntegrityError as error:
        # Only reachable without row locks (SQLite): the constraint decides.
        raise RewardUnavailableError(
            _("A reward is already being used on this bill."),
            code="reward_already_reserved",
        ) from error
    entry_add(
        member=member,
        kind=EntryKind.RESERVE,
        source=EntrySource.REWARD,
        points=-reward.cost_points,
        key=f"reservation:{reservation.pk}:reserve",
        reservation=reservation,
        table_session=session,
    )
    return reservation


def _reservation_lock(reservation_id: int) -> Reservation:
    reservation = (
        Reservation.objects.select_for_update().filter(pk=reservation_id).first()
    )
    if reservation is None:
        raise NotFoundError(_("This reward reservation does not exist."))
    return reservation


@transaction.atomic
def reward_consume(*, reservation_id: int, payment_id: int) -> Reservation:
    """Turn a held reward into a redemption once its payment has succeeded.

    Idempotent for the same payment. A hold that lapsed before the payment
    succeeded is still consumed (the guest got the discount), and the
    balance may then go below zero.
    """
    reservation = _reservation_lock(reservation_id)
    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None or payment.table_session_id != reservation.table_session_id:
        raise ReservationStateError(_("This payment is not for the reward's bill."))
    if payment.status != PaymentStatus.SUCCEEDED:
        raise ReservationStateError(
            _("The reward is used only once the payment has succeeded.")
        )
    if reservation.status == ReservationStatus.CONSUMED:
        if reservation.payment_id != payment.pk:
            raise ReservationStateError(
                _("This reward was already used on another payment.")
            )
        return reservation
    member = member_lock(member_id=reservation.member_id)
    key = f"reservation:{reservation.pk}"
    if reservation.status == ReservationStatus.RESERVED:
        entry_add(
            member=member,
            kind=EntryKind.RELEASE,
            source=EntrySource.REWARD,
            points=reservation.points,
            key=f"{key}:release",
            reservation=reservation,
            table_session_id=reservation.table_session_id,
        )
    entry_add(
        member=member,
        kind=EntryKind.REDEEM,
        source=EntrySource.REWARD,
        points=-reservation.points,
        key=f"{key}:redeem",
        reservation=reservation,
        payment=payment,
        table_session_id=reservation.table_session_id,
    )
    reservation.status = ReservationStatus.CONSUMED
    reservation.payment = payment
    reservation.settled_at = timezone.now()
    reservation.save(update_fields=["status", "payment", "settled_at"])
    return reservation


@transaction.atomic
def reward_release(*, reservation_id: int) -> Reservation:
    """Give a held reward's points back (the payment failed or was abandoned).

    Releasing twice is a no-op; a reward already used cannot be released.
    """
    reservation = _reservation_lock(reservation_id)
    if reservation.status == ReservationStatus.RELEASED:
        return reservation
    if reservation.status == ReservationStatus.CONSUMED:
        raise ReservationStateError(
            _("This reward was already used on a payment; refund the payment instead.")
        )
    member = member_lock(member_id=reservation.member_id)
    entry_add(
        member=member,
        kind=EntryKind.RELEASE,
        source=EntrySource.REWARD,
        points=reservation.points,
        key=f"reservation:{reservation.pk}:release",
        reservation=reservation,
        table_session_id=reservation.table_session_id,
    )
    reservation.status = ReservationStatus.RELEASED
    reservation.settled_at = timezone.now()
    reservation.save(update_fields=["status", "settled_at"])
    return reservation


def reservations_release_expired(*, now: datetime.datetime | None = None) -> int:
    """Release every hold past its time; return how many were released."""
    now = now or timezone.now()
    ids = list(
        Reservation.objects.filter(
            status=ReservationStatus.RESERVED, expires_at__lt=now
        ).values_list("pk", flat=True)
    )
    for reservation_id in ids:
        reward_release(reservation_id=reservation_id)
    return len(ids)


def _bill_left_minor(table_session_id: int) -> int:
    return sum(
        line.remaining_minor for line in bill_lines(table_session_id=table_session_id)
    )


def _is_under_way(payment: Payment | None) -> bool:
    """Whether a payment still counts: paid, or being paid and not expired."""
    if payment is None or payment.status not in HOLDING_STATUSES:
        return False
    return payment.status == PaymentStatus.SUCCEEDED or (
        payment.expires_at is None or payment.expires_at > timezone.now()
    )


def reward_apply_to_bill(*, guest: Guest, reward_id: int) -> Reservation:
    """Hold a reward for the bill of the table where a member identified
    (`guest` is their phone there); the member's next payment there takes
    the discount off. Raises as `reward_reserve` does."""
    member = member_for_guest(guest_id=guest.pk)
    if member is None:
        raise NotSignedInError(
            _("Show your loyalty card at this table first, then use a reward.")
        )
    if not guest.table_session.is_open:
        raise RewardUnavailableError(
            _("This table's visit has ended."), code="visit_closed"
        )
    return reward_reserve(
        member_id=member.pk,
        reward_id=reward_id,
        table_session_id=guest.table_session_id,
        bill_total_minor=_bill_left_minor(guest.table_session_id),
    )


@transaction.atomic
def reward_remove_from_bill(*, guest: Guest, reward_id: int) -> Reservation | None:
    """Take the member's held reward off the table's bill (points back);
    return it, or None if that reward was not held. Refused while a payment
    that takes the discount is under way."""
    member = member_for_guest(guest_id=guest.pk)
    if member is None:
        return None
    reservation = (
        Reservation.objects.select_for_update(of=("self",))
        .select_related("payment")
        .filter(
            member=member,
            table_session_id=guest.table_session_id,
            reward_id=reward_id,
            status=ReservationStatus.RESERVED,
        )
        .first()
    )
    if reservation is None:
        return None
    if _is_under_way(reservation.payment):
        raise ReservationStateError(
            _("A payment with this reward is under way; wait for it to finish.")
        )
    return reward_release(reservation_id=reservation.pk)


def reservation_bind_payment(*, payment: Payment, limit_minor: int) -> int:
    """Give a new payment the discount of the payer's held reward; return it.

    Called while the payment is reserved (inside its transaction). The payer
    is the member identified on the paying phone; a waiter taking the whole
    bill at the till takes the table's held reward. The discount is worked
    out again for what this payment pays (15 % of this share, not of the
    whole bill), at most `limit_minor`, and the payment is remembered so its
    success consumes the reward (`reservation_consume_for_payment`). A
    reward held by a payment still under way is not given twice.
    """
    candidates = Reservation.objects.select_for_update(of=("self",)).filter(
        table_session_id=payment.table_session_id,
        status=ReservationStatus.RESERVED,
    )
    if payment.guest_id is not None:
        member = member_for_guest(guest_id=payment.guest_id)
        if member is None:
            return 0
        candidates = candidates.filter(member=member)
    elif payment.split != "all":
        return 0
    for reservation in candidates.select_related("reward", "payment").order_by("pk"):
        if reservation.payment_id == payment.pk or _is_under_way(reservation.payment):
            continue
        discount = min(
            reward_discount(
                reward=reservation.reward,
                bill_total_minor=payment.amount_minor,
                table_session_id=payment.table_session_id,
            ),
            limit_minor,
        )
        if discount <= 0:
            continue
        reservation.payment = payment
        reservation.discount_minor = discount
        reservation.save(update_fields=["payment", "discount_minor"])
        return discount
    return 0


def reservation_consume_for_payment(*, payment_id: int) -> Reservation | None:
    """Use the reward a succeeded payment took its discount from, if any."""
    reservation = (
        Reservation.objects.filter(payment_id=payment_id)
        .exclude(status=ReservationStatus.CONSUMED)
        .first()
    )
    if reservation is None:
        return None
    return reward_consume(reservation_id=reservation.pk, payment_id=payment_id)
