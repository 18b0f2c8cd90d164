"""The demo trials: every state, the rules respected, and safe to run again."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from marketplace.accounts.models import Organization
from marketplace.core.audit import AuditLog
from marketplace.core.clock import local_today
from marketplace.demo.cli import seed_demo
from marketplace.demo.trials_seed import DEMO_ENTERPRISE, seed_trials
from marketplace.extensions import db
from marketplace.trials import queries
from marketplace.trials.models import OPEN_STATUSES, TrialEvent, TrialRequest, TrialStatus


def test_seed_creates_trials_in_every_state_that_follow_the_rules(app):
    seed_demo()
    db.session.commit()
    trials = db.session.scalars(select(TrialRequest)).all()
    assert {t.status for t in trials} == set(TrialStatus)
    localities = db.session.scalars(
        select(Organization.commune_code).where(Organization.kind == "enterprise").distinct()
    ).all()
    assert len(set(localities)) >= 8

    demo = db.session.scalar(select(Organization).where(Organization.tax_code == DEMO_ENTERPRISE))
    demo_states = {t.status for t in trials if t.organization_id == demo.id}
    assert {"requested", "accepted", "active", "ended", "converted"} <= demo_states

    today = local_today()
    open_pairs = [(t.organization_id, t.solution_id) for t in trials if t.status in OPEN_STATUSES]
    assert len(open_pairs) == len(set(open_pairs))
    for t in trials:
        assert t.plan.solution_id == t.solution_id and t.plan.trial_days > 0
        assert t.trial_days == t.plan.trial_days
        assert t.solution.status == "published"
        if t.start_date:
            assert t.end_date == t.start_date + dt.timedelta(days=t.trial_days)
        if t.status == "active":
            assert t.end_date >= today
        if t.status == "ended":
            assert t.end_date < today
        if t.status in ("accepted", "active", "ended", "converted", "declined"):
            assert t.first_response_at is not None and t.first_response_at > t.created_at
        if t.status == "requested":
            assert t.first_response_at is None
        if t.status == "declined":
            assert t.reason
        steps = [e.to_status for e in t.events]
        assert steps[0] == "requested" and steps[-1] == t.status
        times = [e.created_at for e in t.events]
        assert times == sorted(times)
    assert db.session.scalar(
        select(func.count(AuditLog.id)).where(AuditLog.object_type == "trial_requests")
    ) == (db.session.scalar(select(func.count(TrialEvent.id))))
    times = queries.median_response_time({t.vendor_id for t in trials})
    assert all(times.values())


def test_seed_is_idempotent(app):
    seed_demo()
    db.session.commit()
    counts = (
        db.session.scalar(select(func.count(TrialRequest.id))),
        db.session.scalar(select(func.count(Organization.id))),
    )
    assert seed_trials("x") == 0
    seed_demo()
    db.session.commit()
    assert counts == (
        db.session.scalar(select(func.count(TrialRequest.id))),
        db.session.scalar(select(func.count(Organization.id))),
    )
