"""Short private surveys: a member answers once, earns the programme's survey
points up to its cap, and the answer reaches only the restaurant. Private
feedback's points are capped the same way."""

import re

import pytest
from django.core import mail
from django.test import Client

from loyalty.auth import cookie_name
from loyalty.exceptions import SurveyError
from loyalty.models import EntrySource, MemberToken, PointsEntry, Survey, SurveyAnswer
from loyalty.selectors import points_balance
from loyalty.services.feedback import feedback_submit
from loyalty.services.privacy import member_erase, member_export, privacy_code_send
from loyalty.services.surveys import survey_answer
from ordering.exceptions import NotFoundError
from ordering.selectors import token_hash
from ordering.tokens import table_code_make
from tests.factories import RestaurantFactory, TableFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(program) -> Survey:
    return Survey.objects.create(
        restaurant=program.restaurant,
        question_fi="Mitä lisäisimme talven listalle?",
        question_en="What should we add to the winter menu?",
    )


def _survey(program, n: int) -> Survey:
    return Survey.objects.create(restaurant=program.restaurant, question_fi=f"Q{n}")


def test_an_answer_earns_the_survey_points_once(program, member, survey):
    # when
    answer, earned = survey_answer(
        survey_id=survey.pk, member=member, rating=4, answer="Karelian stew"
    )

    # then
    assert (answer.rating, answer.answer, earned) == (4, "Karelian stew", 30)
    assert points_balance(member_id=member.pk) == 30
    with pytest.raises(SurveyError) as error:
        survey_answer(survey_id=survey.pk, member=member, rating=5)
    assert error.value.code == "survey_answered"
    assert points_balance(member_id=member.pk) == 30


def test_survey_points_are_capped_but_answers_are_kept(program, member):
    # given: the programme rewards two survey answers in 30 days
    surveys = [_survey(program, n) for n in range(3)]

    # when
    earned = [
        survey_answer(survey_id=s.pk, member=member, rating=3)[1] for s in surveys
    ]

    # then
    assert earned == [30, 30, 0]
    assert SurveyAnswer.objects.count() == 3
    assert PointsEntry.objects.filter(source=EntrySource.SURVEY).count() == 2


@pytest.mark.parametrize(
    ("_case", "rating", "answer", "message"),
    [
        ("empty", None, "  ", "Give a rating or write an answer first."),
        ("six stars", 6, "", "Give a rating from 1 to 5 stars."),
    ],
)
def test_bad_answers_are_refused_clearly(
    _case, rating, answer, message, program, member, survey
):
    with pytest.raises(SurveyError) as error:
        survey_answer(survey_id=survey.pk, member=member, rating=rating, answer=answer)
    assert str(error.value.message) == message
    assert SurveyAnswer.objects.count() == 0


def test_closed_or_foreign_surveys_take_no_answers(program, member, survey):
    # given
    elsewhere = Survey.objects.create(
        restaurant=RestaurantFactory(slug="muu"), question_fi="?"
    )
    survey.is_active = False
    survey.save()

    # then
    for closed in (survey, elsewhere):
        with pytest.raises(NotFoundError):
            survey_answer(survey_id=closed.pk, member=member, rating=5)
    assert points_balance(member_id=member.pk) == 0


def test_member_answers_from_the_card(program, member, survey):
    # given: Anna's phone, signed in to her card
    MemberToken.objects.create(member=member, token_hash=token_hash("s" * 43))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies[cookie_name(program.restaurant_id)] = "s" * 43

    # when
    card = client.get("/loyalty/testi/").content.decode()
    form = client.get(f"/loyalty/testi/surveys/{survey.pk}/")
    done = client.post(
        f"/loyalty/testi/surveys/{survey.pk}/", {"rating": "5", "answer": "Stew"}
    )
    after = client.get("/loyalty/testi/").content.decode()
    again = client.get(f"/loyalty/testi/surveys/{survey.pk}/")

    # then
    assert f'href="/loyalty/testi/surveys/{survey.pk}/"' in card
    assert "What should we add to the winter menu?" in card
    assert "it is not a public review" in form.content.decode()
    assert done.status_code == 200
    assert "30 points are on your card" in done.content.decode()
    assert '<strong id="balance">30</strong>' in after
    assert "winter menu" not in after
    assert again.status_code == 404


def test_export_holds_the_answers_and_erase_drops_the_words(
    program, member, survey, sent
):
    # given
    other = _survey(program, 2)
    survey_answer(survey_id=survey.pk, member=member, rating=4, answer="Stew")
    survey_answer(survey_id=other.pk, member=member, rating=None, answer="Soup")

    def code_for(purpose):
        with sent():
            privacy_code_send(member=member, purpose=purpose, client_key="1")
        return re.search(r"\d{6}", mail.outbox[-1].subject).group(0)

    # when
    exported = member_export(member=member, code=code_for("export"))
    member_erase(member=member, code=code_for("erase"))

    # then
    assert sorted(a["answer"] for a in exported["survey_answers"]) == ["Soup", "Stew"]
    assert list(SurveyAnswer.objects.values_list("rating", "answer")) == [(4, "")]


def test_feedback_points_are_capped_in_30_days(program, member, join):
    # given: three visits at three tables (feedback is once per visit)
    tables = [
        TableFactory(restaurant=program.restaurant, label=f"2{n}") for n in range(3)
    ]
    guests = [
        join(table_code_make(table_id=t.pk, version=t.qr_version))[0] for t in tables
    ]

    # when
    for guest in guests:
        feedback_submit(
            table_session_id=guest.table_session_id,
            guest=guest,
            member=member,
            rating=5,
        )

    # then: the programme rewards feedback twice in 30 days
    assert PointsEntry.objects.filter(source=EntrySource.FEEDBACK).count() == 2
    assert points_balance(member_id=member.pk) == 2 * program.feedback_points
