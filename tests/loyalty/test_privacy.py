"""A member downloads all their data, or deletes their account, after a code."""

import datetime
import json
import re

import pytest
from django.core import mail
from django.test import Client

from loyalty.exceptions import CodeInvalidError, MemberErasedError
from loyalty.models import (
    CodePurpose,
    Consent,
    Feedback,
    Identification,
    Member,
    MemberToken,
    Message,
    PointsEntry,
)
from loyalty.selectors import member_get_by_token, points_balance
from loyalty.services.feedback import feedback_submit
from loyalty.services.members import consent_set
from loyalty.services.points import points_earn_for_payment
from loyalty.services.privacy import member_erase, member_export, privacy_code_send
from ordering.models import Order, Payment
from ordering.selectors import token_hash

pytestmark = pytest.mark.django_db

PRIVACY = "/loyalty/testi/privacy/"


def _code(sent, member, purpose) -> str:
    with sent():
        privacy_code_send(member=member, purpose=purpose, client_key="1.2.3.4")
    return re.search(r"\d{6}", mail.outbox[-1].subject).group(0)


@pytest.fixture
def history(program, member, member_guest, place, menu, pay):
    """Anna's visit: a paid steak, points, a consent and a complaint."""
    member.birthday = datetime.date(1990, 5, 17)
    member.save()
    order = place([(menu.steak, 1, [menu.medium.pk, menu.mash.pk])], guest=member_guest)
    payment = pay(order)
    points_earn_for_payment(payment_id=payment.pk)
    consent_set(
        member=member, purpose="marketing", is_granted=True, source="t", language="en"
    )
    feedback_submit(
        table_session_id=member_guest.table_session_id,
        guest=member_guest,
        member=member,
        rating=2,
        comment="Too salty",
    )
    return order, payment


def test_export_holds_everything_after_the_code(member, history, sent):
    # given
    code = _code(sent, member, CodePurpose.EXPORT)

    # when
    data = member_export(member=member, code=code)

    # then
    assert data["member"] == {
        "first_name": "Anna",
        "email": "anna@example.com",
        "phone": "",
        "language": "",
        "birthday": "1990-05-17",
        "diet_notes": "",
        "joined_at": member.joined_at.isoformat(),
        "referral_code": "",
    }
    assert data["points_balance"] == 390
    assert [(p["kind"], p["points"]) for p in data["points"]] == [
        ("earn", 340),
        ("earn", 50),
    ]
    assert [c["purpose"] for c in data["consents"]] == ["marketing"]
    assert data["visits"][0]["spend_minor"] == 3400
    assert data["visits"][0]["lines"] == [
        {"name": "Beef tenderloin", "quantity": 1, "total_minor": 3400}
    ]
    assert data["feedback"][0]["comment"] == "Too salty"
    assert json.loads(json.dumps(data)) == data


def test_export_refuses_a_wrong_code(member, history, sent):
    # given
    _code(sent, member, CodePurpose.EXPORT)

    # when / then
    with pytest.raises(CodeInvalidError):
        member_export(member=member, code="000000")


def test_erase_removes_personal_data_and_keeps_orders_anonymised(
    member, member_guest, history, sent
):
    # given
    order, payment = history
    MemberToken.objects.create(member=member, token_hash=token_hash("x" * 43))
    code = _code(sent, member, CodePurpose.ERASE)

    # when
    member_erase(member=member, code=code)

    # then
    member.refresh_from_db()
    assert (member.first_name, member.email, member.phone, member.birthday) == (
        "",
        "",
        "",
        None,
    )
    assert member.is_erased is True
    assert member_get_by_token(token="x" * 43) is None
    assert Identification.objects.count() == 0
    assert Consent.objects.count() == 0
    assert Message.objects.filter(member=member).count() == 0
    member_guest.refresh_from_db()
    assert member_guest.display_name == ""
    assert Order.objects.filter(pk=order.pk).exists()
    assert Payment.objects.filter(pk=payment.pk).exists()
    feedback = Feedback.objects.get()
    assert (feedback.member, feedback.comment, feedback.rating) == (None, "", 2)
    assert PointsEntry.objects.filter(member=member).count() == 2
    assert points_balance(member_id=member.pk) == 390
    with pytest.raises(MemberErasedError):
        member_export(member=member, code=code)


def test_erased_address_can_join_again_as_new(program, member, sent):
    # given
    member_erase(member=member, code=_code(sent, member, CodePurpose.ERASE))

    # when
    again = Member.objects.create(
        restaurant=member.restaurant, first_name="Anna", email="anna@example.com"
    )

    # then
    assert again.pk != member.pk


def test_privacy_page_downloads_json_and_deletes(program, member, sent):
    # given: Anna signed in on her phone
    MemberToken.objects.create(member=member, token_hash=token_hash("y" * 43))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies[f"tableside_member_{member.restaurant_id}"] = "y" * 43

    # when
    with sent():
        asked = client.post(PRIVACY, {"action": "send_export"})
    code = re.search(r"\d{6}", mail.outbox[-1].subject).group(0)
    download = client.post(
        "/loyalty/testi/privacy/", {"action": "export", "code": code}
    )
    with sent():
        client.post(PRIVACY, {"action": "send_erase"})
    code = re.search(r"\d{6}", mail.outbox[-1].subject).group(0)
    wrong = client.post(
        "/loyalty/testi/privacy/", {"action": "erase", "code": "999999"}
    )
    erased = client.post(PRIVACY, {"action": "erase", "code": code})

    # then
    assert b"We sent a code to anna@example.com." in asked.content
    assert download["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(download.content)["member"]["email"] == "anna@example.com"
    assert wrong.status_code == 400
    assert b"That code is not right" in wrong.content
    assert erased.status_code == 200
    assert b"Your account is deleted" in erased.content
    member.refresh_from_db()
    assert member.is_erased is True
    assert erased.cookies[f"tableside_member_{member.restaurant_id}"].value == ""
