"""Load the demo catalogue: vendors, their users, solutions in every state, a revision."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from marketplace.accounts.models import Organization, Role, User
from marketplace.catalog import decisions, listing_queries, services
from marketplace.catalog.content import FeatureInput, ListingContent, PlanInput, content_of
from marketplace.catalog.models import Category, FeatureDefinition, Solution, SolutionStatus
from marketplace.core.audit import record_audit
from marketplace.core.database import utcnow
from marketplace.demo import catalog_data
from marketplace.demo.images_seed import seed_listing_images
from marketplace.demo.seed import ensure_org, ensure_user
from marketplace.demo.settings_seed import seed_subcategory
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


# Statuses a listing reaches through publication.
LIVE = (SolutionStatus.PUBLISHED, SolutionStatus.SUSPENDED, SolutionStatus.ARCHIVED)


def _finish(
    status: str, reason: str | None, solution: Solution, actor: User, moderator: User | None
) -> None:
    """Take a submitted or published listing to a rejected, suspended or archived status."""
    if moderator is None:
        return
    if status == SolutionStatus.REJECTED:
        decisions.reject_solution(moderator, solution, reason)
    elif status == SolutionStatus.SUSPENDED:
        decisions.suspend_solution(moderator, solution, reason)
    elif status == SolutionStatus.ARCHIVED:
        services.archive_solution(actor, solution)


def seed_catalog(password_hash: str, *, images: bool = False) -> int:
    """Create what is missing of the demo catalogue; return how many solutions were added.

    `images`: draw the listings' logos and screenshots too (`make run`'s demo; the tests
    that only need the listings leave them out)."""
    seed_subcategory()  # one demo solution is listed in the console's demo subcategory
    moderator = db.session.scalar(select(User).where(User.role == Role.MODERATOR).limit(1))
    data = catalog_data.catalogue()
    catalog_data.check_vocabulary(data, vocabulary())
    actors: dict[str, User] = {}
    for vendor in data.vendors:
        org = ensure_org(vendor.org)
        for user in vendor.users:
            ensure_user(user, org, password_hash)
        actors[vendor.org.tax_code] = db.session.scalar(
            select(User).where(User.organization_id == org.id).order_by(User.id).limit(1)
        )

    categories = dict(db.session.execute(select(Category.slug, Category.id)).all())
    existing = set(db.session.scalars(select(Solution.slug)))
    added = 0
    now = utcnow()
    for item in data.solutions:
        if item["slug"] in existing:
            continue
        actor = actors[item["vendor_tax_code"]]
        solution = services.create_solution(actor, _content(item, categories))
        solution.slug = item["slug"]
        days = item.get("published_days_ago") or 3
        created = now - dt.timedelta(days=days + 7)
        solution.created_at = created
        status = item["status"]
        if status != SolutionStatus.DRAFT:
            services.submit_solution(actor, solution)
            solution.submitted_at = now - dt.timedelta(days=days, hours=20)
        if status in LIVE and moderator is not None:
            decisions.approve_solution(moderator, solution)
            solution.published_at = now - dt.timedelta(days=days)
        _finish(status, item.get("status_reason"), solution, actor, moderator)
        solution.updated_at = solution.published_at or solution.submitted_at or created
        added += 1
    db.session.flush()
    if images:
        seed_listing_images()

    for change in data.revisions:
        solution = db.session.scalar(select(Solution).where(Solution.slug == change["slug"]))
        if solution is None or listing_queries.open_revision(solution) is not None:
            continue
        if any(r.status != "draft" for r in solution.revisions):
            continue
        actor = actors[solution.vendor.tax_code]
        content = content_of(solution)
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


def vocabulary() -> dict[str, dict[str, str]]:
    """Return each category's feature keys and their kinds (category slug → key → kind)."""
    result: dict[str, dict[str, str]] = {
        slug: {} for slug in db.session.scalars(select(Category.slug))
    }
    rows = db.session.execute(
        select(Category.slug, FeatureDefinition.key, FeatureDefinition.kind)
        .join(FeatureDefinition, FeatureDefinition.category_id == Category.id)
        .order_by(FeatureDefinition.position)
    )
    for slug, key, kind in rows:
        result[slug][key] = kind
    return result


def vendor_org(tax_code: str) -> Organization | None:
    return db.session.scalar(
        select(Organization).where(Organization.kind == "vendor", Organization.tax_code == tax_code)
    )


__all__ = ["record_audit", "seed_catalog", "vendor_org"]
