"""Signed feedback links and the public URLs messages carry."""

import datetime

from django.conf import settings
from django.core import signing

FEEDBACK_SALT = "loyalty.feedback"
FEEDBACK_LINK_DAYS = 30


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
