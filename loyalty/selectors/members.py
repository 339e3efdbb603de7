"""Members and their programme: sign-in, consents, surveys, complaints, messages."""

from loyalty.models import (
    Consent,
    ConsentPurpose,
    Feedback,
    FeedbackStatus,
    Identification,
    LoyaltyProgram,
    Member,
    MemberToken,
    Message,
    MessageStatus,
    Survey,
)
from ordering.selectors import token_hash


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


def messages_for_member(*, member_id: int, limit: int = 10) -> list[Message]:
    """Return the messages the member was actually sent, newest first."""
    return list(
        Message.objects.filter(member_id=member_id, status=MessageStatus.SENT).order_by(
            "-sent_at", "-id"
        )[:limit]
    )
