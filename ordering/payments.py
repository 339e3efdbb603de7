"""The payment gateway: the one place that talks to Stripe.

`StripeGateway` uses Stripe's official SDK, against real Stripe (test or
live keys) or against the `localstripe` server on loopback (the demo and the
test suite). `FakeGateway` serves fast unit tests; the contract tests in
tests/ordering/test_gateway.py run the same checks against both.

Amounts are integer minor units, as Stripe takes them.
"""

import json
import secrets
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from ordering.models import PaymentStatus


class GatewayError(Exception):
    """Stripe refused or could not be reached; `message` can be shown."""

    def __init__(self, message: str, *, code: str = "gateway_error"):
        super().__init__(message)
        self.message = message
        self.code = code


class InvalidWebhook(Exception):
    """The webhook's signature or payload is not valid."""


@dataclass(frozen=True)
class IntentState:
    id: str
    status: str  # one of PaymentStatus
    client_secret: str = ""
    error: str = ""
    card: str = ""  # "visa •••• 4242" when known


@dataclass(frozen=True)
class RefundState:
    id: str
    status: str  # "succeeded", "pending" or "failed"


@dataclass(frozen=True)
class WebhookEvent:
    id: str
    type: str
    api_version: str
    object: dict[str, Any] = field(default_factory=dict)
    payload: dict[str, Any] = field(default_factory=dict)


class PaymentGateway(Protocol):
    def create_intent(
        self,
        *,
        amount_minor: int,
        currency: str,
        idempotency_key: str,
        metadata: dict[str, str],
        capture_manual: bool = False,
        payment_method: str | None = None,
    ) -> IntentState: ...

    def retrieve(self, *, intent_id: str) -> IntentState: ...

    def capture(
        self, *, intent_id: str, amount_minor: int, idempotency_key: str
    ) -> IntentState: ...

    def cancel(self, *, intent_id: str) -> IntentState: ...

    def refund(
        self, *, intent_id: str, amount_minor: int, idempotency_key: str
    ) -> RefundState: ...

    def parse_webhook(self, *, payload: bytes, signature: str) -> WebhookEvent: ...


_STATUS = {
    "requires_payment_method": PaymentStatus.PENDING,
    "requires_confirmation": PaymentStatus.PENDING,
    "processing": PaymentStatus.PENDING,
    "requires_action": PaymentStatus.REQUIRES_ACTION,
    "requires_capture": PaymentStatus.AUTHORIZED,
    "succeeded": PaymentStatus.SUCCEEDED,
    "canceled": PaymentStatus.CANCELLED,
}


def intent_status(stripe_status: str, *, has_error: bool) -> str:
    """Map a PaymentIntent status to ours; a declined card leaves Stripe's
    intent waiting for another card, which for us is a failed payment."""
    if stripe_status == "requires_payment_method" and has_error:
        return PaymentStatus.FAILED
    return _STATUS.get(stripe_status, PaymentStatus.PENDING)


class StripeGateway:
    """Stripe through its official SDK. The only module that imports it."""

    def __init__(
        self,
        *,
        secret_key: str,
        webhook_secret: str,
        api_base: str = "",
        api_version: str = "",
        card_element: bool = False,
    ):
        import stripe

        self._stripe = stripe
        self._webhook_secret = webhook_secret
        # Browsers with only the card Element (localstripe) pay by card; with
        # the Payment Element Stripe offers whatever methods the account has.
        self._card_element = card_element
        options: dict[str, Any] = {"max_network_retries": 2}
        if api_base:
            options["base_addresses"] = {"api": api_base}
        if api_version:
            options["stripe_version"] = api_version
        self._client = stripe.StripeClient(secret_key, **options)

    def _state(self, intent) -> IntentState:
        # SDK objects are not dicts: a missing key is a missing attribute.
        error = getattr(intent, "last_payment_error", None)
        message = (getattr(error, "message", None) or "") if error else ""
        return IntentState(
            id=intent.id,
            status=intent_status(intent["status"], has_error=bool(error)),
            client_secret=intent["client_secret"] or "",
            error=message,
        )

    def _call(self, function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except self._stripe.CardError as error:
            raise GatewayError(
                error.user_message or str(error), code="card_declined"
            ) from error
        except self._stripe.StripeError as error:
            raise GatewayError(
                error.user_message or "The payment service refused the request."
            ) from error

    def create_intent(
        self,
        *,
        amount_minor: int,
        currency: str,
        idempotency_key: str,
        metadata: dict[str, str],
        capture_manual: bool = False,
        payment_method: str | None = None,
    ) -> IntentState:
        params: dict[str, Any] = {
            "amount": amount_minor,
            "currency": currency.lower(),
            "metadata": metadata,
            "capture_method": "manual" if capture_manual else "automatic",
        }
        if payment_method:
            # The card-element path: the card is already tokenised, so the
            # intent is confirmed at once (3-D Secure may still follow).
            params.update(
                payment_method=payment_method,
                payment_method_types=["card"],
                confirm=True,
            )
        elif self._card_element:
            params["payment_method_types"] = ["card"]
        else:
            params["automatic_payment_methods"] = {"enabled": True}
        intent = self._call(
            self._client.v1.payment_intents.create,
            params=params,
            options={"idempotency_key": idempotency_key},
        )
        return self._state(intent)

    def retrieve(self, *, intent_id: str) -> IntentState:
        return self._state(
            self._call(self._client.v1.payment_intents.retrieve, intent_id)
        )

    def capture(
        self, *, intent_id: str, amount_minor: int, idempotency_key: str
    ) -> IntentState:
        intent = self._call(
            self._client.v1.payment_intents.capture,
            intent_id,
            params={"amount_to_capture": amount_minor},
            options={"idempotency_key": idempotency_key},
        )
        return self._state(intent)

    def cancel(self, *, intent_id: str) -> IntentState:
        return self._state(
            self._call(self._client.v1.payment_intents.cancel, intent_id)
        )

    def refund(
        self, *, intent_id: str, amount_minor: int, idempotency_key: str
    ) -> RefundState:
        refund = self._call(
            self._client.v1.refunds.create,
            params={"payment_intent": intent_id, "amount": amount_minor},
            options={"idempotency_key": idempotency_key},
        )
        return RefundState(id=refund.id, status=refund["status"])

    def parse_webhook(self, *, payload: bytes, signature: str) -> WebhookEvent:
        try:
            # Five minutes, as Stripe advises: an older signature is a replay.
            self._stripe.WebhookSignature.verify_header(
                payload.decode("utf-8"), signature, self._webhook_secret, tolerance=300
            )
            body = json.loads(payload)
        except (self._stripe.SignatureVerificationError, ValueError) as error:
            raise InvalidWebhook(str(error)) from error
        try:
            return WebhookEvent(
                id=body["id"],
                type=body["type"],
                api_version=body.get("api_version") or "",
                object=body["data"]["object"],
                payload=body,
            )
        except (KeyError, TypeError) as error:
            raise InvalidWebhook(f"unexpected event shape: {error}") from error


class FakeGateway:
    """An in-memory Stripe for fast tests, following the same contract.

    Card "numbers" steer it like Stripe's test cards: a payment method ending
    in 0341 is declined, one ending in 3184 needs 3-D Secure.
    """

    def __init__(self):
        self.intents: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.keys: dict[str, str] = {}
        self.webhook_secret = "whsec_fake"

    def _state(self, intent: dict[str, Any]) -> IntentState:
        return IntentState(
            id=intent["id"],
            status=intent["status"],
            client_secret=intent["client_secret"],
            error=intent.get("error", ""),
        )

    def create_intent(
        self,
        *,
        amount_minor: int,
        currency: str,
        idempotency_key: str,
        metadata: dict[str, str],
        capture_manual: bool = False,
        payment_method: str | None = None,
    ) -> IntentState:
        if idempotency_key in self.keys:
            return self._state(self.intents[self.keys[idempotency_key]])
        if amount_minor <= 0:
            raise GatewayError("Amount must be positive.")
        intent_id = f"pi_fake_{secrets.token_hex(8)}"
        intent: dict[str, Any] = {
            "id": intent_id,
            "amount": amount_minor,
            "currency": currency,
            "metadata": metadata,
            "capture_manual": capture_manual,
            "client_secret": f"{intent_id}_secret_{secrets.token_hex(8)}",
            "status": PaymentStatus.PENDING,
            "captured": 0,
        }
        if payment_method:
            intent["status"] = self._confirm(intent, payment_method)
        self.intents[intent_id] = intent
        self.keys[idempotency_key] = intent_id
        if intent["status"] == PaymentStatus.FAILED:
            # As Stripe answers a declined card: an error, not an intent.
            raise GatewayError(intent["error"], code="card_declined")
        return self._state(intent)

    def _confirm(self, intent: dict[str, Any], payment_method: str) -> str:
        if payment_method.endswith("0341"):
            intent["error"] = "Your card was declined."
            return PaymentStatus.FAILED
        if payment_method.endswith("3184"):
            return PaymentStatus.REQUIRES_ACTION
        return (
            PaymentStatus.AUTHORIZED
            if intent["capture_manual"]
            else PaymentStatus.SUCCEEDED
        )

    def authenticate(self, *, intent_id: str, success: bool = True) -> IntentState:
        """Finish (or fail) 3-D Secure, as the guest's bank page would."""
        intent = self.intents[intent_id]
        if success:
            intent["status"] = (
                PaymentStatus.AUTHORIZED
                if intent["capture_manual"]
                else PaymentStatus.SUCCEEDED
            )
        else:
            intent["status"] = PaymentStatus.FAILED
            intent["error"] = "Authentication failed."
        return self._state(intent)

    def retrieve(self, *, intent_id: str) -> IntentState:
        if intent_id not in self.intents:
            raise GatewayError("No such payment.")
        return self._state(self.intents[intent_id])

    def capture(
        self, *, intent_id: str, amount_minor: int, idempotency_key: str
    ) -> IntentState:
        intent = self.intents[intent_id]
        if intent["status"] != PaymentStatus.AUTHORIZED:
            raise GatewayError("This payment cannot be captured.")
        if amount_minor > intent["amount"]:
            raise GatewayError("Cannot capture more than was authorized.")
        intent["captured"] = amount_minor
        intent["status"] = PaymentStatus.SUCCEEDED
        return self._state(intent)

    def cancel(self, *, intent_id: str) -> IntentState:
        intent = self.intents[intent_id]
        if intent["status"] == PaymentStatus.SUCCEEDED:
            raise GatewayError("A paid payment cannot be cancelled.")
        intent["status"] = PaymentStatus.CANCELLED
        return self._state(intent)

    def refund(
        self, *, intent_id: str, amount_minor: int, idempotency_key: str
    ) -> RefundState:
        if idempotency_key in self.keys:
            refund = self.refunds[self.keys[idempotency_key]]
            return RefundState(id=refund["id"], status="succeeded")
        intent = self.intents[intent_id]
        paid = intent["captured"] or intent["amount"]
        refunded = sum(
            r["amount"] for r in self.refunds.values() if r["intent"] == intent_id
        )
        if (
            intent["status"] != PaymentStatus.SUCCEEDED
            or amount_minor > paid - refunded
        ):
            raise GatewayError("Cannot refund more than was paid.")
        refund_id = f"re_fake_{secrets.token_hex(8)}"
        self.refunds[refund_id] = {
            "id": refund_id,
            "intent": intent_id,
            "amount": amount_minor,
        }
        self.keys[idempotency_key] = refund_id
        return RefundState(id=refund_id, status="succeeded")

    def parse_webhook(self, *, payload: bytes, signature: str) -> WebhookEvent:
        if signature != f"fake={self.webhook_secret}":
            raise InvalidWebhook("bad signature")
        try:
            body = json.loads(payload)
            return WebhookEvent(
                id=body["id"],
                type=body["type"],
                api_version=body.get("api_version", ""),
                object=body["data"]["object"],
                payload=body,
            )
        except (ValueError, KeyError) as error:
            raise InvalidWebhook(str(error)) from error


_gateway: PaymentGateway | None = None


def gateway() -> PaymentGateway:
    """Return the configured gateway (settings.PAYMENTS["GATEWAY"])."""
    global _gateway
    if _gateway is None:
        config = settings.PAYMENTS
        factory = import_string(config["GATEWAY"])
        if factory is StripeGateway:
            _gateway = StripeGateway(
                secret_key=config["STRIPE_SECRET_KEY"],
                webhook_secret=config["STRIPE_WEBHOOK_SECRET"],
                api_base=config["STRIPE_API_BASE"],
                api_version=config["STRIPE_API_VERSION"],
                card_element=config["CARD_ELEMENT"],
            )
        else:
            _gateway = factory()
    return _gateway


def gateway_reset() -> None:
    """Forget the gateway (tests that change settings.PAYMENTS)."""
    global _gateway
    _gateway = None
