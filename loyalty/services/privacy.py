"""A member's data: all of it as JSON, or erased, each after a one-time code
sent to the member's own address.

Erasing keeps what bookkeeping law needs: orders, payments and receipts
stay, anonymised (the phones that ordered lose their name and their link to
the member). The member row stays as an empty shell so the points ledger and
reward reservations, which payments point at, still add up.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from loyalty.exceptions import AddressInvalidError, MemberErasedError
from loyalty.models import (
    Badge,
    Channel,
    CodePurpose,
    Consent,
    Feedback,
    Identification,
    Member,
    MemberScore,
    MemberToken,
    Message,
    OneTimeCode,
    PointsEntry,
    Reservation,
    ReservationStatus,
    SurveyAnswer,
)
from loyalty.selectors import member_visits, points_balance
from loyalty.services.codes import Address, code_check, code_send
from loyalty.services.rewards import reward_release
from ordering.models import Guest, OrderLine
from ordering.translation import pick


def member_address(member: Member) -> Address:
    """Return where the member's codes go: their email, else their phone."""
    if member.email:
        return Address(Channel.EMAIL, member.email)
    if member.phone:
        return Address(Channel.SMS, member.phone)
    raise AddressInvalidError()


def privacy_code_send(*, member: Member, purpose: str, client_key: str) -> None:
    """Send the member a code that confirms an export or an erasure."""
    if member.is_erased:
        raise MemberErasedError()
    assert purpose in (CodePurpose.EXPORT, CodePurpose.ERASE)
    code_send(
        restaurant=member.restaurant,
        address=member_address(member),
        purpose=purpose,
        client_key=client_key,
        language=member.language,
    )


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def member_export(*, member: Member, code: str) -> dict[str, Any]:
    """Return everything stored about the member, once the code checks out."""
    if member.is_erased:
        raise MemberErasedError()
    code_check(
        restaurant_id=member.restaurant_id,
        address=member_address(member),
        purpose=CodePurpose.EXPORT,
        code=code,
    )
    restaurant = member.restaurant
    visits = member_visits(member_ids=[member.pk], tz=restaurant.tzinfo).get(
        member.pk, []
    )
    lines_by_session: dict[int, list[dict[str, Any]]] = {}
    for line in OrderLine.objects.filter(
        order__guest__identification__member=member
    ).select_related("order"):
        lines_by_session.setdefault(line.order.table_session_id, []).append(
            {
                "name": pick(line.name, member.language or None),
                "quantity": line.quantity,
                "total_minor": line.line_total_minor,
            }
        )
    return {
        "restaurant": {"name": restaurant.name, "currency": restaurant.currency},
        "member": {
            "first_name": member.first_name,
            "email": member.email,
            "phone": member.phone,
            "language": member.language,
            "birthday": _iso(member.birthday),
            "diet_notes": member.diet_notes,
            "joined_at": _iso(member.joined_at),
            "referral_code": member.referral_code,
        },
        "points_balance": points_balance(member_id=member.pk),
        "points": [
            {
                "at": _iso(entry.created_at),
                "kind": entry.kind,
                "source": entry.source,
                "points": entry.points,
                "note": entry.note,
            }
            for entry in PointsEntry.objects.filter(member=member).order_by(
                "created_at", "id"
            )
        ],
        "rewards": [
            {
                "at": _iso(reservation.created_at),
                "reward": reservation.reward.name_fi,
                "status": reservation.status,
                "points": reservation.points,
                "discount_minor": reservation.discount_minor,
            }
            for reservation in Reservation.objects.filter(member=member).select_related(
                "reward"
            )
        ],
        "consents": [
            {
                "at": _iso(consent.recorded_at),
                "purpose": consent.purpose,
                "granted": consent.is_granted,
                "wording_version": consent.wording_version,
                "wording": consent.wording,
            }
            for consent in Consent.objects.filter(member=member)
        ],
        "visits": [
            {
                "day": visit.day.isoformat(),
                "spend_minor": visit.spend_minor,
                "lines": lines_by_session.get(visit.table_session_id, []),
            }
            for visit in visits
        ],
        "feedback": [
            {
                "at": _iso(feedback.created_at),
                "rating": feedback.rating,
                "comment": feedback.comment,
                "reply": feedback.reply,
                "resolution": feedback.resolution,
            }
            for feedback in Feedback.objects.filter(member=member)
        ],
        "survey_answers": [
            {
                "at": _iso(row.created_at),
                "question": row.survey.tr("question", member.language or None),
                "rating": row.rating,
                "answer": row.answer,
            }
            for row in SurveyAnswer.objects.filter(member=member).select_related(
                "survey"
            )
        ],
        "messages": [
            {
                "at": _iso(message.created_at),
                "kind": message.kind,
                "channel": message.channel,
                "status": message.status,
                "reason": message.reason,
                "subject": message.subject,
                "body": message.body,
            }
            for message in Message.objects.filter(member=member).order_by("created_at")
        ],
        "badges": [
            {"code": badge.code, "at": _iso(badge.awarded_at)}
            for badge in Badge.objects.filter(member=member)
        ],
    }


@transaction.atomic
def member_erase(*, member: Member, code: str) -> None:
    """Erase the member's personal data, once the code checks out.

    Held rewards are released first; afterwards the member cannot sign in,
    be identified or be messaged, and the address may join again as new.
    """
    if member.is_erased:
        raise MemberErasedError()
    address = member_address(member)
    code_check(
        restaurant_id=member.restaurant_id,
        address=address,
        purpose=CodePurpose.ERASE,
        code=code,
    )
    member = Member.objects.select_for_update().get(pk=member.pk)
    for reservation_id in Reservation.objects.filter(
        member=member, status=ReservationStatus.RESERVED
    ).values_list("pk", flat=True):
        reward_release(reservation_id=reservation_id)
    guest_ids = list(
        Identification.objects.filter(member=member).values_list("guest_id", flat=True)
    )
    Guest.objects.filter(pk__in=guest_ids).update(display_name="")
    Identification.objects.filter(member=member).delete()
    MemberToken.objects.filter(member=member).delete()
    Consent.objects.filter(member=member).delete()
    Message.objects.filter(member=member).delete()
    Badge.objects.filter(member=member).delete()
    MemberScore.objects.filter(member=member).delete()
    OneTimeCode.objects.filter(
        restaurant_id=member.restaurant_id, destination=address.value
    ).delete()
    # Ratings stay for the restaurant's statistics; the words were the guest's.
    Feedback.objects.filter(member=member).update(
        member=None, guest=None, comment="", reply="", resolution=""
    )
    SurveyAnswer.objects.filter(member=member, rating__isnull=True).delete()
    SurveyAnswer.objects.filter(member=member).update(answer="")
    Member.objects.filter(referred_by=member).update(referred_by=None)
    member.first_name = ""
    member.email = ""
    member.phone = ""
    member.language = ""
    member.birthday = None
    member.birthday_set_at = None
    member.diet_notes = ""
    member.referral_code = ""
    member.referred_by = None
    member.erased_at = timezone.now()
    member.save(
        update_fields=[
            "first_name",
            "email",
            "phone",
            "language",
            "birthday",
            "birthday_set_at",
            "diet_notes",
            "referral_code",
            "referred_by",
            "erased_at",
        ]
    )
