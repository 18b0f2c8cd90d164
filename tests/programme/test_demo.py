"""The demo programme: applications and opt-ins in every state, a period that holds today and
every seeded order whatever the year, and a second run that adds nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from marketplace.billing.models import Order
from marketplace.catalog.models import Plan, Solution
from marketplace.core.clock import TIMEZONE, local_today
from marketplace.demo import programme_seed
from marketplace.demo.cli import seed_demo
from marketplace.extensions import db
from marketplace.programme import queries, services
from marketplace.programme.models import (
    Application,
    ApplicationStatus,
    OptInStatus,
    PlanOptIn,
    ProgrammeVersion,
)


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_the_demo_has_every_state_and_a_second_run_adds_nothing(app):
    seed_demo()
    db.session.commit()
    today = local_today()
    statuses = dict(
        db.session.execute(
            select(Application.status, func.count(Application.id)).group_by(Application.status)
        ).all()
    )
    assert statuses == {
        ApplicationStatus.SUBMITTED: 1,
        ApplicationStatus.APPROVED: 1,
        ApplicationStatus.REJECTED: 1,
        ApplicationStatus.DISBURSED: 1,
    }
    disbursed = db.session.scalar(
        select(Application).where(Application.status == ApplicationStatus.DISBURSED)
    )
    assert disbursed.amount_vnd > 0
    assert (
        disbursed.disbursement_reference
        == f"UNC-{disbursed.disbursed_at.astimezone(TIMEZONE).year}-0917"
    )
    rejected = db.session.scalar(
        select(Application).where(Application.status == ApplicationStatus.REJECTED)
    )
    assert rejected.reason.startswith("Hóa đơn điện tử ghi người mua khác")
    opt_ins = set(db.session.scalars(select(PlanOptIn.status).distinct()))
    assert opt_ins == {OptInStatus.APPROVED, OptInStatus.PENDING, OptInStatus.REJECTED}
    # The rules in force today are in their period: support lines show on a fresh demo.
    version = queries.version_at(queries.current_programme().id, today)
    assert version is not None and queries.in_period(version, today)
    assert queries.eligible_plan_ids(version)
    # Every seeded application's order lies in the period, under a version of the rules.
    for application in db.session.scalars(select(Application)):
        assert queries.in_period(version, application.order_date)
        assert queries.version_at(application.programme_id, application.order_date) is not None
    # The order left for the e2e journey can be applied for today.
    open_order = db.session.scalar(
        select(Order)
        .join(Plan, Plan.id == Order.plan_id)
        .join(Solution, Solution.id == Plan.solution_id)
        .where(Solution.slug == programme_seed.OPEN_ORDER[1])
        .where(Plan.name == programme_seed.OPEN_ORDER[2])
    )
    assert open_order is not None and queries.application_for_order(open_order.id) is None
    assert services.application_problem(open_order) is None

    counts = [_count(m) for m in (Application, PlanOptIn, ProgrammeVersion, Order)]
    assert programme_seed.seed_programme() == 0
    db.session.commit()
    assert [_count(m) for m in (Application, PlanOptIn, ProgrammeVersion, Order)] == counts


@pytest.mark.parametrize(
    ("today", "start", "end", "raised"),
    [
        (dt.date(2026, 12, 3), dt.date(2026, 1, 1), dt.date(2026, 12, 31), dt.date(2026, 7, 1)),
        (dt.date(2026, 12, 31), dt.date(2026, 1, 1), dt.date(2026, 12, 31), dt.date(2026, 7, 1)),
        # The year turns: last year's demo orders (up to 80 days old) stay in the period.
        (dt.date(2027, 1, 1), dt.date(2026, 1, 1), dt.date(2027, 12, 31), dt.date(2026, 7, 1)),
        (dt.date(2027, 4, 30), dt.date(2026, 1, 1), dt.date(2027, 12, 31), dt.date(2026, 7, 1)),
        (dt.date(2027, 5, 1), dt.date(2027, 1, 1), dt.date(2027, 12, 31), dt.date(2027, 7, 1)),
    ],
)
def test_the_demo_period_holds_today_and_the_seeded_orders(today, start, end, raised):
    assert programme_seed.demo_period(today) == (start, end, raised)
    oldest = max(a[3] for a in programme_seed.APPLICATIONS if a[3] is not None)
    assert start <= today - dt.timedelta(days=oldest + 1) and today <= end


def test_the_demo_programme_is_named_after_its_years():
    one = programme_seed.programme_name(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    two = programme_seed.programme_name(dt.date(2026, 1, 1), dt.date(2027, 12, 31))
    assert one.endswith("năm 2026") and two.endswith("giai đoạn 2026–2027")
