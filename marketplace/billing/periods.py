"""Service periods: what a monthly or yearly plan paid by bank transfer buys, and until when.

    add_period      calendar arithmetic on local dates (31/01 + 1 month = 28/02 or 29/02)
    start_period    a paid transfer order of a recurring plan gets its period (once)
    the reads       the organisation's plans in use, the plans it runs today, the vendor's
                    upcoming renewals, the periods the renewal job looks at

An order's recurring lines are its lines of a monthly or yearly plan. `quantity` is how
many of the plan the buyer takes for each period (seats, servers), not a number of
periods: every order buys one period, and its renewal the next one at the same quantity.
An order mixing monthly and yearly lines takes the period of its plan's line (else of its
first recurring line); only the lines of that period are renewed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from sqlalchemy import Select, and_, select
from sqlalchemy.orm import aliased, joinedload

from marketplace.billing.models import (
    Order,
    OrderLine,
    OrderSource,
    OrderStatus,
    PaymentMethod,
    ServicePeriod,
)
from marketplace.catalog.models import BillingPeriod
from marketplace.core.clock import local_today
from marketplace.extensions import db

RECURRING = (BillingPeriod.MONTH, BillingPeriod.YEAR)


def add_period(start: dt.date, period: str, count: int = 1) -> dt.date:
    """Return `start` moved by `count` months or years; a day the month lacks becomes its
    last day (31/01 + 1 month = 28/02, or 29/02 in a leap year; 29/02 + 1 year = 28/02)."""
    if period == BillingPeriod.MONTH:
        return start + relativedelta(months=count)
    if period == BillingPeriod.YEAR:
        return start + relativedelta(years=count)
    raise ValueError(f"not a recurring period: {period!r}")


def recurring_lines(order: Order) -> list[OrderLine]:
    """Return the order's lines a period covers (and a renewal repeats), see the module."""
    lines = [line for line in order.lines if line.period in RECURRING and line.plan_id]
    if not lines:
        return []
    main = next((line for line in lines if line.plan_id == order.plan_id), lines[0])
    return [line for line in lines if line.period == main.period]


def period_of_order(order_id: int | None) -> ServicePeriod | None:
    if order_id is None:
        return None
    return db.session.scalar(select(ServicePeriod).where(ServicePeriod.order_id == order_id))


def latest_period(org_id: int, plan_id: int) -> ServicePeriod | None:
    return db.session.scalar(
        select(ServicePeriod)
        .where(ServicePeriod.organization_id == org_id, ServicePeriod.plan_id == plan_id)
        .order_by(ServicePeriod.ends_on.desc(), ServicePeriod.id.desc())
        .limit(1)
    )


def start_period(order: Order) -> ServicePeriod | None:
    """Give a paid transfer order of a monthly or yearly plan its service period (once).

    A renewal continues from the end of the period it renews, whenever it was paid (late
    or early); another order of a plan the organisation still runs continues from the
    end of that period; otherwise the period starts on the payment date.
    """
    if order.status != OrderStatus.PAID or order.payment_method != PaymentMethod.BANK_TRANSFER:
        return None
    lines = recurring_lines(order)
    if not lines:
        return None
    existing = period_of_order(order.id)
    if existing is not None:
        return existing
    main = next((line for line in lines if line.plan_id == order.plan_id), lines[0])
    paid_on = order.payment_date or local_today()
    auto_renew = True
    previous = period_of_order(order.source_id) if order.source == OrderSource.RENEWAL else None
    if previous is not None:
        starts_on = previous.ends_on
        auto_renew = previous.auto_renew
    else:
        running = latest_period(order.organization_id, main.plan_id)
        starts_on = running.ends_on if running and running.ends_on >= paid_on else paid_on
    period = ServicePeriod(
        order_id=order.id,
        organization_id=order.organization_id,
        vendor_id=order.vendor_id,
        solution_id=order.solution_id,
        plan_id=main.plan_id,
        period=main.period,
        starts_on=starts_on,
        ends_on=add_period(starts_on, main.period),
        auto_renew=auto_renew,
    )
    db.session.add(period)
    db.session.flush()
    return period


# ---------------------------------------------------------------- reads


def _is_latest():
    """The period is the last of its organisation and plan (no later one follows it)."""
    later = aliased(ServicePeriod)
    return ~(
        select(later.id)
        .where(
            later.organization_id == ServicePeriod.organization_id,
            later.plan_id == ServicePeriod.plan_id,
            later.id != ServicePeriod.id,
            later.ends_on > ServicePeriod.ends_on,
        )
        .exists()
    )


def _with_orders(query: Select) -> Select:
    return query.options(
        joinedload(ServicePeriod.order),
        joinedload(ServicePeriod.renewal_order),
        joinedload(ServicePeriod.plan),
        joinedload(ServicePeriod.solution),
    )


def organization_periods(
    org_id: int, today: dt.date | None = None, *, limit: int = 50
) -> list[ServicePeriod]:
    """Return the organisation's transfer-paid plans: the last period of each, the running
    ones first (soonest end first), then the ended ones (latest end first)."""
    query = (
        select(ServicePeriod)
        .where(ServicePeriod.organization_id == org_id, _is_latest())
        .options(joinedload(ServicePeriod.vendor))
        .order_by(ServicePeriod.ends_on.desc(), ServicePeriod.id.desc())
        .limit(limit)
    )
    found = list(db.session.scalars(_with_orders(query)).unique())
    today = today or local_today()
    running = sorted((p for p in found if p.ends_on >= today), key=lambda p: (p.ends_on, p.id))
    return running + [p for p in found if p.ends_on < today]


def running_plan_ids(org_id: int, plan_ids: list[int], today: dt.date | None = None) -> set[int]:
    """Return which of these plans the organisation runs today on a transfer-paid period."""
    if not plan_ids:
        return set()
    return set(db.session.scalars(running_plans_query(org_id, plan_ids, today)))


def running_plans_query(
    org_id: int, plan_ids: list[int] | None, today: dt.date | None = None
) -> Select:
    """The select of `running_plan_ids` (billing.queries unions it; its arguments may be
    bound parameters or columns; `plan_ids` None: every plan)."""
    today = today if today is not None else local_today()
    query = select(ServicePeriod.plan_id).where(
        ServicePeriod.organization_id == org_id,
        ServicePeriod.starts_on <= today,
        ServicePeriod.ends_on >= today,
    )
    return query if plan_ids is None else query.where(ServicePeriod.plan_id.in_(plan_ids))


def upcoming_renewals(
    vendor_id: int, today: dt.date | None = None, *, within_days: int = 30, limit: int = 100
) -> list[ServicePeriod]:
    """Return the vendor's transfer-paid plans whose period ends within `within_days` (and
    the ones whose renewal order still waits), soonest first."""
    today = today or local_today()
    waiting = and_(
        ServicePeriod.renewal_order_id.is_not(None),
        Order.status == OrderStatus.AWAITING_PAYMENT,
    )
    query = (
        select(ServicePeriod)
        .outerjoin(Order, Order.id == ServicePeriod.renewal_order_id)
        .where(
            ServicePeriod.vendor_id == vendor_id,
            _is_latest(),
            ServicePeriod.ends_on >= today - dt.timedelta(days=7),
            (ServicePeriod.ends_on <= today + dt.timedelta(days=within_days)) | waiting,
        )
        .options(joinedload(ServicePeriod.organization))
        .order_by(ServicePeriod.ends_on, ServicePeriod.id)
        .limit(limit)
    )
    return list(db.session.scalars(_with_orders(query)).unique())


def due_for_renewal(today: dt.date, notice_days: int) -> list[ServicePeriod]:
    """Return the periods ending within `notice_days` (not yet ended) that have no renewal
    order yet and are the last of their plan for their organisation."""
    return list(
        db.session.scalars(
            select(ServicePeriod)
            .where(
                ServicePeriod.renewal_claimed_at.is_(None),
                ServicePeriod.ends_on >= today,
                ServicePeriod.ends_on <= today + dt.timedelta(days=notice_days),
                _is_latest(),
            )
            .order_by(ServicePeriod.ends_on, ServicePeriod.id)
        )
    )


@dataclass(frozen=True)
class PeriodNote:
    """What an order page says of the time the order buys."""

    starts_on: dt.date
    ends_on: dt.date
    upcoming: bool  # a renewal not paid yet: the period it would buy


def period_note(order: Order) -> PeriodNote | None:
    """Return the period a paid order bought, or the one an unpaid renewal order buys."""
    period = period_of_order(order.id)
    if period is not None:
        return PeriodNote(period.starts_on, period.ends_on, False)
    if order.source == OrderSource.RENEWAL and order.status in (
        OrderStatus.AWAITING_PAYMENT,
        OrderStatus.EXPIRED,
    ):
        previous = period_of_order(order.source_id)
        if previous is not None:
            ends_on = add_period(previous.ends_on, previous.period)
            return PeriodNote(previous.ends_on, ends_on, True)
    return None
