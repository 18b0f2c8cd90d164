"""The demo catalogue read from its data files: the same catalogue as before, and checked."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import func, select

from marketplace.accounts.models import Organization, User
from marketplace.catalog.models import Category, Plan, Solution, SolutionFeature, SolutionRevision
from marketplace.core.database import utcnow
from marketplace.demo import seed
from marketplace.demo.catalog_seed import seed_catalog
from marketplace.extensions import db

# Measured from the seed of the Python literals (marketplace/demo/catalog_data.py) before
# the catalogue moved to marketplace/demo/data/: the data files must give the same catalogue.
EXPECTED_COUNTS = {
    "vendors": 6,
    "vendor_users": 9,
    "solutions": 47,
    "published": 41,
    "pending": 4,
    "draft": 2,
    "plans": 112,
    "features": 356,
    "categories": 11,
    "revisions": 1,
}
EXPECTED_CHECKSUM = "c83b6d7ee46fbec7ecf1f249c42c0c68bc0ccf0ef0ad3f41c2afded1e8457702"


def catalogue_fingerprint() -> tuple[dict[str, int], str]:
    """Return the seeded catalogue's counts and a checksum of everything it holds."""
    vendors = db.session.scalars(
        select(Organization).where(Organization.kind == "vendor").order_by(Organization.tax_code)
    ).all()
    solutions = db.session.scalars(select(Solution).order_by(Solution.slug)).all()
    now = utcnow()

    def days_ago(moment):
        return None if moment is None else round((now - moment).total_seconds() / 86400)

    content = {
        "vendors": [
            [
                o.name,
                o.tax_code,
                o.locality,
                o.industry,
                o.size_band,
                o.phone,
                o.website,
                o.verified_at is not None,
                sorted(
                    [u.email, u.name, u.role]
                    for u in db.session.scalars(select(User).where(User.organization_id == o.id))
                ),
            ]
            for o in vendors
        ],
        "solutions": [
            [
                s.slug,
                s.vendor.tax_code,
                s.status,
                s.name,
                s.tagline,
                s.description,
                s.category.slug if s.category else None,
                s.deployment,
                s.website,
                s.min_price_vnd,
                s.max_trial_days,
                days_ago(s.published_at),
                days_ago(s.submitted_at),
                [[f.key, f.label, f.value, f.position] for f in s.features],
                [
                    [p.name, p.price_vnd, p.period, p.trial_days, p.limits, p.active, p.position]
                    for p in s.plans
                ],
                [
                    [r.status, _without_ids(r.content), r.author.email if r.author else None]
                    for r in s.revisions
                ],
            ]
            for s in solutions
        ],
    }
    counts = {
        "vendors": len(vendors),
        "vendor_users": db.session.scalar(
            select(func.count(User.id))
            .join(Organization, User.organization_id == Organization.id)
            .where(Organization.kind == "vendor")
        ),
        "solutions": len(solutions),
        "published": sum(s.status == "published" for s in solutions),
        "pending": sum(s.status == "pending" for s in solutions),
        "draft": sum(s.status == "draft" for s in solutions),
        "plans": db.session.scalar(select(func.count(Plan.id))),
        "features": db.session.scalar(select(func.count(SolutionFeature.id))),
        "categories": db.session.scalar(select(func.count(func.distinct(Solution.category_id)))),
        "revisions": db.session.scalar(select(func.count(SolutionRevision.id))),
    }
    text = json.dumps(content, ensure_ascii=False, sort_keys=True)
    return counts, hashlib.sha256(text.encode()).hexdigest()


def _without_ids(content: dict) -> dict:
    """Drop database ids from a revision's content (they depend on insertion order)."""
    content = dict(content)
    content["category_id"] = db.session.get(Category, content["category_id"]).slug
    content["plans"] = [{k: v for k, v in p.items() if k != "id"} for p in content["plans"]]
    return content


def _seed_catalogue() -> None:
    password_hash = "demo-hash"
    seed.seed_accounts(password_hash)
    seed_catalog(password_hash)
    db.session.commit()


def test_the_seed_gives_the_same_catalogue_as_before(app):
    _seed_catalogue()
    counts, checksum = catalogue_fingerprint()
    assert counts == EXPECTED_COUNTS
    assert checksum == EXPECTED_CHECKSUM
