"""Points balances, history and tiers, and the programme's rewards."""

import datetime

from django.db.models import QuerySet, Sum
from django.utils import timezone

from loyalty.models import (
    EntryKind,
    EntrySource,
    LoyaltyProgram,
    PointsEntry,
    Reservation,
    ReservationStatus,
    Reward,
    Tier,
)

TIER_WINDOW = datetime.timedelta(days=365)


def points_balance(*, member_id: int) -> int:
    """Return the member's points: the sum of their ledger."""
    total = PointsEntry.objects.filter(member_id=member_id).aggregate(s=Sum("points"))
    return total["s"] or 0


def points_held(*, member_id: int) -> int:
    """Return the points held by rewards waiting for their payment."""
    total = Reservation.objects.filter(
        member_id=member_id, status=ReservationStatus.RESERVED
    ).aggregate(s=Sum("points"))
    return total["s"] or 0


def points_earned_on_visit(*, member_id: int, table_session_id: int) -> int:
    """Return the points paid visits earned on one table session."""
    total = PointsEntry.objects.filter(
        member_id=member_id,
        table_session_id=table_session_id,
        kind=EntryKind.EARN,
        source=EntrySource.PAYMENT,
    ).aggregate(s=Sum("points"))
    return total["s"] or 0


def points_history(*, member_id: int, limit: int = 50) -> list[PointsEntry]:
    return list(
        PointsEntry.objects.filter(member_id=member_id).order_by("-created_at", "-id")[
            :limit
        ]
    )


def tier_for_member(
    *, member_id: int, program: LoyaltyProgram, now: datetime.datetime | None = None
) -> Tier | None:
    """Return the highest tier the member's last 365 days of earning reach."""
    since = (now or timezone.now()) - TIER_WINDOW
    earned = (
        PointsEntry.objects.filter(
            member_id=member_id, kind=EntryKind.EARN, created_at__gte=since
        ).aggregate(s=Sum("points"))["s"]
        or 0
    )
    return (
        Tier.objects.filter(program=program, min_points__lte=earned)
        .order_by("-min_points")
        .first()
    )


def rewards_list(*, program: LoyaltyProgram) -> QuerySet[Reward]:
    return Reward.objects.filter(program=program, is_active=True).select_related(
        "menu_item", "min_tier"
    )
