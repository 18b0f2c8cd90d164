"""Fixtures for the review tests: a listing with trial plans, trials in any state, reviews."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from bs4 import BeautifulSoup

from marketplace.catalog.content import PlanInput
from marketplace.core.database import utcnow
from marketplace.extensions import db
from marketplace.reviews import rules, services
from marketplace.reviews.models import Review
from marketplace.trials import rules as trials_rules
from marketplace.trials import services as trials
from tests import factories

TODAY = dt.date(2026, 3, 10)
PLANS = [
    PlanInput(name="Cơ bản", price_vnd=1_200_000, period="year", trial_days=14),
    PlanInput(name="Doanh nghiệp", price_vnd=9_000_000, period="year", trial_days=0),
]
_seq = itertools.count(1)


@pytest.fixture
def solution(vendor):
    return factories.make_solution(vendor, plans=list(PLANS))


@pytest.fixture
def other_solution(other_vendor):
    return factories.make_solution(other_vendor, name="Hóa đơn Bạch Đằng", plans=[PLANS[0]])


def make_trial(user, solution, status: str = "ended"):
    """Give the user's organisation a trial of the solution in `status`, through the services."""
    plan = next(p for p in solution.plans if p.trial_days > 0)
    vendor_user = next(
        u for u in solution.vendor.members if u.role == "vendor"
    )  # the listing's vendor acts
    trial = trials.request_trial(
        user,
        solution,
        trials_rules.TrialInput(
            plan_id=plan.id,
            contact_name="Nguyễn Thị Hương",
            contact_phone="0912345678",
            preferred_start=TODAY,
            users_count=3,
        ),
        today=TODAY,
    )
    return factories.advance_trial(
        trial, status, vendor_user=vendor_user, enterprise_user=user, today=TODAY
    )


def eligible_user(solution, status: str = "ended", **fields):
    """Return a new enterprise user whose organisation tried the solution."""
    user = factories.make_user("enterprise", **fields)
    make_trial(user, solution, status)
    return user


def review_input(**overrides) -> rules.ReviewInput:
    values = {
        "overall": 4,
        "ease_of_use": 4,
        "features": 5,
        "support": 3,
        "value": 4,
        "title": "Xuất hóa đơn nhanh, hỗ trợ nhiệt tình",
        "body": "Công ty dùng thử hai tuần, xuất hơn 200 hóa đơn cho đại lý không lỗi nào.",
    }
    values.update(overrides)
    return rules.ReviewInput(**values)


def form_data(**overrides) -> dict:
    data = {
        "overall": "4",
        "ease_of_use": "4",
        "features": "5",
        "support": "3",
        "value": "4",
        "title": "Xuất hóa đơn nhanh, hỗ trợ nhiệt tình",
        "body": "Công ty dùng thử hai tuần, xuất hơn 200 hóa đơn cho đại lý không lỗi nào.",
    }
    data.update(overrides)
    return data


def write(user, solution, **overrides) -> Review:
    """Record a review through the service and commit."""
    review = services.record_review(user, solution, review_input(**overrides))
    db.session.commit()
    return review


@pytest.fixture
def reviewer(solution):
    """An enterprise user whose organisation's trial of `solution` has ended."""
    return eligible_user(solution)


@pytest.fixture
def review(reviewer, solution):
    return write(reviewer, solution)


def quick_reviews(solution, stars: list[int], *, status: str = "published") -> list[Review]:
    """Insert reviews from new organisations directly (for lists and figures), then refresh.

    Eligibility is covered by its own tests; here only the rows matter.
    """
    from marketplace.accounts.models import Organization

    now = utcnow()
    rows = []
    for n, value in enumerate(stars):
        k = next(_seq)
        org = Organization(
            kind="enterprise",
            name=f"Hộ kinh doanh Thử {k}",
            tax_code=f"08{k:08d}",
            commune_code="10999",
        )
        db.session.add(org)
        db.session.flush()
        rows.append(
            Review(
                solution_id=solution.id,
                organization_id=org.id,
                overall=value,
                ease_of_use=value,
                features=max(1, value - 1),
                support=value,
                value=min(5, value + 1),
                title=f"Nhận xét số {k}",
                body=f"Nội dung nhận xét số {k} đủ dài để được đăng.",
                verified=True,
                status=status,
                helpful_count=0,
                created_at=now - dt.timedelta(minutes=len(stars) - n),
                updated_at=now - dt.timedelta(minutes=len(stars) - n),
            )
        )
    db.session.add_all(rows)
    db.session.flush()
    services.lock_solution(solution.id)
    services.refresh_aggregates(solution.id)
    db.session.commit()
    return rows


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def review_ids(response) -> list[int]:
    return [int(a["id"].removeprefix("review-")) for a in soup(response).select("article.review")]
