"""Fixtures for the insights tests: listings, and trials and purchases written directly."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from sqlalchemy import func, select

from marketplace.billing.models import Payment, PaymentStatus
from marketplace.core.database import utcnow
from marketplace.extensions import db
from marketplace.insights.models import DailyCounter
from marketplace.trials.models import TrialRequest, TrialStatus
from tests import factories


@pytest.fixture
def solution(vendor):
    return factories.make_solution(vendor, name="Hóa đơn điện tử Tứ Kỳ")


@pytest.fixture
def other_solution(other_vendor):
    return factories.make_solution(other_vendor, name="Kế toán Bạch Đằng")


def add_trial(org, solution, *, when: dt.datetime | None = None, status=TrialStatus.ENDED, **kw):
    """Write a trial row as the seed would (no services: no counters, no notifications)."""
    when = when or utcnow()
    plan = solution.plans[0]
    trial = TrialRequest(
        organization_id=org.id,
        solution_id=solution.id,
        plan_id=plan.id,
        vendor_id=solution.vendor_id,
        contact_name="Nguyễn Văn An",
        contact_phone="0912345678",
        preferred_start=when.date(),
        users_count=1,
        status=status,
        trial_days=14,
        created_at=when,
        **kw,
    )
    db.session.add(trial)
    db.session.flush()
    return trial


def add_payment(org, solution, *, when: dt.datetime | None = None, status=PaymentStatus.PAID):
    when = when or utcnow()
    plan = solution.plans[0]
    payment = Payment(
        organization_id=org.id,
        vendor_id=solution.vendor_id,
        solution_id=solution.id,
        plan_id=plan.id,
        mode="payment",
        status=status,
        amount_vnd=plan.price_vnd,
        attempt_key=secrets.token_hex(8),
        created_at=when,
        paid_at=when if status == PaymentStatus.PAID else None,
    )
    db.session.add(payment)
    db.session.flush()
    return payment


def counter(solution_id: int, metric: str, day: dt.date | None = None) -> int:
    where = [DailyCounter.solution_id == solution_id, DailyCounter.metric == metric]
    if day is not None:
        where.append(DailyCounter.day == day)
    return int(
        db.session.scalar(select(func.coalesce(func.sum(DailyCounter.count), 0)).where(*where))
    )
