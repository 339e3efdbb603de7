"""Stripe's webhooks, handled in the one safe order.

1. Verify the signature on the raw body (a bad one is the only 400, with a
   malformed payload).
2. Check the pinned API version; check the event type against an allowlist.
3. Store the event under its unique Stripe id before acting: a replay finds
   the row and does nothing (unless handling it failed before).
4. Dispatch through a {type: handler} table; record the outcome on the row.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ordering.models import Payment, StripeEvent
from ordering.payments import (
    IntentState,
    InvalidWebhook,
    WebhookEvent,
    gateway,
    intent_status,
)
from ordering.services.payments import payment_settle

logger = logging.getLogger(__name__)


class WebhookRejected(Exception):
    """The request is not a genuine, well-formed Stripe event (HTTP 400)."""


def _intent_event(event: WebhookEvent) -> str:
    intent = event.object
    payment = Payment.objects.filter(stripe_payment_intent_id=intent.get("id")).first()
    if payment is None:
        return f"no payment for intent {intent.get('id')}"
    error = intent.get("last_payment_error") or {}
    state = IntentState(
        id=intent["id"],
        status=intent_status(intent.get("status", ""), has_error=bool(error)),
        error=(error.get("message") or "") if isinstance(error, dict) else "",
    )
    if event.type == "payment_intent.payment_failed" and state.status != "succeeded":
        # The event itself says it failed, whatever status the object shows.
        state = IntentState(id=state.id, status="failed", error=state.error)
    before = payment.status
    after = payment_settle(payment_id=payment.pk, state=state).status
    return f"payment {payment.pk}: {before} -> {after}"


HANDLERS: dict[str, Callable[[WebhookEvent], str]] = {
    "payment_intent.succeeded": _intent_event,
    "payment_intent.payment_failed": _intent_event,
    "payment_intent.canceled": _intent_event,
    "payment_intent.requires_action": _intent_event,
    "payment_intent.amount_capturable_updated": _intent_event,
}


def stripe_webhook_receive(*, payload: bytes, signature: str) -> str:
    """Verify, record and act on one webhook; return what was done.

    Raises WebhookRejected for a bad signature or payload. A handler that
    fails is recorded and re-raised, so Stripe retries and the retry gets a
    second chance.
    """
    try:
        event = gateway().parse_webhook(payload=payload, signature=signature)
    except InvalidWebhook as error:
        raise WebhookRejected(str(error)) from error

    allowed_versions = settings.PAYMENTS["WEBHOOK_API_VERSIONS"]
    if event.api_version and event.api_version not in allowed_versions:
        # Object shapes differ between API versions; reading one we were not
        # written for could misread a payment. Stripe is told it arrived.
        logger.error("webhook %s has API version %s", event.id, event.api_version)
        return f"ignored: API version {event.api_version}"
    handler = HANDLERS.get(event.type)
    if handler is None:
        return f"ignored: {event.type}"

    try:
        with transaction.atomic():
            row = StripeEvent.objects.create(
                stripe_event_id=event.id,
                type=event.type,
                api_version=event.api_version,
                payload=event.payload,
            )
    except IntegrityError:
        row = StripeEvent.objects.get(stripe_event_id=event.id)
        if not row.outcome.startswith("error"):
            return f"duplicate of {event.id}"
    try:
        outcome = handler(event)
    except Exception as error:
        # The webhook boundary: record and log anything, then let Stripe retry.
        logger.exception("webhook %s failed", event.id)
        StripeEvent.objects.filter(pk=row.pk).update(
            outcome=f"error: {error}"[:300], handled_at=timezone.now()
        )
        raise
    StripeEvent.objects.filter(pk=row.pk).update(
        outcome=outcome[:300], handled_at=timezone.now()
    )
    return outcome
