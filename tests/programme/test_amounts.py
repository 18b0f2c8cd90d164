"""The amount after support, exact in đồng: every size band, cap and budget situation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.core.errors import DomainError
from marketplace.extensions import db
from marketplace.programme import services
from marketplace.programme.models import Application, ApplicationStatus
from marketplace.programme.rules import support_on
from tests import factories
from tests.programme import support


@pytest.mark.parametrize(
    ("amount", "rate", "cap_left", "budget_left", "expected", "after"),
    [
        (1_200_000, 50, 50_000_000, 10**9, 600_000, 600_000),  # small / medium: half
        (1_200_000, 100, 20_000_000, 10**9, 1_200_000, 0),  # household / micro: all of it
        (1_234_567, 50, 50_000_000, 10**9, 617_283, 617_284),  # rounded down to the đồng
        (100_001, 33, 10**9, 10**9, 33_000, 67_001),  # 33 000.33 → 33 000
        (1_200_000, 50, 100_000, 10**9, 100_000, 1_100_000),  # the yearly cap left cuts it
        (1_200_000, 50, 50_000_000, 250_000, 250_000, 950_000),  # the budget left cuts it
        (1_200_000, 50, 0, 10**9, 0, 1_200_000),  # cap used up
        (1_200_000, 50, 10**9, 0, 0, 1_200_000),  # budget used up
        (1_200_000, 0, 10**9, 10**9, 0, 1_200_000),  # a band the rules do not support
        (1_200_000, 50, -5, -5, 0, 1_200_000),  # overdrawn figures never give a negative
    ],
)
def test_support_table(amount, rate, cap_left, budget_left, expected, after):
    result = support_on(amount, rate, cap_left, budget_left)
    assert (result.support_vnd, result.after_vnd) == (expected, after)
    assert result.support_vnd + result.after_vnd == amount


def _approve(moderator, order):
    application = support.make_application(order)
    with db.session.no_autoflush:
        services.approve_application(moderator, application)
    db.session.commit()
    return application


@pytest.mark.parametrize(
    ("band", "rate"), [("household", 100), ("micro", 100), ("small", 50), ("medium", 50)]
)
def test_each_size_band_gets_its_rate(app, programme, plan, moderator, band, rate):
    buyer = factories.make_user("enterprise")
    buyer.organization.size_band = band
    db.session.commit()
    order = support.paid_order(buyer, plan)
    application = _approve(moderator, order)
    assert application.status == ApplicationStatus.APPROVED
    assert application.rate_percent == rate
    assert application.amount_vnd == order.total_vnd * rate // 100
    assert application.cap_vnd == support.CAPS[band]


def test_a_large_enterprise_is_not_supported(app, programme, plan, moderator):
    buyer = factories.make_user("enterprise")
    buyer.organization.size_band = "large"
    db.session.commit()
    order = support.paid_order(buyer, plan)
    application = support.make_application(order)
    with pytest.raises(DomainError):
        services.approve_application(moderator, application)
    assert services.application_problem(order)


def test_the_yearly_cap_left_limits_the_amount(app, plan, enterprise, moderator):
    # Small: 50 %, cap 700 000 ₫; two orders of 1 200 000 ₫ → 600 000 then 100 000.
    programme = support.make_programme(category_ids=[plan.solution.category_id], cap_small=700_000)
    support.approve_plan(programme, plan)
    first = _approve(moderator, support.paid_order(enterprise, plan))
    second = _approve(moderator, support.paid_order(enterprise, plan))
    assert plan.price_vnd == 1_200_000
    assert (first.amount_vnd, second.amount_vnd) == (600_000, 100_000)
    assert second.computed_vnd == 600_000
    third = support.make_application(support.paid_order(enterprise, plan))
    with pytest.raises(DomainError, match="hạn mức"):
        services.approve_application(moderator, third)


def test_the_budget_left_limits_the_amount(app, plan, enterprise, other_enterprise, moderator):
    programme = support.make_programme(budget=800_000, category_ids=[plan.solution.category_id])
    support.approve_plan(programme, plan)
    first = _approve(moderator, support.paid_order(enterprise, plan))
    second = _approve(moderator, support.paid_order(other_enterprise, plan))
    assert (first.amount_vnd, second.amount_vnd) == (600_000, 200_000)
    third = support.make_application(support.paid_order(other_enterprise, plan))
    with pytest.raises(DomainError, match="Ngân sách"):
        services.approve_application(moderator, third)
    db.session.rollback()
    assert db.session.get(Application, third.id).status == ApplicationStatus.SUBMITTED


def test_rules_changed_later_do_not_change_an_approved_application(
    app, programme, plan, enterprise, moderator, admin
):
    order = support.paid_order(enterprise, plan)
    approved = _approve(moderator, order)
    assert approved.amount_vnd == 600_000
    # A new version from today: 30 %, a tiny cap. The approved amount stays.
    import datetime as dt

    from marketplace.core.clock import local_today

    today = local_today()
    services.add_version(
        admin,
        programme,
        services.VersionInput(
            effective_from=today + dt.timedelta(days=1),
            period_start=support.START,
            period_end=support.END,
            budget_vnd=10_000_000,
            assessment_required=False,
            rates=dict.fromkeys(support.RATES, 30),
            caps=dict.fromkeys(support.CAPS, 1_000),
            category_ids=[plan.solution.category_id],
        ),
        today=today,
    )
    db.session.commit()
    db.session.expire_all()
    kept = db.session.get(Application, approved.id)
    assert (kept.amount_vnd, kept.rate_percent, kept.cap_vnd) == (600_000, 50, 50_000_000)
    # An order placed before the new version's date is still computed under the old one.
    another = support.make_application(support.paid_order(enterprise, plan))
    assert services.compute_support(another).rate == 50


def test_a_version_cannot_start_in_the_past(app, programme, admin):
    import datetime as dt

    with pytest.raises(DomainError) as err:
        services.add_version(
            admin,
            programme,
            services.VersionInput(
                effective_from=dt.date(2021, 1, 1),
                period_start=support.START,
                period_end=support.END,
                budget_vnd=1,
                assessment_required=False,
                rates={},
                caps={},
                category_ids=[],
            ),
            today=dt.date(2026, 6, 1),
        )
    assert err.value.field == "effective_from"


def test_one_application_per_order(app, order):
    support.make_application(order)
    with pytest.raises(Exception):  # noqa: B017 - the unique constraint, whatever the driver
        support.make_application(order)
    db.session.rollback()
    assert len(db.session.scalars(select(Application)).all()) == 1
