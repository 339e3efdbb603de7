"""Loyalty's reads: balances, tiers, visits, consents, and what staff see."""

from loyalty.selectors.bill import bill_rewards, guest_thank_you
from loyalty.selectors.card import MemberCard, RewardView, member_card
from loyalty.selectors.members import (
    consents_current,
    member_for_guest,
    member_get_by_token,
    messages_for_member,
    open_complaint_exists,
    program_get,
    surveys_open_for_member,
)
from loyalty.selectors.points import (
    TIER_WINDOW,
    points_balance,
    points_earned_on_visit,
    points_held,
    points_history,
    rewards_list,
    tier_for_member,
)
from loyalty.selectors.regulars import (
    at_risk_members,
    feedback_inbox,
    members_with_marketing_consent,
)
from loyalty.selectors.table import MemberAtTable, member_at_table, members_at_table
from loyalty.selectors.visits import VisitRow, member_visits, usual_order

__all__ = [
    "MemberAtTable",
    "MemberCard",
    "RewardView",
    "TIER_WINDOW",
    "VisitRow",
    "at_risk_members",
    "bill_rewards",
    "consents_current",
    "feedback_inbox",
    "guest_thank_you",
    "member_at_table",
    "member_card",
    "member_for_guest",
    "member_get_by_token",
    "member_visits",
    "members_at_table",
    "members_with_marketing_consent",
    "messages_for_member",
    "open_complaint_exists",
    "points_balance",
    "points_earned_on_visit",
    "points_held",
    "points_history",
    "program_get",
    "rewards_list",
    "surveys_open_for_member",
    "tier_for_member",
    "usual_order",
]
