"""Fixtures for the needs tests: a need in any state, proposals by two vendors."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import current_app
from sqlalchemy import update

from marketplace.catalog.content import PlanInput
from marketplace.core.clock import local_today
from marketplace.extensions import db
from marketplace.needs import rules, services
from marketplace.needs.models import Need
from tests import factories

SECRET_NAME = "Công ty TNHH Dệt May Bí Mật"


@pytest.fixture
def hidden_enterprise(app):
    org = factories.make_org("enterprise", name=SECRET_NAME)
    return factories.make_user("enterprise", org=org)


@pytest.fixture
def second_vendor(app):
    return factories.make_user("vendor", verified=True)


@pytest.fixture
def vendor_solution(vendor):
    factories.confirm_bank_account(vendor)
    return factories.make_solution(
        vendor,
        plans=[PlanInput(name="Cơ bản", price_vnd=1_200_000, period="year", trial_days=14)],
    )


def need_input(**overrides) -> rules.NeedInput:
    values = {
        "title": "Quản lý kho cho xưởng may 40 công nhân",
        "problem": "Xưởng may cần theo dõi vải nhập, hàng xuất và tồn kho trên điện thoại, "
        "xuất hóa đơn điện tử cho khách.",
        "category_id": factories.category().id,
        "users_count": 12,
        "must_haves": ["Dùng trên điện thoại", "Xuất hóa đơn điện tử"],
        "budget_min_vnd": 10_000_000,
        "budget_max_vnd": 60_000_000,
        "deadline": local_today() + dt.timedelta(days=14),
        "commune_code": None,
        "show_name": False,
    }
    values.update(overrides)
    return rules.NeedInput(**values)


def proposal_input(solution_ids=(), **overrides) -> rules.ProposalInput:
    values = {
        "solution_ids": list(solution_ids),
        "lines": [
            rules.LineInput("Phần mềm kho, 12 người dùng", 1, 2_000_000, "exempt", "month"),
            rules.LineInput("Triển khai và đào tạo", 1, 5_000_000, "10", "once"),
        ],
        "implementation_days": 14,
        "trial_offered": True,
        "covers": [0, 1],
        "note": "Triển khai trong hai tuần.",
    }
    values.update(overrides)
    return rules.ProposalInput(**values)


def make_need(user, *, status: str = "open", moderator=None, **overrides) -> Need:
    """Post a need through the service and bring it to `status` (pending or open)."""
    with current_app.test_request_context():
        need = services.post_need(user, need_input(**overrides))
        db.session.commit()
        if status == "open":
            staff = moderator or factories.make_user("moderator")
            services.moderate_need(staff, need, approve=True, reason=None)
            db.session.commit()
    return need


def propose(user, need, **overrides):
    with current_app.test_request_context():
        proposal = services.save_proposal(user, need, proposal_input(**overrides))
        db.session.commit()
    return proposal


def pass_deadline(need, days: int = 1) -> None:
    """Move the deadline into the past (as if the days had gone by)."""
    db.session.execute(
        update(Need)
        .where(Need.id == need.id)
        .values(deadline=local_today() - dt.timedelta(days=days))
    )
    db.session.commit()
    db.session.refresh(need)
