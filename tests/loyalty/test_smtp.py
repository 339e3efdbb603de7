"""Email leaves through Django's SMTP backend to a real SMTP server on
loopback (aiosmtpd); the tests read what arrived, not what was handed over."""

import re

import pytest

from loyalty.models import CodePurpose, Message, MessageStatus
from loyalty.services.codes import address_parse, code_send
from ordering.payments import IntentState, gateway, gateway_reset
from ordering.services.payments import payment_settle, payment_start
from tests.loyalty.smtp import SmtpServer, body_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        settings.MAILERS = {"default": server.mailer()}
        settings.DEFAULT_FROM_EMAIL = "Tableside <noreply@tableside.test>"
        yield server


@pytest.fixture(autouse=True)
def _fresh_gateway():
    gateway_reset()
    yield
    gateway_reset()


def test_one_time_code_arrives_by_smtp(restaurant, program, smtp, sent):
    # when
    with sent():
        code_send(
            restaurant=restaurant,
            address=address_parse("Anna@Example.com"),
            purpose=CodePurpose.JOIN,
            client_key="10.0.0.1",
            language="en",
        )

    # then
    [email] = smtp.inbox.wait_for(1)
    assert email["X-Envelope-To"] == "anna@example.com"
    assert email["From"] == "Tableside <noreply@tableside.test>"
    code = re.search(r"\b(\d{6})\b", email["Subject"]).group(1)
    assert f"is {code}. It works for 10 minutes, once." in body_of(email)


def test_thank_you_after_payment_arrives_by_smtp(
    program, member, join, identify, place, menu, smtp, capture_events
):
    # given: Anna, identified at the table, had a steak and a beer
    member.language = "en"
    member.save()
    guest = join()[0]
    identify(guest, member)
    place(
        [(menu.steak, 1, [menu.medium.pk, menu.mash.pk]), (menu.beer, 1)], guest=guest
    )
    payment, _intent = payment_start(guest=guest, split="mine", tip_bp=0)

    # when: the bank says yes and the transaction commits
    with capture_events():
        state = gateway().retrieve(intent_id=payment.stripe_payment_intent_id)
        payment_settle(
            payment_id=payment.pk,
            state=IntentState(id=state.id, status="succeeded", card="visa •••• 4242"),
        )

    # then: the server received the thank-you naming her and her dishes
    [email] = smtp.inbox.wait_for(1)
    assert email["X-Envelope-To"] == "anna@example.com"
    body = body_of(email)
    assert body.startswith(
        "Thank you, Anna!\n\nWe hope you enjoyed your Beef tenderloin and Beer."
    )
    assert re.search(r"/loyalty/feedback/[^/\s]+/", body)
    assert Message.objects.get().status == MessageStatus.SENT


def test_a_server_that_is_down_marks_the_message_failed(
    program, member, join, identify, place, menu, settings, capture_events
):
    # given: the SMTP server went away
    with SmtpServer() as gone:
        mailer = gone.mailer()
    settings.MAILERS = {"default": mailer}
    member.language = "en"
    member.save()
    guest = join()[0]
    identify(guest, member)
    place([(menu.beer, 1)], guest=guest)
    payment, _intent = payment_start(guest=guest, split="mine", tip_bp=0)

    # when
    with capture_events():
        state = gateway().retrieve(intent_id=payment.stripe_payment_intent_id)
        payment_settle(
            payment_id=payment.pk,
            state=IntentState(id=state.id, status="succeeded", card="visa •••• 4242"),
        )

    # then: the payment stands; the message says it failed
    payment.refresh_from_db()
    assert payment.status == "succeeded"
    assert Message.objects.get().status == MessageStatus.FAILED
