"""Bank notifications: a bank hub tells us a credit arrived on a vendor's account.

    POST /billing/bank/webhook   JSON {reference, amount, description, transaction_date,
                                 account_number}, header X-Signature: hex(HMAC-SHA256(
                                 BANK_WEBHOOK_SECRET, raw body))

`verify` refuses an unsigned, forged or stale notification (the view answers 400 and
nothing changes); an empty secret refuses everything. `receive` keeps each bank reference
once (a unique column: repeats and concurrent deliveries do nothing) and pays the order
whose code is in the description only when the amount equals its total, the account is the
order's and the order awaits payment; anything else is kept for a moderator to resolve and
pays nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import User
from marketplace.billing import order_status, permissions
from marketplace.billing import orders as billing_orders
from marketplace.billing.errors import BillingError
from marketplace.billing.models import (
    NEEDS_REVIEW,
    BankNotification,
    NotificationStatus,
    Order,
    OrderStatus,
    PaymentMethod,
)
from marketplace.core.audit import record_audit
from marketplace.core.clock import TIMEZONE
from marketplace.core.database import utcnow
from marketplace.core.urls import path_for
from marketplace.extensions import db
from marketplace.notifications import services as notifications

N = NotificationStatus
# A notification about a transfer older than this (or dated in the future beyond the
# allowed clock skew) is stale: refused, so a captured old body cannot be replayed later.
MAX_AGE = dt.timedelta(days=3)
CLOCK_SKEW = dt.timedelta(minutes=10)


class InvalidNotification(Exception):
    """The notification is not signed by the bank hub, malformed or stale."""


def verify(raw: bytes, signature: str | None, secret: str) -> None:
    """Raise InvalidNotification unless `signature` is the body's HMAC-SHA256 under `secret`."""
    if not secret:
        raise InvalidNotification("no secret configured")
    if not signature:
        raise InvalidNotification("unsigned")
    expected = hmac.new(secret.encode("utf-8"), raw, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature.strip().lower()):
        raise InvalidNotification("bad signature")


def sign(raw: bytes, secret: str) -> str:
    """Return the X-Signature of a body (the demo and the tests send notifications)."""
    return hmac.new(secret.encode("utf-8"), raw, hashlib.sha256).hexdigest()


def _parse_time(value: Any) -> dt.datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise InvalidNotification("transaction_date")
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as err:
        raise InvalidNotification("transaction_date") from err
    if moment.tzinfo is None:  # bank hubs send Vietnamese local time
        moment = moment.replace(tzinfo=TIMEZONE)
    return moment.astimezone(dt.UTC)


def parse(raw: bytes, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """Read and check a notification's fields; raise InvalidNotification if any is wrong."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InvalidNotification("not JSON") from err
    if not isinstance(data, dict):
        raise InvalidNotification("not an object")
    reference = data.get("reference")
    amount = data.get("amount")
    if isinstance(amount, str) and amount.isascii() and amount.isdigit():
        amount = int(amount)
    if not isinstance(reference, str) or not 1 <= len(reference.strip()) <= 100:
        raise InvalidNotification("reference")
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount < 10**15:
        raise InvalidNotification("amount")
    description = data.get("description") or ""
    account = data.get("account_number") or ""
    if not isinstance(description, str) or not isinstance(account, str):
        raise InvalidNotification("description/account_number")
    moment = _parse_time(data.get("transaction_date"))
    now = now or utcnow()
    if moment < now - MAX_AGE or moment > now + CLOCK_SKEW:
        raise InvalidNotification("stale")
    return {
        "reference": reference.strip(),
        "amount_vnd": amount,
        "description": description[:500],
        "account_number": account.strip()[:30],
        "transaction_at": moment,
    }


def receive(fields: dict[str, Any]) -> str:
    """Record a verified notification once and pay its order if everything matches.

    Returns "duplicate" or the notification's status. The caller commits.
    """
    if db.session.scalar(
        select(BankNotification.id).where(BankNotification.reference == fields["reference"])
    ):
        return "duplicate"
    note = BankNotification(**fields, status=N.UNKNOWN_CODE)
    savepoint = db.session.begin_nested()
    db.session.add(note)
    try:
        db.session.flush()
    except IntegrityError:
        savepoint.rollback()
        return "duplicate"
    savepoint.commit()
    note.status, order = _match(note)
    note.order_id = order.id if order is not None else None
    if note.status == N.MATCHED:
        paid = order_status.mark_paid(
            None,
            order,
            reference=note.reference,
            paid_on=note.transaction_at.astimezone(TIMEZONE).date(),
            via="bank",
        )
        if not paid:  # moved by someone else meanwhile
            note.status = N.NOT_PAYABLE
    db.session.flush()
    if note.status in NEEDS_REVIEW:
        notifications.notify_staff(
            kind="billing.bank_notification",
            title=_("Giao dịch %(ref)s cần xử lý", ref=note.reference),
            link=path_for("billing.moderation_notifications"),
            email=False,
            dedupe_key=f"bank-notification:{note.reference}",
        )
    record_audit(
        None,
        "bank_notification.received",
        note,
        data={
            "status": note.status,
            "amount_vnd": note.amount_vnd,
            "order": order.number if order is not None else None,
        },
    )
    return note.status


def _match(note: BankNotification) -> tuple[str, Order | None]:
    codes = billing_orders.codes_in(note.description)
    if not codes:
        return N.UNKNOWN_CODE, None
    candidates = db.session.scalars(select(Order).where(Order.number.in_(codes))).all()
    order = next((o for o in candidates if o.payment_method == PaymentMethod.BANK_TRANSFER), None)
    if order is None:
        return N.UNKNOWN_CODE, None
    if note.account_number and note.account_number != order.bank_account_number:
        return N.WRONG_ACCOUNT, order
    if note.amount_vnd != order.total_vnd:
        return N.WRONG_AMOUNT, order
    if order.status != OrderStatus.AWAITING_PAYMENT:
        return N.NOT_PAYABLE, order
    return N.MATCHED, order


def resolve(actor: User, note: BankNotification, *, note_text: str, pay_order: bool) -> None:
    """A moderator settles a notification kept for review, paying its order if asked."""
    permissions.require_staff(actor)
    if note.status not in NEEDS_REVIEW:
        raise BillingError(_("Thông báo này đã được xử lý."))
    text = (note_text or "").strip()
    if len(text) < 5:
        raise BillingError(_("Vui lòng ghi cách xử lý (ít nhất 5 ký tự)."), field="note")
    if pay_order:
        order = note.order
        if order is None:
            raise BillingError(_("Thông báo này không gắn với đơn hàng nào."), field="pay_order")
        order_status.confirm_payment(
            actor,
            order,
            reference=note.reference,
            paid_on=note.transaction_at.astimezone(TIMEZONE).date(),
        )
    before = note.status
    note.status = N.RESOLVED
    note.resolved_at = utcnow()
    note.resolved_by_id = actor.id
    note.resolution_note = text[:2000]
    db.session.flush()
    record_audit(
        actor,
        "bank_notification.resolved",
        note,
        reason=text,
        data={
            "from": before,
            "paid_order": note.order.number if pay_order and note.order else None,
        },
    )
