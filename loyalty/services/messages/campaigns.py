"""Marketing sent by staff: win-back offers to regulars and offers to members."""

import datetime
import secrets
from collections import Counter
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from loyalty.exceptions import LoyaltyUnavailableError
from loyalty.models import (
    EntrySource,
    LoyaltyProgram,
    Member,
    MessageKind,
    MessageStatus,
    SuppressionReason,
)
from loyalty.selectors import program_get
from loyalty.services.messages.gate import message_send
from ordering.exceptions import NotFoundError
from ordering.models import StaffRole
from ordering.services.staff import staff_require

# Managers and the waiters who know the regulars may send a win-back offer.
WIN_BACK_ROLES = {StaffRole.OWNER, StaffRole.MANAGER, StaffRole.WAITER}


def _program_or_fail(restaurant_id: int) -> LoyaltyProgram:
    program = program_get(restaurant_id=restaurant_id)
    if program is None:
        raise LoyaltyUnavailableError()
    return program


def win_back_send(*, member_id: int, user, now: datetime.datetime | None = None):
    """Send a regular who stopped coming a "we miss you" with bonus points.

    Marketing: the gate applies in full. The points are credited only if the
    message goes out. One per member per day, however often it is clicked.
    """
    now = now or timezone.now()
    member = (
        Member.objects.select_related("restaurant")
        .filter(pk=member_id, erased_at__isnull=True)
        .first()
    )
    if member is None:
        raise NotFoundError(_("This member was not found."))
    if user is not None:
        # Staff of this member's restaurant only, whichever page sent the id.
        staff_require(
            user=user, restaurant_id=member.restaurant_id, roles=WIN_BACK_ROLES
        )
    program = _program_or_fail(member.restaurant_id)
    restaurant = member.restaurant
    with translation.override(member.language or restaurant.default_language):
        subject = _("We miss you at %(restaurant)s") % {"restaurant": restaurant.name}
        body = _(
            "Hi %(name)s, it has been a while! We have added %(points)d points "
            "to your loyalty card as a welcome back. See you soon at "
            "%(restaurant)s."
        ) % {
            "name": member.first_name,
            "points": program.win_back_points,
            "restaurant": restaurant.name,
        }
    local_day = timezone.localdate(now, restaurant.tzinfo)
    return message_send(
        restaurant_id=restaurant.pk,
        kind=MessageKind.WIN_BACK,
        subject=subject,
        body=body,
        key=f"win_back:{member.pk}:{local_day.isoformat()}",
        member=member,
        data={"points": program.win_back_points, "source": EntrySource.WIN_BACK},
        user=user,
        now=now,
    )


@dataclass(frozen=True)
class CampaignResult:
    sent: int
    deferred: int
    suppressed: dict[str, int]


def offer_send(
    *,
    restaurant_id: int,
    subject: str,
    body: str,
    user,
    campaign_key: str | None = None,
    now: datetime.datetime | None = None,
) -> CampaignResult:
    """Send an offer to every member; the gate decides for each one.

    `campaign_key` (from the form) makes a double submit send once.
    """
    _program_or_fail(restaurant_id)
    campaign = campaign_key or secrets.token_hex(8)
    counts: Counter[str] = Counter()
    for member in Member.objects.filter(
        restaurant_id=restaurant_id, erased_at__isnull=True
    ):
        message = message_send(
            restaurant_id=restaurant_id,
            kind=MessageKind.OFFER,
            subject=subject,
            body=body.replace("{name}", member.first_name),
            key=f"offer:{campaign}:{member.pk}",
            member=member,
            user=user,
            now=now,
        )
        counts[message.reason or message.status] += 1
    sent = counts.pop(MessageStatus.SENT, 0)
    deferred = counts.pop(SuppressionReason.QUIET_HOURS, 0)
    return CampaignResult(sent=sent, deferred=deferred, suppressed=dict(counts))
