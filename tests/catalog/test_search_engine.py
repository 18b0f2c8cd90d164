"""The embedded search engine (SEARCH_ENGINE=tantivy): the catalogue's counts, facets and
pages as the database gives them, never a change hidden, the database while it is built.

The order within a page is held to the judged set (test_relevance.py) and the golden
queries (test_search.py), both run on the engine too.
"""

from __future__ import annotations

import threading

import pytest
from prometheus_client import REGISTRY

from marketplace.catalog import params as catalog_params
from marketplace.catalog import queries, search_engine
from marketplace.catalog.models import FeatureDefinition, SolutionStatus
from marketplace.core import pagecache
from marketplace.extensions import db
from tests import factories

QUERIES = ["hóa đơn", "hoa don dien tu", "kế toán", "ke t", "phan mem", "quan ly", "cloud", "zzz"]
FILTERS = [
    {},
    {"category": "hoa-don-dien-tu"},
    {"deployment": "cloud"},
    {"has_trial": "1"},
    {"min_rating": "4"},
    {"max_price": "500000"},
    {"verified": "1"},
    {"category": "ke-toan", "has_trial": "1", "max_price": "2000000"},
]


def _catalogue(args: dict) -> queries.CatalogPage:
    return queries.run_catalog(catalog_params.parse_params(args, default_per_page=5))


def _answer(args: dict) -> tuple:
    # Every match on one page: the order within the page may differ (BM25 is not the same
    # formula in FTS5, PostgreSQL and Tantivy), what is found and counted may not.
    page = queries.run_catalog(catalog_params.parse_params(args, default_per_page=60))
    return page.total, page.facets, sorted(page.ids)


@pytest.fixture
def engine_on(app):
    app.config.update(SEARCH_ENGINE="tantivy", SEARCH_ENGINE_BUILD="inline")
    pagecache._listen()  # what init_app does with the engine on: commits renew the stamp
    yield app
    app.config.update(SEARCH_ENGINE="database")


def test_counts_facets_and_pages_are_the_databases(app, demo_catalogue, engine_on):
    for q in QUERIES:
        for filters in FILTERS:
            args = {"q": q, **filters}
            app.config["SEARCH_ENGINE"] = "database"
            expected = _answer(args)
            app.config["SEARCH_ENGINE"] = "tantivy"
            assert _answer(args) == expected, args
            # A later page is the continuation of the engine's own order.
            first = _catalogue({**args, "page": "1"}).ids
            second = _catalogue({**args, "page": "2"}).ids
            assert not set(first) & set(second)
            assert set(first + second) <= set(expected[2])
    # The engine answered (it was built once: nothing was committed meanwhile).
    engine = app.extensions[search_engine.EXTENSION_KEY]
    assert engine.built is not None and engine.built.documents > 30


def test_a_listing_suspended_or_published_shows_on_the_next_search(app, engine_on, vendor):
    listing = factories.make_solution(vendor, name="Trợ lý kho hàng Kim Thành")
    assert _catalogue({"q": "kim thanh"}).ids == [listing.id]
    listing.status = SolutionStatus.SUSPENDED
    db.session.commit()
    assert _catalogue({"q": "kim thanh"}).ids == []
    assert _catalogue({"q": "kim thanh"}).total == 0
    other = factories.make_solution(vendor, name="Kho hàng Kim Thành mở rộng")
    assert _catalogue({"q": "kim thanh"}).ids == [other.id]
    # Each change indexed the changed listings again, not the whole catalogue.
    assert app.extensions[search_engine.EXTENSION_KEY].built.refreshed == 1


def test_what_an_entry_depends_on_refreshes_it(app, engine_on, vendor):
    listing = factories.make_solution(vendor, name="Phần mềm nhà thuốc Gia Lộc")
    first = factories.make_solution(vendor, name="Quầy thu ngân Tứ Kỳ")
    assert _catalogue({"q": "gia loc"}).ids == [listing.id]
    engine = app.extensions[search_engine.EXTENSION_KEY]
    # The vendor's name is in the listings' text, its verification in a filter.
    vendor.organization.name = "Công ty Dược liệu Thanh Hà"
    vendor.organization.verified_at = listing.created_at
    db.session.commit()
    assert set(_catalogue({"q": "duoc lieu thanh ha", "verified": "1"}).ids) == {
        listing.id,
        first.id,
    }
    assert engine.built.refreshed == 2
    # A new price moves the listing into another price band.
    listing.min_price_vnd = 9_000_000
    db.session.commit()
    assert _catalogue({"q": "gia loc", "max_price": "2000000"}).ids == []
    assert _catalogue({"q": "gia loc", "max_price": "10000000"}).ids == [listing.id]
    # A feature definition's label is in many listings' text: the index is built again.
    definition = FeatureDefinition.query.first()
    definition.label_vi = definition.label_vi + " mới"
    db.session.commit()
    assert _catalogue({"q": "gia loc"}).ids == [listing.id]
    assert engine.built.refreshed is None


def test_the_database_answers_while_the_index_is_built(app, vendor, monkeypatch):
    listing = factories.make_solution(vendor, name="Sổ quỹ Thanh Miện")
    app.config.update(SEARCH_ENGINE="tantivy", SEARCH_ENGINE_BUILD="background")
    started, release = threading.Event(), threading.Event()
    build = search_engine.build

    def slow_build(stamp):
        started.set()
        release.wait(10)
        return build(stamp)

    monkeypatch.setattr(search_engine, "build", slow_build)
    try:
        with app.test_request_context():
            assert _catalogue({"q": "thanh mien"}).ids == [listing.id]  # by the database
        assert started.wait(10)
        engine = app.extensions[search_engine.EXTENSION_KEY]
        assert engine.built is None and engine.building is not None
        with app.test_request_context():
            # A second search while it builds: still the database, no second build.
            assert _catalogue({"q": "so quy"}).ids == [listing.id]
    finally:
        release.set()
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and thread.daemon:
            thread.join(10)
    engine = app.extensions[search_engine.EXTENSION_KEY]
    assert engine.built is not None and engine.building is None
    with app.test_request_context():
        assert search_engine.current() is engine.built
        assert _catalogue({"q": "thanh mien"}).ids == [listing.id]
    app.config.update(SEARCH_ENGINE="database")


def test_a_failed_build_leaves_the_database_answering(app, engine_on, vendor, monkeypatch):
    listing = factories.make_solution(vendor, name="Bảng lương Ninh Giang")

    def broken(stamp):
        raise RuntimeError("disk full")

    def failed() -> float:
        sample = REGISTRY.get_sample_value(
            "marketplace_search_index_builds_total", {"outcome": "failed"}
        )
        return sample or 0.0

    before = failed()
    monkeypatch.setattr(search_engine, "build", broken)
    assert _catalogue({"q": "ninh giang"}).ids == [listing.id]
    assert _catalogue({"q": "bang luong"}).ids == [listing.id]
    # Tried once, counted, not again before RETRY_SECONDS.
    assert app.extensions[search_engine.EXTENSION_KEY].failures == 1
    assert failed() == before + 1


@pytest.mark.parametrize(
    "raw", ["a" * 5000, "(((", "*", '"', "hóa đơn " * 40, "\u0301\u0301", "đ.*", "[a-z]+"]
)
def test_hostile_queries_never_fail(app, engine_on, vendor, raw):
    factories.make_solution(vendor)
    page = _catalogue({"q": raw})
    assert page.total >= 0
