"""Demo bank transfers: receiving accounts, orders in every state, a notification to resolve
(data/billing.yaml). Safe to run again: existing accounts, orders and references are kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select

from marketplace.accounts.models import Organization, User
from marketplace.billing import orders as billing_orders
from marketplace.billing.models import (
    BankNotification,
    NotificationStatus,
    Order,
    OrderStatus,
    PaymentMethod,
    VendorBankAccount,
)
from marketplace.catalog.models import Solution, SolutionStatus
from marketplace.core.clock import TIMEZONE
from marketplace.core.database import utcnow
from marketplace.extensions import db

DATA_FILE = Path(__file__).parent / "data" / "billing.yaml"


def _data() -> dict[str, Any]:
    with DATA_FILE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _org(kind: str, tax_code: str) -> Organization | None:
    return db.session.scalar(
        select(Organization).where(Organization.kind == kind, Organization.tax_code == tax_code)
    )


def _member(org_id: int) -> User | None:
    return db.session.scalar(
        select(User).where(User.organization_id == org_id).order_by(User.id).limit(1)
    )


def seed_billing() -> int:
    """Create the demo accounts, orders and notifications; return how many rows were added."""
    data = _data()
    now = utcnow()
    added = 0
    for spec in data["bank_accounts"]:
        vendor = _org("vendor", spec["vendor"])
        if vendor is None or db.session.scalar(
            select(VendorBankAccount.id).where(VendorBankAccount.organization_id == vendor.id)
        ):
            continue
        account = VendorBankAccount(
            organization_id=vendor.id,
            bank_bin=spec["bank_bin"],
            account_number=spec["account_number"],
            account_holder=spec["holder"],
            confirmed_at=now - dt.timedelta(days=60),
        )
        pending = spec.get("pending")
        if pending:
            account.pending_bank_bin = pending["bank_bin"]
            account.pending_account_number = pending["account_number"]
            account.pending_account_holder = pending["holder"]
            account.requested_at = now - dt.timedelta(days=1)
            account.requested_by_id = getattr(_member(vendor.id), "id", None)
        db.session.add(account)
        added += 1
    db.session.flush()
    if not db.session.scalar(select(func.count(Order.id))):
        for spec in data["orders"]:
            added += _order(spec, now)
    for spec in data["notifications"]:
        if db.session.scalar(
            select(BankNotification.id).where(BankNotification.reference == spec["reference"])
        ):
            continue
        db.session.add(
            BankNotification(
                reference=spec["reference"],
                amount_vnd=spec["amount_vnd"],
                description=spec["description"],
                account_number=spec["account_number"],
                transaction_at=now - dt.timedelta(hours=spec["hours_ago"]),
                received_at=now - dt.timedelta(hours=spec["hours_ago"]),
                status=NotificationStatus.UNKNOWN_CODE,
            )
        )
        added += 1
    db.session.flush()
    return added


def _order(spec: dict[str, Any], now: dt.datetime) -> int:
    org = _org("enterprise", spec["enterprise"])
    solution = db.session.scalar(
        select(Solution).where(
            Solution.slug == spec["solution"], Solution.status == SolutionStatus.PUBLISHED
        )
    )
    buyer = _member(org.id) if org is not None else None
    if solution is None or buyer is None:
        return 0
    paid = [p for p in solution.active_plans if p.price_vnd > 0]
    plan = next((p for p in paid if p.name == spec.get("plan")), paid[0] if paid else None)
    if plan is None:
        return 0
    created = now - dt.timedelta(days=spec["days_ago"])
    method = spec.get("method", PaymentMethod.BANK_TRANSFER)
    order = billing_orders.create_order(
        buyer,
        vendor=solution.vendor,
        lines=[billing_orders.plan_line(plan)],
        payment_method=method,
        solution_id=solution.id,
        plan_id=plan.id,
        now=created,
    )
    status = spec["status"]
    order.status = status
    if status in (OrderStatus.PAID, OrderStatus.REFUNDED):
        paid_at = now - dt.timedelta(days=spec.get("paid_days_ago", spec["days_ago"]))
        order.paid_at = paid_at
        order.payment_date = paid_at.astimezone(TIMEZONE).date()
        order.payment_reference = spec.get("reference")
    if status in (OrderStatus.EXPIRED, OrderStatus.CANCELLED, OrderStatus.REFUNDED):
        order.closed_at = created + dt.timedelta(days=1)
    invoice = spec.get("einvoice")
    if invoice:
        order.einvoice_number = invoice["number"]
        order.einvoice_symbol = invoice["symbol"]
        order.einvoice_date = order.payment_date
        order.einvoice_lookup_code = invoice.get("lookup_code")
        order.einvoice_lookup_url = invoice.get("lookup_url")
        order.einvoice_recorded_at = order.paid_at
    db.session.flush()
    return 1
