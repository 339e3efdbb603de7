"""Handing messages to email and SMS, after the transaction that decided to
send them has committed.

Email goes through Django's email backend (console in the demo, SMTP in
production, locmem in tests); text messages through `loyalty.sms`. A
failure is logged and, for a recorded message, marked on its row: the
guest's action (paying, joining) has already happened and must not fail
because a mail server is down.
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction

from loyalty.models import Channel, Message, MessageStatus
from loyalty.sms import SmsError, sms_sender

logger = logging.getLogger(__name__)


def deliver(*, channel: str, to: str, subject: str, body: str) -> bool:
    """Send one message now; return whether it was handed over."""
    try:
        if channel == Channel.EMAIL:
            EmailMessage(
                subject=subject,
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[to],
            ).send()
        elif channel == Channel.SMS:
            sms_sender().send(to=to, body=body)
        else:
            return True  # shown on the phone's screen; nothing to hand over
    except (smtplib.SMTPException, OSError, SmsError):
        logger.exception("sending a %s message failed", channel)
        return False
    return True


def deliver_on_commit(
    *,
    channel: str,
    to: str,
    subject: str,
    body: str,
    message_id: int | None = None,
) -> None:
    def send() -> None:
        delivered = deliver(channel=channel, to=to, subject=subject, body=body)
        if not delivered and message_id is not None:
            Message.objects.filter(pk=message_id).update(status=MessageStatus.FAILED)

    transaction.on_commit(send)
