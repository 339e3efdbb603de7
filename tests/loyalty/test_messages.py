"""The messaging gate, each rule on its own, and the messages that pass it."""

import datetime

import pytest
from django.core import mail

from loyalty.models import (
    ConsentPurpose,
    Feedback,
    FeedbackStatus,
    Message,
    MessageKind,
    PointsEntry,
)
from loyalty.selectors import points_balance
from loyalty.services.feedback import feedback_submit
from loyalty.services.members import consent_set
from loyalty.services.messages import (
    birthdays_celebrate,
    message_send,
    messages_send_due,
    offer_send,
    thank_you_send,
    win_back_send,
)
from loyalty.services.points import points_earn_for_payment
from ordering.models import PaymentStatus

pytestmark = pytest.mark.django_db

# 12:00 in Helsinki (UTC+2 in November): outside quiet hours.
NOON = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)
# 22:30 in Helsinki: quiet hours.
LATE = datetime.datetime(2026, 11, 20, 20, 30, tzinfo=datetime.UTC)


def _opt_in(member):
    consent_set(
        member=member,
        purpose=ConsentPurpose.MARKETING,
        is_granted=True,
        source="test",
        language="en",
    )


def _offer(member, *, key="o1", now=NOON):
    return message_send(
        restaurant_id=member.restaurant_id,
        kind=MessageKind.OFFER,
        subject="Soup week",
        body="Every soup 20 % off this week.",
        key=key,
        member=member,
        now=now,
    )


def test_marketing_with_consent_is_sent_and_recorded(program, member, sent):
    # given
    _opt_in(member)

    # when
    with sent():
        message = _offer(member)

    # then
    assert (message.status, message.reason, message.channel) == ("sent", "", "email")
    assert message.sent_at == NOON
    assert [(m.to, m.subject) for m in mail.outbox] == [([member.email], "Soup week")]


def test_marketing_without_consent_is_suppressed(program, member, sent):
    # when
    with sent():
        message = _offer(member)

    # then
    assert (message.status, message.reason) == ("suppressed", "no_consent")
    assert mail.outbox == []
    assert Message.objects.count() == 1


def test_withdrawn_consent_stops_marketing(program, member, sent):
    # given
    _opt_in(member)
    consent_set(
        member=member,
        purpose=ConsentPurpose.MARKETING,
        is_granted=False,
        source="settings",
        language="en",
    )

    # when
    with sent():
        message = _offer(member)

    # then
    assert message.reason == "no_consent"
    assert mail.outbox == []


def _english(member) -> None:
    member.language = "en"
    member.save(update_fields=["language"])


def test_open_complaint_blocks_marketing_until_resolved(
    program, member, member_guest, staff, sent
):
    # given: Anna (reads English) opted in, then rated her visit 2 stars
    from loyalty.services.feedback import feedback_resolve

    _english(member)
    _opt_in(member)
    complaint = feedback_submit(
        table_session_id=member_guest.table_session_id,
        guest=member_guest,
        member=member,
        rating=2,
        comment="Cold soup",
    )

    # when: a campaign goes out, then the manager resolves, then another
    with sent():
        blocked = _offer(member, key="o1")
        feedback_resolve(
            feedback_id=complaint.pk,
            user=staff("manager"),
            resolution="New soup kettle",
        )
        after = _offer(member, key="o2")

    # then
    assert (blocked.status, blocked.reason) == ("suppressed", "open_complaint")
    assert after.status == "sent"
    assert [m.subject for m in mail.outbox] == [
        "You said, we did: Bistro Testi",
        "Soup week",
    ]


def test_flagged_feedback_with_good_rating_is_a_complaint(
    program, member, member_guest
):
    # when
    feedback = feedback_submit(
        table_session_id=member_guest.table_session_id,
        guest=member_guest,
        member=member,
        rating=4,
        wants_contact=True,
    )

    # then
    assert feedback.is_complaint is True
    assert feedback.status == FeedbackStatus.OPEN


def test_one_marketing_message_per_30_days(program, member, sent):
    # given
    _opt_in(member)
    with sent():
        _offer(member, key="o1")

    # when: 29 days later, then 31 days later
    with sent():
        too_soon = _offer(member, key="o2", now=NOON + datetime.timedelta(days=29))
        later = _offer(member, key="o3", now=NOON + datetime.timedelta(days=31))

    # then
    assert (too_soon.status, too_soon.reason) == ("suppressed", "frequency_cap")
    assert later.status == "sent"
    assert len(mail.outbox) == 2


def test_quiet_hours_defer_marketing_to_the_morning(program, member, sent):
    # given
    _opt_in(member)

    # when: sent at 22:30 local, then the job runs at 07:00 and 09:05 local
    with sent():
        message = _offer(member, now=LATE)
        early = messages_send_due(now=LATE + datetime.timedelta(hours=8, minutes=30))
        assert mail.outbox == []
        morning = messages_send_due(now=LATE + datetime.timedelta(hours=10, minutes=35))

    # then
    assert (message.status, message.reason) == ("deferred", "quiet_hours")
    assert message.send_after == datetime.datetime(
        2026, 11, 21, 7, 0, tzinfo=datetime.UTC
    )
    assert early == {}
    assert morning == {"sent": 1}
    message.refresh_from_db()
    assert (message.status, message.reason) == ("sent", "")
    assert len(mail.outbox) == 1


def test_deferred_message_is_checked_again_when_due(program, member, sent):
    # given: deferred overnight, and Anna withdraws consent before morning
    _opt_in(member)
    message = _offer(member, now=LATE)
    consent_set(
        member=member,
        purpose=ConsentPurpose.MARKETING,
        is_granted=False,
        source="settings",
        language="en",
    )

    # when
    with sent():
        outcome = messages_send_due(now=LATE + datetime.timedelta(hours=11))

    # then
    assert outcome == {"suppressed": 1}
    message.refresh_from_db()
    assert (message.status, message.reason) == ("suppressed", "no_consent")
    assert mail.outbox == []


def test_member_without_address_is_recorded_as_unreachable(program, make_member, sent):
    # given
    nobody = make_member("Nobody", email="")
    _opt_in(nobody)

    # when
    with sent():
        message = _offer(nobody)

    # then
    assert (message.status, message.reason) == ("suppressed", "no_address")


def test_same_key_sends_once(program, member, sent):
    # given
    _opt_in(member)

    # when
    with sent():
        first = _offer(member, key="same")
        second = _offer(member, key="same")

    # then
    assert first.pk == second.pk
    assert len(mail.outbox) == 1


def test_thank_you_names_the_guest_and_dishes_and_ignores_marketing_rules(
    program, member, member_guest, place, menu, pay, sent, capture_events
):
    # given: Anna (English) has an open complaint and no marketing consent
    member.language = "en"
    member.save()
    feedback_submit(
        table_session_id=member_guest.table_session_id,
        guest=member_guest,
        member=member,
        rating=1,
    )
    order = place(
        [(menu.steak, 1, [menu.medium.pk, menu.mash.pk]), (menu.soup, 1)],
        guest=member_guest,
    )
    payment = pay(order)
    points_earn_for_payment(payment_id=payment.pk)

    # when
    with capture_events() as events:
        message = thank_you_send(payment_id=payment.pk)
        again = thank_you_send(payment_id=payment.pk)

    # then
    assert again.pk == message.pk
    assert (message.kind, message.status, message.is_marketing) == (
        "thank_you",
        "sent",
        False,
    )
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.subject == "Thank you for visiting Bistro Testi"
    assert email.body.startswith(
        "Thank you, Anna!\n\nWe hope you enjoyed your Beef tenderloin and Salmon "
        "soup.\n\nYour loyalty card now has 559 points.\n\nHow was it?"
    )
    assert "http://127.0.0.1:8000/loyalty/feedback/" in email.body
    pushed = [e for g, e in events if e["event"] == "message.sent"]
    assert pushed[0]["data"]["guest"] == member_guest.pk
    assert pushed[0]["data"]["kind"] == "thank_you"


def test_thank_you_to_a_guest_who_is_not_a_member_shows_on_the_phone(
    program, join, place, menu, pay, capture_events
):
    # given: a guest whose phone reads English
    guest = join()[0]
    guest.language = "en"
    guest.save()
    payment = pay(place([(menu.soup, 1)], guest=guest))

    # when
    with capture_events() as events:
        message = thank_you_send(payment_id=payment.pk)

    # then
    assert (message.channel, message.status, message.member) == ("phone", "sent", None)
    assert message.body.startswith(
        "Thank you!\n\nWe hope you enjoyed your Salmon soup."
    )
    assert mail.outbox == []
    assert [e["data"]["guest"] for _g, e in events if e["event"] == "message.sent"] == [
        guest.pk
    ]


def test_thank_you_waits_for_a_successful_payment(
    program, member_guest, place, menu, pay
):
    # given
    payment = pay(
        place([(menu.soup, 1)], guest=member_guest), status=PaymentStatus.PENDING
    )

    # when
    message = thank_you_send(payment_id=payment.pk)

    # then
    assert message is None
    assert Message.objects.count() == 0


def test_win_back_credits_points_only_when_sent(program, member, make_member, sent):
    # given: Anna (reads English) opted in, Ben did not
    _english(member)
    _opt_in(member)
    ben = make_member("Ben")

    # when
    with sent():
        to_anna = win_back_send(member_id=member.pk, user=None, now=NOON)
        to_anna_again = win_back_send(member_id=member.pk, user=None, now=NOON)
        to_ben = win_back_send(member_id=ben.pk, user=None, now=NOON)

    # then
    assert to_anna.pk == to_anna_again.pk
    assert to_anna.status == "sent"
    assert to_ben.reason == "no_consent"
    assert points_balance(member_id=member.pk) == 200
    assert points_balance(member_id=ben.pk) == 0
    assert mail.outbox[0].body.startswith("Hi Anna, it has been a while!")


def test_offer_campaign_reports_what_the_gate_did(program, member, make_member, sent):
    # given: Anna and Ben opted in, Ben has an open complaint, Cai did not opt in
    ben = make_member("Ben")
    make_member("Cai")
    _opt_in(member)
    _opt_in(ben)
    Feedback.objects.create(
        restaurant=program.restaurant,
        table_session=_session(program.restaurant),
        member=ben,
        rating=1,
        wants_contact=False,
        is_complaint=True,
    )

    # when
    with sent():
        result = offer_send(
            restaurant_id=program.restaurant_id,
            subject="Soup week",
            body="Hi {name}, every soup 20 % off.",
            user=None,
            campaign_key="c1",
            now=NOON,
        )

    # then
    assert (result.sent, result.deferred) == (1, 0)
    assert result.suppressed == {"open_complaint": 1, "no_consent": 1}
    assert [(m.to, m.body) for m in mail.outbox] == [
        ([member.email], "Hi Anna, every soup 20 % off.")
    ]


def _session(restaurant):
    from ordering.models import TableSession
    from tests.factories import TableFactory

    return TableSession.objects.create(
        restaurant=restaurant, table=TableFactory(restaurant=restaurant)
    )


def test_birthday_gift_once_a_year_and_not_for_a_date_typed_today(
    program, member, make_member, sent
):
    # given: Anna's birthday (saved long ago) is today; Ben typed his today
    member.birthday = datetime.date(1990, 11, 20)
    member.birthday_set_at = NOON - datetime.timedelta(days=100)
    member.language = "en"
    member.save()
    ben = make_member("Ben", birthday=datetime.date(1985, 11, 20), birthday_set_at=NOON)
    _opt_in(member)

    # when: the hourly job runs twice
    with sent():
        first = birthdays_celebrate(now=NOON)
        second = birthdays_celebrate(now=NOON + datetime.timedelta(hours=1))

    # then
    assert (first, second) == (1, 0)
    assert points_balance(member_id=member.pk) == 300
    assert points_balance(member_id=ben.pk) == 0
    assert PointsEntry.objects.get().key == f"birthday:{member.pk}:2026"
    assert [m.subject for m in mail.outbox] == ["Happy birthday, Anna!"]
