"""Guest and manager pages, through the test client: forms that work with no
script, and managers of the restaurant only."""

import re

import pytest
from django.core import mail
from django.test import Client

from loyalty.models import Feedback, FeedbackStatus, Member, Message
from loyalty.services.feedback import feedback_submit
from loyalty.services.messages import feedback_token_make
from ordering.guest_auth import SESSION_KEY
from tests.factories import RestaurantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def phone(join):
    """A browser on a phone that scanned table 7 (English)."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    _guest, token = join()
    session = client.session
    session[SESSION_KEY] = token
    session.save()
    return client


def test_join_in_two_posts_shows_the_card(program, phone, sent):
    # given
    page = phone.get("/loyalty/testi/")
    assert page.status_code == 200
    assert b"Join in two taps" in page.content

    # when: tap one, then tap two with the emailed code
    with sent():
        step_one = phone.post(
            "/loyalty/testi/join/code",
            {"address": "anna@example.com", "first_name": "Anna", "marketing": "1"},
        )
    code = re.search(r"\d{6}", mail.outbox[0].subject).group(0)
    step_two = phone.post(
        "/loyalty/testi/join/verify",
        {
            "address": "anna@example.com",
            "first_name": "Anna",
            "marketing": "1",
            "code": code,
        },
    )
    card = phone.get(step_two["Location"])

    # then
    assert step_one.status_code == 200
    assert b"We sent a six-digit code to anna@example.com" in step_one.content
    assert step_two.status_code == 302
    assert card.status_code == 200
    text = card.content.decode()
    assert "Welcome! You are now a member." in text
    assert '<strong id="balance">0</strong>' in text
    assert "The staff at your table can see you are a member." in text
    member = Member.objects.get()
    assert member.first_name == "Anna"


def test_wrong_code_keeps_the_guest_on_the_code_form(program, phone, sent):
    # given
    with sent():
        phone.post("/loyalty/testi/join/code", {"address": "anna@example.com"})

    # when
    response = phone.post(
        "/loyalty/testi/join/verify",
        {"address": "anna@example.com", "code": "12345x"},
    )

    # then
    assert response.status_code == 400
    assert b"That code is not right, or it has expired." in response.content
    assert b'name="code"' in response.content
    assert Member.objects.count() == 0


def test_feedback_link_records_a_complaint(program, member, member_guest):
    # given
    token = feedback_token_make(
        table_session_id=member_guest.table_session_id, guest_id=member_guest.pk
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")

    # when
    form = client.get(f"/loyalty/feedback/{token}/")
    done = client.post(
        f"/loyalty/feedback/{token}/",
        {"rating": "2", "comment": "The soup was cold", "service_rating": "4"},
    )
    tampered = client.get(f"/loyalty/feedback/{token[:-2]}xx/")

    # then
    assert form.status_code == 200
    assert b"Only the restaurant reads this" in form.content
    assert done.status_code == 200
    assert b"Your feedback went straight to the manager" in done.content
    feedback = Feedback.objects.get()
    assert (feedback.member, feedback.rating, feedback.service_rating) == (member, 2, 4)
    assert feedback.is_complaint is True
    assert tampered.status_code == 404


def test_manager_replies_and_resolves_and_the_guest_hears_back(
    program, member, member_guest, staff, sent
):
    # given: Anna reads English
    member.language = "en"
    member.save(update_fields=["language"])
    feedback = feedback_submit(
        table_session_id=member_guest.table_session_id,
        guest=member_guest,
        member=member,
        rating=1,
        comment="Waited an hour",
    )
    manager = Client(HTTP_ACCEPT_LANGUAGE="en")
    manager.force_login(staff("manager"))

    # when
    inbox = manager.get("/loyalty/manage/feedback/")
    with sent():
        manager.post(
            f"/loyalty/manage/feedback/{feedback.pk}/",
            {"action": "reply", "text": "We are sorry, Anna."},
        )
        resolved = manager.post(
            f"/loyalty/manage/feedback/{feedback.pk}/",
            {"action": "resolve", "text": "A second cook on Fridays."},
        )

    # then
    assert inbox.status_code == 200
    assert b"Waited an hour" in inbox.content
    assert b"Complaint" in inbox.content
    assert resolved.status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.RESOLVED
    assert [m.subject for m in mail.outbox] == [
        "Bistro Testi answered your feedback",
        "You said, we did: Bistro Testi",
    ]
    assert mail.outbox[1].body == (
        "You said: “Waited an hour”\n\nWhat we did: A second cook on Fridays."
        "\n\nThank you for telling us."
    )
    assert list(Message.objects.values_list("is_marketing", flat=True)) == [
        False,
        False,
    ]


@pytest.mark.parametrize("role", ["waiter", "kitchen"])
def test_only_managers_open_the_inbox(role, program, member, member_guest, staff):
    # given
    feedback = feedback_submit(
        table_session_id=member_guest.table_session_id,
        guest=member_guest,
        member=member,
        rating=1,
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff(role))

    # when
    inbox = client.get("/loyalty/manage/feedback/")
    detail = client.post(
        f"/loyalty/manage/feedback/{feedback.pk}/",
        {"action": "resolve", "text": "nothing"},
    )

    # then
    assert inbox.status_code == 403
    assert detail.status_code == 403
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.OPEN


def test_manager_of_another_restaurant_cannot_resolve(
    program, member, member_guest, staff
):
    # given
    feedback = feedback_submit(
        table_session_id=member_guest.table_session_id,
        guest=member_guest,
        member=member,
        rating=1,
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff("manager", at=RestaurantFactory()))

    # when
    response = client.post(
        f"/loyalty/manage/feedback/{feedback.pk}/",
        {"action": "resolve", "text": "nothing"},
    )

    # then
    assert response.status_code == 403
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.OPEN


def test_signed_out_manager_is_sent_to_the_login():
    # when
    response = Client().get("/loyalty/manage/regulars/")

    # then
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
