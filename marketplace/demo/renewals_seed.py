"""Demo plans paid by transfer with their service period (data/billing.yaml, `renewals`):
one ending in a few days with its renewal order waiting, one with renewal turned off.
Safe to run again: a plan the enterprise already has a period of is left alone."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from marketplace.billing import orders as billing_orders
from marketplace.billing import periods, renewals
from marketplace.billing.models import OrderStatus, ServicePeriod
from marketplace.catalog.models import Solution, SolutionStatus
from marketplace.core.clock import local_midnight, local_today
from marketplace.core.database import utcnow
from marketplace.demo.billing_seed import _data, _member, _org
from marketplace.extensions import db


def seed_renewals() -> int:
    """Create the demo's transfer-paid plans and renewal order; return how many plans."""
    now = utcnow()
    added = 0
    for spec in _data().get("renewals", []):
        org = _org("enterprise", spec["enterprise"])
        solution = db.session.scalar(
            select(Solution).where(
                Solution.slug == spec["solution"], Solution.status == SolutionStatus.PUBLISHED
            )
        )
        buyer = _member(org.id) if org is not None else None
        if solution is None or buyer is None:
            continue
        plan = next((p for p in solution.active_plans if p.name == spec["plan"]), None)
        if plan is None or plan.period not in periods.RECURRING:
            continue
        if db.session.scalar(
            select(ServicePeriod.id).where(
                ServicePeriod.organization_id == org.id, ServicePeriod.plan_id == plan.id
            )
        ):
            continue
        ends_on = local_today(now) + dt.timedelta(days=spec["ends_in_days"])
        one = relativedelta(months=1) if plan.period == "month" else relativedelta(years=1)
        paid_on = ends_on - one
        placed = local_midnight(paid_on - dt.timedelta(days=1)) + dt.timedelta(hours=10)
        order = billing_orders.create_order(
            buyer,
            vendor=solution.vendor,
            lines=[billing_orders.plan_line(plan)],
            solution_id=solution.id,
            plan_id=plan.id,
            now=placed,
        )
        order.status = OrderStatus.PAID
        order.paid_at = local_midnight(paid_on) + dt.timedelta(hours=9)
        order.payment_date = paid_on
        order.payment_reference = spec.get("reference")
        db.session.flush()
        period = periods.start_period(order)
        if period is None:
            continue
        period.auto_renew = spec.get("auto_renew", True)
        if spec.get("renewal_order") and period.auto_renew:
            renewals.issue_renewal(period, now)
        db.session.flush()
        added += 1
    return added
