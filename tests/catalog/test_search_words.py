"""Search by words on the demo catalogue: the issue's examples, phrases, synonyms, category
intent, "did you mean", suggestions as you type, and hostile input on the page and the API.
"""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import select
from sqlalchemy import text as sql

from marketplace.catalog import params as catalog_params
from marketplace.catalog import queries, search, search_index, search_words, suggestions
from marketplace.catalog.models import Solution
from marketplace.extensions import db
from tests import factories
from tests.catalog.test_search import HOSTILE, find, listed
from tests.conftest import IS_POSTGRES
from tests.moderation.decisions import decide


def ranked(q: str) -> list[str]:
    params = catalog_params.parse_params({"q": q}, default_per_page=12)
    return [s.slug for s in queries.run_catalog(params, with_facets=False).items]


# The issue's examples: each wrong top result it names is out of the top three.
WRONG_TOP = [
    ("chu ky so", {"con-son-pos", "thanh-dong-soc-24-7"}),
    ("hoa don", {"hop-dong-dien-tu-hong-ha", "thanh-dong-backup"}),
    ("hoa dơn", {"hop-dong-dien-tu-hong-ha", "thanh-dong-backup"}),
    ("may chu", {"con-son-hddt-may-tinh-tien"}),
    ("phần mềm kế toán", {"saokhue-vps-hai-duong"}),
    ("nhân sự", {"tuong-lua-thanh-dong-utm", "bachdang-cloud-waf", "thanh-dong-endpoint-shield"}),
]


@pytest.mark.parametrize(("q", "wrong"), WRONG_TOP, ids=[q for q, _ in WRONG_TOP])
def test_the_issues_wrong_top_results_are_out_of_the_top_three(demo_catalogue, q, wrong):
    top = ranked(q)[:3]
    assert len(top) == 3
    assert not wrong & set(top), top


def test_the_issues_other_examples(demo_catalogue):
    assert ranked("hoa don")[:4].count("bachdang-ihoadon") == 1
    # "kho" is a whole syllable: "không" no longer matches it.
    kho = set(db.session.scalars(search.match_ids(search.parse_query("kho"))))
    khong = set(db.session.scalars(search.match_ids(search.parse_query("không"))))
    assert len(kho) < 20 and not khong <= kho
    # Typos and joined syllables find the words meant, and say so.
    for q, meant in [("ke tona", "kế toán"), ("hoadon", "hóa đơn"), ("ketoan", "kế toán")]:
        plan = search.plan(search.parse_query(q))
        assert (plan.stage, plan.correction) == ("corrected", meant)
        assert ranked(q)
    # Vendor names, accented or not.
    assert set(ranked("Bạch Đằng")[:3]) <= {
        s for s in db.session.scalars(select(Solution.slug)) if s.startswith("bachdang")
    }
    assert ranked("thanh dong")[0].startswith(("thanh-dong", "tuong-lua-thanh-dong"))


def test_a_phrase_outranks_the_same_syllables_scattered(app, vendor):
    scattered = listed(
        vendor,
        name="Đơn hàng và hóa chất Sông Hồng",
        tagline="Theo dõi đơn hàng",
        description="Quản lý đơn hàng cho cửa hàng hóa chất.",
    )
    phrase = listed(
        vendor,
        name="Hóa đơn Sông Hồng",
        tagline="Xuất chứng từ",
        description="Xuất chứng từ cho cửa hàng.",
    )
    for q in ["hoa don", "hóa đơn", "hóa đơn sông hồng"]:
        found = find(q)
        assert found.index(phrase.slug) < found.index(scattered.slug), (q, found)


def test_a_synonym_finds_but_ranks_below_the_literal_words(demo_catalogue):
    found = ranked("VPS")
    literal = {"saokhue-vps-hai-duong", "thanh-dong-secure-vps"}
    assert set(found[:2]) == literal
    assert "bachdang-cloud-server" in found[2:]  # says "máy chủ ảo", not "VPS"
    assert set(ranked("CKS")[:2]) == {"thanh-dong-smartsign", "bachdang-esign"}
    assert set(ranked("e-invoice")[:4]) == set(ranked("hóa đơn điện tử")[:4])


def test_the_category_named_ranks_first_and_is_offered(demo_catalogue, client):
    found = ranked("kế toán")
    accounting = {
        "ke-toan-saokhue-cloud",
        "ke-toan-hong-ha-online",
        "hong-ha-so-sach-ho-kinh-doanh",
        "bachdang-erp-ke-toan",
    }
    assert set(found[:4]) == accounting
    page = client.get("/solutions?q=k%E1%BA%BF+to%C3%A1n").get_data(as_text=True)
    assert "Trong danh mục Kế toán (4)" in page
    assert 'href="/solutions?category=ke-toan"' in page
    assert "Trong danh mục" not in client.get("/solutions?q=zalo").get_data(as_text=True)


def test_did_you_mean_offers_a_one_click_search(demo_catalogue, client):
    page = client.get("/solutions?q=ke+tona").get_data(as_text=True)
    assert "Có phải bạn muốn tìm:" in page
    assert 'href="/solutions?q=k%E1%BA%BF+to%C3%A1n"' in page
    assert "Có phải bạn muốn tìm" not in client.get("/solutions?q=k%E1%BA%BF+to%C3%A1n").get_data(
        as_text=True
    )
    english = client.get("/solutions?q=hoadon&lang=en", headers={"Accept-Language": "en"})
    assert english.status_code == 200


def test_corrections_are_careful(demo_catalogue):
    assert search_words.correct(("thang", "long")) is None  # no known pair supports it
    assert search_words.correct(("or",)) is None  # too short to guess
    assert search_words.correct(("ke", "toan")) is None  # nothing to correct
    assert search_words.correct(("hoa", "dom")).text == "hóa đơn"
    assert search_words.edit_distance("tona", "toan", 1) == 1
    assert search_words.edit_distance("abc", "xyz", 1) == 2


def test_suggest_answers_names_categories_and_vendors(demo_catalogue, client):
    response = client.get("/api/v1/suggest?q=hoa+don+d")
    assert response.status_code == 200
    body = response.get_json()
    assert body["q"] == "hoa don d"
    labels = [(i["kind"], i["label"]) for i in body["items"]]
    assert ("category", "Hóa đơn điện tử") in labels
    assert ("solution", "Hóa đơn điện tử Hồng Hà") in labels
    assert 0 < len(body["items"]) <= 8
    assert all(i["url"].startswith("/solutions") for i in body["items"])
    assert response.headers["Cache-Control"] == "public, max-age=60"
    again = client.get(
        "/api/v1/suggest?q=hoa+don+d", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304
    vendors = client.get("/api/v1/suggest?q=sao+kh").get_json()["items"]
    assert any(i["kind"] == "vendor" and "Sao Khuê" in i["label"] for i in vendors)
    many = client.get("/api/v1/suggest?q=th").get_json()["items"]
    assert len(many) <= 8
    assert client.get("/api/v1/suggest?q=h").get_json()["items"] == []
    english = client.get("/api/v1/suggest?q=accou&lang=en").get_json()["items"]
    assert ("category", "Accounting") in [(i["kind"], i["label"]) for i in english]
    # Only public solutions.
    assert "Kế toán SaoKhuê Desktop 2019" not in str(
        client.get("/api/v1/suggest?q=ke+toan+s").get_json()
    )


def test_a_typed_prefix_is_answered_from_the_cache_until_the_content_changes(
    demo_catalogue, app_factory, count_queries, tmp_path
):
    # Two apps on one host's stamp: one answers, the other commits the change.
    stamp = str(tmp_path / "content.stamp")
    cached = app_factory(CATALOG_CACHE_SECONDS=60, PAGE_CACHE_STAMP=stamp).test_client()
    writer = app_factory(CATALOG_CACHE_SECONDS=60, PAGE_CACHE_STAMP=stamp)
    first = cached.get("/api/v1/suggest?q=hoa+don+d").get_json()["items"]
    assert ("solution", "Hóa đơn điện tử Hồng Hà") in [(i["kind"], i["label"]) for i in first]
    with count_queries() as again:
        assert cached.get("/api/v1/suggest?q=hoa+don+d").get_json()["items"] == first
    assert again.count == 0
    # Another language is another answer, not the cached Vietnamese one.
    english = cached.get("/api/v1/suggest?q=hoa+don+d&lang=en").get_json()["items"]
    assert ("category", "E-invoicing") in [(i["kind"], i["label"]) for i in english]
    # A suspension renews the content stamp: the next answer no longer offers the listing.
    with writer.app_context():
        listing = db.session.scalar(
            select(Solution).where(Solution.name == "Hóa đơn điện tử Hồng Hà")
        )
        listing.status = "suspended"
        db.session.commit()
        db.session.remove()
    after = cached.get("/api/v1/suggest?q=hoa+don+d").get_json()["items"]
    assert "Hóa đơn điện tử Hồng Hà" not in [i["label"] for i in after]


def test_suggest_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/suggest"]["get"]
    assert operation["operationId"] == "suggest"
    assert "Suggestions" in document["components"]["schemas"]


@pytest.mark.parametrize(
    "raw",
    HOSTILE + ["NEAR(chu ky so)", "ho*a -don", unicodedata.normalize("NFD", "Hóa Đơn ĐIỆN tử")],
    ids=range(len(HOSTILE) + 3),
)
def test_hostile_queries_never_break_the_page_or_the_api(demo_catalogue, client, raw):
    if "\x00" in raw:
        return  # the API refuses NUL with a 400 by its schema; the page is checked below
    for url in ["/solutions", "/api/v1/solutions", "/api/v1/suggest"]:
        response = client.get(url, query_string={"q": raw})
        assert response.status_code == 200, (url, raw, response.status_code)


def test_nul_in_a_query_is_refused_not_failed(demo_catalogue, client):
    # NUL never reaches the search: the page and the API refuse it with a 400, not a 500.
    assert client.get("/solutions", query_string={"q": "hóa\x00đơn"}).status_code == 400
    assert client.get("/api/v1/suggest", query_string={"q": "hóa\x00đơn"}).status_code == 400


def test_a_vendor_leaves_the_suggestions_once_its_last_listing_is_suspended(
    app_factory, app, vendor, moderator, login
):
    """The vendors named as one types are read again after a content change (the content
    stamp), as the catalogue is: not a minute later."""
    vendor.organization.name = "Công ty Phần mềm Vạn Xuân"
    solution = factories.make_solution(vendor, name="Kế toán Trường Giang")
    host = app_factory(CATALOG_CACHE_SECONDS=60)
    visitor = host.test_client()

    def vendors() -> list[str]:
        items = visitor.get("/api/v1/suggest?q=van+xu").get_json()["items"]
        return [i["label"] for i in items if i["kind"] == "vendor"]

    assert vendors() == ["Công ty Phần mềm Vạn Xuân"]
    staff = login(host.test_client(), moderator)
    decided = decide(staff, f"/moderation/solutions/{solution.id}/suspend", "Khiếu nại")
    assert decided.status_code == 302
    assert vendors() == []


def test_vendor_suggestions_match_the_plain_definition():
    """The word index answers what a pass over every vendor would: the names holding the
    typed words in order (the last one as a prefix), by where they start, then by name."""
    names = [
        "Công ty TNHH Hồng Hà",
        "Công ty Cổ phần Sao Khuê",
        "Hợp tác xã Công nghệ Hồng",
        "Hồng Hà Software",
        "Trung tâm Hỗ trợ Công ty nhỏ",
        "Công ty TNHH Hồng Hà",  # the same name twice: suggested once
    ]
    by_word: dict = {}
    for name in names:
        folded = search_words.phrase(name)
        for i, word in enumerate(folded):
            by_word.setdefault(word, []).append((i, name, folded))
    for occurrences in by_word.values():
        occurrences.sort()
    index = suggestions._VendorWords(by_word, sorted(by_word))

    def plain(typed, limit):
        found = {
            (at, name)
            for name in names
            if (at := suggestions.starts_phrase(search_words.phrase(name), typed)) >= 0
        }
        return sorted(found)[:limit]

    for text in (
        "ho",
        "hong",
        "hong h",
        "cong ty",
        "cong ty t",
        "c",
        "ha so",
        "nho",
        "xyz",
        "ty nh",
    ):
        typed = search_words.phrase(text)
        for limit in (1, 2, 8):
            assert index.matches(typed, limit) == plain(typed, limit), (text, limit)


def test_the_vocabulary_counts_words_pairs_and_their_usual_marks():
    """What "did you mean" learns from the texts: every word and neighbouring pair folded
    and counted (a pair never across punctuation), and each shown in its most frequent
    form, one with marks among equally frequent ones."""
    vocab = search_words.build_vocabulary(
        [
            "Hóa đơn điện tử. HoaDon",
            "hoa don điện tử",
            "Hóa đơn, kế toán",
            "",
            None,
            "Kế toán – Ke toan / kế TOÁN",
        ]
    )
    assert vocab.counts["hoa"] == 3 and vocab.counts["don"] == 3
    assert vocab.counts["hoadon"] == 1
    assert vocab.counts["ke"] == 4 and vocab.counts["toan"] == 4
    assert vocab.pair_counts["hoa don"] == 3
    assert vocab.pair_counts["dien tu"] == 2
    assert vocab.pair_counts["ke toan"] == 4  # three pieces in the last text
    assert "tu hoadon" not in vocab.pair_counts  # across a full stop
    assert "don ke" not in vocab.pair_counts  # across a comma
    assert "toan ke" not in vocab.pair_counts
    # "hóa" twice against "hoa" once; "kế toán" three times (lower-cased) against "ke toan".
    assert vocab.display["hoa"] == "hóa" and vocab.display["dien"] == "điện"
    assert vocab.pair_display["hoa don"] == ("hóa", "đơn")
    assert vocab.pair_display["ke toan"] == ("kế", "toán")
    assert search_words.display(("hoa", "don", "ke", "toan"), vocab) == "hóa đơn kế toán"
    # Equally frequent: the form with marks.
    assert search_words.build_vocabulary(["Sao", "sào"]).display["sao"] == "sào"
    assert search_words.build_vocabulary([]).counts == {}


def test_suggestions_read_names_only_and_follow_a_rename(app, vendor, client):
    named = factories.make_solution(vendor, name="Quản lý kho Thiên Kim")
    factories.make_solution(
        vendor, name="Bán hàng Hạ Long", tagline="Thiên Kim không có trong tên giải pháp này"
    )
    db.session.commit()

    def labels(q: str) -> list[str]:
        return [i["label"] for i in client.get(f"/api/v1/suggest?q={q}").get_json()["items"]]

    assert labels("thien k") == ["Quản lý kho Thiên Kim"]
    named.name = "Quản lý kho Thiên Phúc"
    search_index.sync_solution(named)
    db.session.commit()
    assert labels("thien k") == []
    assert labels("thien p") == ["Quản lý kho Thiên Phúc"]


@pytest.mark.skipif(not IS_POSTGRES, reason="PostgreSQL's index of the names (migration 0026)")
def test_on_postgresql_suggestions_use_the_index_of_names(app, vendor):
    factories.make_solution(vendor, name="Quản lý kho Thiên Kim")
    db.session.commit()
    names = db.session.scalar(sql("SELECT names::text FROM solution_search"))
    assert "'thien0kim'" in names and "'kho'" in names
    db.session.execute(sql("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(
        db.session.scalars(
            sql(
                "EXPLAIN SELECT solution_id FROM solution_search "
                "WHERE names @@ to_tsquery('simple', 'thien & thien0k:*') LIMIT 64"
            )
        )
    )
    assert "ix_solution_search_names" in plan, plan
