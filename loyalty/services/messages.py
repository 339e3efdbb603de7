"""The one gate every outgoing message passes, and the messages themselves.

`message_send` decides and records. Its rules, in order:

1. A member who deleted their account gets nothing (`erased`).
2. Marketing needs an active programme (`inactive`).
3. Someone to reach: the member's email, else their phone (SMS), else the
   guest's phone at the table (`no_address`).
4. Marketing only: the member's latest marketing consent is yes
   (`no_consent`); no complaint of theirs is open (`open_complaint`); no
   marketing message was sent to them in the programme's interval, 30 days
   by default (`frequency_cap`); and it is not quiet hours in the
   restaurant's time zone, 21:00-09:00 by default (`quiet_hours`: the
   message waits, `deferred`, and `messages_send_due` sends it when they end
   if the gate still agrees then).

Transactional messages, the ones a guest gets because of what they just did
(thank-you for a purchase, the answer to their own feedback), pass rules 1
and 3 only: they need no marketing consent, an open complaint does not
silence the answer to it, they do not count against or towards the
frequency cap, and they go out at once because the guest just acted. They
carry no offers.

Every decision is a `Message` row (sent, deferred, suppressed with its
reason, or failed in delivery), unique by key, so a repeated call
(a replayed payment event, a double-click) sends once.
"""

import datetime
import logging
import secrets
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kitchen.events import publish_on_commit
from kitchen.groups import table_group
from loyalty.exceptions import LoyaltyUnavailableError
from loyalty.models import (
    TRANSACTIONAL_KINDS,
    Channel,
    ConsentPurpose,
    EntrySource,
    LoyaltyProgram,
    Member,
    Message,
    MessageKind,
    MessageStatus,
    SuppressionReason,
)
from loyalty.selectors import (
    consents_current,
    member_for_guest,
    open_complaint_exists,
    points_balance,
    program_get,
)
from loyalty.services.delivery import deliver_on_commit
from loyalty.services.points import points_grant
from ordering.exceptions import NotFoundError
from ordering.models import (
    Guest,
    OrderLine,
    Payment,
    PaymentStatus,
    Restaurant,
    StaffRole,
)
from ordering.models.menu import time_in_window
from ordering.services.staff import staff_require
from ordering.translation import pick

logger = logging.getLogger(__name__)

# Managers and the waiters who know the regulars may send a win-back offer.
WIN_BACK_ROLES = {StaffRole.OWNER, StaffRole.MANAGER, StaffRole.WAITER}

FEEDBACK_SALT = "loyalty.feedback"
FEEDBACK_LINK_DAYS = 30


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


def _public_url(path: str) -> str:
    return settings.TABLESIDE["PUBLIC_URL"].rstrip("/") + path


def feedback_token_make(*, table_session_id: int, guest_id: int | None) -> str:
    return signing.dumps(
        {"s": table_session_id, "g": guest_id}, salt=FEEDBACK_SALT, compress=True
    )


def feedback_token_read(token: str) -> tuple[int, int | None] | None:
    """Return (table session id, guest id) from a feedback link, if it is ours
    and not older than FEEDBACK_LINK_DAYS."""
    try:
        data = signing.loads(
            token,
            salt=FEEDBACK_SALT,
            max_age=datetime.timedelta(days=FEEDBACK_LINK_DAYS),
        )
    except signing.BadSignature:
        return None
    return int(data["s"]), (int(data["g"]) if data.get("g") else None)


def _join_names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return _("%(list)s and %(last)s") % {
        "list": ", ".join(names[:-1]),
        "last": names[-1],
    }


def _paid_dishes(
    payment: Payment, lang: str, *, guest_id: int | None = None
) -> list[str]:
    """Return the names of what the payment paid for (of `guest_id`'s items,
    if given), most expensive first."""
    lines = OrderLine.objects.filter(allocations__payment=payment)
    if guest_id is not None:
        lines = lines.filter(
            Q(bill_guest_id=guest_id) | Q(bill_guest__isnull=True, added_by_id=guest_id)
        )
    if not lines.exists() and payment.guest_id is not None:
        lines = OrderLine.objects.filter(
            order__table_session_id=payment.table_session_id,
            order__guest_id=payment.guest_id,
            voided_at__isnull=True,
        )
    names: list[str] = []
    for line in lines.order_by("-line_total_minor", "id"):
        name = pick(line.name, lang)
        if name not in names:
            names.append(name)
    return names[:4]


def thank_you_send_for_payment(*, payment_id: int) -> list[Message]:
    """Thank whoever a succeeded payment was for; return the messages.

    The guest who paid from their phone; for a payment taken at the till
    (no paying phone), every phone at the table whose items it paid, each
    for their own items.
    """
    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None:
        raise NotFoundError()
    if payment.guest_id is not None:
        message = thank_you_send(payment_id=payment_id)
        return [message] if message else []
    owners = sorted(
        {
            owner
            for owner in OrderLine.objects.filter(
                allocations__payment=payment
            ).values_list(Coalesce("bill_guest_id", "added_by_id"), flat=True)
            if owner is not None
        }
    )
    sent = [thank_you_send(payment_id=payment_id, guest_id=g) for g in owners]
    return [message for message in sent if message]


def thank_you_send(*, payment_id: int, guest_id: int | None = None) -> Message | None:
    """Thank the guest who paid (or `guest_id`, a guest at the table whose
    items a payment at the till paid), by name, for what they had, with a
    link to give feedback; return the message record (None if the payment
    has not succeeded).

    Transactional (see the module docstring): it needs no marketing consent
    and goes out at once. A member gets it by email (or SMS); every guest
    also sees it on their phone at the table. Call after the payment
    succeeded; calling again for the same payment does nothing new.
    """
    payment = (
        Payment.objects.select_related("guest", "restaurant", "table_session")
        .filter(pk=payment_id)
        .first()
    )
    if payment is None:
        raise NotFoundError()
    if payment.status != PaymentStatus.SUCCEEDED:
        return None
    key = f"thank_you:payment:{payment.pk}"
    guest = payment.guest
    if guest_id is not None:
        guest = Guest.objects.filter(
            pk=guest_id, table_session_id=payment.table_session_id
        ).first()
        if guest is None:
            raise NotFoundError()
        key = f"{key}:guest:{guest.pk}"
    member = None
    if guest is not None:
        member = member_for_guest(guest_id=guest.pk)
    restaurant = payment.restaurant
    lang = (
        (member.language if member else "")
        or (guest.language if guest else "")
        or restaurant.default_language
    )
    url = _public_url(
        reverse(
            "loyalty-feedback",
            args=[
                feedback_token_make(
                    table_session_id=payment.table_session_id,
                    guest_id=guest.pk if guest else None,
                )
            ],
        )
    )
    with translation.override(lang):
        name = (member.first_name if member else "") or (
            guest.display_name if guest else ""
        )
        dishes = _join_names(_paid_dishes(payment, lang, guest_id=guest_id))
        subject = _("Thank you for visiting %(restaurant)s") % {
            "restaurant": restaurant.name
        }
        greeting = (
            _("Thank you, %(name)s!") % {"name": name} if name else _("Thank you!")
        )
        lines = [greeting]
        if dishes:
            lines.append(_("We hope you enjoyed your %(dishes)s.") % {"dishes": dishes})
        if member is not None:
            balance = points_balance(member_id=member.pk)
            lines.append(
                _("Your loyalty card now has %(points)d points.") % {"points": balance}
            )
        lines.append(
            _("How was it? Tell us in a minute (only the restaurant reads it): %(url)s")
            % {"url": url}
        )
        lines.append(
            _("See you again, %(restaurant)s") % {"restaurant": restaurant.name}
        )
    return message_send(
        restaurant_id=restaurant.pk,
        kind=MessageKind.THANK_YOU,
        subject=subject,
        body="\n\n".join(lines),
        key=key,
        member=member,
        guest=guest,
        data={"url": url},
    )


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


def birthdays_celebrate(*, now: datetime.datetime | None = None) -> int:
    """Give members their birthday gift on their birthday; return how many.

    The gift is points (credited whatever the member's marketing answer);
    the greeting is marketing and passes the gate. A birthday saved less
    than 30 days before earns from the next year on, so typing today's date
    earns nothing. Runs hourly; keys make each year's gift once.
    """
    now = now or timezone.now()
    celebrated = 0
    for program in LoyaltyProgram.objects.filter(is_active=True).select_related(
        "restaurant"
    ):
        restaurant: Restaurant = program.restaurant
        today = timezone.localdate(now, restaurant.tzinfo)
        days = [today]
        if today.month == 2 and today.day == 28:
            try:
                today.replace(day=29)
            except ValueError:  # a common year: 29 February birthdays today
                days.append(datetime.date(2000, 2, 29))
        members = Member.objects.filter(
            restaurant=restaurant,
            erased_at__isnull=True,
            birthday__isnull=False,
            birthday_set_at__lte=now - datetime.timedelta(days=30),
        )
        for member in members:
            assert member.birthday is not None
            if (member.birthday.month, member.birthday.day) not in {
                (day.month, day.day) for day in days
            }:
                continue
            key = f"birthday:{member.pk}:{today.year}"
            granted = points_grant(
                member_id=member.pk,
                points=program.birthday_points,
                source=EntrySource.BIRTHDAY,
                key=key,
            )
            if not granted:
                continue
            celebrated += 1
            with translation.override(member.language or restaurant.default_language):
                subject = _("Happy birthday, %(name)s!") % {"name": member.first_name}
                body = _(
                    "Happy birthday from %(restaurant)s! We have added %(points)d "
                    "points to your loyalty card. Come and celebrate with us."
                ) % {"restaurant": restaurant.name, "points": program.birthday_points}
            message_send(
                restaurant_id=restaurant.pk,
                kind=MessageKind.BIRTHDAY,
                subject=subject,
                body=body,
                key=key,
                member=member,
                now=now,
            )
    return celebrated
