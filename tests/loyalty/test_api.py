"""The loyalty REST API: joining, the card, consents, identifying, feedback,
the waiters' view, and errors a person can act on."""

import re

import pytest
from django.core import mail
from rest_framework.test import APIClient

from loyalty.models import Consent, Identification, Member, MemberToken
from loyalty.services.members import consent_set
from loyalty.services.points import points_adjust
from ordering.selectors import token_hash
from ordering.services.tables import table_session_join
from ordering.tokens import table_code_make
from tests.factories import RestaurantFactory, TableFactory

pytestmark = pytest.mark.django_db

CODES = "/api/v1/loyalty/restaurants/testi/codes"
JOIN = "/api/v1/loyalty/restaurants/testi/members"


def _code() -> str:
    return re.search(r"\d{6}", mail.outbox[-1].subject).group(0)


def _join(client, address="anna@example.com", sent=None, **extra) -> dict:
    with sent():
        response = client.post(CODES, {"address": address}, format="json")
    assert response.status_code == 202, response.data
    response = client.post(
        JOIN, {"address": address, "code": _code(), **extra}, format="json"
    )
    assert response.status_code in (200, 201), response.data
    return response.data


def test_join_identifies_the_phone_and_returns_the_card(
    program, guest_client, sent, capture_events
):
    # given: a phone at table 7
    phone = guest_client()

    # when
    with capture_events() as events:
        body = _join(
            phone, sent=sent, first_name="Anna", marketing=True, personalisation=False
        )

    # then
    assert body["is_new"] is True
    assert len(body["token"]) >= 40
    card = body["card"]
    assert (card["first_name"], card["balance"], card["consents"]) == (
        "Anna",
        0,
        {"marketing": True, "personalisation": False},
    )
    member = Member.objects.get()
    assert Identification.objects.get().member == member
    identified = [e for _g, e in events if e["event"] == "member.identified"]
    assert identified[0]["data"]["member"] == member.pk
    assert Consent.objects.count() == 2


def test_member_token_reads_and_changes_the_card(program, sent):
    # given
    client = APIClient()
    token = _join(client, sent=sent, first_name="Anna")["token"]
    member = Member.objects.get()
    points_adjust(member_id=member.pk, points=120, note="", user=None, key="k")
    client.credentials(HTTP_X_MEMBER_TOKEN=token)

    # when
    card = client.get("/api/v1/loyalty/me")
    changed = client.patch(
        "/api/v1/loyalty/me",
        {"birthday": "1990-05-17", "diet_notes": "no nuts"},
        format="json",
    )
    consents = client.put(
        "/api/v1/loyalty/me/consents", {"personalisation": True}, format="json"
    )
    points = client.get("/api/v1/loyalty/me/points")

    # then
    assert card.status_code == 200
    assert card.data["balance"] == 120
    assert (changed.data["birthday"], changed.data["diet_notes"]) == (
        "1990-05-17",
        "no nuts",
    )
    assert consents.data["consents"]["personalisation"] is True
    assert [(e["kind"], e["reason"], e["points"]) for e in points.data] == [
        ("adjust", "staff", 120)
    ]


def test_birthday_cannot_be_changed_once_set(program, member):
    # given
    MemberToken.objects.create(member=member, token_hash=token_hash("t" * 43))
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_X_MEMBER_TOKEN="t" * 43)
    client.patch("/api/v1/loyalty/me", {"birthday": "1990-05-17"}, format="json")

    # when
    response = client.patch(
        "/api/v1/loyalty/me", {"birthday": "1990-01-01"}, format="json"
    )

    # then
    assert response.status_code == 409
    assert response.data["code"] == "birthday_locked"
    assert response.data["message"].startswith("Your birthday is already saved")
    member.refresh_from_db()
    assert member.birthday.isoformat() == "1990-05-17"


@pytest.mark.parametrize(
    ("_case", "path", "method", "body", "status", "code", "message"),
    [
        (
            "not signed in",
            "/api/v1/loyalty/me",
            "get",
            None,
            401,
            "member_not_signed_in",
            "Sign in to your loyalty card first",
        ),
        (
            "bad address",
            CODES,
            "post",
            {"address": "call me"},
            400,
            "address_invalid",
            "Enter an email address",
        ),
        (
            "wrong code",
            JOIN,
            "post",
            {"address": "anna@example.com", "code": "000000"},
            400,
            "code_invalid",
            "That code is not right, or it has expired.",
        ),
        (
            "missing field",
            JOIN,
            "post",
            {"address": "anna@example.com"},
            400,
            "invalid",
            "code: This field is required.",
        ),
        (
            "unknown restaurant",
            "/api/v1/loyalty/restaurants/nowhere/codes",
            "post",
            {"address": "anna@example.com"},
            404,
            "not_found",
            "There is no restaurant at this address.",
        ),
    ],
)
def test_errors_say_what_to_do(
    _case, path, method, body, status, code, message, program
):
    # when
    response = getattr(APIClient(HTTP_ACCEPT_LANGUAGE="en"), method)(
        path, body, format="json"
    )

    # then
    assert response.status_code == status
    assert set(response.data) == {"code", "message", "extra"}
    assert response.data["code"] == code
    assert response.data["message"].startswith(message)
    assert Member.objects.count() == 0


def test_too_many_codes_is_429_with_retry_after(program, sent):
    # given
    client = APIClient()
    with sent():
        for _ in range(3):
            client.post(CODES, {"address": "anna@example.com"}, format="json")

    # when
    response = client.post(CODES, {"address": "anna@example.com"}, format="json")

    # then
    assert response.status_code == 429
    assert response.data["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 0
    assert response.data["extra"]["retry_after"] > 0
    assert len(mail.outbox) == 3


def test_guest_feedback_earns_points_once(program, guest_client, sent):
    # given: Anna joined on this phone
    phone = guest_client()
    token = _join(phone, sent=sent, first_name="Anna")["token"]
    phone.credentials(
        HTTP_AUTHORIZATION=phone._credentials["HTTP_AUTHORIZATION"],
        HTTP_X_MEMBER_TOKEN=token,
    )

    # when
    first = phone.post(
        "/api/v1/loyalty/feedback",
        {"rating": 5, "comment": "Lovely soup"},
        format="json",
    )
    second = phone.post("/api/v1/loyalty/feedback", {"rating": 4}, format="json")
    card = phone.get("/api/v1/loyalty/me")

    # then
    assert first.status_code == 201
    assert first.data["is_complaint"] is False
    assert second.status_code == 400
    assert second.data["code"] == "feedback_exists"
    assert card.data["balance"] == 50


def test_waiter_sees_members_at_the_table(
    program, member, member_guest, staff_client, place, menu, pay
):
    # given: Anna, who allows personalisation, has had the soup on two visits
    consent_set(
        member=member,
        purpose="personalisation",
        is_granted=True,
        source="t",
        language="en",
    )
    member.diet_notes = "no nuts"
    member.save()
    place([(menu.soup, 1), (menu.beer, 1)], guest=member_guest)
    earlier_table = TableFactory(restaurant=member.restaurant, label="3")
    earlier, _ = table_session_join(
        code=table_code_make(table_id=earlier_table.pk, version=1)
    )
    Identification.objects.create(guest=earlier, member=member)
    place([(menu.soup, 2)], guest=earlier)

    # when
    waiter = staff_client("waiter")
    response = waiter.get(
        f"/api/v1/loyalty/staff/table-sessions/{member_guest.table_session_id}/members",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    outsider = staff_client("waiter", at=RestaurantFactory())
    refused = outsider.get(
        f"/api/v1/loyalty/staff/table-sessions/{member_guest.table_session_id}/members"
    )

    # then
    assert response.status_code == 200
    assert response.data == [
        {
            "member_id": member.pk,
            "guest_id": member_guest.pk,
            "first_name": "Anna",
            "tier": "",
            "visits": 2,
            "usual_order": ["Salmon soup"],
            "diet_notes": "no nuts",
            "is_birthday_week": False,
        }
    ]
    assert refused.status_code == 403
