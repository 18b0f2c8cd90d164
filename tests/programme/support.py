"""Builders for the programme's tests: rules, an approved plan, a paid invoiced order."""

from __future__ import annotations

import datetime as dt

from marketplace.core.clock import local_today
from marketplace.core.database import utcnow
from marketplace.extensions import db
from marketplace.programme.models import (
    Application,
    ApplicationStatus,
    OptInStatus,
    PlanOptIn,
    Programme,
    ProgrammeVersion,
)
from tests import factories

START = dt.date(2020, 1, 1)
END = dt.date(2099, 12, 31)

RATES = {"household": 100, "micro": 100, "small": 50, "medium": 50}
CAPS = {"household": 20_000_000, "micro": 20_000_000, "small": 50_000_000, "medium": 100_000_000}


def make_programme(*, budget: int = 2_000_000_000, category_ids=(), **overrides) -> Programme:
    """Create the programme with one version in force since 2020."""
    programme = Programme(name="Chương trình hỗ trợ chuyển đổi số DNNVV")
    db.session.add(programme)
    db.session.flush()
    add_version(programme, START, budget=budget, category_ids=category_ids, **overrides)
    db.session.commit()
    return programme


def add_version(programme, effective_from, *, budget=2_000_000_000, category_ids=(), **overrides):
    values = {
        "programme_id": programme.id,
        "effective_from": effective_from,
        "period_start": START,
        "period_end": END,
        "budget_vnd": budget,
        "assessment_required": False,
        "category_ids": list(category_ids),
    }
    for band in RATES:
        values[f"rate_{band}"] = RATES[band]
        values[f"cap_{band}"] = CAPS[band]
    values.update(overrides)
    version = ProgrammeVersion(**values)
    db.session.add(version)
    db.session.flush()
    return version


def approve_plan(programme, plan) -> PlanOptIn:
    opt_in = PlanOptIn(
        programme_id=programme.id,
        plan_id=plan.id,
        vendor_id=plan.solution.vendor_id,
        status=OptInStatus.APPROVED,
        decided_at=utcnow(),
    )
    db.session.add(opt_in)
    db.session.commit()
    return opt_in


def paid_order(enterprise_user, plan, *, invoiced: bool = True, created_at=None):
    """Place a transfer order of `plan`, then mark it paid (and invoiced)."""
    _ensure_bank_account(plan)
    order = factories.make_transfer_order(enterprise_user, plan)
    order.status = "paid"
    order.paid_at = utcnow()
    order.payment_date = local_today()
    if created_at is not None:
        order.created_at = created_at
    if invoiced:
        order.einvoice_number = f"{order.id:07d}"
        order.einvoice_symbol = "1C26TAA"
        order.einvoice_date = local_today()
        order.einvoice_recorded_at = utcnow()
    db.session.commit()
    return order


def _ensure_bank_account(plan) -> None:
    from sqlalchemy import select

    from marketplace.accounts.models import User
    from marketplace.billing.models import VendorBankAccount

    vendor_id = plan.solution.vendor_id
    if db.session.scalar(
        select(VendorBankAccount.id).where(VendorBankAccount.organization_id == vendor_id)
    ):
        return
    owner = db.session.scalar(select(User).where(User.organization_id == vendor_id).limit(1))
    factories.confirm_bank_account(owner)
    db.session.commit()


def make_application(order, *, status: str = ApplicationStatus.SUBMITTED) -> Application:
    """File an application directly (no attachments), as the service would."""
    from marketplace.programme.services import order_date

    day = order_date(order)
    application = Application(
        programme_id=db.session.scalar(db.select(Programme.id).limit(1)),
        order_id=order.id,
        organization_id=order.organization_id,
        status=status,
        submitted_at=utcnow(),
        order_date=day,
        support_year=day.year,
        order_amount_vnd=order.total_vnd,
    )
    db.session.add(application)
    db.session.commit()
    return application


def world(enterprise_user, plan, *, budget: int = 2_000_000_000):
    """A programme covering the plan's category, the plan approved, a paid invoiced order."""
    programme = make_programme(budget=budget, category_ids=[plan.solution.category_id])
    approve_plan(programme, plan)
    return programme, paid_order(enterprise_user, plan)
