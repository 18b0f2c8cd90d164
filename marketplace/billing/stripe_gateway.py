"""The only module that imports `stripe`: a thin wrapper over the calls billing makes.

Everything returned is a plain dict (the API object's JSON), so the rest of the code
never depends on the library's types. Errors become StripeGatewayError or
InvalidWebhook.
"""

from __future__ import annotations

from typing import Any

import stripe
from flask import current_app

# Seconds to wait for Stripe: (connect, read). Retries are safe: every POST has a key.
TIMEOUT = (5, 30)
MAX_NETWORK_RETRIES = 2


class StripeGatewayError(Exception):
    """Stripe could not be reached or refused the call."""

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code

    @property
    def is_missing(self) -> bool:
        """Tell whether Stripe answered that the object does not exist (no retry will help)."""
        return self.code == "resource_missing" or self.status == 404


class InvalidWebhook(Exception):
    """The webhook's signature, timestamp or body is not acceptable."""


def is_configured() -> bool:
    """Tell whether online payment is enabled (a secret key is set)."""
    return bool((current_app.config.get("STRIPE_SECRET_KEY") or "").strip())


class StripeGateway:
    """The Stripe calls billing makes, on one StripeClient."""

    def __init__(
        self, api_key: str, api_base: str | None = None, *, retries: int = MAX_NETWORK_RETRIES
    ) -> None:
        options: dict[str, Any] = {
            "max_network_retries": retries,
            "http_client": stripe.RequestsClient(timeout=TIMEOUT),
        }
        if api_base:
            options["base_addresses"] = {"api": api_base.rstrip("/")}
        self._client = stripe.StripeClient(api_key, **options)

    def _call(self, fn, *args, **kwargs) -> dict[str, Any]:
        try:
            result = fn(*args, **kwargs)
        except stripe.StripeError as err:
            raise StripeGatewayError(
                str(getattr(err, "user_message", None) or err),
                status=getattr(err, "http_status", None),
                code=getattr(err, "code", None),
            ) from err
        return result.to_dict()

    def create_customer(self, params: dict[str, Any], *, idempotency_key: str) -> dict[str, Any]:
        return self._call(
            self._client.v1.customers.create,
            params,
            {"idempotency_key": idempotency_key},
        )

    def create_checkout_session(
        self, params: dict[str, Any], *, idempotency_key: str
    ) -> dict[str, Any]:
        return self._call(
            self._client.v1.checkout.sessions.create,
            params,
            {"idempotency_key": idempotency_key},
        )

    def retrieve_checkout_session(self, session_id: str) -> dict[str, Any]:
        return self._call(self._client.v1.checkout.sessions.retrieve, session_id)

    def retrieve_subscription(self, subscription_id: str) -> dict[str, Any]:
        return self._call(self._client.v1.subscriptions.retrieve, subscription_id)

    def update_subscription(
        self, subscription_id: str, params: dict[str, Any], *, idempotency_key: str
    ) -> dict[str, Any]:
        return self._call(
            self._client.v1.subscriptions.update,
            subscription_id,
            params,
            {"idempotency_key": idempotency_key},
        )


def gateway() -> StripeGateway | None:
    """Return the app's gateway, or None when online payment is not configured."""
    if not is_configured():
        return None
    config = current_app.config
    key = (
        config["STRIPE_SECRET_KEY"].strip(),
        (config.get("STRIPE_API_BASE") or "").strip(),
        int(config.get("STRIPE_MAX_NETWORK_RETRIES", MAX_NETWORK_RETRIES)),
    )
    cached = current_app.extensions.get("stripe_gateway")
    if cached is None or cached[0] != key:
        cached = (key, StripeGateway(key[0], key[1] or None, retries=key[2]))
        current_app.extensions["stripe_gateway"] = cached
    return cached[1]


def construct_event(payload: bytes, sig_header: str | None, secret: str) -> dict[str, Any]:
    """Verify a webhook's signature and age (default tolerance) and return the event as a dict.

    An empty secret refuses every event before the library is asked: some versions of the
    library accept a signature made with the empty key, which anyone can compute.
    """
    if not (secret or "").strip():
        raise InvalidWebhook("no webhook signing secret is configured (STRIPE_WEBHOOK_SECRET)")
    if not sig_header:
        raise InvalidWebhook("no Stripe-Signature header")
    try:
        event = stripe.Webhook.construct_event(payload, sig_header, secret.strip())
    except (stripe.SignatureVerificationError, ValueError, TypeError, AttributeError) as err:
        # A body that is not UTF-8 JSON, or JSON that is not an event object.
        raise InvalidWebhook(str(err)) from err
    data = event.to_dict()
    if not data.get("id") or not data.get("type"):
        raise InvalidWebhook("event without id or type")
    return data
