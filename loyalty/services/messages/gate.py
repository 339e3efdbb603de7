"""The gate every outgoing message passes: who to reach, whether to send, and when."""

import datetime
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from kitchen.events import publish_on_commit
from kitchen.groups import table_group
from loyalty.models import (
    TRANSACTIONAL_KINDS,
    Channel,
    ConsentPurpose,
    EntrySource,
    LoyaltyProgram,
    Member,
    Message,
    MessageStatus,
    SuppressionReason,
)
from loyalty.selectors import consents_current, open_complaint_exists, program_get
from loyalty.services.delivery import deliver_on_commit
from loyalty.services.points import points_grant
from ordering.models import Guest
from ordering.models.menu import time_in_window

logger = logging.getLogger(__name__)


def _is_quiet(program: LoyaltyProgram, now: datetime.datetime) -> bool:
    local = timezone.localtime(now, program.restaurant.tzinfo).time()
    return time_in_window(local, program.quiet_hours_start, program.quiet_hours_end)


def _quiet_end(program: LoyaltyProgram, now: datetime.datetime) -> datetime.datetime:
    """Return the next moment the quiet hours end, after `now`."""
    tz = program.restaurant.tzinfo
    local = timezone.localtime(now, tz)
    end = datetime.datetime.combine(local.date(), program.quiet_hours_end, tzinfo=tz)
    if end <= local:
        end += datetime.timedelta(days=1)
    return end


def _recipient(member: Member | None, guest: Guest | None) -> tuple[str, str]:
    if member is not None and member.email:
        return Channel.EMAIL, member.email
    if member is not None and member.phone:
        return Channel.SMS, member.phone
    if guest is not None:
        return Channel.PHONE, ""
    return Channel.EMAIL, ""


def _gate(
    *,
    kind: str,
    member: Member | None,
    guest: Guest | None,
    program: LoyaltyProgram | None,
    now: datetime.datetime,
) -> str | None:
    """Return why the message must not go now, or None to send it."""
    if member is not None and member.is_erased:
        return SuppressionReason.ERASED
    is_marketing = kind not in TRANSACTIONAL_KINDS
    if is_marketing and program is None:
        return SuppressionReason.INACTIVE
    channel, destination = _recipient(member, guest)
    if channel != Channel.PHONE and not destination:
        return SuppressionReason.NO_ADDRESS
    if not is_marketing:
        return None
    assert program is not None
    if member is None or not consents_current(member_id=member.pk).get(
        ConsentPurpose.MARKETING
    ):
        return SuppressionReason.NO_CONSENT
    if open_complaint_exists(member_id=member.pk):
        return SuppressionReason.OPEN_COMPLAINT
    since = now - datetime.timedelta(days=program.marketing_interval_days)
    if Message.objects.filter(
        member=member,
        is_marketing=True,
        status=MessageStatus.SENT,
        sent_at__gte=since,
    ).exists():
        return SuppressionReason.FREQUENCY_CAP
    if _is_quiet(program, now):
        return SuppressionReason.QUIET_HOURS
    return None


def _dispatch(message: Message, *, now: datetime.datetime) -> None:
    """Mark a message sent, hand it over after commit, grant what it promised."""
    message.status = MessageStatus.SENT
    message.reason = ""
    message.sent_at = now
    message.save(update_fields=["status", "reason", "sent_at"])
    if message.channel != Channel.PHONE:
        deliver_on_commit(
            channel=message.channel,
            to=message.destination,
            subject=message.subject,
            body=message.body,
            message_id=message.pk,
        )
    if message.guest is not None:
        publish_on_commit(
            groups=[table_group(message.guest.table_session_id)],
            event="message.sent",
            version=1,
            data={
                "guest": message.guest_id,
                "message": message.pk,
                "kind": message.kind,
                "subject": message.subject,
                "body": message.body,
                "url": message.data.get("url", ""),
            },
        )
    points = int(message.data.get("points", 0))
    if points and message.member_id is not None:
        points_grant(
            member_id=message.member_id,
            points=points,
            source=message.data.get("source", EntrySource.WIN_BACK),
            key=f"message:{message.pk}",
            note=message.kind,
        )


@transaction.atomic
def message_send(
    *,
    restaurant_id: int,
    kind: str,
    subject: str,
    body: str,
    key: str,
    member: Member | None = None,
    guest: Guest | None = None,
    data: dict[str, Any] | None = None,
    user=None,
    now: datetime.datetime | None = None,
) -> Message:
    """Pass one message through the gate; return its record.

    Idempotent by `key`: the same key returns the first decision. `data`
    may promise points ({"points": 200, "source": "win_back"}), credited
    only if and when the message is sent.
    """
    existing = Message.objects.filter(key=key).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    program = program_get(restaurant_id=restaurant_id)
    reason = _gate(kind=kind, member=member, guest=guest, program=program, now=now)
    channel, destination = _recipient(member, guest)
    message = Message(
        restaurant_id=restaurant_id,
        member=member,
        guest=guest,
        kind=kind,
        is_marketing=kind not in TRANSACTIONAL_KINDS,
        channel=channel,
        destination=destination,
        status=(
            MessageStatus.DEFERRED
            if reason == SuppressionReason.QUIET_HOURS
            else MessageStatus.SUPPRESSED
        ),
        reason=reason or "",
        subject=subject[:200],
        body=body,
        data=data or {},
        key=key,
        created_at=now,
        send_after=(
            _quiet_end(program, now)
            if reason == SuppressionReason.QUIET_HOURS and program
            else None
        ),
        sent_by=user,
    )
    message.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        return Message.objects.get(key=key)
    if reason is None:
        _dispatch(message, now=now)
    return message
