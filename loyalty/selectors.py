"""Loyalty's reads: balances, tiers, visits, consents, and what staff see."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import QuerySet, Sum
from django.utils import timezone

from loyalty.models import (
    Consent,
    ConsentPurpose,
    EntryKind,
    EntrySource,
    Feedback,
    FeedbackStatus,
    Identification,
    LoyaltyProgram,
    Member,
    MemberScore,
    MemberToken,
    Message,
    MessageKind,
    MessageStatus,
    PointsEntry,
    Reservation,
    ReservationStatus,
    Reward,
    RewardKind,
    Survey,
    Tier,
)
from loyalty.play import week_streak
from ordering.models import PLACED_STATUSES, LineStatus, OrderLine
from ordering.selectors import token_hash
from ordering.translation import pick

TIER_WINDOW = datetime.timedelta(days=365)


def surveys_open_for_member(*, member: Member) -> list[Survey]:
    """Return the restaurant's open surveys the member has not answered yet."""
    return list(
        Survey.objects.filter(restaurant_id=member.restaurant_id, is_active=True)
        .exclude(answers__member=member)
        .order_by("created_at", "id")
    )


def program_get(*, restaurant_id: int) -> LoyaltyProgram | None:
    """Return the restaurant's active loyalty programme, if it has one."""
    return (
        LoyaltyProgram.objects.select_related("restaurant")
        .filter(restaurant_id=restaurant_id, is_active=True)
        .first()
    )


def member_get_by_token(*, token: str | None) -> Member | None:
    """Return the member a signed-in phone's token belongs to (not erased)."""
    if not token:
        return None
    row = (
        MemberToken.objects.select_related("member__restaurant")
        .filter(token_hash=token_hash(token), member__erased_at__isnull=True)
        .first()
    )
    return row.member if row else None


def member_for_guest(*, guest_id: int | None) -> Member | None:
    """Return the member identified on a guest's phone, if any (not erased)."""
    if guest_id is None:
        return None
    row = (
        Identification.objects.select_related("member")
        .filter(guest_id=guest_id, member__erased_at__isnull=True)
        .first()
    )
    return row.member if row else None


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


def consents_current(*, member_id: int) -> dict[str, bool]:
    """Return each purpose's latest answer; a purpose never asked is False."""
    answers = dict.fromkeys(ConsentPurpose.values, False)
    for row in Consent.objects.filter(member_id=member_id).order_by(
        "recorded_at", "id"
    ):
        answers[row.purpose] = row.is_granted
    return answers


def open_complaint_exists(*, member_id: int) -> bool:
    """Return whether the member has a complaint the restaurant has not resolved."""
    return (
        Feedback.objects.filter(member_id=member_id, is_complaint=True)
        .exclude(status=FeedbackStatus.RESOLVED)
        .exists()
    )


@dataclass(frozen=True)
class VisitRow:
    """One visit of a member: a table session where they were identified."""

    table_session_id: int
    day: datetime.date  # local to the restaurant
    spend_minor: int
    item_ids: frozenset[int]


def _visit_lines(member_ids: list[int]) -> QuerySet[OrderLine]:
    return OrderLine.objects.filter(
        order__guest__identification__member_id__in=member_ids,
        order__status__in=PLACED_STATUSES,
    ).exclude(status=LineStatus.CANCELLED)


def member_visits(
    *, member_ids: list[int], tz: datetime.tzinfo
) -> dict[int, list[VisitRow]]:
    """Return each member's visits, oldest first: what their identified phones
    ordered, one row per table session.

    Spend is what the lines cost (voided lines excluded); paying is the
    payment flow's business, and a visit happened when food was ordered.
    """
    rows = (
        _visit_lines(member_ids)
        .filter(voided_at__isnull=True)
        .values_list(
            "order__guest__identification__member_id",
            "order__table_session_id",
            "order__table_session__opened_at",
            "line_total_minor",
            "menu_item_id",
        )
    )
    visits: dict[int, dict[int, list]] = {}
    for member_id, session_id, opened_at, total, item_id in rows:
        entry = visits.setdefault(member_id, {}).setdefault(
            session_id, [opened_at, 0, set()]
        )
        entry[1] += total
        if item_id is not None:
            entry[2].add(item_id)
    return {
        member_id: sorted(
            (
                VisitRow(
                    table_session_id=session_id,
                    day=timezone.localtime(opened_at, tz).date(),
                    spend_minor=spend,
                    item_ids=frozenset(items),
                )
                for session_id, (opened_at, spend, items) in sessions.items()
            ),
            key=lambda visit: (visit.day, visit.table_session_id),
        )
        for member_id, sessions in visits.items()
    }


def usual_order(*, member_id: int, lang: str | None = None, top: int = 3) -> list[str]:
    """Return the names of the dishes the member orders most, most often first.

    Counted once per visit, from the last 20 visits; a dish ordered on only
    one visit is not "usual".
    """
    sessions = list(
        _visit_lines([member_id])
        .order_by("-order__table_session__opened_at")
        .values_list("order__table_session_id", flat=True)
        .distinct()
    )
    recent = list(dict.fromkeys(sessions))[:20]
    names: dict[int, dict[str, str]] = {}
    counts: Counter[int] = Counter()
    seen: set[tuple[int, int]] = set()
    for session_id, item_id, name in (
        _visit_lines([member_id])
        .filter(order__table_session_id__in=recent, menu_item_id__isnull=False)
        .values_list("order__table_session_id", "menu_item_id", "name")
    ):
        names[item_id] = name
        if (session_id, item_id) not in seen:
            seen.add((session_id, item_id))
            counts[item_id] += 1
    return [
        pick(names[item_id], lang)
        for item_id, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if count >= 2
    ][:top]


@dataclass(frozen=True)
class MemberAtTable:
    """What a waiter's tablet shows about a member at one of their tables."""

    member_id: int
    guest_id: int
    first_name: str
    tier: str
    visits: int
    usual_order: list[str]  # empty without the member's personalisation consent
    diet_notes: str
    is_birthday_week: bool


def _is_birthday_week(birthday: datetime.date | None, today: datetime.date) -> bool:
    if birthday is None:
        return False
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            day = birthday.replace(year=year)
        except ValueError:  # 29 February in a common year
            day = datetime.date(year, 2, 28)
        if abs((day - today).days) <= 3:
            return True
    return False


def members_at_table(
    *, table_session_id: int, lang: str | None = None
) -> list[MemberAtTable]:
    """Return the members identified at a table session, first identified first."""
    identifications = (
        Identification.objects.filter(
            guest__table_session_id=table_session_id, member__erased_at__isnull=True
        )
        .select_related("member__restaurant", "guest")
        .order_by("identified_at", "id")
    )
    result: list[MemberAtTable] = []
    seen: set[int] = set()
    for identification in identifications:
        member = identification.member
        if member.pk in seen:
            continue
        seen.add(member.pk)
        result.append(_member_at_table(identification, lang=lang))
    return result


def member_at_table(*, guest_id: int, lang: str | None = None) -> MemberAtTable | None:
    """Return the member identified on one guest's phone, if any."""
    identification = (
        Identification.objects.filter(guest_id=guest_id, member__erased_at__isnull=True)
        .select_related("member__restaurant", "guest")
        .first()
    )
    return _member_at_table(identification, lang=lang) if identification else None


def _member_at_table(identification: Identification, *, lang: str | None):
    member = identification.member
    program = program_get(restaurant_id=member.restaurant_id)
    tier = tier_for_member(member_id=member.pk, program=program) if program else None
    consents = consents_current(member_id=member.pk)
    visits = (
        _visit_lines([member.pk])
        .values_list("order__table_session_id", flat=True)
        .distinct()
        .count()
    )
    today = timezone.localdate(timezone=member.restaurant.tzinfo)
    return MemberAtTable(
        member_id=member.pk,
        guest_id=identification.guest_id,
        first_name=member.first_name,
        tier=tier.tr("name", lang) if tier else "",
        visits=visits,
        usual_order=(
            usual_order(member_id=member.pk, lang=lang)
            if consents[ConsentPurpose.PERSONALISATION]
            else []
        ),
        diet_notes=member.diet_notes,
        is_birthday_week=_is_birthday_week(member.birthday, today),
    )


def feedback_inbox(*, restaurant_id: int, status: str | None = None):
    rows = Feedback.objects.filter(restaurant_id=restaurant_id).select_related(
        "member", "table_session__table"
    )
    if status == "open":
        rows = rows.exclude(status=FeedbackStatus.RESOLVED)
    elif status:
        rows = rows.filter(status=status)
    return rows.order_by(
        "-is_complaint" if status == "open" else "-created_at", "-created_at"
    )


def at_risk_members(*, restaurant_id: int) -> QuerySet[MemberScore]:
    """Return the at-risk regulars, the most valuable first."""
    return (
        MemberScore.objects.filter(
            restaurant_id=restaurant_id,
            is_at_risk=True,
            member__erased_at__isnull=True,
        )
        .select_related("member")
        .order_by("-value_12_months_minor", "-repeat_visits", "member_id")
    )


def members_with_marketing_consent(*, restaurant_id: int) -> list[int]:
    """Return ids of the restaurant's members whose latest marketing answer is yes."""
    latest: dict[int, bool] = {}
    for member_id, granted in (
        Consent.objects.filter(
            member__restaurant_id=restaurant_id,
            member__erased_at__isnull=True,
            purpose=ConsentPurpose.MARKETING,
        )
        .order_by("recorded_at", "id")
        .values_list("member_id", "is_granted")
    ):
        latest[member_id] = granted
    return sorted(member_id for member_id, granted in latest.items() if granted)


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


def messages_for_member(*, member_id: int, limit: int = 10) -> list[Message]:
    """Return the messages the member was actually sent, newest first."""
    return list(
        Message.objects.filter(member_id=member_id, status=MessageStatus.SENT).order_by(
            "-sent_at", "-id"
        )[:limit]
    )


def bill_rewards(*, guest_id: int, table_session_id: int, lang: str | None) -> dict:
    """Return what a member's phone shows on the table's bill: the reward
    held for it, if any, and the rewards the member could use; {} for a phone
    where no member identified or a restaurant without a programme.

    The bill page previews the discount from `applied` (the payment works it
    out again on the server): `percent_off` of what the phone pays, or
    `up_to_minor`, never more than what it pays.
    """
    member = member_for_guest(guest_id=guest_id)
    if member is None:
        return {}
    program = program_get(restaurant_id=member.restaurant_id)
    if program is None:
        return {}
    balance = points_balance(member_id=member.pk)
    tier = tier_for_member(member_id=member.pk, program=program)
    held = (
        Reservation.objects.select_related("reward")
        .filter(
            member=member,
            table_session_id=table_session_id,
            status=ReservationStatus.RESERVED,
        )
        .first()
    )
    applied = None
    if held is not None:
        reward = held.reward
        applied = {
            "reservation": held.pk,
            "reward": reward.pk,
            "name": reward.tr("name", lang),
            "points": held.points,
            "percent_off": (
                reward.percent_off if reward.kind == RewardKind.PERCENT_OFF else None
            ),
            "up_to_minor": held.discount_minor,
        }
    rewards = []
    for reward in rewards_list(program=program):
        needed = reward.min_tier
        rewards.append(
            {
                "id": reward.pk,
                "name": reward.tr("name", lang),
                "cost_points": reward.cost_points,
                "is_affordable": balance >= reward.cost_points
                and (
                    needed is None
                    or (tier is not None and tier.min_points >= needed.min_points)
                ),
            }
        )
    return {
        "loyalty": {
            "first_name": member.first_name,
            "balance": balance,
            "applied": applied,
            "rewards": rewards,
        }
    }


def guest_thank_you(
    *, guest_id: int, since: datetime.datetime | None = None
) -> dict | None:
    """Return the latest thank-you a phone was sent, as its page shows it;
    with `since`, only one sent at or after it (a thank-you for a payment
    before the table ordered again is old news on the bill)."""
    messages = Message.objects.filter(
        guest_id=guest_id, kind=MessageKind.THANK_YOU, status=MessageStatus.SENT
    )
    if since is not None:
        messages = messages.filter(sent_at__gte=since)
    message = messages.order_by("-sent_at", "-id").first()
    if message is None:
        return None
    return {
        "message": message.pk,
        "subject": message.subject,
        "body": message.body,
        "url": message.data.get("url", ""),
    }
