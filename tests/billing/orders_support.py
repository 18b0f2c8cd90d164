"""Helpers of the order tests: a signed bank notification, a plan with VAT."""

from __future__ import annotations

import datetime as dt
import json

from marketplace.billing.bank_webhook import sign
from marketplace.core.clock import TIMEZONE
from marketplace.core.database import utcnow

BANK_SECRET = "bank-hub-test-secret"


def notification_body(
    order=None,
    *,
    reference: str = "FT26336000001",
    amount: int | None = None,
    description: str | None = None,
    account_number: str | None = None,
    when: dt.datetime | None = None,
) -> bytes:
    """The JSON a bank hub sends for a credit (by default: exactly what `order` asks for)."""
    when = (when or utcnow()).astimezone(TIMEZONE)
    body = {
        "reference": reference,
        "amount": amount if amount is not None else order.total_vnd,
        "description": description
        if description is not None
        else f"CT DEN:{reference} {order.number} thanh toan",
        "transaction_date": when.strftime("%Y-%m-%d %H:%M:%S"),
        "account_number": account_number
        if account_number is not None
        else (order.bank_account_number if order is not None else "0011001234567"),
    }
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def post_notification(client, body: bytes, *, secret: str = BANK_SECRET, signature=None):
    headers = {"Content-Type": "application/json"}
    if signature is not False:
        headers["X-Signature"] = signature if signature is not None else sign(body, secret)
    return client.post("/billing/bank/webhook", data=body, headers=headers)
