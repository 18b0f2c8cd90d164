"""Stripe's objects as billing reads them (ids, integers, timestamps, the payment named in
metadata) and its calls made safely (idempotency keys, re-fetching an object).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from marketplace.billing import stripe_gateway
from marketplace.billing.models import (
    Payment,
)
from marketplace.billing.stripe_gateway import StripeGateway
from marketplace.extensions import db

CURRENCY = "vnd"  # zero-decimal: unit_amount 150000 is 150.000 ₫


def idempotency_key(*parts: object) -> str:
    return ":".join(str(p) for p in parts)


def fetch_current(
    fetch: Callable[[StripeGateway], dict[str, Any]], fallback: dict[str, Any]
) -> dict[str, Any]:
    """Ask the API for the object's current state (order-proof), else use the event's copy."""
    gw = stripe_gateway.gateway()
    return fetch(gw) if gw is not None else fallback


def id_of(value: Any) -> str | None:
    """Return the id of an expandable field (an id string or an expanded object)."""
    if isinstance(value, dict):
        value = value.get("id")
    return str(value) if value else None


def int_or_none(value: Any) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**62 else None


def to_datetime(value: Any) -> dt.datetime | None:
    number = int_or_none(value)
    return dt.datetime.fromtimestamp(number, dt.UTC) if number else None


def payment_from_metadata(metadata: dict[str, Any] | None) -> Payment | None:
    """Return our payment a Stripe object's metadata names, if the organisation matches."""
    metadata = metadata or {}
    payment_id = int_or_none(metadata.get("payment_id"))
    if payment_id is None:
        return None
    payment = db.session.get(Payment, payment_id)
    if payment is None or str(payment.organization_id) != str(metadata.get("organization_id")):
        return None
    return payment
