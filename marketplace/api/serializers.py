"""Turn catalogue objects into the JSON shapes of API v1 (see openapi.py for each schema)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from marketplace.accounts.models import Organization
from marketplace.catalog.content import content_of
from marketplace.catalog.models import Category, Plan, Solution
from marketplace.catalog.presenters import describe
from marketplace.catalog.queries import CategoryNode
from marketplace.compare.services import Comparison
from marketplace.core.urls import public_url
from marketplace.insights.services import Dashboard, Totals
from marketplace.reviews import services as reviews


def isoformat(value: dt.datetime | None) -> str | None:
    """Format a timestamp as ISO 8601 in UTC with a `Z`."""
    if value is None:
        return None
    if value.tzinfo is None:  # stored values are UTC
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def vendor_summary(org: Organization) -> dict[str, Any]:
    return {"name": org.name, "verified": org.verified_at is not None}


def vendor_detail(org: Organization) -> dict[str, Any]:
    return {**vendor_summary(org), "locality": org.locality, "website": org.website}


def category_ref(category: Category | None) -> dict[str, Any] | None:
    if category is None:
        return None
    return {"slug": category.slug, "name": category.name}


def rating_summary(solution: Solution) -> dict[str, Any]:
    count = int(solution.rating_count or 0)
    average = round(float(solution.rating_avg or 0), 2) if count else None
    return {"average": average, "count": count}


def rating_distribution(solution: Solution) -> dict[str, int]:
    """Return the number of published reviews per star, "1" to "5" (hidden ones excluded)."""
    return reviews.distributions([solution.id])[solution.id]


def solution_summary(solution: Solution) -> dict[str, Any]:
    """Describe a solution as lists show it (vendor and category must be loaded)."""
    return {
        "slug": solution.slug,
        "name": solution.name,
        "tagline": solution.tagline or "",
        "vendor": vendor_summary(solution.vendor),
        "category": category_ref(solution.category),
        "deployment": solution.deployment,
        "has_trial": solution.has_trial,
        "min_price_vnd": solution.min_price_vnd,
        "rating": rating_summary(solution),
        "url": public_url("catalog.solution", slug=solution.slug),
    }


def plan_json(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.id,
        "name": plan.name,
        "price_vnd": plan.price_vnd,
        "period": plan.period,
        "trial_days": plan.trial_days,
        "limits": plan.limits or "",
    }


def solution_detail(solution: Solution) -> dict[str, Any]:
    """Describe a solution with its plans, features, rating and vendor, as its page does."""
    view = describe(content_of(solution))
    data = solution_summary(solution)
    data.update(
        {
            "vendor": vendor_detail(solution.vendor),
            "rating": {**rating_summary(solution), "distribution": rating_distribution(solution)},
            "description": solution.description or "",
            "description_html": view.description_html,
            "plans": [plan_json(p) for p in solution.active_plans],
            "features": [{"key": f.key, "label": f.label, "value": f.value} for f in view.features],
            "published_at": isoformat(solution.published_at),
        }
    )
    return data


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    return {
        "solutions": [solution_summary(s) for s in comparison.solutions],
        "features": [
            {"key": line.key, "label": line.label, "values": dict(line.values)}
            for line in comparison.features
        ],
        "messages": [str(m) for m in comparison.messages],
    }


def category_tree_json(nodes: list[CategoryNode]) -> list[dict[str, Any]]:
    return [
        {
            "slug": node.category.slug,
            "name": node.category.name,
            "name_en": node.category.name_en,
            "count": node.count,
            "children": category_tree_json(node.children),
        }
        for node in nodes
    ]


def totals_json(totals: Totals) -> dict[str, int]:
    return {
        "solutions": totals.solutions,
        "vendors": totals.vendors,
        "enterprises": totals.enterprises,
    }


def dashboard_json(board: Dashboard) -> dict[str, Any]:
    """The province dashboard; a cell under 5 organisations is null (shown as "<5")."""
    return {
        **totals_json(board.totals),
        "trials": board.trials_total,
        "purchases": board.purchases_total,
        "months": [
            {"month": f"{p.month:%Y-%m}", "trials": p.trials, "purchases": p.purchases}
            for p in board.months
        ],
        "funnel": dict(board.funnel),
        "breakdowns": {
            b.key: [{"label": c.label, "organizations": c.orgs} for c in b.cells]
            for b in board.breakdowns
        },
        "ratings": [
            {"category": r.label, "average": r.average, "reviews": r.reviews} for r in board.ratings
        ],
    }
