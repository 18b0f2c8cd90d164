"""Fixtures for the trial tests: a listing with trial plans and trials in any state."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from marketplace.catalog.content import PlanInput
from marketplace.core.clock import local_today
from marketplace.extensions import db
from marketplace.trials import rules, services
from marketplace.trials.models import TrialRequest
from tests import factories

TODAY = dt.date(2026, 3, 10)

PLANS = [
    PlanInput(name="Cơ bản", price_vnd=1_200_000, period="year", trial_days=14),
    PlanInput(name="Nâng cao", price_vnd=2_400_000, period="year", trial_days=30),
    PlanInput(name="Doanh nghiệp", price_vnd=9_000_000, period="year", trial_days=0),
]


def plan_named(solution, name: str):
    return next(p for p in solution.plans if p.name == name)


@pytest.fixture
def solution(vendor):
    return factories.make_solution(vendor, plans=list(PLANS))


@pytest.fixture
def other_solution(other_vendor):
    return factories.make_solution(other_vendor, name="Hóa đơn điện tử Bạch Đằng", plans=[PLANS[0]])


def form_data(solution, **overrides) -> dict:
    """Return a valid request form for `solution` (the 14-day plan)."""
    data = {
        "plan": str(plan_named(solution, "Cơ bản").id),
        "contact_name": "Nguyễn Thị Hương",
        "contact_phone": "0912 345 678",
        "preferred_start": local_today().isoformat(),
        "users_count": "5",
        "message": "Công ty cần xuất hóa đơn cho đại lý.",
    }
    data.update(overrides)
    return data


def trial_input(solution, **overrides) -> rules.TrialInput:
    values = {
        "plan_id": plan_named(solution, "Cơ bản").id,
        "contact_name": "Nguyễn Thị Hương",
        "contact_phone": "0912345678",
        "preferred_start": TODAY,
        "users_count": 5,
        "message": "",
    }
    values.update(overrides)
    return rules.TrialInput(**values)


def count_trials(*where) -> int:
    return db.session.scalar(select(func.count(TrialRequest.id)).where(*where))


@pytest.fixture
def make_trial(app, enterprise, vendor, solution):
    """Create a trial of `solution` by `enterprise` and move it to `status` via the services."""

    def make(status: str = "requested", *, user=None, sol=None, vendor_user=None, today=TODAY):
        user = user or enterprise
        sol = sol or solution
        vendor_user = vendor_user or vendor
        trial = services.request_trial(
            user, sol, trial_input(sol, preferred_start=today), today=today
        )
        return factories.advance_trial(
            trial, status, vendor_user=vendor_user, enterprise_user=user, today=today
        )

    return make
