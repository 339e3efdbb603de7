"""What staff see of regulars: feedback inbox, at-risk members, marketing consent."""

from django.db.models import QuerySet

from loyalty.models import (
    Consent,
    ConsentPurpose,
    Feedback,
    FeedbackStatus,
    MemberScore,
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
