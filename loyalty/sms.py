"""Text messages: one small interface, and the senders this project ships.

A sender is any class with `send(*, to: str, body: str) -> None` that raises
`SmsError` when the message could not be handed over. The setting
`LOYALTY_SMS_BACKEND` names the class (dotted path); the default,
`ConsoleSmsSender`, writes each message to the log, which is what the demo
and development want. A real provider (Twilio, 46elks, ...) is a class of a
dozen lines calling its HTTP API, named in that setting; nothing else in
Tableside changes. `LocmemSmsSender` keeps messages in `outbox` for tests,
like Django's locmem email backend.
"""

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

DEFAULT_BACKEND = "loyalty.sms.ConsoleSmsSender"


class SmsError(Exception):
    """The message could not be handed to the provider."""


class SmsSender(Protocol):
    def send(self, *, to: str, body: str) -> None: ...


class ConsoleSmsSender:
    """Write the message to the log instead of sending it."""

    def send(self, *, to: str, body: str) -> None:
        logger.info("SMS to %s: %s", to, body)


# Messages "sent" by LocmemSmsSender, as (to, body), oldest first.
outbox: list[tuple[str, str]] = []


class LocmemSmsSender:
    """Keep the message in `loyalty.sms.outbox` (tests)."""

    def send(self, *, to: str, body: str) -> None:
        outbox.append((to, body))


def sms_sender() -> SmsSender:
    """Return an instance of the configured sender."""
    path = getattr(settings, "LOYALTY_SMS_BACKEND", DEFAULT_BACKEND)
    sender: SmsSender = import_string(path)()
    return sender
