"""Orders: every purchase, at an agreed price, paid by bank transfer or by card (Stripe).

    create_order        lines at an agreed price (quotes and needs call it), VAT per line
    create_plan_order   the buy button of a plan: one line at the plan's price

What happens to an order once placed (paid, cancelled, expired, refunded, its e-invoice)
is in order_status.py.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.accounts import roles
from marketplace.accounts.models import Organization, User
from marketplace.billing import permissions
from marketplace.billing.banks import bank_by_bin
from marketplace.billing.errors import BillingError
from marketplace.billing.models import (
    Order,
    OrderLine,
    OrderSource,
    OrderStatus,
    Payment,
    PaymentMethod,
)
from marketplace.billing.queries import checkout_offer, confirmed_account
from marketplace.catalog.models import Plan
from marketplace.core import vat
from marketplace.core.audit import record_audit
from marketplace.core.clock import local_today
from marketplace.core.database import utcnow
from marketplace.extensions import db

O = OrderStatus  # noqa: E741

# Order codes: "CGP" and 7 characters without the ones people confuse (0/O, 1/I/L), so a
# code read aloud or retyped in a banking app survives; 31⁷ ≈ 2.7·10¹⁰ codes.
CODE_PREFIX = "CGP"
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 7
CODE_PATTERN = re.compile(rf"{CODE_PREFIX}[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")
DEFAULT_EXPIRY_DAYS = 7


def new_order_code() -> str:
    return CODE_PREFIX + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def codes_in(description: str) -> list[str]:
    """Return the order codes written in a transfer description (banks may add spaces or
    dashes, or change the case), in order, without repeats."""
    text = (description or "").upper()
    squeezed = re.sub(r"[^0-9A-Z]", "", text)
    found = CODE_PATTERN.findall(text) + CODE_PATTERN.findall(squeezed)
    return list(dict.fromkeys(found))


def expiry_days() -> int:
    return int(current_app.config.get("ORDER_EXPIRY_DAYS") or DEFAULT_EXPIRY_DAYS)


@dataclass
class LineInput:
    """One line of a new order, at the agreed price."""

    description: str
    unit_price_vnd: int
    quantity: int = 1
    vat_treatment: str = vat.VatTreatment.EXEMPT
    price_includes_vat: bool = True
    plan_id: int | None = None
    period: str | None = None


@dataclass
class InvoiceDetails:
    """Who the e-invoice is made out to."""

    legal_name: str = ""
    tax_code: str = ""
    address: str = ""
    email: str = ""

    @classmethod
    def of(cls, org: Organization, user: User | None = None) -> InvoiceDetails:
        """Prefill from the organisation (and the buyer's e-mail)."""
        address = getattr(org, "street_address", None) or ""
        return cls(
            legal_name=org.name or "",
            tax_code=org.tax_code or "",
            address=address,
            email=(user.email if user is not None else "") or "",
        )


def create_order(
    actor: User,
    *,
    vendor: Organization,
    lines: list[LineInput],
    source: str = OrderSource.PLAN,
    source_id: int | None = None,
    payment_method: str = PaymentMethod.BANK_TRANSFER,
    invoice: InvoiceDetails | None = None,
    solution_id: int | None = None,
    plan_id: int | None = None,
    trial_id: int | None = None,
    payment: Payment | None = None,
    now: dt.datetime | None = None,
) -> Order:
    """Place an order of the actor's organisation with `vendor`, awaiting payment.

    VAT is computed per line at the rate of today (Asia/Ho_Chi_Minh). A bank-transfer order
    needs the vendor's confirmed account, copied onto the order. The caller commits.
    """
    permissions.require_buyer(actor)
    roles.require_action(actor, "order.create")
    return place_order(
        actor,
        organization=actor.organization,
        vendor=vendor,
        lines=lines,
        source=source,
        source_id=source_id,
        payment_method=payment_method,
        invoice=invoice or InvoiceDetails.of(actor.organization, actor),
        solution_id=solution_id,
        plan_id=plan_id,
        trial_id=trial_id,
        payment=payment,
        now=now,
    )


def place_order(
    actor: User | None,
    *,
    organization: Organization,
    vendor: Organization,
    lines: list[LineInput],
    source: str,
    source_id: int | None = None,
    payment_method: str = PaymentMethod.BANK_TRANSFER,
    invoice: InvoiceDetails,
    solution_id: int | None = None,
    plan_id: int | None = None,
    trial_id: int | None = None,
    payment: Payment | None = None,
    expires_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Order:
    """Insert an order of `organization` with `vendor` (permissions are the callers': a
    person through `create_order`, the renewal job with no actor). The caller commits."""
    if not lines:
        raise BillingError(_("Đơn hàng cần ít nhất một dòng."))
    now = now or utcnow()
    today = local_today(now)
    order = Order(
        organization_id=organization.id,
        vendor_id=vendor.id,
        user_id=getattr(actor, "id", None),
        source=source,
        source_id=source_id,
        solution_id=solution_id,
        plan_id=plan_id,
        trial_id=trial_id,
        status=O.AWAITING_PAYMENT,
        payment_method=payment_method,
        created_at=now,
        updated_at=now,
    )
    if payment_method == PaymentMethod.BANK_TRANSFER:
        account = confirmed_account(vendor.id)
        if account is None:
            raise BillingError(
                _("Nhà cung cấp chưa có tài khoản nhận chuyển khoản đã được xác nhận.")
            )
        order.bank_bin = account.bank_bin
        order.bank_account_number = account.account_number
        order.bank_account_holder = account.account_holder
        order.expires_at = expires_at or now + dt.timedelta(days=expiry_days())
    elif payment is not None:
        order.payment_id = payment.id
    details = invoice
    order.invoice_legal_name = details.legal_name[:200]
    order.invoice_tax_code = details.tax_code[:20]
    order.invoice_address = details.address[:300]
    order.invoice_email = details.email[:254]
    for position, item in enumerate(lines):
        if item.quantity <= 0 or item.unit_price_vnd < 0:
            raise BillingError(_("Số lượng và đơn giá của đơn hàng không hợp lệ."))
        rate = vat.rate_for(item.vat_treatment, today)
        amounts = vat.line_amounts(
            item.unit_price_vnd * item.quantity, rate, includes_vat=item.price_includes_vat
        )
        order.lines.append(
            OrderLine(
                position=position,
                description=item.description[:300],
                plan_id=item.plan_id,
                period=item.period,
                quantity=item.quantity,
                unit_price_vnd=item.unit_price_vnd,
                price_includes_vat=item.price_includes_vat,
                vat_treatment=item.vat_treatment,
                vat_rate=rate,
                net_vnd=amounts.net_vnd,
                vat_vnd=amounts.vat_vnd,
                total_vnd=amounts.total_vnd,
            )
        )
    order.subtotal_vnd = sum(line.net_vnd for line in order.lines)
    order.vat_vnd = sum(line.vat_vnd for line in order.lines)
    order.total_vnd = sum(line.total_vnd for line in order.lines)
    if order.total_vnd <= 0:
        raise BillingError(_("Đơn hàng miễn phí không cần thanh toán."))
    _insert_with_code(order)
    record_audit(
        actor,
        "order.created",
        order,
        label=order.number,
        data={
            "number": order.number,
            "total_vnd": order.total_vnd,
            "vat_vnd": order.vat_vnd,
            "payment_method": order.payment_method,
            "source": order.source,
            "plan_id": order.plan_id,
        },
    )
    return order


def _insert_with_code(order: Order) -> None:
    """Insert with a fresh unique code; a (very unlikely) collision tries another code."""
    for _attempt in range(5):
        order.number = new_order_code()
        savepoint = db.session.begin_nested()
        db.session.add(order)
        try:
            db.session.flush()
        except IntegrityError:
            savepoint.rollback()
            continue
        savepoint.commit()
        return
    raise BillingError(_("Vui lòng thử lại."))


def plan_line(plan: Plan) -> LineInput:
    return LineInput(
        description=f"{plan.solution.name} — {plan.name}",
        unit_price_vnd=plan.price_vnd,
        vat_treatment=plan.vat_treatment,
        price_includes_vat=plan.price_includes_vat,
        plan_id=plan.id,
        period=plan.period,
    )


def create_plan_order(
    actor: User,
    plan_id: int | None,
    *,
    trial_id: int | None = None,
    solution_id: int | None = None,
    payment_method: str = PaymentMethod.BANK_TRANSFER,
    invoice: InvoiceDetails | None = None,
    payment: Payment | None = None,
    now: dt.datetime | None = None,
) -> Order:
    """Order one plan at its price in the database (the buy button). The caller commits."""
    offer = checkout_offer(actor, plan_id, trial_id=trial_id, solution_id=solution_id)
    plan = offer.plan
    return create_order(
        actor,
        vendor=plan.solution.vendor,
        lines=[plan_line(plan)],
        source=OrderSource.PLAN,
        payment_method=payment_method,
        invoice=invoice,
        solution_id=plan.solution_id,
        plan_id=plan.id,
        trial_id=offer.trial.id if offer.trial else None,
        payment=payment,
        now=now,
    )


def order_for_payment(actor: User, payment: Payment, invoice: InvoiceDetails | None) -> Order:
    """Return the card order a Stripe checkout attempt pays, creating it once."""
    order = db.session.scalar(select(Order).where(Order.payment_id == payment.id))
    if order is not None:
        return order
    return create_plan_order(
        actor,
        payment.plan_id,
        trial_id=payment.trial_id,
        solution_id=payment.solution_id,
        payment_method=PaymentMethod.CARD,
        invoice=invoice,
        payment=payment,
    )


def bank_name(order: Order) -> str:
    bank = bank_by_bin(order.bank_bin)
    return bank.label if bank else (order.bank_bin or "")
