"""Renewals of plans paid by bank transfer, the way Vietnamese businesses pay for SaaS.

    renew_due        the daily job (billing.renew_transfer_plans): `RENEWAL_NOTICE_DAYS`
                     before a period ends, a renewal order awaiting payment (the same
                     recurring lines at the plan's price and VAT rate of today), once per
                     period, telling the buyer and the vendor
    set_auto_renew   the buyer's switch, "Gia hạn tự động" / "Không gia hạn" (owners:
                     billing.manage), audited

No renewal order when the buyer turned renewal off, when the organisation is inactive, or
when a plan is no longer on sale or the vendor takes no transfer (the buyer is told once
instead). Paying the renewal order starts the next period at the end of this one
(periods.start_period); left unpaid, the plan ends with its period.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import User
from marketplace.billing import orders, periods, permissions
from marketplace.billing.errors import BillingError
from marketplace.billing.models import OrderSource, PaymentMethod, ServicePeriod
from marketplace.billing.queries import buyable_plan, confirmed_account
from marketplace.core.audit import record_audit
from marketplace.core.clock import local_midnight, local_today
from marketplace.core.database import utcnow
from marketplace.core.formatting import format_date, format_vnd
from marketplace.core.urls import path_for
from marketplace.extensions import db
from marketplace.notifications import services as notifications

log = logging.getLogger(__name__)

DEFAULT_NOTICE_DAYS = 7


def notice_days() -> int:
    return int(current_app.config.get("RENEWAL_NOTICE_DAYS") or DEFAULT_NOTICE_DAYS)


@dataclass
class RenewalRun:
    created: int = 0
    skipped_off: int = 0
    not_renewable: int = 0


def renew_due(now: dt.datetime) -> RenewalRun:
    """Issue the renewal orders due at `now` (idempotent; safe with two runners at once)."""
    today = local_today(now)
    run = RenewalRun()
    for period in periods.due_for_renewal(today, notice_days()):
        if not period.auto_renew:
            run.skipped_off += 1
            continue
        if not period.organization.active:
            continue
        try:
            if issue_renewal(period, now):
                run.created += 1
        except BillingError as err:
            run.not_renewable += _tell_not_renewable(period, err.message, now)
    db.session.flush()
    return run


def issue_renewal(period: ServicePeriod, now: dt.datetime) -> bool:
    """Issue the renewal order of one period unless it was issued already; BillingError
    when its plan can no longer be renewed here."""
    lines = _renewal_lines(period)
    return _claim(period, now) and _issue(period, lines, now)


def _renewal_lines(period: ServicePeriod) -> list[orders.LineInput]:
    """The renewed lines at today's price and VAT of their plans; BillingError if one is
    no longer on sale or the vendor takes no transfer."""
    lines = []
    for line in periods.recurring_lines(period.order):
        plan = buyable_plan(line.plan_id)
        lines.append(
            orders.LineInput(
                description=line.description,
                unit_price_vnd=plan.price_vnd,
                quantity=line.quantity,
                vat_treatment=plan.vat_treatment,
                price_includes_vat=plan.price_includes_vat,
                plan_id=plan.id,
                period=plan.period,
            )
        )
    if not lines or any(line.period != period.period for line in lines):
        raise BillingError(_("Gói dịch vụ đã thay đổi kỳ thanh toán."))
    if confirmed_account(period.vendor_id) is None:
        raise BillingError(_("Nhà cung cấp chưa có tài khoản nhận chuyển khoản đã được xác nhận."))
    return lines


def _claim(period: ServicePeriod, now: dt.datetime) -> bool:
    """Take the period's renewal with one conditional UPDATE: of two runners, one wins."""
    claimed = db.session.execute(
        update(ServicePeriod)
        .where(ServicePeriod.id == period.id, ServicePeriod.renewal_claimed_at.is_(None))
        .values(renewal_claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return False
    db.session.refresh(period)
    return True


def _issue(period: ServicePeriod, lines: list[orders.LineInput], now: dt.datetime) -> bool:
    """Create the renewal order of a claimed period and tell both sides."""
    previous = period.order
    # Payable at least until the period ends, so paying on the last day keeps the service.
    expires_at = max(
        now + dt.timedelta(days=orders.expiry_days()),
        local_midnight(period.ends_on + dt.timedelta(days=1)),
    )
    savepoint = db.session.begin_nested()
    try:
        order = orders.place_order(
            None,
            organization=period.organization,
            vendor=period.vendor,
            lines=lines,
            source=OrderSource.RENEWAL,
            source_id=previous.id,
            payment_method=PaymentMethod.BANK_TRANSFER,
            invoice=orders.InvoiceDetails(
                legal_name=previous.invoice_legal_name,
                tax_code=previous.invoice_tax_code,
                address=previous.invoice_address,
                email=previous.invoice_email,
            ),
            solution_id=previous.solution_id,
            plan_id=period.plan_id,
            expires_at=expires_at,
            now=now,
        )
    except (IntegrityError, BillingError) as err:
        # Another runner issued it meanwhile (the unique renewal index), or it cannot be.
        savepoint.rollback()
        log.info("renewal of period %s not issued: %s", period.id, err)
        return False
    savepoint.commit()
    period.renewal_order_id = order.id
    db.session.flush()
    _tell_issued(period, order)
    return True


def _tell_issued(period: ServicePeriod, order) -> None:
    link = path_for("billing.order", order_id=order.id)
    ends = format_date(period.ends_on)
    notifications.notify_organization(
        period.organization,
        kind="billing.renewal_order",
        title=_(
            "Gia hạn %(name)s: đơn hàng %(number)s (%(amount)s)",
            name=order.name,
            number=order.number,
            amount=format_vnd(order.total_vnd),
        ),
        body=_(
            "Gói hiện tại hiệu lực đến %(date)s. Vui lòng chuyển khoản theo đơn hàng để tiếp "
            "tục sử dụng; kỳ mới bắt đầu từ ngày kết thúc kỳ hiện tại.",
            date=ends,
        ),
        link=link,
        dedupe_key=f"order:{order.id}:renewal",
    )
    notifications.notify_organization(
        period.vendor,
        kind="billing.renewal_sale",
        title=_(
            "Đơn gia hạn %(number)s của %(org)s (%(amount)s)",
            number=order.number,
            org=period.organization.name,
            amount=format_vnd(order.total_vnd),
        ),
        body=_("Kỳ hiện tại kết thúc ngày %(date)s.", date=ends),
        link=link,
        dedupe_key=f"order:{order.id}:renewal:vendor",
    )


def _tell_not_renewable(period: ServicePeriod, reason: str, now: dt.datetime) -> int:
    """Tell the buyer once that this plan cannot be renewed here; return 1 if told now."""
    if period.not_renewable_notified_at is not None:
        return 0
    period.not_renewable_notified_at = now
    notifications.notify_organization(
        period.organization,
        kind="billing.renewal_unavailable",
        title=_("Không thể gia hạn %(name)s", name=period.name),
        body=_(
            "%(reason)s Gói hiện tại hiệu lực đến %(date)s; vui lòng liên hệ nhà cung cấp "
            "%(vendor)s hoặc chọn gói khác.",
            reason=reason,
            date=format_date(period.ends_on),
            vendor=period.vendor.name,
        ),
        link=path_for("billing.index"),
        dedupe_key=f"service-period:{period.id}:not-renewable",
    )
    return 1


# ---------------------------------------------------------------- the buyer's switch


def get_period(period_id: int) -> ServicePeriod | None:
    return db.session.get(ServicePeriod, period_id)


def set_auto_renew(actor: User, period: ServicePeriod, on: bool) -> bool:
    """Turn the renewal of a plan on or off (the buyer's owners); return whether it changed.

    Another organisation's plan does not exist for the actor (404); a member whose role
    does not manage billing is refused (403). A renewal order already issued stays: the
    buyer may pay or cancel it on its page.
    """
    permissions.require_manage_period(actor, period)
    if period.auto_renew == on:
        return False
    period.auto_renew = on
    db.session.flush()
    record_audit(
        actor,
        "service_period.auto_renew",
        period,
        label=period.name,
        data={
            "auto_renew": on,
            "order": period.order.number,
            "ends_on": period.ends_on.isoformat(),
        },
    )
    return True


def is_running(period: ServicePeriod, today: dt.date | None = None) -> bool:
    return period.runs_on(today or local_today(utcnow()))
