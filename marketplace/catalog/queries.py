"""The public catalogue query: filters, facets with live counts, sorts and pages.

One code path serves the HTML catalogue and the JSON API.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import joinedload

from marketplace.accounts.models import Organization
from marketplace.catalog import search
from marketplace.catalog.models import Category, Solution, SolutionStatus
from marketplace.extensions import db

SORTS = ("relevance", "rating", "reviews", "newest", "price_asc", "price_desc")
DEPLOYMENTS = ("cloud", "on_premise", "hybrid")
PRICE_BUCKETS = (0, 500_000, 2_000_000, 10_000_000)
RATING_BUCKETS = (4, 3, 2)
MAX_PER_PAGE = 100
MAX_PAGE = 10_000
MAX_QUERY = 200


@dataclass
class CatalogParams:
    q: str = ""
    category: str = ""
    deployment: str = ""
    has_trial: bool = False
    min_rating: int | None = None
    max_price: int | None = None
    verified: bool = False
    sort: str = ""
    page: int = 1
    per_page: int = 20
    errors: dict[str, str] = field(default_factory=dict)
    # Resolved from `category` by run_catalog: the category and its children.
    category_ids: list[int] | None = None

    @property
    def effective_sort(self) -> str:
        if self.sort in SORTS and (self.sort != "relevance" or self.q):
            return self.sort
        return "relevance" if self.q else "rating"

    def to_args(self, **changes: Any) -> dict[str, Any]:
        """Return the query-string arguments of this state (with `changes`), for links."""
        state = replace(self, **changes) if changes else self
        args: dict[str, Any] = {}
        if state.q:
            args["q"] = state.q
        if state.category:
            args["category"] = state.category
        if state.deployment:
            args["deployment"] = state.deployment
        if state.has_trial:
            args["has_trial"] = 1
        if state.min_rating:
            args["min_rating"] = state.min_rating
        if state.max_price is not None:
            args["max_price"] = state.max_price
        if state.verified:
            args["verified"] = 1
        if state.sort and state.sort in SORTS:
            args["sort"] = state.sort
        if state.page > 1:
            args["page"] = state.page
        return args

    @property
    def active_filters(self) -> bool:
        return bool(
            self.category
            or self.deployment
            or self.has_trial
            or self.min_rating
            or self.max_price is not None
            or self.verified
        )


def _int(raw: str | None, *, low: int, high: int) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        raise ValueError(raw)
    value = int(raw)
    if not low <= value <= high:
        raise ValueError(raw)
    return value


_TRUE = {"1", "true", "yes", "on"}


def parse_params(args: Mapping[str, str], *, default_per_page: int = 20) -> CatalogParams:
    """Read catalogue parameters leniently; what cannot be used is dropped and noted."""
    params = CatalogParams(per_page=default_per_page)
    errors = params.errors
    params.q = " ".join((args.get("q") or "").split())[:MAX_QUERY]
    params.category = (args.get("category") or "").strip()[:80]
    deployment = (args.get("deployment") or "").strip()
    if deployment in DEPLOYMENTS:
        params.deployment = deployment
    elif deployment:
        errors["deployment"] = "must be one of " + ", ".join(DEPLOYMENTS)
    params.has_trial = (args.get("has_trial") or "").strip().lower() in _TRUE
    params.verified = (args.get("verified") or "").strip().lower() in _TRUE
    for name, low, high in (
        ("min_rating", 1, 5),
        ("max_price", 0, 100_000_000_000),
        ("page", 1, MAX_PAGE),
        ("per_page", 1, MAX_PER_PAGE),
    ):
        try:
            value = _int(args.get(name), low=low, high=high)
        except ValueError:
            errors[name] = f"must be a whole number from {low} to {high}"
            continue
        if value is not None:
            setattr(params, name, value)
    sort = (args.get("sort") or "").strip()
    if sort in SORTS:
        params.sort = sort
    elif sort:
        errors["sort"] = "must be one of " + ", ".join(SORTS)
    return params


# ---------------------------------------------------------------- query building


def visible() -> list:
    """The conditions for a solution to be on the public marketplace."""
    return [Solution.status == SolutionStatus.PUBLISHED, Organization.active.is_(True)]


def _base() -> Select:
    return select(Solution).join(Organization, Solution.vendor_id == Organization.id)


def category_ids(slug: str) -> list[int] | None:
    """Return the ids a category slug covers (itself and its children), or None if unknown."""
    rows = db.session.execute(select(Category.id, Category.parent_id, Category.slug)).all()
    by_slug = {s: i for i, _p, s in rows}
    if slug not in by_slug:
        return None
    root = by_slug[slug]
    return [root] + [i for i, parent, _s in rows if parent == root]


@dataclass
class _Built:
    query: Select
    match: Any | None


def _filtered(params: CatalogParams, *, skip: str | None = None) -> _Built:
    """Apply every filter except `skip` (the facet being counted)."""
    query = _base().where(*visible())
    match = None
    if params.q:
        parsed = search.parse_query(params.q)
        if parsed is not None:
            match = search.match(parsed)
            query = query.join(match, Solution.id == match.c.solution_id)
    if skip != "category" and params.category:
        query = query.where(Solution.category_id.in_(params.category_ids or [-1]))
    if skip != "deployment" and params.deployment:
        query = query.where(Solution.deployment == params.deployment)
    if skip != "has_trial" and params.has_trial:
        query = query.where(Solution.max_trial_days > 0)
    if skip != "min_rating" and params.min_rating:
        query = query.where(Solution.rating_count > 0, Solution.rating_avg >= params.min_rating)
    if skip != "max_price" and params.max_price is not None:
        query = query.where(Solution.min_price_vnd <= params.max_price)
    if skip != "verified" and params.verified:
        query = query.where(Organization.verified_at.is_not(None))
    return _Built(query, match)


def _ordered(built: _Built, sort: str) -> Select:
    query = built.query
    if sort == "relevance" and built.match is not None:
        return query.order_by(built.match.c.exact.desc(), built.match.c.rank.desc(), Solution.id)
    if sort == "reviews":
        return query.order_by(
            Solution.rating_count.desc(), Solution.rating_score.desc(), Solution.id
        )
    if sort == "newest":
        return query.order_by(Solution.published_at.desc(), Solution.id.desc())
    if sort == "price_asc":
        return query.order_by(
            Solution.min_price_vnd.is_(None), Solution.min_price_vnd.asc(), Solution.id
        )
    if sort == "price_desc":
        return query.order_by(
            Solution.min_price_vnd.is_(None), Solution.min_price_vnd.desc(), Solution.id
        )
    return query.order_by(
        Solution.rating_score.desc(),
        Solution.rating_count.desc(),
        Solution.published_at.desc(),
        Solution.id,
    )


@dataclass
class Facets:
    categories: dict[int, int]
    deployments: dict[str, int]
    has_trial: int
    prices: dict[int, int]
    ratings: dict[int, int]
    verified: int


@dataclass
class CatalogPage:
    params: CatalogParams
    items: list[Solution]
    total: int
    facets: Facets | None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.params.per_page))

    @property
    def page(self) -> int:
        return self.params.page


def _count(query: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def _facets(params: CatalogParams) -> Facets:
    """Count each facet's values under every filter but its own, one query per facet."""

    def grouped(skip: str, column) -> dict:
        sub = _filtered(params, skip=skip).query.with_only_columns(column.label("k")).subquery()
        rows = db.session.execute(select(sub.c.k, func.count()).group_by(sub.c.k)).all()
        return {k: n for k, n in rows if k is not None}

    def summed(skip: str, conditions: dict[Any, Callable]) -> dict:
        sub = _filtered(params, skip=skip).query.subquery()
        cols = [
            func.coalesce(func.sum(case((make(sub), 1), else_=0)), 0)
            for make in conditions.values()
        ]
        row = db.session.execute(select(*cols)).one()
        return dict(zip(conditions.keys(), (int(v) for v in row), strict=True))

    prices = summed(
        "max_price",
        {limit: (lambda s, limit=limit: s.c.min_price_vnd <= limit) for limit in PRICE_BUCKETS},
    )
    ratings = summed(
        "min_rating",
        {
            stars: (lambda s, stars=stars: (s.c.rating_count > 0) & (s.c.rating_avg >= stars))
            for stars in RATING_BUCKETS
        },
    )
    trial = summed("has_trial", {"t": lambda s: s.c.max_trial_days > 0})["t"]
    verified = grouped("verified", Organization.verified_at.is_not(None))
    return Facets(
        categories=grouped("category", Solution.category_id),
        deployments=grouped("deployment", Solution.deployment),
        has_trial=trial,
        prices=prices,
        ratings=ratings,
        verified=sum(n for k, n in verified.items() if k),
    )


def run_catalog(params: CatalogParams, *, with_facets: bool = True) -> CatalogPage:
    """Run the catalogue query: one page of results, the total and the facet counts."""
    if params.category:
        params.category_ids = category_ids(params.category)
        if params.category_ids is None:
            params.errors["category"] = "unknown category"
            params.category = ""
    built = _filtered(params)
    total = _count(built.query)
    query = (
        _ordered(built, params.effective_sort)
        .options(
            joinedload(Solution.vendor), joinedload(Solution.category), joinedload(Solution.logo)
        )
        .limit(params.per_page)
        .offset((params.page - 1) * params.per_page)
    )
    items = list(db.session.scalars(query).unique())
    facets = _facets(params) if with_facets else None
    return CatalogPage(params=params, items=items, total=total, facets=facets)


# ---------------------------------------------------------------- category tree and home page


@dataclass
class CategoryNode:
    category: Category
    count: int
    children: list[CategoryNode]


def category_tree(counts: Mapping[int, int]) -> list[CategoryNode]:
    """Return the category tree with result counts; a parent counts its children too."""
    categories = db.session.scalars(select(Category).order_by(Category.position)).all()
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


def _visible_list(order, limit: int, *extra) -> list[Solution]:
    query = (
        _base()
        .where(*visible(), *extra)
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
    counts = dict(
        db.session.execute(
            _base()
            .where(*visible())
            .with_only_columns(Solution.category_id, func.count())
            .group_by(Solution.category_id)
        ).all()
    )
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
        total=sum(counts.values()),
    )


def vendor_others(solution: Solution, limit: int = 4) -> list[Solution]:
    """Return other public listings of the same vendor."""
    return _visible_list(
        (Solution.published_at.desc(),),
        limit,
        Solution.vendor_id == solution.vendor_id,
        Solution.id != solution.id,
    )


def public_solution(slug: str) -> Solution | None:
    """Return the published listing with this slug (of an active vendor), or None."""
    from sqlalchemy.orm import selectinload

    return db.session.scalar(
        _base()
        .where(*visible(), Solution.slug == slug[:100])
        .options(
            joinedload(Solution.vendor),
            joinedload(Solution.category).joinedload(Category.parent),
            joinedload(Solution.logo),
            selectinload(Solution.plans),
            selectinload(Solution.features),
            selectinload(Solution.screenshots),
        )
    )
