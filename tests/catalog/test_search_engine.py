"""The embedded search engine (SEARCH_ENGINE=tantivy): the catalogue's counts, facets and
pages as the database gives them, never a change hidden, the database while it is built.

The order within a page is held to the judged set (test_relevance.py) and the golden
queries (test_search.py), both run on the engine too.
"""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from marketplace.catalog import listed, queries, search_engine, search_engine_host
from marketplace.catalog import params as catalog_params
from marketplace.catalog.models import FeatureDefinition, SolutionStatus
from marketplace.core import pagecache, stamps
from marketplace.extensions import db
from tests import factories
from tests.catalog.test_editor_input import make_upload

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


@pytest.fixture
def builds(monkeypatch):
    """What each build did: "built" (whole) or the number of listings refreshed."""
    done: list = []
    build, refresh = search_engine.build, search_engine.refresh

    def recording_build(*args, **kwargs):
        done.append("built")
        return build(*args, **kwargs)

    def recording_refresh(*args, **kwargs):
        result = refresh(*args, **kwargs)
        if result is not None:
            done.append(result.refreshed)
        return result

    monkeypatch.setattr(search_engine, "build", recording_build)
    monkeypatch.setattr(search_engine, "refresh", recording_refresh)
    return done


def test_counts_facets_and_pages_are_the_databases(
    app, demo_catalogue, engine_on, builds, monkeypatch
):
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
    # Sorted by price, rating or date, the database orders what the engine found: the
    # same pages, in the same order, with few matches and with many.
    for few in (queries.FEW_MATCHES, 2):
        monkeypatch.setattr(queries, "FEW_MATCHES", few)
        monkeypatch.setattr(queries, "SORTED_BATCH", 3)
        for q in QUERIES:
            for sort in ("price_asc", "price_desc", "newest", "reviews", "rating"):
                for filters in ({}, {"has_trial": "1"}):
                    args = {"q": q, "sort": sort, **filters}
                    for page in ("1", "2", "3"):
                        app.config["SEARCH_ENGINE"] = "database"
                        expected = _catalogue({**args, "page": page}).ids
                        app.config["SEARCH_ENGINE"] = "tantivy"
                        assert _catalogue({**args, "page": page}).ids == expected, args
    # The engine answered: built once, as nothing was committed meanwhile.
    assert builds == ["built"]
    assert search_engine.current().documents > 30


def test_a_listing_suspended_or_published_shows_on_the_next_search(app, engine_on, vendor, builds):
    listing = factories.make_solution(vendor, name="Trợ lý kho hàng Kim Thành")
    assert _catalogue({"q": "kim thanh"}).ids == [listing.id]
    listing.status = SolutionStatus.SUSPENDED
    db.session.commit()
    assert _catalogue({"q": "kim thanh"}).ids == []
    assert _catalogue({"q": "kim thanh"}).total == 0
    other = factories.make_solution(vendor, name="Kho hàng Kim Thành mở rộng")
    assert _catalogue({"q": "kim thanh"}).ids == [other.id]
    # Each change indexed the changed listing again, not the whole catalogue.
    assert builds == ["built", 1, 1]


def test_what_an_entry_depends_on_refreshes_it(app, engine_on, vendor, builds):
    listing = factories.make_solution(vendor, name="Phần mềm nhà thuốc Gia Lộc")
    first = factories.make_solution(vendor, name="Quầy thu ngân Tứ Kỳ")
    assert _catalogue({"q": "gia loc"}).ids == [listing.id]
    # The vendor's name is in the listings' text, its verification in a filter.
    vendor.organization.name = "Công ty Dược liệu Thanh Hà"
    vendor.organization.verified_at = listing.created_at
    db.session.commit()
    assert set(_catalogue({"q": "duoc lieu thanh ha", "verified": "1"}).ids) == {
        listing.id,
        first.id,
    }
    assert builds == ["built", 2]
    # A new price moves the listing into another price band.
    listing.min_price_vnd = 9_000_000
    db.session.commit()
    assert _catalogue({"q": "gia loc", "max_price": "2000000"}).ids == []
    assert _catalogue({"q": "gia loc", "max_price": "10000000"}).ids == [listing.id]
    # A feature definition's label is in many listings' text: the index is built again,
    # as a new generation.
    folder = search_engine_host.index_folder(app)
    definition = FeatureDefinition.query.first()
    definition.label_vi = definition.label_vi + " mới"
    db.session.commit()
    assert _catalogue({"q": "gia loc"}).ids == [listing.id]
    assert builds == ["built", 2, 1, "built"]
    assert sorted(p.name for p in folder.glob("gen-*")) == ["gen-2", "gen-2.state"]


def test_the_database_answers_while_another_process_builds(app, engine_on, vendor, builds):
    listing = factories.make_solution(vendor, name="Sổ quỹ Thanh Miện")
    folder = search_engine_host.index_folder(app)
    with search_engine_host._builder_lock(folder) as held:
        assert held  # as the host's builder process would hold it
        with search_engine_host._builder_lock(folder) as second:
            assert not second  # a second builder gives way
        app.config["SEARCH_ENGINE_BUILD"] = "background"
        assert _catalogue({"q": "thanh mien"}).ids == [listing.id]  # by the database
        assert search_engine.current() is None
        assert builds == []
        assert search_engine_host.engine_for(app).builder is None  # none started
    # The builder done, every worker of the host reads its index.
    assert search_engine_host.run_builder(app)
    assert builds == ["built"]
    assert search_engine.current() is not None
    assert _catalogue({"q": "thanh mien"}).ids == [listing.id]
    # A second worker process opens the same index: no second build.
    other = search_engine_host.Engine(app)
    assert other.current(stamps.stamp_for(app).current()) is not None
    assert builds == ["built"]


def test_an_index_older_than_the_database_is_never_read(app, engine_on, vendor, builds):
    """A bulk load or a restored backup writes rows without renewing any stamp."""
    listing = factories.make_solution(vendor, name="Kế toán kho Bình Giang")
    assert _catalogue({"q": "binh giang"}).ids == [listing.id]
    db.session.connection().exec_driver_sql(
        f"UPDATE solutions SET status = 'suspended' WHERE id = {int(listing.id)}"
    )
    db.session.commit()
    stamp = stamps.stamp_for(app).current()
    assert search_engine_host.engine_for(app).current(stamp) is not None  # read before
    restarted = search_engine_host.Engine(app)  # a worker started after the load
    app.extensions[search_engine_host.EXTENSION_KEY] = restarted
    assert _catalogue({"q": "binh giang"}).ids == []
    assert builds == ["built", 1]


def test_a_waiting_builder_follows_each_change(app, engine_on, vendor, builds, monkeypatch):
    """After its build the builder watches the stamp for a while (no new process per change)."""
    listing = factories.make_solution(vendor, name="Đặt bàn Thanh Hà")
    clock = {"now": 0.0, "naps": 0}

    def nap(_seconds):  # one change during the first nap, then time runs out
        clock["naps"] += 1
        if clock["naps"] == 1:
            listing.name = "Đặt bàn nhà hàng Thanh Hà"
            db.session.commit()
        else:
            clock["now"] += 1_000

    monkeypatch.setattr(search_engine_host.time, "sleep", nap)
    monkeypatch.setattr(search_engine_host.time, "monotonic", lambda: clock["now"])
    assert search_engine_host.run_builder(app, idle_seconds=60)
    assert builds == ["built", 1]
    assert clock["naps"] == 2
    stamp = stamps.stamp_for(app).current()
    assert search_engine_host.engine_for(app).current(stamp) is not None


def test_an_index_of_another_layout_is_never_read(app, engine_on, vendor, builds, monkeypatch):
    """Left by the previous version of the code (a deploy): built again, not read."""
    listing = factories.make_solution(vendor, name="Lịch hẹn Nam Sách")
    assert _catalogue({"q": "nam sach"}).ids == [listing.id]
    monkeypatch.setattr(search_engine, "FORMAT", search_engine.FORMAT + 1)
    app.extensions[search_engine_host.EXTENSION_KEY] = search_engine_host.Engine(app)
    assert _catalogue({"q": "nam sach"}).ids == [listing.id]
    assert builds == ["built", "built"]  # a new generation, not a refresh of the old one
    folder = search_engine_host.index_folder(app)
    assert (folder / "gen-2").is_dir() and not (folder / "gen-1").exists()


def test_an_engine_error_is_answered_by_the_database(app, engine_on, vendor, monkeypatch):
    listing = factories.make_solution(vendor, name="Quản lý phòng khám Kinh Môn")
    assert _catalogue({"q": "kinh mon"}).ids == [listing.id]

    def damaged(*_args, **_kwargs):
        raise OSError("a segment file is missing")

    monkeypatch.setattr(search_engine.Built, "page", damaged)
    monkeypatch.setattr(search_engine.Built, "summary", damaged)
    page = _catalogue({"q": "kinh mon"})
    assert page.ids == [listing.id] and page.total == 1


def test_a_builder_process_builds_the_hosts_index(app, vendor):
    """The process a worker starts (python -m marketplace.catalog.search_engine_host)."""
    listing = factories.make_solution(vendor, name="Chấm công Cẩm Giàng")
    app.config.update(
        SEARCH_ENGINE="tantivy", SEARCH_ENGINE_BUILD="background", SEARCH_BUILDER_IDLE_SECONDS=0
    )
    engine = search_engine_host.engine_for(app)
    with app.test_request_context():
        assert search_engine.current() is None  # the database answers; the builder starts
    assert engine.builder is not None
    assert engine.builder.wait(120) == 0
    with app.test_request_context():
        built = search_engine.current()
        assert built is not None and built.documents == 1
        assert _catalogue({"q": "cam giang"}).ids == [listing.id]
    app.config.update(SEARCH_ENGINE="database")


def test_a_failed_build_leaves_the_database_answering(app, engine_on, vendor, monkeypatch):
    listing = factories.make_solution(vendor, name="Bảng lương Ninh Giang")

    def broken(stamp, path=None):
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
    assert search_engine_host.engine_for(app).failures == 1
    assert failed() == before + 1


@pytest.mark.parametrize(
    "raw", ["a" * 5000, "(((", "*", '"', "hóa đơn " * 40, "\u0301\u0301", "đ.*", "[a-z]+"]
)
def test_hostile_queries_never_fail(app, engine_on, vendor, raw):
    factories.make_solution(vendor)
    page = _catalogue({"q": raw})
    assert page.total >= 0


def _cards_from_engine(args: dict) -> tuple[list, list]:
    """A search's cards as the page shows them, and the same listings read from the
    database."""
    page = _catalogue(args)
    return page.items, listed.load(page.ids)


def test_a_searchs_cards_come_from_the_index_as_the_database_has_them(
    app, demo_catalogue, engine_on, count_queries
):
    shown = 0
    for q in QUERIES:
        for filters in ({}, {"has_trial": "1"}, {"verified": "1"}):
            page = _catalogue({"q": q, **filters})
            assert search_engine.current() is not None
            with count_queries() as counted:
                items = page.items
            # Nothing read from the listings (the categories are a value kept for everyone).
            assert not [s for s in counted.statements if "solutions" in s], (q, filters)
            assert items == listed.load(page.ids), (q, filters)
            shown += len(items)
    assert shown > 30
    # Without a search the database lists them, as before.
    browse = _catalogue({})
    with count_queries() as counted:
        assert browse.items == listed.load(browse.ids)
    assert [s for s in counted.statements if "solutions" in s]


def test_what_a_card_shows_refreshes_it(app, engine_on, vendor, builds):
    listing = factories.make_solution(vendor, name="Bảng lương Ninh Giang", tagline="Tính lương")
    other = factories.make_solution(vendor, name="Chấm công Ninh Giang")
    upload = make_upload(vendor.organization.id, "ninh-giang.png")
    changes = [
        lambda: setattr(listing, "tagline", "Tính lương và bảo hiểm"),
        lambda: setattr(
            listing, "min_price_period", "month" if listing.min_price_period == "year" else "year"
        ),
        lambda: setattr(listing, "min_price_vat_included", not listing.min_price_vat_included),
        lambda: setattr(listing, "max_trial_days", 45),
        lambda: (setattr(listing, "rating_count", 3), setattr(listing, "rating_avg", 4.5)),
        lambda: setattr(listing, "logo_id", upload.id),
        lambda: setattr(listing, "category_id", factories.category("ke-toan").id),
        lambda: setattr(vendor.organization, "slug", "luong-ninh-giang"),
        lambda: setattr(vendor.organization, "verified_at", listing.created_at),
        lambda: setattr(vendor.organization, "name", "Công ty Lương Ninh Giang"),
    ]
    before = _cards_from_engine({"q": "ninh giang"})[0]
    assert {item.id for item in before} == {listing.id, other.id}
    for change in changes:
        change()
        db.session.commit()
        shown, stored = _cards_from_engine({"q": "ninh giang"})
        assert shown == stored
        assert shown != before, changes.index(change)
        before = shown
    assert "built" not in builds[1:]  # each change refreshed the listings it touched
    # A listing suspended leaves the cards with its entry.
    listing.status = SolutionStatus.SUSPENDED
    db.session.commit()
    assert [item.id for item in _cards_from_engine({"q": "ninh giang"})[0]] == [other.id]


def test_cards_missing_from_the_index_are_read_from_the_database(app, engine_on, vendor):
    listing = factories.make_solution(vendor, name="Sổ kho Cẩm Giàng")
    built = search_engine.current()
    assert built.cards([listing.id]) == listed.load([listing.id])
    assert built.cards([listing.id, 10**9]) is None  # not an entry: the caller reads them
    assert built.cards([]) == []
