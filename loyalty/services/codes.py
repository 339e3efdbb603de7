"""One-time codes: how a guest proves an email address or phone number is theirs.

- Short-lived: a code works for ten minutes.
- Single use: checking a code marks it used, under a row lock, and retires
  every other code sent to the same address for the same purpose.
- Hashed at rest: only an HMAC of the code (keyed with SECRET_KEY, bound to
  the restaurant, address and purpose) is stored.
- Rate-limited in the shared cache: codes sent per address and per client
  (IP address), and guesses per address; five wrong guesses kill a code.
- Not enumerable: asking for a code gets the same answer, and sends the same
  kind of message, whether or not the address belongs to a member.
"""

import datetime
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from loyalty.exceptions import AddressInvalidError, CodeInvalidError
from loyalty.models import Channel, CodePurpose, OneTimeCode
from loyalty.services.delivery import deliver_on_commit
from ordering.exceptions import RateLimitedError
from ordering.models import Restaurant
from ordering.ratelimit import hit

CODE_LIFETIME = datetime.timedelta(minutes=10)
MAX_WRONG_GUESSES = 5
# (limit, window seconds)
SENDS_PER_ADDRESS = (3, 15 * 60)
SENDS_PER_CLIENT = (10, 60 * 60)
GUESSES_PER_ADDRESS = (10, 15 * 60)

_PHONE_NOISE = re.compile(r"[\s().\-/]")


@dataclass(frozen=True)
class Address:
    channel: str  # Channel.EMAIL or Channel.SMS
    value: str  # normalised: lower-case email, or +<country><number>


def address_parse(raw: str) -> Address:
    """Read what a guest typed as an email address or a phone number.

    Phone numbers without a country code ("040 123 4567") are read in the
    country of `LOYALTY_DEFAULT_COUNTRY_CODE` (358, Finland, by default).
    """
    text = (raw or "").strip()
    if "@" in text:
        email = text.lower()
        try:
            validate_email(email)
        except ValidationError as error:
            raise AddressInvalidError() from error
        return Address(Channel.EMAIL, email)
    digits = _PHONE_NOISE.sub("", text)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        country = getattr(settings, "LOYALTY_DEFAULT_COUNTRY_CODE", "358")
        digits = f"+{country}{digits[1:]}"
    if not re.fullmatch(r"\+[1-9]\d{6,14}", digits):
        raise AddressInvalidError()
    return Address(Channel.SMS, digits)


def _hash(*, restaurant_id: int, address: str, purpose: str, code: str) -> str:
    return salted_hmac(
        "loyalty.one_time_code",
        f"{restaurant_id}:{address}:{purpose}:{code}",
        algorithm="sha256",
    ).hexdigest()


def _limit(key: str, rule: tuple[int, int]) -> None:
    allowed, retry_after = hit(key, limit=rule[0], window_seconds=rule[1])
    if not allowed:
        minutes = max(1, round(retry_after / 60))
        raise RateLimitedError(
            _(
                "Too many codes asked for in a short time. Please wait "
                "%(minutes)d minutes and try again."
            )
            % {"minutes": minutes},
            extra={"retry_after": retry_after},
            headers={"Retry-After": str(retry_after)},
        )


def _message(*, restaurant: Restaurant, purpose: str, code: str) -> tuple[str, str]:
    minutes = int(CODE_LIFETIME.total_seconds() // 60)
    if purpose == CodePurpose.JOIN:
        what = _("to join %(restaurant)s's loyalty programme or sign in") % {
            "restaurant": restaurant.name
        }
    elif purpose == CodePurpose.EXPORT:
        what = _("to download your data")
    else:
        what = _("to delete your loyalty account")
    subject = _("Your code: %(code)s") % {"code": code}
    body = _(
        "Your code %(what)s is %(code)s. It works for %(minutes)d minutes, once. "
        "If you did not ask for it, ignore this message."
    ) % {"what": what, "code": code, "minutes": minutes}
    return subject, body


@transaction.atomic
def code_send(
    *,
    restaurant: Restaurant,
    address: Address,
    purpose: str,
    client_key: str,
    language: str = "",
) -> None:
    """Send a fresh code to an address, within the rate limits.

    The answer never depends on whether the address belongs to a member.
    The message goes out after commit.
    """
    _limit(f"loyalty-code-to:{restaurant.pk}:{address.value}", SENDS_PER_ADDRESS)
    _limit(f"loyalty-code-from:{client_key}", SENDS_PER_CLIENT)
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    row = OneTimeCode(
        restaurant=restaurant,
        purpose=purpose,
        channel=address.channel,
        destination=address.value,
        code_hash=_hash(
            restaurant_id=restaurant.pk,
            address=address.value,
            purpose=purpose,
            code=code,
        ),
        created_at=now,
        expires_at=now + CODE_LIFETIME,
    )
    row.full_clean()
    row.save()
    with translation.override(language or restaurant.default_language):
        subject, body = _message(restaurant=restaurant, purpose=purpose, code=code)
    deliver_on_commit(
        channel=address.channel, to=address.value, subject=subject, body=body
    )


def code_check(
    *, restaurant_id: int, address: Address, purpose: str, code: str
) -> None:
    """Use up the code sent to an address; raise `CodeInvalidError` if wrong.

    A wrong guess counts against the code (and the address's guesses)
    whether or not a code is outstanding, so guessing reveals nothing.
    """
    _limit(f"loyalty-code-guess:{restaurant_id}:{address.value}", GUESSES_PER_ADDRESS)
    if not _code_use(
        restaurant_id=restaurant_id,
        address=address.value,
        purpose=purpose,
        code=(code or "").strip(),
    ):
        raise CodeInvalidError()


@transaction.atomic
def _code_use(*, restaurant_id: int, address: str, purpose: str, code: str) -> bool:
    now = timezone.now()
    row = (
        OneTimeCode.objects.select_for_update()
        .filter(
            restaurant_id=restaurant_id,
            destination=address,
            purpose=purpose,
            used_at__isnull=True,
            expires_at__gt=now,
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if row is None or row.failed_attempts >= MAX_WRONG_GUESSES:
        return False
    expected = _hash(
        restaurant_id=restaurant_id, address=address, purpose=purpose, code=code
    )
    if not constant_time_compare(expected, row.code_hash):
        OneTimeCode.objects.filter(pk=row.pk).update(
            failed_attempts=F("failed_attempts") + 1
        )
        return False
    OneTimeCode.objects.filter(
        restaurant_id=restaurant_id,
        destination=address,
        purpose=purpose,
        used_at__isnull=True,
    ).update(used_at=now)
    return True
