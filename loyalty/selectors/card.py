"""The member card a member's phone shows: balance, tier, badges, rewards."""

import datetime
from dataclasses import dataclass

from django.db.models import Sum
from django.utils import timezone

from loyalty.models import EntryKind, Member, PointsEntry, Tier
from loyalty.play import week_streak
from loyalty.selectors.members import consents_current, program_get
from loyalty.selectors.points import (
    TIER_WINDOW,
    points_balance,
    points_held,
    rewards_list,
    tier_for_member,
)
from loyalty.selectors.visits import member_visits
from ordering.translation import pick


@dataclass(frozen=True)
class RewardView:
    id: int
    name: str
    kind: str
    cost_points: int
    is_affordable: bool
    tier_needed: str


@dataclass(frozen=True)
class MemberCard:
    """What the member sees on their phone."""

    member_id: int
    first_name: str
    balance: int
    held: int
    tier: str
    tier_perks: str
    next_tier: str
    points_to_next_tier: int
    week_streak: int
    visits: int
    badges: list[str]
    rewards: list[RewardView]
    referral_code: str
    consents: dict[str, bool]
    birthday: datetime.date | None
    diet_notes: str


def member_card(*, member: Member, lang: str | None = None) -> MemberCard:
    program = program_get(restaurant_id=member.restaurant_id)
    balance = points_balance(member_id=member.pk)
    tier = tier_for_member(member_id=member.pk, program=program) if program else None
    next_tier = None
    earned = 0
    if program is not None:
        since = timezone.now() - TIER_WINDOW
        earned = (
            PointsEntry.objects.filter(
                member_id=member.pk, kind=EntryKind.EARN, created_at__gte=since
            ).aggregate(s=Sum("points"))["s"]
            or 0
        )
        next_tier = (
            Tier.objects.filter(program=program, min_points__gt=earned)
            .order_by("min_points")
            .first()
        )
    tz = member.restaurant.tzinfo
    visits = member_visits(member_ids=[member.pk], tz=tz).get(member.pk, [])
    rewards = []
    if program is not None:
        for reward in rewards_list(program=program):
            needed = reward.min_tier
            rewards.append(
                RewardView(
                    id=reward.pk,
                    name=reward.tr("name", lang),
                    kind=reward.kind,
                    cost_points=reward.cost_points,
                    is_affordable=balance >= reward.cost_points
                    and (
                        needed is None
                        or (tier is not None and tier.min_points >= needed.min_points)
                    ),
                    tier_needed=needed.tr("name", lang) if needed else "",
                )
            )
    return MemberCard(
        member_id=member.pk,
        first_name=member.first_name,
        balance=balance,
        held=points_held(member_id=member.pk),
        tier=tier.tr("name", lang) if tier else "",
        tier_perks=tier.tr("perks", lang) if tier else "",
        next_tier=next_tier.tr("name", lang) if next_tier else "",
        points_to_next_tier=(next_tier.min_points - earned) if next_tier else 0,
        week_streak=week_streak(
            [visit.day for visit in visits], today=timezone.localdate(timezone=tz)
        ),
        visits=len(visits),
        badges=[
            pick(badge.label, lang) for badge in member.badges.order_by("awarded_at")
        ],
        rewards=rewards,
        referral_code=member.referral_code,
        consents=consents_current(member_id=member.pk),
        birthday=member.birthday,
        diet_notes=member.diet_notes,
    )
