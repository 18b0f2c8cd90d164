"""The public catalogue query: filters, facets with live counts, sorts and pages.

One code path serves the HTML catalogue and the JSON API.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, case, func, or_, select

from marketplace.accounts.models import Organization
from marketplace.catalog import search, search_engine, search_words
from marketplace.catalog.models import ONE_TIME_RANK_OFFSET, Category, Solution, SolutionStatus
from marketplace.catalog.params import PRICE_BUCKETS, RATING_BUCKETS, CatalogParams
from marketplace.core import stamps
from marketplace.extensions import db

if TYPE_CHECKING:
    from marketplace.catalog.listed import ListedSolution


def visible() -> list:
    """The conditions for a solution to be on the public marketplace."""
    return [Solution.status == SolutionStatus.PUBLISHED, Organization.active.is_(True)]


def solutions_with_vendor() -> Select:
    """Return a query of solutions joined to their vendor, for `visible()` and vendor filters."""
    return select(Solution).join(Organization, Solution.vendor_id == Organization.id)


# The old private name, kept while branches that still use it are merged.
_base = solutions_with_vendor


def visible_without_join() -> list:
    """`visible()` for a query on solutions alone (no join with organizations).

    Inactive vendors are few, so "not one of them" is a small hashed set on every
    backend, and the catalogue's id queries can stay inside an index of `solutions`.
    """
    inactive = select(Organization.id).where(Organization.active.is_(False))
    return [Solution.status == SolutionStatus.PUBLISHED, Solution.vendor_id.not_in(inactive)]


def category_ids(slug: str) -> list[int] | None:
    """Return the ids a category slug covers (itself and its children), or None if unknown.

    A retired category's slug covers the category its listings were merged into, so old
    links keep finding them.
    """
    rows = db.session.execute(
        select(Category.id, Category.parent_id, Category.slug, Category.merged_into_id)
    ).all()
    by_slug = {s: i for i, _p, s, _m in rows}
    if slug not in by_slug:
        return None
    merged = {i: m for i, _p, _s, m in rows if m is not None}
    root = by_slug[slug]
    for _hop in range(5):  # a merged category's target may itself have been merged
        if root not in merged:
            break
        root = merged[root]
    return [root] + [i for i, parent, _s, _m in rows if parent == root]


def _filter_conditions(params: CatalogParams) -> list:
    """The catalogue filters as conditions on `solutions` alone."""
    conditions: list = []
    if params.category:
        conditions.append(Solution.category_id.in_(params.category_ids or [-1]))
    if params.deployment:
        conditions.append(Solution.deployment == params.deployment)
    if params.has_trial:
        conditions.append(Solution.max_trial_days > 0)
    if params.min_rating:
        conditions += [Solution.rating_count > 0, Solution.rating_avg >= params.min_rating]
    if params.max_price is not None:
        conditions.append(Solution.min_price_vnd <= params.max_price)
    if params.verified:
        verified = select(Organization.id).where(Organization.verified_at.is_not(None))
        conditions.append(Solution.vendor_id.in_(verified))
    return conditions


def _ordered(query: Select, sort: str, match: Any | None = None) -> Select:
    if sort == "relevance" and match is not None:
        return query.order_by(match.c.exact.desc(), match.c.rank.desc(), Solution.id)
    if sort == "reviews":
        return query.order_by(
            Solution.rating_count.desc(), Solution.rating_score.desc(), Solution.id
        )
    if sort == "newest":
        return query.order_by(Solution.published_at.desc(), Solution.id.desc())
    # Price sorts use the normalised monthly cost (catalog.models.price_rank): listings with
    # a recurring plan first, by monthly cost; then one-time-only listings, by their price;
    # listings without plans last. "High to low" reverses each group, not the groups.
    if sort == "price_asc":
        return query.order_by(Solution.price_rank.is_(None), Solution.price_rank.asc(), Solution.id)
    if sort == "price_desc":
        one_time = Solution.price_rank >= ONE_TIME_RANK_OFFSET
        return query.order_by(
            Solution.price_rank.is_(None), one_time, Solution.price_rank.desc(), Solution.id
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
class SearchHints:
    """What the results page offers beside the results of a search."""

    did_you_mean: str | None = None  # the closest known words, for a one-click search
    category: Category | None = None  # the category the query names
    category_count: int = 0


@dataclass
class CatalogPage:
    params: CatalogParams
    ids: list[int]
    total: int
    facets: Facets | None
    hints: SearchHints | None = None

    @functools.cached_property
    def items(self) -> list[ListedSolution]:
        """The page's solutions as lists show them, loaded when first asked for: a page
        whose result cards are kept (core/fragments.py) shows them without loading them.
        A search's come from the search engine's index when it is current (it keeps each
        listing's card), else from the database."""
        from marketplace.catalog import listed

        if self.params.q and self.ids:
            cards = search_engine.answer(lambda engine: engine.cards(self.ids), lambda: None)
            if cards is not None:
                return cards
        return listed.load(self.ids)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.params.per_page))

    @property
    def page(self) -> int:
        return self.params.page


@dataclass(frozen=True)
class _Group:
    category_id: int | None
    deployment: str | None
    trial: bool
    price_band: int | None  # index of the first edge >= min_price_vnd; len(edges) above all
    rating_level: int  # whole stars of the average (0 without reviews)
    verified: bool
    count: int


def _price_edges(params: CatalogParams) -> tuple[int, ...]:
    edges = set(PRICE_BUCKETS)
    if params.max_price is not None:
        edges.add(params.max_price)
    return tuple(sorted(edges))


def facet_groups(parsed: search.SearchQuery | None, edges: tuple[int, ...]) -> list[_Group]:
    price = case(
        (Solution.min_price_vnd.is_(None), None),
        *((Solution.min_price_vnd <= edge, i) for i, edge in enumerate(edges)),
        else_=len(edges),
    )
    level = case(
        (Solution.rating_count <= 0, 0),
        *((Solution.rating_avg >= stars, stars) for stars in (5, 4, 3, 2, 1)),
        else_=0,
    )
    trial = case((Solution.max_trial_days > 0, 1), else_=0)
    verified = case((Organization.verified_at.is_not(None), 1), else_=0)
    keys = [Solution.category_id, Solution.deployment, trial, price, level, verified]
    query = (
        select(*keys, func.count())
        .select_from(Solution)
        .join(Organization, Solution.vendor_id == Organization.id)
        .where(*visible())
        .group_by(*keys)
    )
    if parsed is not None:
        query = query.where(Solution.id.in_(search.match_ids(parsed)))
    return [
        _Group(c, d, bool(t), p, int(lv or 0), bool(v), int(n))
        for c, d, t, p, lv, v, n in db.session.execute(query)
    ]


def _summarise(
    groups: list[_Group], params: CatalogParams, edges: tuple[int, ...]
) -> tuple[int, Facets]:
    """Return the total and the facets of these groups under the filters of `params`."""
    categories = set(params.category_ids or [-1]) if params.category else None
    max_band = edges.index(params.max_price) if params.max_price is not None else None
    tests: list[tuple[str, Callable[[_Group], bool]]] = []
    if categories is not None:
        tests.append(("category", lambda g: g.category_id in categories))
    if params.deployment:
        tests.append(("deployment", lambda g: g.deployment == params.deployment))
    if params.has_trial:
        tests.append(("has_trial", lambda g: g.trial))
    if params.min_rating:
        tests.append(("min_rating", lambda g: g.rating_level >= params.min_rating))
    if max_band is not None:
        tests.append(("max_price", lambda g: g.price_band is not None and g.price_band <= max_band))
    if params.verified:
        tests.append(("verified", lambda g: g.verified))
    # One bit per active filter that a group passes; a facet ignores its own filter's bit.
    bits = {name: 1 << i for i, (name, _test) in enumerate(tests)}
    everything = (1 << len(tests)) - 1
    masks = [(g, sum(1 << i for i, (_name, test) in enumerate(tests) if test(g))) for g in groups]

    def passing(skip: str | None) -> list[_Group]:
        ignored = bits.get(skip, 0) if skip else 0
        return [g for g, mask in masks if (mask | ignored) == everything]

    def counted(skip: str, key: Callable[[_Group], Any]) -> dict:
        out: dict = {}
        for g in passing(skip):
            k = key(g)
            if k is not None:
                out[k] = out.get(k, 0) + g.count
        return out

    bands = {limit: edges.index(limit) for limit in PRICE_BUCKETS}
    prices = dict.fromkeys(PRICE_BUCKETS, 0)
    for g in passing("max_price"):
        if g.price_band is not None:
            for limit, band in bands.items():
                if g.price_band <= band:
                    prices[limit] += g.count
    ratings = dict.fromkeys(RATING_BUCKETS, 0)
    for g in passing("min_rating"):
        for stars in RATING_BUCKETS:
            if g.rating_level >= stars:
                ratings[stars] += g.count
    facets = Facets(
        categories=counted("category", lambda g: g.category_id),
        deployments=counted("deployment", lambda g: g.deployment),
        has_trial=sum(g.count for g in passing("has_trial") if g.trial),
        prices=prices,
        ratings=ratings,
        verified=sum(g.count for g in passing("verified") if g.verified),
    )
    return sum(g.count for g in passing(None)), facets


# Ranking a broad search (tens of thousands of matches) is the costly part: the ranked
# candidates are first taken from the search index alone, at most this many (or twice
# what the page needs), and only those are checked against the listings' filters.
RANK_WINDOW = 200
RANK_WINDOW_MAX = 5_000


def _page_ids(params: CatalogParams, parsed: search.SearchQuery | None) -> list[int]:
    """Return the ids of the requested page, in order, from `solutions` (and the index)."""
    offset = (params.page - 1) * params.per_page
    if parsed is not None and params.effective_sort == "relevance":
        return search_engine.answer(
            lambda engine: engine.page(
                search.plan(parsed), _engine_filters(params), offset, params.per_page
            ),
            lambda: _database_page_ids(params, parsed, offset),
        )
    if parsed is not None:
        return search_engine.answer(
            lambda engine: _sorted_page_ids(engine, params, parsed, offset),
            lambda: _database_page_ids(params, parsed, offset),
        )
    return _database_page_ids(params, parsed, offset)


def _database_page_ids(
    params: CatalogParams, parsed: search.SearchQuery | None, offset: int
) -> list[int]:
    if parsed is not None and params.effective_sort == "relevance":
        ids = _ranked_page_ids(params, parsed, offset)
        if ids is not None:
            return ids
    query = select(Solution.id).where(*visible_without_join(), *_filter_conditions(params))
    match = None
    if parsed is not None:
        match = search.match(parsed)
        query = query.join(match, Solution.id == match.c.solution_id)
    query = _ordered(query, params.effective_sort, match).limit(params.per_page).offset(offset)
    return list(db.session.scalars(query))


def _engine_filters(params: CatalogParams) -> dict[str, Any]:
    """The catalogue filters for the search engine (the same as `_filter_conditions`)."""
    return {
        "category_ids": (params.category_ids or []) if params.category else None,
        "deployment": params.deployment,
        "has_trial": params.has_trial,
        "min_rating": params.min_rating,
        "max_price": params.max_price,
        "verified": params.verified,
    }


# A search sorted by price, rating or date: the engine lists the matches, the database
# orders them. Up to this many, by their ids; more, by walking the catalogue's own order
# (its indexes) in growing batches and keeping the matches, until the page is full.
FEW_MATCHES = 5_000
SORTED_BATCH = 500


def _sorted_page_ids(
    engine: search_engine.Built, params: CatalogParams, parsed: search.SearchQuery, offset: int
) -> list[int]:
    plan, filters, sort = search.plan(parsed), _engine_filters(params), params.effective_sort
    ids = engine.ids(plan, filters, FEW_MATCHES + 1)
    if len(ids) <= FEW_MATCHES:
        query = select(Solution.id).where(Solution.id.in_(ids), *visible_without_join())
        query = _ordered(query, sort).limit(params.per_page).offset(offset)
        return list(db.session.scalars(query))
    matches = set(engine.ids(plan, filters, None))
    wanted = offset + params.per_page
    base = select(Solution.id).where(*visible_without_join(), *_filter_conditions(params))
    found: list[int] = []
    start, size = 0, SORTED_BATCH
    while len(found) < wanted:
        batch = list(db.session.scalars(_ordered(base, sort).limit(size).offset(start)))
        found += [i for i in batch if i in matches]
        if len(batch) < size:
            break
        start, size = start + size, size * 2
    return found[offset:wanted]


def _ranked_page_ids(
    params: CatalogParams, parsed: search.SearchQuery, offset: int
) -> list[int] | None:
    """Return the page from the best-ranked matches alone, or None when they do not suffice.

    The candidates are a prefix of the full ranking (same order: exact, rank, id), so
    when enough of them pass the filters, the page is exactly the full query's page.
    """
    needed = offset + params.per_page
    window = max(RANK_WINDOW, 2 * needed)
    if window > RANK_WINDOW_MAX:
        return None
    match = search.match(parsed)
    candidates = list(
        db.session.scalars(
            select(match.c.solution_id)
            .order_by(match.c.exact.desc(), match.c.rank.desc(), match.c.solution_id)
            .limit(window)
        )
    )
    if not candidates:
        return []
    passing = set(
        db.session.scalars(
            select(Solution.id).where(
                Solution.id.in_(candidates), *visible_without_join(), *_filter_conditions(params)
            )
        )
    )
    ordered = [i for i in candidates if i in passing]
    if len(ordered) < needed and len(candidates) == window:
        return None  # more matches may pass the filters further down: rank them all
    return ordered[offset:needed]


def run_catalog(params: CatalogParams, *, with_facets: bool = True) -> CatalogPage:
    """Run the catalogue query: one page of results, the total and the facet counts.

    A fixed number of queries, whatever the size of the catalogue: the category ids (with
    a category filter), the grouped counts (cached), the page's ids (one query; for a
    search two or three, cached, as ranking is the costly part) and the page's solutions.
    """
    if params.category:
        params.category_ids = category_ids(params.category)
        if params.category_ids is None:
            params.errors["category"] = "unknown category"
            params.category = ""
    parsed = search.parse_query(params.q) if params.q else None
    if parsed is not None:
        # Deciding the plan runs a few small queries: keep it with the cached counts.
        search.remember_plan(
            parsed, stamps.public_value(("plan", parsed), lambda: search.plan(parsed))
        )
    edges = _price_edges(params)
    terms = parsed.folded if parsed is not None else None
    filters = (
        tuple(params.category_ids or ()) if params.category else None,
        params.deployment,
        params.has_trial,
        params.min_rating,
        params.max_price,
        params.verified,
    )

    def from_database() -> tuple[int, Facets]:
        groups = stamps.public_value(("groups", terms, edges), lambda: facet_groups(parsed, edges))
        return _summarise(groups, params, edges)

    def from_engine(engine: search_engine.Built) -> tuple[int, Facets]:
        total, counts = engine.summary(search.plan(parsed), _engine_filters(params))
        return total, Facets(**counts)

    def summary() -> tuple[int, Facets]:
        if parsed is None:
            return from_database()
        return search_engine.answer(from_engine, from_database)

    # Facets are read, never changed, by the views: one cached copy can serve them all.
    total, facets = stamps.public_value(("summary", terms, edges, filters), summary)
    ids: list[int] = []
    if (params.page - 1) * params.per_page < total:
        if parsed is None:
            ids = _page_ids(params, None)
        else:
            key = ("page", parsed, tuple(sorted(params.to_args().items())), params.per_page)
            ids = stamps.public_value(key, lambda: _page_ids(params, parsed))
    return CatalogPage(
        params=params,
        ids=ids,
        total=total,
        facets=facets if with_facets else None,
        hints=search_hints(parsed, params, total, facets) if with_facets and parsed else None,
    )


# Fewer results than this and a "did you mean" is offered when closer known words exist.
FEW_RESULTS = 3


def search_hints(
    parsed: search.SearchQuery, params: CatalogParams, total: int, facets: Facets
) -> SearchHints:
    """Return the "did you mean" and the named category of a search's results page."""
    hints = SearchHints()
    plan = search.plan(parsed)
    if plan.stage == "corrected":
        hints.did_you_mean = plan.correction
    elif total < FEW_RESULTS:
        correction = search_words.correct(parsed.folded)
        if correction is not None:
            hints.did_you_mean = correction.text
    if plan.named:
        # The category and its children in one statement.
        family = db.session.scalars(
            select(Category).where(
                or_(Category.id == plan.named[0], Category.parent_id == plan.named[0])
            )
        ).all()
        category = next((c for c in family if c.id == plan.named[0]), None)
        if category is not None and category.slug != params.category:
            covered = [c.id for c in family]
            count = sum(facets.categories.get(i, 0) for i in covered)
            if count:
                hints.category, hints.category_count = category, count
    return hints


def vendor_solutions(vendor_id: int) -> list[Solution]:
    """A vendor's own solutions that have been on the marketplace (not drafts), by name.

    The choices of the vendor's filters: the trial inbox and insights.
    """
    return list(
        db.session.scalars(
            select(Solution)
            .where(Solution.vendor_id == vendor_id, Solution.status != SolutionStatus.DRAFT)
            .order_by(Solution.name, Solution.id)
        )
    )
