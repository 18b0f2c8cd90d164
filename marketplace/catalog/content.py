"""A listing's editable content as one value: read from rows, held in revisions, applied."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from marketplace.catalog.models import (
    Plan,
    Screenshot,
    Solution,
    SolutionFeature,
    headline_plan,
    price_rank,
)
from marketplace.catalog.uploads import release_uploads
from marketplace.extensions import db

EXTRA_PREFIX = "x-"


@dataclass
class PlanInput:
    name: str
    price_vnd: int
    period: str
    trial_days: int = 0
    limits: str = ""
    id: int | None = None
    vat_treatment: str = "exempt"
    price_includes_vat: bool = True


@dataclass
class FeatureInput:
    key: str
    value: str
    label: str | None = None

    @property
    def is_extra(self) -> bool:
        return self.key.startswith(EXTRA_PREFIX)


@dataclass
class ListingContent:
    name: str
    tagline: str = ""
    description: str = ""
    category_id: int | None = None
    deployment: str = "cloud"
    website: str | None = None
    logo_id: int | None = None
    screenshot_ids: list[int] = field(default_factory=list)
    features: list[FeatureInput] = field(default_factory=list)
    plans: list[PlanInput] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ListingContent:
        values = dict(data)
        values["features"] = [FeatureInput(**f) for f in data.get("features", [])]
        values["plans"] = [PlanInput(**p) for p in data.get("plans", [])]
        values["screenshot_ids"] = list(data.get("screenshot_ids", []))
        return cls(**values)


def content_of(solution: Solution) -> ListingContent:
    """Read the content a solution's rows hold (the live version once published)."""
    return ListingContent(
        name=solution.name,
        tagline=solution.tagline or "",
        description=solution.description or "",
        category_id=solution.category_id,
        deployment=solution.deployment,
        website=solution.website,
        logo_id=solution.logo_id,
        screenshot_ids=[s.upload_id for s in solution.screenshots],
        features=[FeatureInput(key=f.key, value=f.value, label=f.label) for f in solution.features],
        plans=[
            PlanInput(
                id=p.id,
                name=p.name,
                price_vnd=p.price_vnd,
                period=p.period,
                trial_days=p.trial_days,
                limits=p.limits or "",
                vat_treatment=p.vat_treatment,
                price_includes_vat=p.price_includes_vat,
            )
            for p in solution.plans
            if p.active
        ],
    )


def apply_content(solution: Solution, content: ListingContent) -> None:
    """Write content into a solution's rows. Plans keep their ids; removed ones are retired.

    Images the content no longer shows are removed unless something else still uses them.
    """
    shown_before = {solution.logo_id, *(s.upload_id for s in solution.screenshots)}
    solution.name = content.name
    solution.tagline = content.tagline
    solution.description = content.description
    solution.category_id = content.category_id
    solution.deployment = content.deployment
    solution.website = content.website or None
    solution.logo_id = content.logo_id

    solution.screenshots.clear()
    solution.features.clear()
    db.session.flush()  # delete the old rows before unique keys are reused
    # dict.fromkeys keeps the order and drops repeats: revisions saved before the editor
    # de-duplicated ids may carry one twice, which the unique (solution, upload) key refuses.
    for position, upload_id in enumerate(dict.fromkeys(content.screenshot_ids)):
        solution.screenshots.append(Screenshot(upload_id=upload_id, position=position))
    for position, feature in enumerate(content.features):
        solution.features.append(
            SolutionFeature(
                key=feature.key,
                value=feature.value,
                label=feature.label if feature.is_extra else None,
                position=position,
            )
        )

    existing = {plan.id: plan for plan in solution.plans}
    kept: set[int] = set()
    for position, item in enumerate(content.plans):
        # A plan id given twice updates its plan once; the repeat becomes a plan of its own
        # rather than silently overwriting the first row.
        plan = existing.get(item.id) if item.id is not None and item.id not in kept else None
        if plan is None:
            plan = Plan()
            solution.plans.append(plan)
        else:
            kept.add(plan.id)
        plan.name = item.name
        plan.price_vnd = item.price_vnd
        plan.period = item.period
        plan.trial_days = item.trial_days
        plan.limits = item.limits
        plan.vat_treatment = item.vat_treatment
        plan.price_includes_vat = item.price_includes_vat
        plan.position = position
        plan.active = True
    for plan_id, plan in existing.items():
        if plan_id not in kept:
            # Trials and sales may point at a plan: retire it rather than delete it.
            plan.active = False
    refresh_plan_summary(solution)
    db.session.flush()
    # A replaced logo or removed screenshot: its file goes once this commits, unless an
    # open revision or another listing still shows it.
    release_uploads(
        shown_before - {content.logo_id, *content.screenshot_ids}, org_id=solution.vendor_id
    )


def refresh_plan_summary(solution: Solution) -> None:
    """Recompute the cached headline price, its period, the price sort key and the longest
    trial from the solution's stored plans (catalog.models.headline_plan)."""
    active = [p for p in solution.plans if p.active]
    headline = headline_plan(active)
    solution.min_price_vnd = headline.price_vnd if headline else None
    solution.min_price_period = headline.period if headline else None
    solution.price_rank = price_rank(headline)
    solution.min_price_vat_included = (
        (headline.vat_treatment == "exempt" or headline.price_includes_vat) if headline else None
    )
    solution.max_trial_days = max((p.trial_days for p in active), default=0)
