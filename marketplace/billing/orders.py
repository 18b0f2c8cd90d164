"""Orders: every purchase, at an agreed price, paid by bank transfer or by card (Stripe).

    create_order        lines at an agreed price (quotes and needs call it), VAT per line
    create_plan_order   the buy button of a plan: one line at the plan's price
    confirm_payment     the vendor (order.confirm_payment) or a moderator marks a transfer
                        received, with the bank reference and date
    mark_paid           the one move to `paid` (the bank webhook, the confirmations, a
                        card payment), audited, telling both sides, converting the trial
    record_einvoice     the vendor records the e-invoice it issued for a paid order

Statuses: awaiting_payment → paid | expired | cancelled; a card-paid order → refunded when
Stripe refunds it; an expired transfer order may still be confirmed paid when the money
arrives late. Every move is a conditional UPDATE, so two confirmations racing move it once.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from marketplace.accounts import roles
from marketplace.accounts.models import Organization, Role, User
from marketplace.billing import periods, permissions
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
from marketplace.core import events, vat
from marketplace.core.audit import record_audit
from marketplace.core.clock import local_today
from marketplace.core.database import utcnow
from marketplace.core.formatting import format_vnd
from marketplace.core.urls import path_for
from marketplace.extensions import db
from marketplace.notifications import services as notifications
from marketplace.trials import rules as trials_rules
from marketplace.trials import services as trials
from marketplace.trials.models import TrialRequest, TrialStatus

log = logging.getLogger(__name__)

O = OrderStatus  # noqa: E741

# Order codes: "CGP" and 7 characters without the ones people confuse (0/O, 1/I/L), so a
# code read aloud or retyped in a banking app survives; 31⁷ ≈ 2.7·10¹⁰ codes.
CODE_PREFIX = "CGP"
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 7
CODE_PATTERN = re.compile(rf"{CODE_PREFIX}[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")
CONVERTIBLE_TRIAL_STATUSES = (TrialStatus.ACTIVE, TrialStatus.ENDED)
DEFAULT_EXPIRY_DAYS = 7
INVOICE_REMINDER_DAYS = 3


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


# ---------------------------------------------------------------- status moves


def _move(
    order: Order, target: str, sources: tuple[str, ...], values: dict[str, Any] | None = None
) -> str | None:
    """Move the order to `target` if it is in one of `sources`; return the old status."""
    source = order.status
    if source not in sources:
        return None
    now = utcnow()
    moved = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status == source)
        .values(status=target, updated_at=now, **(values or {}))
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        return None
    db.session.refresh(order)
    return source


def mark_paid(
    actor: User | None,
    order: Order,
    *,
    reference: str | None,
    paid_on: dt.date | None = None,
    via: str,
    sources: tuple[str, ...] = (O.AWAITING_PAYMENT,),
) -> bool:
    """Move an order to `paid` (once), audit it, tell both sides and convert its trial.

    `via` says how the money was confirmed: "bank" (the webhook), "vendor", "moderator"
    or "card". Permission checks are the callers' (see `confirm_payment`).
    """
    now = utcnow()
    source = _move(
        order,
        O.PAID,
        sources,
        {
            "paid_at": now,
            "payment_reference": (reference or None) and reference[:100],
            "payment_date": paid_on or local_today(now),
            "confirmed_by_id": getattr(actor, "id", None),
        },
    )
    if source is None:
        return False
    record_audit(
        actor,
        "order.paid",
        order,
        label=order.number,
        data={
            "from": source,
            "to": O.PAID,
            "via": via,
            "reference": order.payment_reference,
            "payment_date": order.payment_date.isoformat() if order.payment_date else None,
            "total_vnd": order.total_vnd,
        },
    )
    if order.payment_method == PaymentMethod.BANK_TRANSFER:
        # Card orders are counted through their Payment (payments.set_payment_status).
        events.order_paid.send(order)
        convert_trial(order.trial, order.plan)
        # A monthly or yearly plan paid by transfer runs for a period (renewals.py).
        periods.start_period(order)
    _tell_paid(order)
    return True


def confirm_payment(
    actor: User, order: Order, *, reference: str, paid_on: dt.date, now: dt.datetime | None = None
) -> bool:
    """The vendor (order.confirm_payment) or a moderator marks a transfer received."""
    permissions.require_payment_confirmer(actor, order)
    if order.payment_method != PaymentMethod.BANK_TRANSFER:
        raise BillingError(_("Đơn hàng này được thanh toán bằng thẻ qua Stripe."))
    reference = (reference or "").strip()
    if not reference:
        raise BillingError(_("Vui lòng nhập mã giao dịch ngân hàng."), field="reference")
    today = local_today(now)
    if paid_on > today or paid_on < order.created_at.date() - dt.timedelta(days=1):
        raise BillingError(_("Ngày nhận tiền phải từ ngày đặt hàng đến hôm nay."), field="paid_on")
    if order.status == O.PAID:
        raise BillingError(_("Đơn hàng đã được thanh toán."))
    via = "moderator" if actor.role in (Role.MODERATOR, Role.ADMIN) else "vendor"
    if not mark_paid(
        actor,
        order,
        reference=reference,
        paid_on=paid_on,
        via=via,
        sources=(O.AWAITING_PAYMENT, O.EXPIRED),
    ):
        raise BillingError(_("Đơn hàng không còn chờ thanh toán."))
    return True


def cancel_order(actor: User, order: Order) -> None:
    """The buyer (order.create) cancels an order still awaiting payment."""
    permissions.require_order_buyer(actor, order)
    roles.require_action(actor, "order.create")
    if _move(order, O.CANCELLED, (O.AWAITING_PAYMENT,), {"closed_at": utcnow()}) is None:
        raise BillingError(_("Chỉ hủy được đơn hàng đang chờ thanh toán."))
    record_audit(
        actor,
        "order.cancelled",
        order,
        label=order.number,
        data={"from": O.AWAITING_PAYMENT, "to": O.CANCELLED, "total_vnd": order.total_vnd},
    )


def expire_order(order: Order) -> bool:
    if _move(order, O.EXPIRED, (O.AWAITING_PAYMENT,), {"closed_at": utcnow()}) is None:
        return False
    record_audit(
        None,
        "order.expired",
        order,
        label=order.number,
        data={"from": O.AWAITING_PAYMENT, "to": O.EXPIRED, "total_vnd": order.total_vnd},
    )
    return True


def payment_settled(payment: Payment) -> None:
    """A card payment was paid: its order is paid too (no second purchase count)."""
    order = db.session.scalar(select(Order).where(Order.payment_id == payment.id))
    if order is not None:
        mark_paid(
            None,
            order,
            reference=payment.stripe_payment_intent_id or payment.checkout_session_id,
            via="card",
            sources=(O.AWAITING_PAYMENT, O.EXPIRED),
        )


def payment_expired(payment: Payment) -> None:
    """A card checkout expired unpaid: its order expires too (money arriving late still pays it)."""
    order = db.session.scalar(select(Order).where(Order.payment_id == payment.id))
    if order is not None:
        expire_order(order)


def payment_refunded(payment: Payment) -> None:
    """Stripe refunded a card payment: its paid order becomes refunded (audited)."""
    order = db.session.scalar(select(Order).where(Order.payment_id == payment.id))
    if order is not None and _move(order, O.REFUNDED, (O.PAID,), {"closed_at": utcnow()}):
        record_audit(
            None,
            "order.refunded",
            order,
            label=order.number,
            data={"from": O.PAID, "to": O.REFUNDED, "total_vnd": order.total_vnd},
        )


def convert_trial(trial: TrialRequest | None, plan: Plan | None) -> None:
    """Mark the purchase's trial converted, if it can be (active, or ended)."""
    if trial is None or trial.status not in CONVERTIBLE_TRIAL_STATUSES:
        return
    try:
        trials.convert_trial(
            None,
            trial,
            via="payment",
            note=_("Đã thanh toán gói %(plan)s.", plan=plan.name if plan else ""),
        )
    except trials_rules.TrialError as err:
        # Someone moved the trial meanwhile: the payment stands regardless.
        log.info("trial %s not converted after payment: %s", trial.id, err)


def _tell_paid(order: Order) -> None:
    amount = format_vnd(order.total_vnd)
    link = path_for("billing.order", order_id=order.id)
    notifications.notify_organization(
        order.organization,
        kind="billing.order_paid",
        title=_(
            "Đơn hàng %(number)s đã được thanh toán (%(amount)s)",
            number=order.number,
            amount=amount,
        ),
        body=_("Nhà cung cấp sẽ gửi hóa đơn điện tử cho đơn hàng này."),
        link=link,
        dedupe_key=f"order:{order.id}:paid",
    )
    notifications.notify_organization(
        order.vendor,
        kind="billing.order_sale",
        title=_(
            "%(org)s đã thanh toán đơn hàng %(number)s (%(amount)s)",
            org=order.organization.name,
            number=order.number,
            amount=amount,
        ),
        body=_("Vui lòng xuất hóa đơn điện tử và ghi nhận trên trang đơn hàng."),
        link=link,
        dedupe_key=f"order:{order.id}:paid:vendor",
    )


# ---------------------------------------------------------------- e-invoice


@dataclass
class EInvoice:
    number: str
    symbol: str
    issued_on: dt.date
    lookup_code: str = ""
    lookup_url: str = ""


def record_einvoice(
    actor: User, order: Order, invoice: EInvoice, *, now: dt.datetime | None = None
) -> None:
    """The vendor (order.confirm_payment) records the e-invoice it issued for a paid order."""
    permissions.require_order_vendor(actor, order)
    roles.require_action(actor, "order.confirm_payment")
    if order.status != O.PAID:
        raise BillingError(_("Chỉ ghi nhận hóa đơn cho đơn hàng đã thanh toán."))
    number = invoice.number.strip()
    symbol = invoice.symbol.strip().upper()
    if not re.fullmatch(r"\d{1,8}", number):
        raise BillingError(_("Số hóa đơn gồm tối đa 8 chữ số."), field="number")
    # Ký hiệu (Thông tư 78/2021/TT-BTC): 1 digit, 2 digits of the year, 3 letters, e.g. 1C26TAA.
    if not re.fullmatch(r"[0-9][CK][0-9]{2}[A-Z]{3}", symbol):
        raise BillingError(_("Ký hiệu hóa đơn có dạng 1C26TAA (7 ký tự)."), field="symbol")
    today = local_today(now)
    if invoice.issued_on > today or (
        order.paid_at and invoice.issued_on < order.created_at.date() - dt.timedelta(days=1)
    ):
        raise BillingError(_("Ngày hóa đơn phải từ ngày đặt hàng đến hôm nay."), field="issued_on")
    url = invoice.lookup_url.strip()
    if url and not re.fullmatch(r"https://[^\s/$.?#][^\s]*", url):
        raise BillingError(_("Địa chỉ tra cứu phải bắt đầu bằng https://"), field="lookup_url")
    before = order.einvoice_number
    order.einvoice_number = number
    order.einvoice_symbol = symbol
    order.einvoice_date = invoice.issued_on
    order.einvoice_lookup_code = invoice.lookup_code.strip()[:60] or None
    order.einvoice_lookup_url = url[:500] or None
    order.einvoice_recorded_at = now or utcnow()
    db.session.flush()
    record_audit(
        actor,
        "order.einvoice_recorded",
        order,
        label=order.number,
        data={
            "number": number,
            "symbol": symbol,
            "date": invoice.issued_on.isoformat(),
            "replaced": before,
        },
    )
    notifications.notify_organization(
        order.organization,
        kind="billing.einvoice",
        title=_("Hóa đơn điện tử của đơn hàng %(number)s", number=order.number),
        body=_("Số %(n)s, ký hiệu %(s)s.", n=number, s=symbol),
        link=path_for("billing.order", order_id=order.id),
        dedupe_key=f"order:{order.id}:einvoice:{symbol}:{number}",
    )


def bank_name(order: Order) -> str:
    bank = bank_by_bin(order.bank_bin)
    return bank.label if bank else (order.bank_bin or "")
