"""Load the demo catalogue: vendors, their users, solutions in every state, a revision."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from marketplace.accounts.models import Organization, Role, User
from marketplace.catalog import services
from marketplace.catalog.content import FeatureInput, ListingContent, PlanInput
from marketplace.catalog.models import Category, Solution, SolutionStatus
from marketplace.core.audit import record_audit
from marketplace.core.database import utcnow
from marketplace.demo import catalog_data
from marketplace.demo.seed import DemoOrg, DemoUser, ensure_org, ensure_user
from marketplace.extensions import db


def _content(item: dict, categories: dict[str, int]) -> ListingContent:
    features = [FeatureInput(key=k, value=v) for k, v in item["features"].items()]
    features += [
        FeatureInput(key=f"x-{n}", label=label, value=value)
        for n, (label, value) in enumerate(item.get("extras", []), start=1)
    ]
    return ListingContent(
        name=item["name"],
        tagline=item["tagline"],
        description=item["description"],
        category_id=categories[item["category"]],
        deployment=item["deployment"],
        website=item.get("website"),
        features=features,
        plans=[PlanInput(**plan) for plan in item["plans"]],
    )


def seed_catalog(password_hash: str) -> int:
    """Create what is missing of the demo catalogue; return how many solutions were added."""
    moderator = db.session.scalar(select(User).where(User.role == Role.MODERATOR).limit(1))
    actors: dict[str, User] = {}
    for spec in catalog_data.VENDORS:
        org = ensure_org(
            DemoOrg(
                kind="vendor",
                name=spec["name"],
                tax_code=spec["tax_code"],
                commune_code=spec["commune_code"],
                street_address=spec.get("street_address"),
                province_code=spec.get("province_code"),
                industry=spec["industry"],
                size_band=spec["size_band"],
                phone=spec["phone"],
                website=spec["website"],
                verified=spec["verified"],
            )
        )
        for user in spec["users"]:
            ensure_user(DemoUser(user["email"], user["name"], Role.VENDOR), org, password_hash)
        actors[spec["tax_code"]] = db.session.scalar(
            select(User).where(User.organization_id == org.id).order_by(User.id).limit(1)
        )

    categories = dict(db.session.execute(select(Category.slug, Category.id)).all())
    existing = set(db.session.scalars(select(Solution.slug)))
    added = 0
    now = utcnow()
    for item in catalog_data.SOLUTIONS:
        if item["slug"] in existing:
            continue
        actor = actors[item["vendor_tax_code"]]
        solution = services.create_solution(actor, _content(item, categories))
        solution.slug = item["slug"]
        days = item.get("published_days_ago") or 3
        created = now - dt.timedelta(days=days + 7)
        solution.created_at = created
        if item["status"] in (SolutionStatus.PENDING, SolutionStatus.PUBLISHED):
            services.submit_solution(actor, solution)
            solution.submitted_at = now - dt.timedelta(days=days, hours=20)
        if item["status"] == SolutionStatus.PUBLISHED and moderator is not None:
            services.approve_solution(moderator, solution)
            solution.published_at = now - dt.timedelta(days=days)
        solution.updated_at = solution.published_at or solution.submitted_at or created
        added += 1
    db.session.flush()

    for change in catalog_data.REVISIONS:
        solution = db.session.scalar(select(Solution).where(Solution.slug == change["slug"]))
        if solution is None or services.open_revision(solution) is not None:
            continue
        if any(r.status != "draft" for r in solution.revisions):
            continue
        actor = actors[solution.vendor.tax_code]
        content = services.content_of(solution)
        changes = dict(change["changes"])
        if "plans" in changes:
            live = {p.name: p.id for p in content.plans}
            content.plans = [PlanInput(id=live.get(p["name"]), **p) for p in changes.pop("plans")]
        for key, value in changes.items():
            setattr(content, key, value)
        services.save_solution(actor, solution, content)
        services.submit_solution(actor, solution)
    db.session.flush()
    return added


def vendor_org(tax_code: str) -> Organization | None:
    return db.session.scalar(
        select(Organization).where(Organization.kind == "vendor", Organization.tax_code == tax_code)
    )


__all__ = ["record_audit", "seed_catalog", "vendor_org"]
