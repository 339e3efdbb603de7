"""One-time codes and joining: expiry, single use, rate limits, no enumeration."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from loyalty import sms
from loyalty.exceptions import AddressInvalidError, CodeInvalidError
from loyalty.models import (
    CodePurpose,
    Consent,
    Identification,
    Member,
    MemberToken,
    OneTimeCode,
)
from loyalty.selectors import member_get_by_token
from loyalty.services.codes import address_parse, code_check, code_send
from loyalty.services.members import member_join
from ordering.exceptions import RateLimitedError

pytestmark = pytest.mark.django_db

ANNA = "anna@example.com"


def _code_in(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


def _send(restaurant, address=ANNA, client="10.0.0.1", sent=None):
    with sent():
        code_send(
            restaurant=restaurant,
            address=address_parse(address),
            purpose=CodePurpose.JOIN,
            client_key=client,
            language="en",  # what the tests read
        )


@pytest.mark.parametrize(
    ("_case", "typed", "channel", "value"),
    [
        ("email, any case", "  Anna@Example.COM ", "email", "anna@example.com"),
        ("Finnish mobile", "040 123 4567", "sms", "+358401234567"),
        ("international 00", "0046 70-123 45 67", "sms", "+46701234567"),
        ("with plus", "+358 (40) 1234567", "sms", "+358401234567"),
    ],
)
def test_addresses_are_normalised(_case, typed, channel, value):
    # when
    address = address_parse(typed)

    # then
    assert (address.channel, address.value) == (channel, value)


@pytest.mark.parametrize("typed", ["anna@", "12", "+0123456789", "call me", ""])
def test_nonsense_addresses_get_a_helpful_error(typed):
    with pytest.raises(AddressInvalidError) as error:
        address_parse(typed)
    assert "country code" in str(error.value.message)


def test_code_is_emailed_and_stored_only_as_a_hash(restaurant, program, sent):
    # when
    _send(restaurant, sent=sent)

    # then
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [ANNA]
    code = _code_in(email.subject)
    assert f"is {code}. It works for 10 minutes, once." in email.body
    row = OneTimeCode.objects.get()
    assert code not in row.code_hash
    assert len(row.code_hash) == 64
    assert row.expires_at - row.created_at == datetime.timedelta(minutes=10)


def test_phone_code_goes_by_text_message(restaurant, program, sent):
    # when
    _send(restaurant, address="040 123 4567", sent=sent)

    # then
    assert len(mail.outbox) == 0
    assert len(sms.outbox) == 1
    to, body = sms.outbox[0]
    assert to == "+358401234567"
    assert re.search(r"is \d{6}\. It works for 10 minutes", body)


def test_code_joins_once_and_only_once(restaurant, program, sent, guest):
    # given
    _send(restaurant, sent=sent)
    code = _code_in(mail.outbox[0].subject)

    # when
    joined = member_join(
        restaurant=restaurant,
        address=address_parse(ANNA),
        code=code,
        first_name="Anna",
        consents={"marketing": True, "personalisation": False},
        language="en",
        guest=guest,
    )
    with pytest.raises(CodeInvalidError):
        member_join(restaurant=restaurant, address=address_parse(ANNA), code=code)

    # then
    assert joined.is_new is True
    member = Member.objects.get()
    assert (member.first_name, member.email, member.language) == (
        "Anna",
        ANNA,
        "en",
    )
    assert member_get_by_token(token=joined.token) == member
    assert MemberToken.objects.count() == 1
    assert Identification.objects.get().guest == guest
    assert list(
        Consent.objects.values_list("purpose", "is_granted", "wording_version")
    ) == [("marketing", True, "2026-11-1"), ("personalisation", False, "2026-11-1")]
    assert Consent.objects.get(purpose="marketing").wording.startswith(
        "Send me offers and news"
    )


def test_expired_code_is_refused(restaurant, program, sent):
    # given
    _send(restaurant, sent=sent)
    code = _code_in(mail.outbox[0].subject)
    OneTimeCode.objects.update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )

    # when
    with pytest.raises(CodeInvalidError):
        member_join(restaurant=restaurant, address=address_parse(ANNA), code=code)

    # then
    assert Member.objects.count() == 0
    assert MemberToken.objects.count() == 0


def test_five_wrong_guesses_kill_the_code(restaurant, program, sent):
    # given
    _send(restaurant, sent=sent)
    code = _code_in(mail.outbox[0].subject)
    wrong = f"{(int(code) + 1) % 10**6:06d}"

    # when
    for _ in range(5):
        with pytest.raises(CodeInvalidError):
            code_check(
                restaurant_id=restaurant.pk,
                address=address_parse(ANNA),
                purpose=CodePurpose.JOIN,
                code=wrong,
            )

    # then: even the right code is refused now
    with pytest.raises(CodeInvalidError):
        member_join(restaurant=restaurant, address=address_parse(ANNA), code=code)
    assert OneTimeCode.objects.get().failed_attempts == 5
    assert Member.objects.count() == 0


def test_a_new_code_retires_nothing_but_using_one_retires_all(
    restaurant, program, sent
):
    # given: two codes asked for, the first one used
    _send(restaurant, sent=sent)
    _send(restaurant, sent=sent)
    first, second = (_code_in(m.subject) for m in mail.outbox)

    # when
    member_join(restaurant=restaurant, address=address_parse(ANNA), code=second)

    # then
    assert OneTimeCode.objects.filter(used_at__isnull=True).count() == 0
    with pytest.raises(CodeInvalidError):
        member_join(restaurant=restaurant, address=address_parse(ANNA), code=first)


def test_codes_per_address_are_rate_limited(restaurant, program, sent):
    # given: three codes in a quarter of an hour
    for _ in range(3):
        _send(restaurant, sent=sent)

    # when: a fourth, from another phone
    with pytest.raises(RateLimitedError) as error:
        _send(restaurant, client="10.0.0.2", sent=sent)

    # then
    assert error.value.http_status == 429
    assert "Please wait" in str(error.value.message)
    assert int(error.value.headers["Retry-After"]) > 0
    assert OneTimeCode.objects.count() == 3
    assert len(mail.outbox) == 3


def test_codes_per_client_are_rate_limited(restaurant, program, sent):
    # given: ten different addresses from one phone
    for n in range(10):
        _send(restaurant, address=f"guest{n}@example.com", sent=sent)

    # when
    with pytest.raises(RateLimitedError):
        _send(restaurant, address="guest10@example.com", sent=sent)

    # then
    assert OneTimeCode.objects.count() == 10


def test_guesses_per_address_are_rate_limited(restaurant, program, sent):
    # given: codes keep being asked for, ten wrong guesses spread over them
    for _ in range(10):
        with pytest.raises(CodeInvalidError):
            code_check(
                restaurant_id=restaurant.pk,
                address=address_parse(ANNA),
                purpose=CodePurpose.JOIN,
                code="000000",
            )
    _send(restaurant, sent=sent)
    code = _code_in(mail.outbox[0].subject)

    # when: the eleventh try, even with the right code
    with pytest.raises(RateLimitedError):
        member_join(restaurant=restaurant, address=address_parse(ANNA), code=code)

    # then
    assert Member.objects.count() == 0


def test_asking_for_a_code_reveals_nothing_about_membership(
    restaurant, program, make_member, sent
):
    # given: Anna is a member, Bea is not
    make_member("Anna", email=ANNA)

    # when
    _send(restaurant, address=ANNA, sent=sent)
    _send(restaurant, address="bea@example.com", sent=sent)

    # then: the same message, apart from the code
    anna, bea = mail.outbox
    assert re.sub(r"\d{6}", "#", anna.body) == re.sub(r"\d{6}", "#", bea.body)
    assert re.sub(r"\d{6}", "#", anna.subject) == re.sub(r"\d{6}", "#", bea.subject)


def test_existing_member_signs_in_without_new_consents(
    restaurant, program, make_member, sent
):
    # given
    anna = make_member("Anna", email=ANNA)
    _send(restaurant, sent=sent)

    # when
    signed = member_join(
        restaurant=restaurant,
        address=address_parse(ANNA),
        code=_code_in(mail.outbox[0].subject),
        first_name="Someone else",
        consents={"marketing": True},
    )

    # then
    assert signed.is_new is False
    assert signed.member == anna
    anna.refresh_from_db()
    assert anna.first_name == "Anna"
    assert Consent.objects.count() == 0


def test_referral_code_links_the_new_member(restaurant, program, make_member, sent):
    # given
    anna = make_member("Anna", email=ANNA, referral_code="ANNA2345")
    _send(restaurant, address="ben@example.com", sent=sent)

    # when
    signed = member_join(
        restaurant=restaurant,
        address=address_parse("ben@example.com"),
        code=_code_in(mail.outbox[0].subject),
        first_name="Ben",
        referral_code="anna2345",
    )

    # then
    assert signed.member.referred_by == anna
    assert len(signed.member.referral_code) == 8
