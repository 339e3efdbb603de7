"""Sending a receipt by email when a guest asks for one."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from ordering import ratelimit
from ordering.exceptions import DomainError, RateLimitedError
from ordering.models import Receipt

# A guest sends a receipt to themselves, perhaps to a colleague too; more
# than this from one table in an hour looks like someone using us to spam.
SENDS_PER_HOUR = 10


def receipt_email(*, receipt: Receipt, to: str, lines: list[dict]) -> None:
    """Send ``receipt`` to the address ``to`` as plain text.

    ``lines`` are the receipt's lines named in the reader's language.
    Raises DomainError for an address that cannot be an email address, and
    RateLimitedError when the table has sent too many.
    """
    address = (to or "").strip()
    try:
        validate_email(address)
    except ValidationError:
        raise DomainError(
            _("That does not look like an email address: check it and try again."),
            code="invalid_email",
        ) from None
    payment = receipt.payment
    allowed, retry_after = ratelimit.hit(
        f"receipt-mail:{payment.table_session_id}",
        limit=SENDS_PER_HOUR,
        window_seconds=3600,
    )
    if not allowed:
        raise RateLimitedError(
            _("Too many receipts sent from this table. Try again later."),
            headers={"Retry-After": str(retry_after)},
        )
    data = {**receipt.data, "lines": lines}
    subject = _("Receipt %(number)s from %(restaurant)s") % {
        "number": data["number"],
        "restaurant": data["restaurant"],
    }
    body = render_to_string("emails/receipt.txt", {"receipt": data})
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address]).send(
        fail_silently=False
    )
