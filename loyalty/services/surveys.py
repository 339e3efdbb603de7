"""Members answer the restaurant's short private surveys, for points.

Only these private answers and private feedback earn points; nothing in the
programme rewards a public review.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loyalty.exceptions import SurveyError
from loyalty.models import EntrySource, Member, PointsEntry, Survey, SurveyAnswer
from loyalty.selectors import program_get
from loyalty.services.points import member_lock, points_grant
from ordering.exceptions import NotFoundError

# How far back the programme's survey cap looks.
SURVEY_CAP_WINDOW = datetime.timedelta(days=30)


@transaction.atomic
def survey_answer(
    *, survey_id: int, member: Member, rating: int | None, answer: str = ""
) -> tuple[SurveyAnswer, int]:
    """Record a member's answer to an open survey of their restaurant, once;
    return it and the points it earned.

    Points come from the programme, at most its number of survey awards in
    30 days; past the cap the answer is still kept, with no points.
    """
    survey = Survey.objects.filter(
        pk=survey_id, restaurant_id=member.restaurant_id, is_active=True
    ).first()
    if survey is None or member.is_erased:
        raise NotFoundError(_("This survey is closed. Thank you all the same!"))
    if rating is not None and not (isinstance(rating, int) and 1 <= rating <= 5):
        raise SurveyError(_("Give a rating from 1 to 5 stars."))
    text = (answer or "").strip()[:2000]
    if rating is None and not text:
        raise SurveyError(_("Give a rating or write an answer first."))
    # The member's lock makes the cap's count and the credit one step.
    member = member_lock(member_id=member.pk)
    row = SurveyAnswer(survey=survey, member=member, rating=rating, answer=text)
    row.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as error:
        raise SurveyError(
            _("You already answered this survey. Thank you!"), code="survey_answered"
        ) from error
    program = program_get(restaurant_id=member.restaurant_id)
    if program is None:
        return row, 0
    awarded = PointsEntry.objects.filter(
        member=member,
        source=EntrySource.SURVEY,
        created_at__gte=timezone.now() - SURVEY_CAP_WINDOW,
    ).count()
    if awarded >= program.survey_awards_per_30_days:
        return row, 0
    points = points_grant(
        member_id=member.pk,
        points=program.survey_points,
        source=EntrySource.SURVEY,
        key=f"survey:{row.pk}",
    )
    return row, points
