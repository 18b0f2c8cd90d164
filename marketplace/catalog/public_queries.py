"""Reads of the public pages besides the catalogue: the category tree, the home page's sections,
a solution's page and the vendor's other listings on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from marketplace.catalog.content import content_of
from marketplace.catalog.listed import ShownCategory, shown_categories
from marketplace.catalog.models import (
    Category,
    FeatureDefinition,
    Screenshot,
    Solution,
    SolutionFeature,
)
from marketplace.catalog.params import PRICE_BUCKETS
from marketplace.catalog.presenters import ListingView, describe
from marketplace.catalog.queries import (
    facet_groups,
    solutions_with_vendor,
    visible,
    visible_without_join,
)
from marketplace.core import stamps
from marketplace.extensions import db


@dataclass
class CategoryNode:
    category: ShownCategory
    count: int
    children: list[CategoryNode]


def category_tree(counts: Mapping[int, int]) -> list[CategoryNode]:
    """Return the category tree with result counts; a parent counts its children too."""
    categories = shown_categories()
    nodes = {c.id: CategoryNode(c, counts.get(c.id, 0), []) for c in categories}
    roots = []
    for c in categories:
        node = nodes[c.id]
        if c.parent_id is None:
            roots.append(node)
        else:
            nodes[c.parent_id].children.append(node)
    for root in roots:
        root.count += sum(child.count for child in root.children)
    return roots


def merged_category_slug(slug: str) -> str | None:
    """Return the slug of the active category a retired category was merged into, or None."""
    if not slug or any(shown.slug == slug for shown in shown_categories()):
        return None  # none given, or an active category's
    category = db.session.scalar(
        select(Category).where(Category.slug == slug, Category.active.is_(False))
    )
    for _hop in range(5):  # the target may itself have been merged since
        if category is None or category.merged_into_id is None:
            return None
        category = db.session.get(Category, category.merged_into_id)
        if category is not None and category.active:
            return category.slug
    return None


def find_category(tree: list[CategoryNode], slug: str) -> ShownCategory | None:
    """Return the category of `slug` from an already loaded tree (no query), or None."""
    if not slug:
        return None
    for node in tree:
        for candidate in (node, *node.children):
            if candidate.category.slug == slug:
                return candidate.category
    return None


def _visible_list(order, limit: int, *extra) -> list[Solution]:
    # Without the join of `solutions_with_vendor()`: SQLite would build a Bloom filter of every
    # organisation for it, which costs more than the four rows a list shows.
    query = (
        select(Solution)
        .where(*visible_without_join(), *extra)
        .options(
            joinedload(Solution.vendor), joinedload(Solution.category), joinedload(Solution.logo)
        )
        .order_by(*order)
        .limit(limit)
    )
    return list(db.session.scalars(query).unique())


@dataclass
class HomeSections:
    categories: list[CategoryNode]
    top_rated: list[Solution]
    newest: list[Solution]
    trials: list[Solution]
    total: int


def home_sections(limit: int = 4) -> HomeSections:
    """Collect what the home page shows, in a fixed number of queries."""
    # The catalogue's grouped counts (cached) give the count per category.
    edges = tuple(sorted(PRICE_BUCKETS))
    groups = stamps.public_value(("groups", None, edges), lambda: facet_groups(None, edges))
    counts: dict[int, int] = {}
    for group in groups:
        if group.category_id is not None:
            counts[group.category_id] = counts.get(group.category_id, 0) + group.count
    tree = category_tree(counts)
    return HomeSections(
        categories=tree,
        top_rated=_visible_list(
            (
                Solution.rating_score.desc(),
                Solution.rating_count.desc(),
                Solution.published_at.desc(),
            ),
            limit,
            Solution.rating_count > 0,
        ),
        newest=_visible_list((Solution.published_at.desc(), Solution.id.desc()), limit),
        trials=_visible_list(
            (Solution.max_trial_days.desc(), Solution.published_at.desc()),
            limit,
            Solution.max_trial_days > 0,
        ),
        total=sum(group.count for group in groups),
    )


def vendor_others(solution: Solution, limit: int = 4) -> list[Solution]:
    """Return other public listings of the same vendor."""
    return _visible_list(
        (Solution.published_at.desc(),),
        limit,
        Solution.vendor_id == solution.vendor_id,
        Solution.id != solution.id,
    )


def listing_view(solution: Solution) -> ListingView:
    """The solution page's view of a listing in two statements: its features with their
    labels (the category's definitions of the same keys), and its screenshots with their
    images — four through `describe` alone, which reads the category's definitions and
    the images apart."""
    pairs = db.session.execute(
        select(SolutionFeature, FeatureDefinition)
        .outerjoin(
            FeatureDefinition,
            and_(
                FeatureDefinition.category_id == solution.category_id,
                FeatureDefinition.key == SolutionFeature.key,
                FeatureDefinition.retired_at.is_(None),
            ),
        )
        .where(SolutionFeature.solution_id == solution.id)
        .order_by(SolutionFeature.position, SolutionFeature.id)
    ).all()
    screenshots = db.session.scalars(
        select(Screenshot)
        .options(joinedload(Screenshot.upload))
        .where(Screenshot.solution_id == solution.id)
        .order_by(Screenshot.position, Screenshot.id)
    ).all()
    # The listing's collections as loaded: read by `content_of` without a query of its own.
    set_committed_value(solution, "features", [feature for feature, _label in pairs])
    set_committed_value(solution, "screenshots", list(screenshots))
    definitions = {label.key: label for _feature, label in pairs if label is not None}
    return describe(content_of(solution), definitions)


def public_solution(slug: str) -> Solution | None:
    """Return the published listing with this slug (of an active vendor), or None."""
    rows = db.session.scalars(
        solutions_with_vendor()
        .where(*visible(), Solution.slug == slug[:100])
        .options(
            joinedload(Solution.vendor),
            joinedload(Solution.category).joinedload(Category.parent),
            joinedload(Solution.logo),
            # One collection joined (a handful of plans) saves a query; joining a second
            # would multiply the rows. Features and screenshots load when first read (one
            # query each, as a selectin would): a solution page whose sections are kept
            # (core/fragments.py) does not read them.
            joinedload(Solution.plans),
        )
    )
    return rows.unique().one_or_none()  # the slug is unique
