"""What a phone shows on the bill: rewards to use and the thank-you."""

import datetime

from loyalty.models import (
    Message,
    MessageKind,
    MessageStatus,
    Reservation,
    ReservationStatus,
    RewardKind,
)
from loyalty.selectors.members import member_for_guest, program_get
from loyalty.selectors.points import points_balance, rewards_list, tier_for_member


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
