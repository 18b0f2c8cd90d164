"""Demo readiness self-assessments: one completed assessment for each demo enterprise, and
two for enterprise@demo.vn (an earlier one and a retake three months later, showing progress).

Answers are made from a level per pillar (each question of the pillar answered around it)
and scored by the assessment's own rule (`assessment.scoring`), with questionnaire 2026.1.
The demo has ten enterprises: the dashboard therefore shows the total, the pillar × level
cells and the groups that reach five (the "small" size band, the former Hải Dương area) and
"<5" for the others, as it would in production. Safe to run again: an organisation with any
assessment is left alone.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from marketplace.accounts.models import Membership, Organization, OrgKind
from marketplace.assessment import questionnaire, scoring
from marketplace.assessment.models import Assessment, AssessmentStatus
from marketplace.core.database import utcnow
from marketplace.extensions import db

DEMO_ENTERPRISE = "0801234560"  # enterprise@demo.vn
VERSION = "2026.1"
PILLARS = questionnaire.PILLAR_KEYS

# Levels per pillar (customer, strategy, technology, operations, culture, data), by tax code;
# the demo enterprise first answered FIRST, then LEVELS (its retake).
FIRST = (1, 0, 1, 2, 1, 0)
LEVELS: dict[str, tuple[int, ...]] = {
    DEMO_ENTERPRISE: (3, 2, 2, 3, 2, 2),
}
# The other demo enterprises, in the data file's order: mostly "bắt đầu" (2), as surveys of
# the province's SMEs find, with operations (e-invoices are compulsory) a little ahead.
OTHERS = [
    (2, 1, 2, 3, 2, 1),
    (2, 2, 2, 3, 1, 2),
    (1, 1, 2, 2, 1, 1),
    (3, 2, 3, 3, 2, 2),
    (2, 1, 2, 2, 2, 1),
    (2, 2, 1, 3, 2, 2),
    (1, 0, 1, 2, 1, 1),
    (2, 2, 2, 2, 2, 2),
    (3, 3, 3, 4, 3, 3),
]


def _answers(form: questionnaire.Questionnaire, levels: tuple[int, ...], seed: int) -> dict:
    """Answer each question around its pillar's level (one in three a level higher)."""
    answers = {}
    for pillar, level in zip(form.pillars, levels, strict=True):
        for i, q in enumerate(pillar.questions):
            bump = 1 if (i + seed) % 3 == 0 and level < 5 else 0
            answers[q.id] = level + bump
    return answers


def _add(org: Organization, levels: tuple[int, ...], when: dt.datetime, seed: int) -> None:
    form = questionnaire.load(VERSION)
    answers = _answers(form, levels, seed)
    scores = scoring.score(form, answers)
    owner = db.session.scalar(
        select(Membership.user_id).where(
            Membership.organization_id == org.id, Membership.role == "owner"
        )
    )
    db.session.add(
        Assessment(
            organization_id=org.id,
            user_id=owner,
            version=VERSION,
            status=AssessmentStatus.COMPLETED,
            step=form.steps,
            answers=answers,
            pillar_scores=scores.pillars,
            overall_score=scores.overall,
            created_at=when - dt.timedelta(minutes=9),
            updated_at=when,
            completed_at=when,
        )
    )


def seed_assessments() -> int:
    """Add the demo assessments that are missing; return how many were added."""
    from marketplace.demo import catalog_data

    assessed = set(
        db.session.scalars(
            select(Assessment.organization_id).where(Assessment.organization_id.is_not(None))
        )
    )
    tax_codes = [e.org.tax_code for e in catalog_data.catalogue().enterprises]
    orgs = {
        o.tax_code: o
        for o in db.session.scalars(
            select(Organization).where(
                Organization.kind == OrgKind.ENTERPRISE, Organization.tax_code.in_(tax_codes)
            )
        )
    }
    now = utcnow()
    added = 0
    others = iter(OTHERS)
    for n, code in enumerate(tax_codes):
        levels = LEVELS.get(code) or next(others, (2,) * 6)
        org = orgs.get(code)
        if org is None or org.id in assessed:
            continue
        if code == DEMO_ENTERPRISE:
            _add(org, FIRST, now - dt.timedelta(days=95), n)
            added += 1
        _add(org, levels, now - dt.timedelta(days=3 + 4 * n), n)
        added += 1
    db.session.commit()
    return added
