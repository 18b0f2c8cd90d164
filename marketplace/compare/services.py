"""Comparison rules: the tray kept in the session, and the comparison matrix."""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from marketplace.catalog import queries
from marketplace.catalog.models import (
    ONE_TIME_RANK_OFFSET,
    Category,
    FeatureDefinition,
    Plan,
    Solution,
)
from marketplace.core.errors import DomainError
from marketplace.core.text import fold
from marketplace.extensions import db

MAX_ITEMS = 4
MIN_ITEMS = 2
SESSION_KEY = "compare"


class CompareError(DomainError):
    """The comparison cannot be made; `message` is shown to the user."""


# ---------------------------------------------------------------- the tray


def tray_slugs(session: MutableMapping) -> list[str]:
    """Return the slugs in the visitor's comparison tray (never more than four)."""
    raw = session.get(SESSION_KEY) or []
    return [s for s in raw if isinstance(s, str)][:MAX_ITEMS]


def _public(slugs: list[str]) -> list[Solution]:
    if not slugs:
        return []
    rows = db.session.scalars(
        queries.solutions_with_vendor().where(*queries.visible(), Solution.slug.in_(slugs))
    ).all()
    by_slug = {s.slug: s for s in rows}
    return [by_slug[s] for s in slugs if s in by_slug]


def tray_items(session: MutableMapping) -> list[Solution]:
    """Return the tray's listings that are still public, in the order they were added."""
    return _public(tray_slugs(session))


def add_to_tray(session: MutableMapping, slug: str) -> Solution:
    """Put a public listing in the tray; at most four."""
    slug = (slug or "").strip()[:100]
    found = _public([slug])
    if not found:
        raise CompareError(_("Không tìm thấy giải pháp để so sánh."))
    current = [s.slug for s in _public(tray_slugs(session))]
    if slug in current:
        return found[0]
    if len(current) >= MAX_ITEMS:
        raise CompareError(
            _("Chỉ so sánh được tối đa %(n)d giải pháp. Hãy bỏ bớt một giải pháp.", n=MAX_ITEMS)
        )
    session[SESSION_KEY] = [*current, slug]
    return found[0]


def remove_from_tray(session: MutableMapping, slug: str) -> None:
    session[SESSION_KEY] = [s for s in tray_slugs(session) if s != slug]


def clear_tray(session: MutableMapping) -> None:
    session.pop(SESSION_KEY, None)


# ---------------------------------------------------------------- the comparison


@dataclass
class FeatureLine:
    key: str
    label: str
    kind: str
    values: dict[str, str | None]  # slug → value, None when the solution does not list it

    @property
    def differs(self) -> bool:
        return len(set(self.values.values())) > 1


@dataclass
class Comparison:
    solutions: list[Solution]
    features: list[FeatureLine]
    messages: list[str] = field(default_factory=list)
    best_price: set[str] = field(default_factory=set)
    best_rating: set[str] = field(default_factory=set)

    @property
    def mixed_categories(self) -> bool:
        return len({s.category_id for s in self.solutions}) > 1

    @property
    def ready(self) -> bool:
        return len(self.solutions) >= MIN_ITEMS


def parse_slugs(raw: str | None) -> tuple[list[str], list[str]]:
    """Split `s=a,b,c`, dropping blanks and repeats; return (slugs, messages)."""
    messages: list[str] = []
    slugs: list[str] = []
    for part in (raw or "").split(",")[:50]:
        slug = part.strip()[:100]
        if not slug:
            continue
        if slug in slugs:
            messages.append(_("“%(slug)s” bị lặp lại nên chỉ được tính một lần.", slug=slug))
            continue
        slugs.append(slug)
    return slugs, messages


def build_comparison(slugs: list[str]) -> Comparison:
    """Load 2–4 public listings with everything the matrix needs, in a fixed number of queries."""
    messages: list[str] = []
    if len(slugs) > MAX_ITEMS:
        messages.append(
            _("Chỉ so sánh được tối đa %(n)d giải pháp; các giải pháp sau bị bỏ qua.", n=MAX_ITEMS)
        )
        slugs = slugs[:MAX_ITEMS]
    rows = (
        db.session.scalars(
            queries.solutions_with_vendor()
            .where(*queries.visible(), Solution.slug.in_(slugs))
            .options(
                joinedload(Solution.vendor),
                joinedload(Solution.category).joinedload(Category.parent),
                joinedload(Solution.logo),
                selectinload(Solution.plans),
                selectinload(Solution.features),
            )
        )
        .unique()
        .all()
        if slugs
        else []
    )
    by_slug = {s.slug: s for s in rows}
    solutions = []
    for slug in slugs:
        if slug in by_slug:
            solutions.append(by_slug[slug])
        else:
            messages.append(
                _("Không tìm thấy giải pháp “%(slug)s” (có thể đã ngừng hiển thị).", slug=slug)
            )
    comparison = Comparison(
        solutions=solutions, features=_feature_lines(solutions), messages=messages
    )
    comparison.best_price = lowest_price_slugs(solutions)
    ratings = {s.slug: s.rating_avg for s in solutions if s.rating_count}
    if len(ratings) > 1:
        high = max(ratings.values())
        comparison.best_rating = {slug for slug, r in ratings.items() if r == high}
    return comparison


def lowest_price_slugs(solutions: list[Solution]) -> set[str]:
    """The comparison's "lowest price": the lowest monthly cost (a year's price ÷ 12) among
    listings with a recurring plan. One-time-only listings are never ranked against them:
    they are compared by their price only when no listing of the comparison is recurring."""
    ranks = {s.slug: s.price_rank for s in solutions if s.price_rank is not None}
    recurring = {k: v for k, v in ranks.items() if v < ONE_TIME_RANK_OFFSET}
    group = recurring or ranks
    if len(group) < 2:
        return set()
    low = min(group.values())
    return {slug for slug, rank in group.items() if rank == low}


def _feature_lines(solutions: list[Solution]) -> list[FeatureLine]:
    category_ids = {s.category_id for s in solutions if s.category_id}
    definitions = (
        db.session.scalars(
            select(FeatureDefinition)
            .where(
                FeatureDefinition.category_id.in_(category_ids),
                FeatureDefinition.retired_at.is_(None),
            )
            .order_by(FeatureDefinition.category_id, FeatureDefinition.position)
        ).all()
        if category_ids
        else []
    )
    lines: dict[str, FeatureLine] = {}
    known = {}
    for d in definitions:
        known.setdefault(d.key, d)
    slugs = [s.slug for s in solutions]
    for solution in solutions:
        for feature in solution.features:
            if feature.key.startswith("x-"):
                label = feature.label or ""
                key = "x:" + fold(label).strip()
                kind = "text"
            elif feature.key in known:
                label, kind, key = known[feature.key].label, known[feature.key].kind, feature.key
            else:
                continue
            line = lines.get(key)
            if line is None:
                line = lines[key] = FeatureLine(key, label, kind, dict.fromkeys(slugs))
            line.values[solution.slug] = feature.value
    order = {d.key: n for n, d in enumerate(known.values())}
    return sorted(
        lines.values(),
        key=lambda line: (line.key.startswith("x:"), order.get(line.key, 0), line.label),
    )


@dataclass
class PlanLine:
    plans: list[Plan | None]  # one per solution, None when it has fewer plans

    @property
    def differs(self) -> bool:
        keys = {(p.name, p.price_vnd, p.period) if p else None for p in self.plans}
        return len(keys) > 1


def plan_lines(solutions: list[Solution]) -> list[PlanLine]:
    """Line the plans up side by side: first plans together, then second plans…"""
    depth = max((len(s.active_plans) for s in solutions), default=0)
    return [
        PlanLine([s.active_plans[i] if i < len(s.active_plans) else None for s in solutions])
        for i in range(depth)
    ]
