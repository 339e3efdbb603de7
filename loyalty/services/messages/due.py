"""Delivery of deferred messages once quiet hours end."""

import datetime
from collections import Counter

from django.db import transaction
from django.utils import timezone

from loyalty.models import Message, MessageStatus, SuppressionReason
from loyalty.selectors import program_get
from loyalty.services.messages.gate import _dispatch, _gate, _quiet_end


def messages_send_due(*, now: datetime.datetime | None = None) -> Counter[str]:
    """Send deferred messages whose quiet hours are over, if the gate still
    agrees; return how many ended in each status."""
    now = now or timezone.now()
    outcome: Counter[str] = Counter()
    for message_id in Message.objects.filter(
        status=MessageStatus.DEFERRED, send_after__lte=now
    ).values_list("pk", flat=True):
        outcome[_send_deferred(message_id=message_id, now=now)] += 1
    return outcome


@transaction.atomic
def _send_deferred(*, message_id: int, now: datetime.datetime) -> str:
    message = (
        Message.objects.select_for_update(of=("self",))
        .select_related("member", "guest", "restaurant")
        .get(pk=message_id)
    )
    if message.status != MessageStatus.DEFERRED:
        return str(message.status)
    program = program_get(restaurant_id=message.restaurant_id)
    # The message itself is not sent yet, so it does not count for the cap.
    reason = _gate(
        kind=message.kind,
        member=message.member,
        guest=message.guest,
        program=program,
        now=now,
    )
    if reason is None:
        _dispatch(message, now=now)
    elif reason == SuppressionReason.QUIET_HOURS and program is not None:
        message.send_after = _quiet_end(program, now)
        message.save(update_fields=["send_after"])
    else:
        message.status = MessageStatus.SUPPRESSED
        message.reason = reason
        message.save(update_fields=["status", "reason"])
    return str(message.status)
