"""The demo assessments (history with progress for enterprise@demo.vn, every demo enterprise
assessed, a second run adds nothing) and the clean-up of expired anonymous assessments."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from marketplace.accounts.models import Organization
from marketplace.assessment import queries, services
from marketplace.assessment.models import Assessment
from marketplace.core.database import utcnow
from marketplace.demo.assessment_seed import DEMO_ENTERPRISE, seed_assessments
from marketplace.demo.cli import seed_demo
from marketplace.extensions import db


def test_the_demo_has_assessments_and_a_history_showing_progress(app):
    seed_demo()
    db.session.commit()
    org = db.session.scalar(select(Organization).where(Organization.tax_code == DEMO_ENTERPRISE))
    first, retake = queries.history(org.id)
    assert retake.overall_score > first.overall_score
    assert all(retake.pillar_scores[k] >= first.pillar_scores[k] for k in first.pillar_scores)
    assessed = db.session.scalar(select(func.count(Assessment.organization_id.distinct())))
    assert assessed == 10
    total = db.session.scalar(select(func.count(Assessment.id)))
    assert seed_assessments() == 0 and db.session.scalar(select(func.count(Assessment.id))) == total


def test_expired_anonymous_assessments_are_purged(app, enterprise):
    old = Assessment(draft_key="a" * 64, version="2026.1", status="draft", step=1, answers={})
    fresh = Assessment(draft_key="b" * 64, version="2026.1", status="draft", step=1, answers={})
    kept = Assessment(
        organization_id=enterprise.organization_id, version="2026.1", status="draft", answers={}
    )
    db.session.add_all([old, fresh, kept])
    db.session.flush()
    old.updated_at = kept.updated_at = utcnow() - dt.timedelta(days=31)
    db.session.commit()
    assert services.purge_anonymous() == 1
    db.session.commit()
    assert set(db.session.scalars(select(Assessment.draft_key))) == {"b" * 64, None}
