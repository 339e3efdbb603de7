"""Feedback on a visit, and the restaurant's answer: reply, then resolve with
what was done, which goes back to the guest ("you said, we did")."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from loyalty.exceptions import FeedbackError
from loyalty.models import (
    COMPLAINT_RATING_AT_MOST,
    EntrySource,
    Feedback,
    FeedbackStatus,
    Member,
    MessageKind,
    PointsEntry,
)
from loyalty.selectors import program_get
from loyalty.services.messages import message_send
from loyalty.services.points import member_lock, points_grant
from ordering.exceptions import NotFoundError
from ordering.models import Guest, StaffRole, TableSession
from ordering.services.staff import staff_require

MANAGER_ROLES = {StaffRole.OWNER, StaffRole.MANAGER}


def _rating(value: int | None) -> int:
    if not isinstance(value, int) or not 1 <= value <= 5:
        raise FeedbackError(_("Give a rating from 1 to 5 stars."))
    return value


def _optional_rating(value: int | None) -> int | None:
    return None if value is None else _rating(value)


@transaction.atomic
def feedback_submit(
    *,
    table_session_id: int,
    guest: Guest | None,
    member: Member | None,
    rating: int | None,
    comment: str = "",
    food_rating: int | None = None,
    service_rating: int | None = None,
    wants_contact: bool = False,
) -> Feedback:
    """Record a guest's private feedback on their visit, once per visit.

    A rating of 2 or less, or asking the manager to get in touch, makes it a
    complaint: it blocks marketing to the member until it is resolved. A
    member earns the programme's feedback points, at most the programme's
    number of times in 30 days; the points never depend on the rating.
    """
    session = TableSession.objects.filter(pk=table_session_id).first()
    if session is None:
        raise NotFoundError(_("This visit was not found."))
    overall = _rating(rating)
    feedback = Feedback(
        restaurant_id=session.restaurant_id,
        table_session=session,
        guest=guest,
        member=member if member is not None and not member.is_erased else None,
        rating=overall,
        food_rating=_optional_rating(food_rating),
        service_rating=_optional_rating(service_rating),
        comment=(comment or "").strip()[:2000],
        wants_contact=wants_contact,
        is_complaint=overall <= COMPLAINT_RATING_AT_MOST or wants_contact,
    )
    feedback.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            feedback.save()
    except IntegrityError as error:
        raise FeedbackError(
            _("You already gave feedback on this visit. Thank you!"),
            code="feedback_exists",
        ) from error
    program = program_get(restaurant_id=session.restaurant_id)
    if feedback.member is not None and program is not None:
        # The member's lock makes the cap's count and the credit one step.
        member_lock(member_id=feedback.member.pk)
        since = timezone.now() - datetime.timedelta(days=30)
        awarded = PointsEntry.objects.filter(
            member=feedback.member, source=EntrySource.FEEDBACK, created_at__gte=since
        ).count()
        if awarded < program.feedback_awards_per_30_days:
            points_grant(
                member_id=feedback.member.pk,
                points=program.feedback_points,
                source=EntrySource.FEEDBACK,
                key=f"feedback:{feedback.pk}",
            )
    return feedback


def _feedback_for_manager(*, feedback_id: int, user) -> Feedback:
    feedback = (
        # Lock the feedback row only: PostgreSQL refuses FOR UPDATE on the
        # nullable side of the joins (member, guest).
        Feedback.objects.select_for_update(of=("self",))
        .select_related("member", "guest__table_session", "restaurant")
        .filter(pk=feedback_id)
        .first()
    )
    if feedback is None:
        raise NotFoundError()
    staff_require(user=user, restaurant_id=feedback.restaurant_id, roles=MANAGER_ROLES)
    return feedback


def _tell_guest(feedback: Feedback, *, kind: str, subject: str, body: str) -> None:
    guest = feedback.guest
    if guest is not None and not guest.table_session.is_open:
        guest = None  # nobody is looking at that phone's table any more
    message_send(
        restaurant_id=feedback.restaurant_id,
        kind=kind,
        subject=subject,
        body=body,
        key=f"{kind}:{feedback.pk}:{feedback.replied_at or feedback.resolved_at}",
        member=feedback.member,
        guest=guest,
    )


def _language(feedback: Feedback) -> str:
    return (
        (feedback.member.language if feedback.member else "")
        or (feedback.guest.language if feedback.guest else "")
        or feedback.restaurant.default_language
    )


@transaction.atomic
def feedback_reply(*, feedback_id: int, user, reply: str) -> Feedback:
    """Answer a guest's feedback (managers of the restaurant only); the answer
    is sent to them."""
    feedback = _feedback_for_manager(feedback_id=feedback_id, user=user)
    text = (reply or "").strip()
    if not text:
        raise FeedbackError(_("Write the reply first."))
    if feedback.status == FeedbackStatus.RESOLVED:
        raise FeedbackError(_("This feedback is already resolved."), code="resolved")
    feedback.reply = text[:2000]
    feedback.replied_at = timezone.now()
    feedback.replied_by = user
    feedback.status = FeedbackStatus.REPLIED
    feedback.save(update_fields=["reply", "replied_at", "replied_by", "status"])
    with translation.override(_language(feedback)):
        subject = _("%(restaurant)s answered your feedback") % {
            "restaurant": feedback.restaurant.name
        }
    _tell_guest(
        feedback, kind=MessageKind.FEEDBACK_REPLY, subject=subject, body=feedback.reply
    )
    return feedback


@transaction.atomic
def feedback_resolve(*, feedback_id: int, user, resolution: str) -> Feedback:
    """Close feedback with what the restaurant did about it, and send that to
    the guest ("you said, we did"). Resolving lifts the marketing block."""
    feedback = _feedback_for_manager(feedback_id=feedback_id, user=user)
    text = (resolution or "").strip()
    if not text:
        raise FeedbackError(_("Write what you did about it first."))
    if feedback.status == FeedbackStatus.RESOLVED:
        return feedback
    feedback.resolution = text[:2000]
    feedback.resolved_at = timezone.now()
    feedback.resolved_by = user
    feedback.status = FeedbackStatus.RESOLVED
    feedback.save(update_fields=["resolution", "resolved_at", "resolved_by", "status"])
    with translation.override(_language(feedback)):
        subject = _("You said, we did: %(restaurant)s") % {
            "restaurant": feedback.restaurant.name
        }
        said = feedback.comment or _("%(rating)d out of 5 stars") % {
            "rating": feedback.rating
        }
        body = _(
            "You said: “%(said)s”\n\nWhat we did: %(did)s\n\nThank you for telling us."
        ) % {
            "said": said,
            "did": feedback.resolution,
        }
    _tell_guest(
        feedback, kind=MessageKind.FEEDBACK_RESOLVED, subject=subject, body=body
    )
    return feedback
