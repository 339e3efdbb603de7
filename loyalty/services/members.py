"""Joining, signing in on a phone, identifying at a table, the member's own
details and consents."""

import datetime
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kitchen.events import FLOOR, publish_on_stream
from kitchen.groups import floor_group
from loyalty.consents import WORDINGS
from loyalty.exceptions import (
    BirthdayLockedError,
    LoyaltyUnavailableError,
    MemberErasedError,
)
from loyalty.models import (
    Channel,
    CodePurpose,
    Consent,
    Identification,
    Member,
    MemberToken,
)
from loyalty.selectors import program_get
from loyalty.services.codes import Address, code_check
from loyalty.services.points import points_earn_for_payment
from ordering.exceptions import NotFoundError, TableClosedError
from ordering.models import Guest, Payment, PaymentKind, PaymentStatus, Restaurant
from ordering.selectors import token_hash

REFERRAL_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


@dataclass(frozen=True)
class SignIn:
    member: Member
    token: str
    is_new: bool


def _referral_code() -> str:
    return "".join(secrets.choice(REFERRAL_ALPHABET) for _ in range(8))


def _member_find(*, restaurant_id: int, address: Address) -> Member | None:
    lookup = {"email": address.value} if address.channel == Channel.EMAIL else {}
    if address.channel == Channel.SMS:
        lookup = {"phone": address.value}
    return Member.objects.filter(
        restaurant_id=restaurant_id, erased_at__isnull=True, **lookup
    ).first()


def _member_create(
    *,
    restaurant: Restaurant,
    address: Address,
    first_name: str,
    language: str,
    referral_code: str,
) -> Member:
    referrer = (
        Member.objects.filter(
            restaurant=restaurant,
            referral_code=referral_code.strip().upper(),
            erased_at__isnull=True,
        ).first()
        if referral_code.strip()
        else None
    )
    member = Member(
        restaurant=restaurant,
        first_name=first_name.strip()[:60],
        email=address.value if address.channel == Channel.EMAIL else "",
        phone=address.value if address.channel == Channel.SMS else "",
        language=language[:2],
        referral_code=_referral_code(),
        referred_by=referrer,
    )
    member.full_clean(validate_constraints=False)
    member.save()
    return member


@transaction.atomic
def member_join(
    *,
    restaurant: Restaurant,
    address: Address,
    code: str,
    first_name: str = "",
    consents: dict[str, bool] | None = None,
    language: str = "",
    guest: Guest | None = None,
    referral_code: str = "",
) -> SignIn:
    """Check the code, then sign in the member with this address, creating
    them if they are new; return the phone's new member token.

    Consents are recorded for a new member only (an existing member changes
    theirs in their settings). On a phone at an open table of the same
    restaurant, the member is identified there too: that is where they
    joined.
    """
    if program_get(restaurant_id=restaurant.pk) is None:
        raise LoyaltyUnavailableError()
    code_check(
        restaurant_id=restaurant.pk,
        address=address,
        purpose=CodePurpose.JOIN,
        code=code,
    )
    member = _member_find(restaurant_id=restaurant.pk, address=address)
    is_new = member is None
    if member is None:
        try:
            with transaction.atomic():
                member = _member_create(
                    restaurant=restaurant,
                    address=address,
                    first_name=first_name,
                    language=language,
                    referral_code=referral_code,
                )
        except IntegrityError:
            # The same address joined a moment ago from another phone.
            member = _member_find(restaurant_id=restaurant.pk, address=address)
            is_new = False
            if member is None:
                raise
        for purpose, granted in (consents or {}).items():
            consent_set(
                member=member,
                purpose=purpose,
                is_granted=granted,
                source="join",
                language=language,
            )
    token = secrets.token_urlsafe(32)
    MemberToken.objects.create(member=member, token_hash=token_hash(token))
    if (
        guest is not None
        and guest.table_session.restaurant_id == restaurant.pk
        and guest.table_session.is_open
    ):
        member_identify(member=member, guest=guest)
    return SignIn(member=member, token=token, is_new=is_new)


def member_sign_out(*, token: str) -> None:
    """Forget one phone's member token."""
    MemberToken.objects.filter(token_hash=token_hash(token)).delete()


@transaction.atomic
def member_identify(*, member: Member, guest: Guest) -> Identification:
    """Link a phone at a table to the member, so the waiter sees who is there.

    A phone shows one member at a time: identifying as someone else moves
    the phone to them. Tells the waiters' tablets on the floor stream.

    A phone that paid before its member identified (joined right after
    paying) earns for those payments now; the ledger's keys credit each
    payment once, whoever identified first.
    """
    if member.is_erased:
        raise MemberErasedError()
    session = guest.table_session
    if session.restaurant_id != member.restaurant_id:
        raise NotFoundError(_("This loyalty card belongs to another restaurant."))
    if not session.is_open:
        raise TableClosedError()
    identification, created = Identification.objects.select_for_update().get_or_create(
        guest=guest, defaults={"member": member}
    )
    if not created and identification.member_id == member.pk:
        return identification
    if not created:
        identification.member = member
        identification.identified_at = timezone.now()
        identification.save(update_fields=["member", "identified_at"])
    for payment_id in Payment.objects.filter(
        guest=guest, status=PaymentStatus.SUCCEEDED, kind=PaymentKind.BILL
    ).values_list("pk", flat=True):
        points_earn_for_payment(payment_id=payment_id)
    publish_on_stream(
        restaurant_id=session.restaurant_id,
        stream=FLOOR,
        group=floor_group(session.restaurant_id),
        event="member.identified",
        version=1,
        data={
            "table_session": session.pk,
            "table": session.table_id,
            "guest": guest.pk,
            "member": member.pk,
        },
    )
    return identification


def member_update(
    *,
    member: Member,
    first_name: str | None = None,
    birthday: datetime.date | None = None,
    diet_notes: str | None = None,
    language: str | None = None,
) -> Member:
    """Change the member's own details. A birthday, once saved, stays."""
    fields = []
    if first_name is not None:
        member.first_name = first_name.strip()[:60]
        fields.append("first_name")
    if diet_notes is not None:
        member.diet_notes = diet_notes.strip()[:200]
        fields.append("diet_notes")
    if language is not None:
        member.language = language[:2]
        fields.append("language")
    if birthday is not None and birthday != member.birthday:
        if member.birthday is not None:
            raise BirthdayLockedError()
        if birthday > timezone.localdate() or birthday.year < 1900:
            raise BirthdayLockedError(
                _("That birthday is not possible. Check the date."),
                code="birthday_invalid",
            )
        member.birthday = birthday
        member.birthday_set_at = timezone.now()
        fields += ["birthday", "birthday_set_at"]
    if fields:
        member.full_clean(validate_constraints=False)
        member.save(update_fields=fields)
    return member


def consent_set(
    *, member: Member, purpose: str, is_granted: bool, source: str, language: str
) -> Consent | None:
    """Record the member's answer to one consent question, in the words they
    read; return the new row, or None when the same answer to the same
    wording is already on record.

    The same answer to a reworded question is recorded again: a yes stays
    provable only for the words the member actually read.
    """
    wording = WORDINGS[purpose]
    latest = (
        Consent.objects.filter(member=member, purpose=purpose)
        .order_by("-recorded_at", "-id")
        .first()
    )
    if (
        latest is not None
        and latest.is_granted == is_granted
        and latest.wording_version == wording.version
    ):
        return None
    lang = (language or member.language or "fi")[:2]
    with translation.override(lang):
        text = str(wording.text)
    consent = Consent(
        member=member,
        purpose=purpose,
        is_granted=is_granted,
        wording_version=wording.version,
        wording=text,
        language=lang,
        source=source,
    )
    consent.full_clean()
    consent.save()
    return consent
