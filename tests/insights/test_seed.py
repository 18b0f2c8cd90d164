"""The demo history: months of counters that agree with the records, seeded once."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.billing.models import Payment
from marketplace.demo.cli import seed_demo
from marketplace.demo.insights_seed import seed_insights
from marketplace.extensions import db
from marketplace.insights import dashboard
from marketplace.insights.models import DailyCounter
from marketplace.trials.models import TrialRequest


def total(metric: str) -> int:
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(DailyCounter.count), 0)).where(
                DailyCounter.metric == metric
            )
        )
    )


def test_seed_gives_months_of_history_consistent_with_the_records(app):
    seed_demo()
    db.session.commit()
    months = db.session.scalar(select(func.count(DailyCounter.day.distinct())))
    assert months > 200  # days with counters
    assert total("trial_request") == db.session.scalar(select(func.count(TrialRequest.id)))
    assert total("purchase") == db.session.scalar(select(func.count(Payment.id)))
    assert total("view") > 10 * total("trial_request")
    board = dashboard.build_dashboard()
    assert sum(1 for p in board.months if p.trials) >= 6
    assert any(c.orgs for b in board.breakdowns for c in b.cells)
    assert any(c.orgs is None for b in board.breakdowns for c in b.cells)
    assert any(r.average is not None for r in board.ratings)
    # Once live counting has begun the seed adds nothing.
    assert seed_insights("x") == 0
