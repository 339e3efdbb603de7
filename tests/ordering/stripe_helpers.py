"""Talking to localstripe directly, as a guest's browser and Stripe's own
servers would: cards, 3-D Secure answers, webhook registration."""

import hashlib
import hmac
import json
import time

import httpx

SECRET = "sk_test_tableside"


def card_payment_method(base_url: str, number: str) -> str:
    """Tokenise a card as Stripe.js does in the browser; return its id."""
    response = httpx.post(
        f"{base_url}/v1/tokens",
        data={
            "card[number]": number,
            "card[exp_month]": "12",
            "card[exp_year]": "2030",
            "card[cvc]": "123",
            "key": "pk_test_tableside",
        },
    )
    response.raise_for_status()
    return response.json()["card"]["id"]


def authenticate(base_url: str, *, intent_id: str, client_secret: str, ok=True):
    """Answer the 3-D Secure question, as the guest's bank page would."""
    response = httpx.post(
        f"{base_url}/v1/payment_intents/{intent_id}/_authenticate",
        params={"success": "true" if ok else "false"},
        json={"key": "pk_test_tableside", "client_secret": client_secret},
    )
    response.raise_for_status()
    return response.json()


def register_webhook(base_url: str, *, url: str, secret: str) -> None:
    httpx.post(
        f"{base_url}/_config/webhooks/tableside", data={"url": url, "secret": secret}
    ).raise_for_status()


def signed(payload: dict, *, secret: str, timestamp: int | None = None):
    """Sign an event the way Stripe does; return (body, Stripe-Signature)."""
    body = json.dumps(payload).encode()
    timestamp = timestamp or int(time.time())
    digest = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return body, f"t={timestamp},v1={digest}"
