"""Turn catalogue objects into the JSON shapes of API v1 (each shape is a model in schemas.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from marketplace.accounts.models import Organization
from marketplace.api import schemas as shapes
from marketplace.catalog.content import content_of
from marketplace.catalog.listed import ListedSolution, ListedVendor, ShownCategory
from marketplace.catalog.models import Category, Plan, Solution
from marketplace.catalog.presenters import describe
from marketplace.catalog.public_queries import CategoryNode
from marketplace.catalog.vendor_profiles import locality_label
from marketplace.catalog.vendor_queries import Page, VendorSummary
from marketplace.compare.services import Comparison
from marketplace.core import geography
from marketplace.core.text import render_markdown
from marketplace.core.urls import public_url
from marketplace.insights.dashboard import Dashboard, Totals
from marketplace.programme import dashboard as programme_dashboard
from marketplace.reviews import queries as reviews_queries


def isoformat(value: dt.datetime | None) -> str | None:
    """Format a timestamp as ISO 8601 in UTC with a `Z`."""
    if value is None:
        return None
    if value.tzinfo is None:  # stored values are UTC
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def vendor_summary(org: Organization | ListedVendor) -> shapes.Vendor:
    return shapes.Vendor(name=org.name, verified=org.verified_at is not None)


def vendor_detail(org: Organization) -> shapes.VendorDetail:
    return shapes.VendorDetail(
        name=org.name,
        verified=org.verified_at is not None,
        province_code=org.province_code,
        commune_code=org.commune_code,
        commune=geography.commune_label(org.commune_code) or None,
        website=org.website,
    )


def category_ref(category: Category | ShownCategory | None) -> shapes.CategoryRef | None:
    if category is None:
        return None
    return shapes.CategoryRef(slug=category.slug, name=category.name)


def rating_summary(solution: Solution | ListedSolution) -> shapes.Rating:
    count = int(solution.rating_count or 0)
    average = round(float(solution.rating_avg or 0), 2) if count else None
    return shapes.Rating(average=average, count=count)


def rating_distribution(solution: Solution) -> shapes.Distribution:
    """Return the number of published reviews per star, "1" to "5" (hidden ones excluded)."""
    return shapes.Distribution.model_validate(reviews_queries.summary_of(solution).distribution())


def solution_url(solution: Solution | ListedSolution) -> str:
    """Return the absolute address of a solution's public page."""
    return public_url("catalog.solution", slug=solution.slug)


def _listed(solution: Solution | ListedSolution) -> dict[str, Any]:
    """The fields a listed solution and its detail share (vendor and category loaded)."""
    return {
        "slug": solution.slug,
        "name": solution.name,
        "tagline": solution.tagline or "",
        "category": category_ref(solution.category),
        "deployment": str(solution.deployment),
        "has_trial": solution.has_trial,
        "min_price_vnd": solution.min_price_vnd,
        "min_price_period": solution.min_price_period,
        "vat_included": solution.min_price_vat_included,
        "url": solution_url(solution),
    }


def solution_summary(solution: Solution | ListedSolution) -> shapes.Solution:
    """Describe a solution as lists show it (vendor and category must be loaded)."""
    return shapes.Solution(
        **_listed(solution),
        vendor=vendor_summary(solution.vendor),
        rating=rating_summary(solution),
    )


def plan_json(plan: Plan) -> shapes.Plan:
    return shapes.Plan(
        id=plan.id,
        name=plan.name,
        price_vnd=plan.price_vnd,
        period=str(plan.period),
        trial_days=plan.trial_days,
        limits=plan.limits or "",
        vat_treatment=plan.vat_treatment,
        price_includes_vat=plan.price_includes_vat,
    )


def solution_detail(solution: Solution) -> shapes.SolutionDetail:
    """Describe a solution with its plans, features, rating and vendor, as its page does."""
    view = describe(content_of(solution))
    rating = rating_summary(solution)
    return shapes.SolutionDetail(
        **_listed(solution),
        vendor=vendor_detail(solution.vendor),
        rating=shapes.RatingDetail(
            average=rating.average, count=rating.count, distribution=rating_distribution(solution)
        ),
        description=solution.description or "",
        description_html=view.description_html,
        plans=[plan_json(p) for p in solution.active_plans],
        features=[shapes.Feature(key=f.key, label=f.label, value=f.value) for f in view.features],
        published_at=isoformat(solution.published_at),
    )


def comparison_json(comparison: Comparison) -> shapes.Compare:
    return shapes.Compare(
        solutions=[solution_summary(s) for s in comparison.solutions],
        features=[
            shapes.CompareFeature(key=line.key, label=line.label, values=dict(line.values))
            for line in comparison.features
        ],
        messages=[str(m) for m in comparison.messages],
    )


def _category_nodes(nodes: list[CategoryNode]) -> list[shapes.Category]:
    return [
        shapes.Category(
            slug=node.category.slug,
            name=node.category.name,
            name_en=node.category.name_en,
            count=node.count,
            children=_category_nodes(node.children),
        )
        for node in nodes
    ]


def category_tree_json(nodes: list[CategoryNode]) -> shapes.CategoryTree:
    return shapes.CategoryTree(_category_nodes(nodes))


def totals_json(totals: Totals) -> shapes.Stats:
    return shapes.Stats(
        solutions=totals.solutions, vendors=totals.vendors, enterprises=totals.enterprises
    )


def dashboard_json(board: Dashboard) -> shapes.StatsDashboard:
    """The province dashboard; a cell under 5 organisations is null (shown as "<5")."""
    return shapes.StatsDashboard(
        **totals_json(board.totals).model_dump(),
        trials=board.trials_total,
        purchases=board.purchases_total,
        months=[
            shapes.Month(month=f"{p.month:%Y-%m}", trials=p.trials, purchases=p.purchases)
            for p in board.months
        ],
        funnel=shapes.Funnel(**board.funnel),
        breakdowns={
            b.key: [shapes.BreakdownCell(label=str(c.label), organizations=c.orgs) for c in b.cells]
            for b in board.breakdowns
        },
        ratings=[
            shapes.CategoryRating(category=str(r.label), average=r.average, reviews=r.reviews)
            for r in board.ratings
        ],
        programme=_programme_figures(),
        counted_at=isoformat(board.generated_at),
    )


def readiness_json(ready) -> shapes.Readiness:
    """The readiness figures (assessment.figures.Readiness); cells under 5 are null."""

    def levels(cells):
        return [shapes.ReadinessLevel(level=c.level, organizations=c.orgs) for c in cells]

    return shapes.Readiness(
        organizations=ready.organizations,
        version=ready.version,
        overall=levels(ready.overall),
        pillars=[
            shapes.ReadinessPillar(
                pillar=p.key, label=p.label, levels=levels(p.levels), average=p.average
            )
            for p in ready.pillars
        ],
        breakdowns={
            b.key: [
                shapes.ReadinessGroup(label=str(c.label), organizations=c.orgs, average=c.average)
                for c in b.cells
            ]
            for b in ready.breakdowns
        },
    )


def _programme_figures() -> shapes.ProgrammeFigures | None:
    figures = programme_dashboard.figures_json()
    if figures is None:
        return None
    months = [shapes.ProgrammeMonth(**m) for m in figures.pop("months")]
    return shapes.ProgrammeFigures(**figures, months=months)


def _vendor_listed(vendor: VendorSummary) -> dict[str, Any]:
    org = vendor.organization
    return {
        "slug": org.slug,
        "name": org.name,
        "verified": org.verified_at is not None,
        "verified_at": isoformat(org.verified_at),
        "solutions": vendor.solutions,
        "rating": shapes.Rating(
            average=vendor.rating_avg if vendor.rating_count else None,
            count=vendor.rating_count,
        ),
        "url": public_url("vendors.profile", slug=org.slug),
    }


def vendor_list(page: Page) -> shapes.VendorList:
    return shapes.VendorList(
        items=[shapes.VendorSummary(**_vendor_listed(v)) for v in page.items],
        page=page.page,
        per_page=page.per_page,
        total=page.total,
    )


def _hours(value: dt.timedelta | None) -> int | None:
    return None if value is None else max(1, round(value.total_seconds() / 3600))


def vendor_page(
    vendor: VendorSummary, solutions: Page, panels: dict[str, Any]
) -> shapes.VendorPage:
    """Describe a vendor's public page (`panels`: the page's contributed sections)."""
    profile = vendor.profile
    about = profile.about if profile else ""
    return shapes.VendorPage(
        **_vendor_listed(vendor),
        about=about or "",
        about_html=render_markdown(about) if about else "",
        contacts=shapes.Contacts(
            hotline=profile.hotline if profile else None,
            sales_email=profile.sales_email if profile else None,
            zalo=profile.zalo_url if profile else None,
            website=profile.website if profile else None,
        ),
        localities=[
            shapes.Locality(code=code, name=str(locality_label(code)))
            for code in ((profile.localities or []) if profile else [])
        ],
        response_times=shapes.ResponseTimes(
            trials_hours=_hours(panels.get("response_time")),
            quotes_hours=_hours(panels.get("quote_response_time")),
        ),
        items=[solution_summary(s) for s in solutions.items],
        page=solutions.page,
        per_page=solutions.per_page,
    )


def need_list(needs: list, page: int, per_page: int, total: int) -> shapes.NeedList:
    """Describe published needs without anything that could name the enterprise."""
    from marketplace.needs import presenters as need_presenters

    return shapes.NeedList(
        items=[
            shapes.NeedSummary(
                id=n.id,
                title=n.title,
                category=n.category.name if n.category else None,
                category_slug=n.category.slug if n.category else None,
                area=need_presenters.public_area(n),
                budget_band=need_presenters.budget_band(n),
                deadline=n.deadline.isoformat(),
                status=n.status,
                url=public_url("needs.detail", need_id=n.id),
            )
            for n in needs
        ],
        page=page,
        per_page=per_page,
        total=total,
    )
