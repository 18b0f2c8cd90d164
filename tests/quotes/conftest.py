"""Fixtures for the quote tests: a listing with plans, quotes in any state."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from marketplace.catalog.content import PlanInput
from marketplace.core.clock import local_today
from marketplace.extensions import db
from marketplace.quotes import rules, services
from marketplace.quotes.models import QuoteRequest
from tests import factories

PLANS = [
    PlanInput(name="Cơ bản", price_vnd=1_200_000, period="year", trial_days=14),
    PlanInput(name="Doanh nghiệp", price_vnd=9_000_000, period="year", trial_days=0),
]


def plan_named(solution, name: str):
    return next(p for p in solution.plans if p.name == name)


@pytest.fixture
def solution(vendor):
    # An accepted offer becomes a bank-transfer order: the vendor has a confirmed account.
    factories.confirm_bank_account(vendor)
    return factories.make_solution(vendor, plans=list(PLANS))


@pytest.fixture
def other_solution(other_vendor):
    factories.confirm_bank_account(other_vendor)
    return factories.make_solution(other_vendor, name="Kế toán Bạch Đằng", plans=[PLANS[0]])


def request_form(solution, **overrides) -> dict:
    data = {
        "plan": str(plan_named(solution, "Doanh nghiệp").id),
        "users_count": "25",
        "needs": "Kế toán, kho, 3 chi nhánh",
        "desired_start": "",
        "budget": "50m-200m",
        "message": "Cần báo giá trọn gói năm đầu.",
        "contact_name": "Nguyễn Thị Hương",
        "contact_phone": "0912 345 678",
    }
    data.update(overrides)
    return data


def quote_input(solution, **overrides) -> rules.QuoteInput:
    values = {
        "plan_id": plan_named(solution, "Doanh nghiệp").id,
        "users_count": 25,
        "needs": "Kế toán, kho",
        "contact_name": "Nguyễn Thị Hương",
        "contact_phone": "0912345678",
    }
    values.update(overrides)
    return rules.QuoteInput(**values)


def offer_input(solution, *, days: int = 30, today=None, lines=None, **overrides):
    today = today or local_today()
    values = {
        "lines": lines
        or [
            rules.LineInput(
                plan_id=plan_named(solution, "Doanh nghiệp").id,
                description="",
                quantity=2,
                unit_price_vnd=8_500_000,
                vat="10",
            ),
            rules.LineInput(
                plan_id=None,
                description="Triển khai và đào tạo",
                quantity=1,
                unit_price_vnd=3_000_000,
                vat="8",
            ),
        ],
        "valid_until": today + dt.timedelta(days=days),
        "terms": "Thanh toán 100% khi ký hợp đồng.",
    }
    values.update(overrides)
    return rules.OfferInput(**values)


def count_quotes(*where) -> int:
    return db.session.scalar(select(func.count(QuoteRequest.id)).where(*where))


@pytest.fixture
def make_quote(app, enterprise, vendor, solution):
    """Create a quote of `solution` by `enterprise`, offered when `offered` is set."""

    def make(*, offered: bool = False, user=None, sol=None, vendor_user=None):
        user = user or enterprise
        sol = sol or solution
        quote = services.request_quote(user, sol, quote_input(sol))
        if offered:
            services.send_offer(vendor_user or vendor, quote, offer_input(sol))
        db.session.commit()
        return quote

    return make
