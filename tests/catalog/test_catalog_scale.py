"""What the catalogue does to stay fast at 100,000 listings (see `make bench`) keeps its meaning.

- facets and totals come from one grouped query, summed in Python: they must equal
  counting the filtered listings one by one;
- the per-process cache returns the same page as an uncached run, and fewer queries;
- the bulk reindex writes the same documents as indexing one solution at a time;
- the regex tokenizer gives the same tokens as the character loop.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from marketplace.accounts.models import Organization
from marketplace.catalog import params as catalog_params
from marketplace.catalog import queries, search, search_index
from marketplace.catalog.content import PlanInput
from marketplace.catalog.models import Solution
from marketplace.core import stamps
from marketplace.core.cache import LocalStore
from marketplace.extensions import db
from tests import factories


@pytest.fixture
def varied(app, vendor, other_vendor):
    """Listings that differ in every filtered column, and one of a suspended vendor."""
    accounting = factories.category("ke-toan").id
    cloud = factories.category("may-chu-dam-may").id
    specs = [
        {"name": "Hóa đơn điện tử Sông Hồng"},
        {"name": "Hóa đơn Miễn Phí", "plans": [PlanInput("Free", 0, "month")]},
        {
            "name": "Kế toán Hồng Hà",
            "category_id": accounting,
            "deployment": "on_premise",
            "features": [],
        },
        {
            "name": "Kế toán Bạch Đằng",
            "category_id": accounting,
            "deployment": "hybrid",
            "features": [],
            "plans": [PlanInput("A", 700_000, "month", trial_days=30)],
        },
        {
            "name": "Máy chủ Côn Sơn",
            "category_id": cloud,
            "features": [],
            "plans": [PlanInput("VPS", 9_000_000, "month")],
        },
        {
            "name": "Máy chủ lớn",
            "category_id": cloud,
            "features": [],
            "plans": [PlanInput("Big", 50_000_000, "year")],
        },
        {"name": "Không gói", "category_id": cloud, "features": [], "plans": []},
    ]
    made = []
    for i, spec in enumerate(specs):
        made.append(factories.make_solution(vendor if i % 2 else other_vendor, **spec))
    ratings = [(0, 0.0), (3, 4.5), (10, 3.2), (1, 5.0), (2, 2.0), (7, 4.0), (0, 0.0)]
    for solution, (count, avg) in zip(made, ratings, strict=True):
        db.session.execute(
            update(Solution)
            .where(Solution.id == solution.id)
            .values(rating_count=count, rating_avg=avg, rating_score=avg)
        )
    hidden_vendor = factories.make_user("vendor", verified=True)
    factories.make_solution(hidden_vendor, name="Hóa đơn của nhà cung cấp bị khóa")
    db.session.execute(
        update(Organization)
        .where(Organization.id == hidden_vendor.organization_id)
        .values(active=False)
    )
    db.session.commit()
    return made


def _reference(params: catalog_params.CatalogParams) -> tuple[int, queries.Facets]:
    """Count by hand: every visible listing, each facet under all filters but its own."""
    rows = db.session.scalars(queries.solutions_with_vendor().where(*queries.visible())).all()
    if params.q:
        parsed = search.parse_query(params.q)
        matching = set(db.session.scalars(search.match_ids(parsed)))
        rows = [s for s in rows if s.id in matching]
    ids = set(queries.category_ids(params.category) or [-1]) if params.category else None
    tests = {
        "category": lambda s: ids is None or s.category_id in ids,
        "deployment": lambda s: not params.deployment or s.deployment == params.deployment,
        "has_trial": lambda s: not params.has_trial or s.max_trial_days > 0,
        "min_rating": lambda s: (
            not params.min_rating or (s.rating_count > 0 and s.rating_avg >= params.min_rating)
        ),
        "max_price": lambda s: (
            params.max_price is None
            or (s.min_price_vnd is not None and s.min_price_vnd <= params.max_price)
        ),
        "verified": lambda s: not params.verified or s.vendor.verified_at is not None,
    }

    def passing(skip=None):
        return [s for s in rows if all(t(s) for name, t in tests.items() if name != skip)]

    def by(skip, key):
        out = {}
        for s in passing(skip):
            if key(s) is not None:
                out[key(s)] = out.get(key(s), 0) + 1
        return out

    facets = queries.Facets(
        categories=by("category", lambda s: s.category_id),
        deployments=by("deployment", lambda s: s.deployment),
        has_trial=sum(1 for s in passing("has_trial") if s.max_trial_days > 0),
        prices={
            limit: sum(
                1
                for s in passing("max_price")
                if s.min_price_vnd is not None and s.min_price_vnd <= limit
            )
            for limit in catalog_params.PRICE_BUCKETS
        },
        ratings={
            stars: sum(
                1 for s in passing("min_rating") if s.rating_count > 0 and s.rating_avg >= stars
            )
            for stars in catalog_params.RATING_BUCKETS
        },
        verified=sum(1 for s in passing("verified") if s.vendor.verified_at is not None),
    )
    return len(passing()), facets


ARGS = [
    {},
    {"category": "ke-toan"},
    {"category": "quan-tri-doanh-nghiep"},
    {"deployment": "hybrid"},
    {"has_trial": "1"},
    {"min_rating": "4"},
    {"min_rating": "3", "verified": "1"},
    {"max_price": "0"},
    {"max_price": "750000"},  # not one of the facet's bands
    {"max_price": "10000000", "category": "may-chu-dam-may", "deployment": "cloud"},
    {"verified": "1", "has_trial": "1", "min_rating": "2"},
    {"q": "hoa don"},
    {"q": "kế toán", "deployment": "hybrid", "has_trial": "1"},
    {"q": "máy chủ", "max_price": "9000000", "sort": "price_desc"},
]


@pytest.mark.parametrize("args", ARGS, ids=lambda a: "&".join(f"{k}={v}" for k, v in a.items()))
def test_grouped_facets_equal_counting_each_listing(varied, args):
    params = catalog_params.parse_params(args)
    page = queries.run_catalog(params)
    total, facets = _reference(params)
    assert page.total == total
    assert page.facets == facets
    assert len(page.items) == min(total, params.per_page)


def test_pages_past_the_end_are_empty_without_a_page_query(varied, count_queries):
    params = catalog_params.parse_params({"page": "50"})
    with count_queries() as q:
        page = queries.run_catalog(params)
    assert page.items == [] and page.total == len(varied)
    assert not any("LIMIT" in s.upper() for s in q.statements)


def test_the_cache_serves_the_same_page_with_fewer_queries(
    app_factory, varied, vendor, count_queries
):
    cached_app = app_factory(CATALOG_CACHE_SECONDS=60)
    for args in ARGS:
        with cached_app.app_context():
            stamps.forget_public_values()
            with count_queries() as first:
                a = queries.run_catalog(catalog_params.parse_params(args))
            with count_queries() as second:
                b = queries.run_catalog(catalog_params.parse_params(args))
            assert (a.total, a.facets) == (b.total, b.facets)
            assert [s.id for s in a.items] == [s.id for s in b.items]
            assert second.count < first.count
            expected = _reference(catalog_params.parse_params(args))
            assert (b.total, b.facets) == expected
            db.session.remove()
    # Counts may lag by the cache's lifetime; clearing it shows the new listing at once.
    with cached_app.app_context():
        before = queries.run_catalog(catalog_params.parse_params({})).total
        db.session.remove()
    factories.make_solution(vendor, name="Hóa đơn mới")
    with cached_app.app_context():
        assert queries.run_catalog(catalog_params.parse_params({})).total == before
        stamps.forget_public_values()
        assert queries.run_catalog(catalog_params.parse_params({})).total == before + 1


def test_the_cache_is_off_in_tests_unless_asked(app):
    assert stamps.public_values() is None


def test_a_suspended_listing_leaves_a_cached_page_at_once(app_factory, varied):
    cached_app = app_factory(CATALOG_CACHE_SECONDS=60)
    with cached_app.app_context():
        first = queries.run_catalog(catalog_params.parse_params({"q": "hoa don"}))
        gone = first.items[0].id
        db.session.remove()
    db.session.execute(update(Solution).where(Solution.id == gone).values(status="suspended"))
    db.session.commit()
    with cached_app.app_context():
        again = queries.run_catalog(catalog_params.parse_params({"q": "hoa don"}))
        assert gone not in [s.id for s in again.items]


def test_bulk_reindex_writes_the_documents_of_one_by_one_indexing(varied):
    solutions = db.session.scalars(
        queries.solutions_with_vendor().where(Solution.status == "published").order_by(Solution.id)
    ).all()
    flat = dict(search_index._flat_documents(0, 1000))
    assert set(flat) == {s.id for s in solutions}
    for solution in solutions:
        assert flat[solution.id] == search_index.document(solution), solution.name
    assert search_index.reindex_all(batch_size=3) == len(solutions)
    db.session.commit()
    params = catalog_params.parse_params({"q": "hoa don"})
    assert queries.run_catalog(params).total == _reference(params)[0]


TEXT = st.text(
    alphabet=st.sampled_from(
        list("aáàảãạăắằđĐ ƯƠ_-.,!x1²½ⅫΣσς'’\"\n\t")
        + ["\u0301", "\u0300", "\u0323", "\u093e", "\u0915", "\u20dd", "\u0488"]
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_the_regex_tokenizer_matches_the_character_loop(text):
    normalised = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).lower())
    assert search.tokenize(text) == search._tokenize_slow(normalised)


def test_the_cache_expires_and_stays_within_its_bounds(monkeypatch):
    clock = [100.0]
    from marketplace.core import cache as cache_module

    monkeypatch.setattr(cache_module, "clock", lambda: clock[0])
    # Every entry weighs at least 6 // 3 = 2: at most three entries, six units in all.
    cache = LocalStore(10, max_entries=3, max_weight=6)
    calls = []

    def compute(value):
        calls.append(value)
        return value

    assert cache.get_or_compute("a", lambda: compute([1, 2])) == [1, 2]
    assert cache.get_or_compute("a", lambda: compute("again")) == [1, 2]
    clock[0] += 11  # expired
    assert cache.get_or_compute("a", lambda: compute([1])) == [1]
    cache.get_or_compute("b", lambda: compute([1, 2, 3]))
    cache.get_or_compute("c", lambda: compute([1, 2]))  # weight 2 + 3 + 2 > 6: "a" goes
    assert cache.get_or_compute("a", lambda: compute("recomputed")) == "recomputed"
    cache.get_or_compute("huge", lambda: compute(list(range(9))))  # never kept
    assert cache.get_or_compute("huge", lambda: compute("fresh")) == "fresh"
    assert len(cache) <= 3 and cache._data.currsize <= 6
    for key in "xyzw":
        cache.put(key, 1)
    assert len(cache) == 3  # bounded by entries too


@pytest.mark.parametrize(
    "args",
    [
        {"q": "hoa don"},
        {"q": "hóa đơn", "per_page": "1", "page": "2"},
        {"q": "kế toán", "deployment": "hybrid"},
        {"q": "máy chủ", "verified": "1", "per_page": "1"},
        {"q": "a", "per_page": "2", "page": "3"},
    ],
    ids=lambda a: "&".join(f"{k}={v}" for k, v in a.items()),
)
@pytest.mark.parametrize("window", [1, 2, 200])
def test_ranking_the_best_matches_first_gives_the_full_rankings_page(
    varied, monkeypatch, args, window
):
    params = catalog_params.parse_params(args)
    parsed = search.parse_query(params.q)
    monkeypatch.setattr(queries, "RANK_WINDOW_MAX", -1)  # rank every match
    full = queries._page_ids(params, parsed)
    monkeypatch.setattr(queries, "RANK_WINDOW_MAX", 5_000)
    monkeypatch.setattr(queries, "RANK_WINDOW", window)
    assert queries._page_ids(params, parsed) == full
