"""The points ledger: every credit and debit, each written once under its key.

Every writer here locks the member's row first (`member_lock`), so the
balance a rule reads is the balance the entry is added to, and two writers
for one member queue instead of racing. Entries are only ever added.
"""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from loyalty.models import (
    EntryKind,
    EntrySource,
    Identification,
    LoyaltyProgram,
    Member,
    PointsEntry,
)
from loyalty.selectors import points_balance, program_get, tier_for_member
from loyalty.services.badges import badges_award
from ordering.models import (
    Payment,
    PaymentKind,
    PaymentStatus,
    Refund,
    RefundStatus,
)

logger = logging.getLogger(__name__)

# ISO 4217 minor units per major unit; anything unlisted has two decimals.
_ZERO_DECIMAL_CURRENCIES = {"JPY", "ISK", "KRW"}


def minor_per_unit(currency: str) -> int:
    return 1 if currency in _ZERO_DECIMAL_CURRENCIES else 100


def member_lock(*, member_id: int) -> Member:
    """Lock and return a member's row. Call inside a transaction."""
    return Member.objects.select_for_update().get(pk=member_id)


def entry_add(
    *,
    member: Member,
    kind: str,
    source: str,
    points: int,
    key: str,
    **links,
) -> tuple[PointsEntry, bool]:
    """Add one ledger entry unless its key is taken; return (entry, created).

    The caller holds the member's lock (`member_lock`). The unique key is the
    last word: a writer that got past the check (another process, no lock
    held on SQLite) fails on insert and gets the existing entry back.
    """
    existing = PointsEntry.objects.filter(key=key).first()
    if existing is not None:
        return existing, False
    entry = PointsEntry(
        member=member, kind=kind, source=source, points=points, key=key, **links
    )
    entry.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        return PointsEntry.objects.get(key=key), False
    return entry, True


def points_for_spend(
    *, spend_minor: int, program: LoyaltyProgram, currency: str, multiplier: int
) -> int:
    """Return the points a spend earns: the amount in currency units times the
    rate, times the tier's multiplier (percent), rounded down once."""
    return (
        spend_minor
        * program.points_per_unit
        * multiplier
        // (minor_per_unit(currency) * 100)
    )


@transaction.atomic
def points_earn_for_payment(*, payment_id: int) -> int:
    """Credit the members a payment paid for; return the points it earned.

    A payer who is an identified member earns on the whole payment. A payment
    from anyone else (a waiter at the till, a phone not signed in) earns each
    identified member at the table their share: what it paid of the lines
    that are theirs (`bill_guest`, else who added them).

    Idempotent under the key "payment:<id>" (the payer) or
    "payment:<id>:member:<member id>" (a share): calling it again (a replayed
    webhook) credits nothing and returns the same number. Earns nothing for a
    payment that has not succeeded, a card hold, or a restaurant without an
    active programme. The spend is the amount paid for food and drink after
    the reward discount; the tip earns nothing.

    The first paid visit of a referred member also credits whoever referred
    them, and any badge the visit completes is awarded.
    """
    payment = Payment.objects.get(pk=payment_id)
    if payment.status != PaymentStatus.SUCCEEDED or payment.kind != PaymentKind.BILL:
        return 0
    program = program_get(restaurant_id=payment.restaurant_id)
    if program is None:
        return 0
    # Sorted by member, so that two payments lock members in the same order.
    return sum(
        _earn_one(payment=payment, program=program, member_id=m, spend=s, key=k)
        for m, s, k in sorted(_spend_by_member(payment))
    )


def _spend_by_member(payment: Payment) -> list[tuple[int, int, str]]:
    """Return (member id, spend, ledger key) for everyone a payment credits."""
    spend = payment.amount_minor - payment.discount_minor
    key = f"payment:{payment.pk}"
    payer = (
        Identification.objects.filter(guest_id=payment.guest_id).first()
        if payment.guest_id is not None
        else None
    )
    if payer is not None:
        return [(payer.member_id, spend, key)]
    paid_by_guest: dict[int, int] = {}
    for allocation in payment.allocations.select_related("order_line"):
        line = allocation.order_line
        owner = line.bill_guest_id or line.added_by_id
        if owner is not None:
            paid_by_guest[owner] = paid_by_guest.get(owner, 0) + allocation.amount_minor
    paid_by_member: dict[int, int] = {}
    for guest_id, member_id in Identification.objects.filter(
        guest_id__in=paid_by_guest, guest__table_session_id=payment.table_session_id
    ).values_list("guest_id", "member_id"):
        paid_by_member[member_id] = (
            paid_by_member.get(member_id, 0) + paid_by_guest[guest_id]
        )
    if not payment.amount_minor:
        return []
    # The discount comes off each share in proportion (rounded down).
    return [
        (member_id, paid * spend // payment.amount_minor, f"{key}:member:{member_id}")
        for member_id, paid in paid_by_member.items()
    ]


def _earn_one(
    *,
    payment: Payment,
    program: LoyaltyProgram,
    member_id: int,
    spend: int,
    key: str,
) -> int:
    member = member_lock(member_id=member_id)
    if member.is_erased:
        return 0
    existing = PointsEntry.objects.filter(key=key).first()
    if existing is not None:
        return existing.points
    tier = tier_for_member(member_id=member.pk, program=program)
    points = points_for_spend(
        spend_minor=spend,
        program=program,
        currency=payment.currency,
        multiplier=tier.points_multiplier_percent if tier else 100,
    )
    if points <= 0:
        return 0
    first_paid_visit = not PointsEntry.objects.filter(
        member=member, kind=EntryKind.EARN, source=EntrySource.PAYMENT
    ).exists()
    entry, _created = entry_add(
        member=member,
        kind=EntryKind.EARN,
        source=EntrySource.PAYMENT,
        points=points,
        key=key,
        payment=payment,
        table_session_id=payment.table_session_id,
    )
    if first_paid_visit and member.referred_by_id:
        _referral_credit(referred=member, program=program)
    badges_award(member_id=member.pk)
    return entry.points


def _referral_credit(*, referred: Member, program: LoyaltyProgram) -> int:
    """Credit the referrer once per friend, up to the yearly cap."""
    if not program.referral_points or referred.referred_by_id is None:
        return 0
    referrer = member_lock(member_id=referred.referred_by_id)
    if referrer.is_erased:
        return 0
    year_ago = timezone.now() - datetime.timedelta(days=365)
    rewarded = PointsEntry.objects.filter(
        member=referrer, source=EntrySource.REFERRAL, created_at__gte=year_ago
    ).count()
    if rewarded >= program.referral_awards_per_year:
        return 0
    entry, created = entry_add(
        member=referrer,
        kind=EntryKind.EARN,
        source=EntrySource.REFERRAL,
        points=program.referral_points,
        key=f"referral:{referred.pk}",
    )
    return entry.points if created else 0


def _share_half_up(points: int, part: int, whole: int) -> int:
    return (2 * points * part + whole) // (2 * whole)


@transaction.atomic
def points_reverse_for_refund(*, refund_id: int) -> int:
    """Take back the points a refunded share of a payment earned; return them.

    Idempotent under the key "refund:<id>" (with ":member:<id>" for the
    members who earned a share, see `points_earn_for_payment`). The share is
    the refund's part of the charged total. Partial refunds add up exactly:
    each takes back the points due on everything refunded so far minus what
    earlier refunds took, so refunding the whole total in any steps reverses
    every point. The balance may go below zero if the points were already
    spent; later visits make it up.
    """
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if refund.status != RefundStatus.SUCCEEDED:
        return 0
    payment = refund.payment
    if payment.total_minor == 0:
        return 0
    earned_entries = PointsEntry.objects.filter(
        payment=payment, kind=EntryKind.EARN, source=EntrySource.PAYMENT
    ).order_by("member_id")
    return sum(_reverse_one(refund=refund, earned=earned) for earned in earned_entries)


def _reverse_one(*, refund: Refund, earned: PointsEntry) -> int:
    payment = refund.payment
    member = member_lock(member_id=earned.member_id)
    key = f"refund:{refund.pk}" + earned.key.removeprefix(f"payment:{payment.pk}")
    existing = PointsEntry.objects.filter(key=key).first()
    if existing is not None:
        return -existing.points
    earlier = PointsEntry.objects.filter(
        payment=payment,
        member=member,
        kind=EntryKind.REVERSE,
        refund__isnull=False,
    )
    reversed_so_far = -(earlier.aggregate(s=Sum("points"))["s"] or 0)
    refunded_so_far = (
        Refund.objects.filter(pk__in=earlier.values("refund_id")).aggregate(
            s=Sum("amount_minor")
        )["s"]
        or 0
    )
    refunded = min(refunded_so_far + refund.amount_minor, payment.total_minor)
    due = _share_half_up(earned.points, refunded, payment.total_minor)
    points = min(due, earned.points) - reversed_so_far
    if points <= 0:
        return 0
    entry_add(
        member=member,
        kind=EntryKind.REVERSE,
        source=EntrySource.REFUND,
        points=-points,
        key=key,
        payment=payment,
        refund=refund,
        table_session_id=payment.table_session_id,
    )
    return points


@transaction.atomic
def points_adjust(*, member_id: int, points: int, note: str, user, key: str) -> int:
    """Add or take points by hand (staff goodwill, a correction); return the
    balance after. `key` makes a double-submitted form count once."""
    member = member_lock(member_id=member_id)
    entry_add(
        member=member,
        kind=EntryKind.ADJUST,
        source=EntrySource.STAFF,
        points=points,
        key=f"adjust:{key}",
        note=note[:200],
        created_by=user,
    )
    return points_balance(member_id=member_id)


@transaction.atomic
def points_grant(
    *, member_id: int, points: int, source: str, key: str, note: str = ""
) -> int:
    """Credit a programme gift (birthday, feedback, win-back) once per key;
    return the points credited now (0 if the key was already used)."""
    if points <= 0:
        return 0
    member = member_lock(member_id=member_id)
    if member.is_erased:
        return 0
    _entry, created = entry_add(
        member=member,
        kind=EntryKind.EARN,
        source=source,
        points=points,
        key=key,
        note=note,
    )
    return points if created else 0


def points_expire_inactive(*, now: datetime.datetime | None = None) -> int:
    """Expire the balances of members without a visit for their programme's
    expiry period; return how many members lost points.

    "Without a visit" means no points earned for a payment since then, so a
    member who keeps coming never loses anything. The key names the last
    visit, so the same quiet spell expires once.
    """
    now = now or timezone.now()
    expired = 0
    for program in LoyaltyProgram.objects.filter(
        is_active=True, points_expire_after_days__gt=0
    ):
        cutoff = now - datetime.timedelta(days=program.points_expire_after_days)
        member_ids = (
            PointsEntry.objects.filter(member__restaurant_id=program.restaurant_id)
            .values_list("member_id", flat=True)
            .distinct()
        )
        for member_id in member_ids:
            if _expire_one(member_id=member_id, cutoff=cutoff):
                expired += 1
    return expired


@transaction.atomic
def _expire_one(*, member_id: int, cutoff: datetime.datetime) -> bool:
    member = member_lock(member_id=member_id)
    last_visit = (
        PointsEntry.objects.filter(
            member=member, kind=EntryKind.EARN, source=EntrySource.PAYMENT
        )
        .order_by("-created_at", "-id")
        .first()
    )
    last_activity = (
        last_visit.created_at
        if last_visit
        else PointsEntry.objects.filter(member=member)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if last_activity is None or last_activity >= cutoff:
        return False
    balance = points_balance(member_id=member.pk)
    if balance <= 0:
        return False
    anchor = last_visit.pk if last_visit else "none"
    _entry, created = entry_add(
        member=member,
        kind=EntryKind.EXPIRE,
        source=EntrySource.EXPIRY,
        points=-balance,
        key=f"expire:{member.pk}:{anchor}",
    )
    return created
