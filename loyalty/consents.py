"""The consent questions, word for word, with their versions.

Changing a question's words means giving it a new version: answers record
the version and the text the member read, so each one stays provable.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from loyalty.models import ConsentPurpose


@dataclass(frozen=True)
class Wording:
    version: str
    text: Any  # lazy translation: rendered in the member's language


WORDINGS: dict[str, Wording] = {
    ConsentPurpose.MARKETING: Wording(
        version="2026-11-1",
        text=_(
            "Send me offers and news from this restaurant by email or text "
            "message, at most about once a month. I can stop them any time."
        ),
    ),
    ConsentPurpose.PERSONALISATION: Wording(
        version="2026-11-1",
        text=_(
            "Use what I have ordered to suggest dishes and to tell the staff "
            "my usual order."
        ),
    ),
}
