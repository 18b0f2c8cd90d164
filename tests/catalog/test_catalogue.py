"""The public catalogue: visibility, facets, sorts, pagination, solution pages, page cost."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from marketplace.catalog.content import PlanInput
from marketplace.extensions import db
from tests import factories
from tests.moderation.decisions import decide

HIDDEN_STATES = ["draft", "pending", "rejected", "suspended", "archived"]


def names(response) -> list[str]:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [a.get_text(strip=True) for a in soup.select(".solution-card h3 a")]


def facet_count(response, label: str) -> int:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    for link in soup.select("a.facet-link"):
        text = link.get_text(" ", strip=True)
        if label in text:
            return int(text.rsplit("(", 1)[1].rstrip(")"))
    raise AssertionError(f"no facet {label!r}")


@pytest.fixture
def catalogue(app, vendor, other_vendor):
    """Six public listings of two vendors, plus one listing in every hidden state."""
    cloud_cat = factories.category("may-chu-dam-may")
    items = {
        "invoice": factories.make_solution(vendor, name="Hóa đơn điện tử Sông Hồng"),
        "invoice_free": factories.make_solution(
            other_vendor,
            name="Hóa đơn Miễn Phí Thanh Hà",
            plans=[PlanInput(name="Miễn phí", price_vnd=0, period="month", trial_days=0)],
        ),
        "server": factories.make_solution(
            vendor,
            name="Máy chủ đám mây Bạch Đằng",
            category_id=cloud_cat.id,
            deployment="hybrid",
            features=[],
            plans=[PlanInput(name="VPS 2", price_vnd=450_000, period="month", trial_days=7)],
        ),
        "server_big": factories.make_solution(
            other_vendor,
            name="Máy chủ riêng Côn Sơn",
            category_id=cloud_cat.id,
            deployment="on_premise",
            features=[],
            plans=[PlanInput(name="Riêng", price_vnd=9_000_000, period="month", trial_days=0)],
        ),
        "accounting": factories.make_solution(
            vendor,
            name="Kế toán Hồng Hà",
            category_id=factories.category("ke-toan").id,
            features=[],
        ),
        "accounting2": factories.make_solution(
            other_vendor,
            name="Kế toán Chí Linh",
            category_id=factories.category("ke-toan").id,
            features=[],
        ),
    }
    for state in HIDDEN_STATES:
        items[state] = factories.make_solution(vendor, status=state, name=f"Ẩn {state} Hóa đơn")
    return items


def test_only_published_listings_of_active_vendors_appear(client, catalogue, other_vendor):
    response = client.get("/solutions")
    assert response.status_code == 200
    listed = names(response)
    assert len(listed) == 6
    assert not any(n.startswith("Ẩn") for n in listed)
    for state in HIDDEN_STATES:
        assert client.get(f"/solutions/{catalogue[state].slug}").status_code == 404
    other_vendor.organization.active = False
    db.session.commit()
    listed = names(client.get("/solutions"))
    assert "Kế toán Chí Linh" not in listed and len(listed) == 3
    assert client.get(f"/solutions/{catalogue['accounting2'].slug}").status_code == 404


def test_hidden_listings_never_count_in_facets_or_home(client, catalogue):
    response = client.get("/solutions")
    assert facet_count(response, "Hóa đơn điện tử") == 2
    assert facet_count(response, "Quản trị doanh nghiệp") == 4
    home = client.get("/").get_data(as_text=True)
    assert "Ẩn draft" not in home and "Ẩn suspended" not in home


@pytest.mark.parametrize(
    ("facet", "args"),
    [
        ("Hóa đơn điện tử", {"category": "hoa-don-dien-tu"}),
        ("Quản trị doanh nghiệp", {"category": "quan-tri-doanh-nghiep"}),
        ("Máy chủ đám mây", {"category": "may-chu-dam-may"}),
        ("Tại chỗ", {"deployment": "on_premise"}),
        ("Kết hợp", {"deployment": "hybrid"}),
        ("Có dùng thử miễn phí", {"has_trial": "1"}),
        ("Nhà cung cấp đã xác thực", {"verified": "1"}),
        ("Miễn phí", {"max_price": "0"}),
        ("Đến 500.000 ₫", {"max_price": "500000"}),
        ("Đến 2.000.000 ₫", {"max_price": "2000000"}),
    ],
)
def test_facet_counts_equal_the_results_after_applying_the_facet(client, catalogue, facet, args):
    expected = facet_count(client.get("/solutions"), facet)
    response = client.get("/solutions", query_string=args)
    assert len(names(response)) == expected
    assert f"{expected} giải pháp" in response.get_data(as_text=True)


def test_facets_combine_and_each_counts_under_the_others(client, catalogue):
    response = client.get(
        "/solutions", query_string={"category": "may-chu-dam-may", "has_trial": "1"}
    )
    assert names(response) == ["Máy chủ đám mây Bạch Đằng"]
    # The deployment facet counts within the category and trial filters.
    assert facet_count(response, "Kết hợp") == 1
    assert facet_count(response, "Tại chỗ") == 0
    # The trial facet ignores its own filter but keeps the category one.
    assert facet_count(response, "Có dùng thử miễn phí") == 1


@pytest.mark.parametrize(
    ("sort", "first"),
    [("price_asc", "Hóa đơn Miễn Phí Thanh Hà"), ("price_desc", "Máy chủ riêng Côn Sơn")],
)
def test_sorts(client, catalogue, sort, first):
    assert names(client.get("/solutions", query_string={"sort": sort}))[0] == first


def test_newest_first(client, catalogue):
    import datetime as dt

    from marketplace.core.database import utcnow

    catalogue["accounting"].published_at = utcnow() + dt.timedelta(days=1)
    db.session.commit()
    assert names(client.get("/solutions?sort=newest"))[0] == "Kế toán Hồng Hà"


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=-1",
        "page=9999",
        "page=abc",
        "page=1e9",
        "per_page=100000",
        "per_page=0",
        "max_price=-5",
        "max_price=abc",
        "min_rating=9",
        "sort=drop table",
        "category=khong-co",
        "deployment=<script>",
        "has_trial=maybe",
        "q=" + "a" * 5000,
        "page=99999999999999999999",
    ],
)
def test_odd_parameters_never_fail(client, catalogue, query):
    response = client.get(f"/solutions?{query}")
    assert response.status_code == 200
    assert "<script>" not in response.get_data(as_text=True).split("<main")[1]


def test_pagination_splits_the_results(client, app, vendor):
    for n in range(25):
        factories.make_solution(vendor, name=f"Giải pháp số {n:02d}")
    first = names(client.get("/solutions?sort=price_asc"))
    second = names(client.get("/solutions?sort=price_asc&page=2"))
    assert len(first) == 20 and len(second) == 5 and not set(first) & set(second)
    far = client.get("/solutions?page=9999")
    assert far.status_code == 200 and names(far) == []
    assert "Trang này không có kết quả." in far.get_data(as_text=True)


def test_empty_state_offers_suggestions(client, catalogue):
    response = client.get("/solutions?category=iot-nong-nghiep")
    html = response.get_data(as_text=True)
    assert "Không tìm thấy giải pháp phù hợp" in html and "Bỏ bớt bộ lọc" in html


def test_every_state_is_a_shareable_url(client, catalogue):
    html = client.get("/solutions?category=ke-toan&sort=newest").get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    trial_link = next(a for a in soup.select("a.facet-link") if "Có dùng thử" in a.get_text())
    assert "category=ke-toan" in trial_link["href"] and "sort=newest" in trial_link["href"]
    assert "has_trial=1" in trial_link["href"]


def test_solution_page_shows_everything_an_enterprise_needs(client, catalogue):
    s = catalogue["invoice"]
    response = client.get(f"/solutions/{s.slug}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("h1").get_text(strip=True) == "Hóa đơn điện tử Sông Hồng"
    assert "1.200.000 ₫/năm" in html and "14 ngày" in html and "Không chịu thuế GTGT" in html
    assert "Đã xác thực" in html  # the vendor card badge
    assert "Theo Nghị định 123/2020/NĐ-CP" in html  # a feature row
    assert soup.find("link", rel="canonical")["href"].endswith(f"/solutions/{s.slug}")
    assert soup.find("meta", property="og:title")["content"] == s.name
    assert soup.find("meta", property="og:description")["content"] == s.tagline
    assert "<strong>hóa đơn điện tử</strong>" in html  # Markdown rendered
    assert client.get("/solutions/khong-ton-tai").status_code == 404


def test_home_page_shows_categories_trials_and_newest(client, catalogue):
    html = client.get("/").get_data(as_text=True)
    assert "Danh mục" in html and "Quản trị doanh nghiệp" in html
    assert "Dùng thử miễn phí" in html and "Hóa đơn điện tử Sông Hồng" in html
    assert "Mới lên Chợ" in html


def _make(vendor, n):
    for i in range(n):
        factories.make_solution(vendor, name=f"Giải pháp đo truy vấn {i}")


@pytest.mark.parametrize(
    "path", ["/solutions", "/solutions?category=hoa-don-dien-tu&has_trial=1&sort=price_asc", "/"]
)
def test_catalogue_pages_run_a_constant_number_of_queries(client, vendor, count_queries, path):
    _make(vendor, 5)
    with count_queries() as small:
        assert client.get(path).status_code == 200
    _make(vendor, 45)
    with count_queries() as large:
        assert client.get(path).status_code == 200
    assert small.count == large.count, (small.statements, large.statements)
    assert large.count <= 16


def test_solution_page_runs_a_constant_number_of_queries(client, vendor, count_queries):
    few = factories.make_solution(vendor, name="Ít gói")
    many = factories.make_solution(
        vendor,
        name="Nhiều gói",
        plans=[PlanInput(name=f"Gói {i}", price_vnd=i * 1000, period="month") for i in range(5)],
    )
    few_url, many_url = f"/solutions/{few.slug}", f"/solutions/{many.slug}"
    with count_queries() as a:
        client.get(few_url)
    with count_queries() as b:
        client.get(many_url)
    # 8: the listing with its plans, its features with their labels, its screenshots with
    # their images, the buy panel's bank account, the support programme's rules in force,
    # the reviews' summary (no review: no page of them), the vendor's trial and quote
    # response times (one statement), the vendor's other listings — the same for 1 plan or 5.
    assert a.count == b.count <= 8


def test_the_solution_pages_view_is_what_describe_gives_in_two_queries(app, vendor, count_queries):
    """The page reads the features with their labels and the screenshots with their
    images in two statements; what it shows is what `describe` resolves on its own."""
    from sqlalchemy import select

    from marketplace.catalog import public_queries
    from marketplace.catalog.content import FeatureInput, content_of
    from marketplace.catalog.models import FeatureDefinition
    from marketplace.catalog.presenters import describe
    from marketplace.core.database import utcnow
    from tests.catalog.test_upload_hygiene import small_png, stored

    logo, first, second = (
        stored(vendor, small_png(size)) for size in ((40, 40), (80, 60), (90, 60))
    )
    listing = factories.make_solution(
        vendor,
        logo_id=logo.id,
        screenshot_ids=[second.id, first.id],
        features=[
            FeatureInput(key="invoices_included", value="500 hóa đơn"),
            FeatureInput(key="decree_123", value="yes"),
            FeatureInput(key="x-zalo", value="Có", label="Báo qua Zalo"),
        ],
    )
    retired = db.session.scalars(
        select(FeatureDefinition).where(
            FeatureDefinition.category_id == listing.category_id,
            FeatureDefinition.key == "invoices_included",
        )
    ).one()
    retired.retired_at = utcnow()  # its value is no longer shown
    db.session.commit()
    slug, logo_file, second_file = listing.slug, logo.filename, second.filename

    with app.test_request_context():  # the images' addresses
        db.session.expunge_all()
        item = public_queries.public_solution(slug)
        with count_queries() as q:
            view = public_queries.listing_view(item)
        assert q.count == 2, q.statements
        db.session.expunge_all()
        expected = describe(content_of(public_queries.public_solution(slug)))
    assert [(r.key, r.label, r.value, r.kind) for r in view.features] == [
        (r.key, r.label, r.value, r.kind) for r in expected.features
    ]
    assert [r.key for r in view.features] == ["decree_123", "x-zalo"]
    assert view.screenshot_urls == expected.screenshot_urls and len(view.screenshot_urls) == 2
    assert view.screenshot_urls[0].endswith(second_file)  # in the listing's order
    assert view.logo_url == expected.logo_url and view.logo_url.endswith(logo_file)
    assert view.category.id == expected.category.id


def test_public_figures_are_kept_so_the_solution_page_runs_four_queries(
    app_factory, vendor, count_queries, tmp_path
):
    """With the public values kept (production), the vendor's response times and way to be
    paid are read once per content: 4 queries; a confirmed account still shows at once."""
    stamp = str(tmp_path / "content.stamp")
    web = app_factory(CATALOG_CACHE_SECONDS=60, PAGE_CACHE_STAMP=stamp).test_client()
    listing = factories.make_solution(
        vendor, plans=[PlanInput(name="Cơ bản", price_vnd=120_000, period="month")]
    )
    url = f"/solutions/{listing.slug}"
    first = web.get(url).get_data(as_text=True)
    assert "billing-off-side" in first  # no way to pay yet
    with count_queries() as again:
        assert web.get(url).status_code == 200
    assert again.count <= 4, again.statements
    writer = app_factory(CATALOG_CACHE_SECONDS=60, PAGE_CACHE_STAMP=stamp)
    with writer.app_context():
        factories.confirm_bank_account(vendor)
        db.session.remove()
    assert "billing-off-side" not in web.get(url).get_data(as_text=True)


def test_kept_category_tree_is_read_once_and_follows_a_rename_and_a_retirement(
    app_factory, catalogue, monkeypatch, tmp_path
):
    """The facets' category tree is kept for everyone under the content stamp: the next
    catalogue page does not read it; a category renamed, or retired into another, shows on
    the next page; a retired category's link still leads to where its listings went."""
    from marketplace.catalog import listed

    reads = []
    read = listed._shown_categories
    monkeypatch.setattr(listed, "_shown_categories", lambda: reads.append(1) or read())
    stamp = str(tmp_path / "content.stamp")
    web = app_factory(CATALOG_CACHE_SECONDS=60, PAGE_CACHE_STAMP=stamp).test_client()
    assert "Kế toán doanh nghiệp" not in web.get("/solutions").get_data(as_text=True)
    web.get("/solutions", query_string={"q": "kế toán"})
    web.get("/solutions", query_string={"category": "ke-toan"})
    assert len(reads) == 1
    writer = app_factory(CATALOG_CACHE_SECONDS=60, PAGE_CACHE_STAMP=stamp)
    with writer.app_context():
        factories.category("ke-toan").name_vi = "Kế toán doanh nghiệp"
        db.session.commit()
    page = web.get("/solutions", query_string={"category": "ke-toan"})
    assert facet_count(page, "Kế toán doanh nghiệp") >= 1
    assert '<h1 class="h3 mb-1">Kế toán doanh nghiệp</h1>' in page.get_data(as_text=True)
    with writer.app_context():
        retired = factories.category("ke-toan")
        retired.active, retired.merged_into_id = False, factories.category("hoa-don-dien-tu").id
        db.session.commit()
    with pytest.raises(AssertionError, match="no facet"):  # gone from the facets
        facet_count(web.get("/solutions"), "Kế toán doanh nghiệp")
    moved = web.get("/solutions", query_string={"category": "ke-toan"})
    assert moved.status_code == 301 and "category=hoa-don-dien-tu" in moved.location


def test_search_runs_through_the_catalogue_with_facets(client, catalogue):
    response = client.get("/solutions", query_string={"q": "hoa don"})
    listed = names(response)
    # Every factory description mentions invoices; name matches rank first.
    assert set(listed[:2]) == {"Hóa đơn điện tử Sông Hồng", "Hóa đơn Miễn Phí Thanh Hà"}
    assert facet_count(response, "Hóa đơn điện tử") == 2
    assert facet_count(response, "Máy chủ đám mây") == len(
        [n for n in listed if n.startswith("Máy chủ")]
    )
    html = response.get_data(as_text=True)
    assert 'value="relevance" selected' in html
    narrowed = client.get("/solutions", query_string={"q": "HÓA ĐƠN", "max_price": "0"})
    assert names(narrowed) == ["Hóa đơn Miễn Phí Thanh Hà"]
    assert set(names(client.get("/solutions", query_string={"q": "may chu"}))) == {
        "Máy chủ đám mây Bạch Đằng",
        "Máy chủ riêng Côn Sơn",
    }
    empty = client.get("/solutions", query_string={"q": "blockchain vũ trụ"})
    assert names(empty) == [] and "Không tìm thấy giải pháp phù hợp" in empty.get_data(as_text=True)


def test_moderator_decisions_update_search_in_the_same_transaction(
    client, client_for, vendor, moderator
):
    solution = factories.make_solution(vendor, status="pending", name="Chữ ký số Đông Triều")
    assert names(client.get("/solutions?q=chu ky so")) == []
    decide(client_for(moderator), f"/moderation/solutions/{solution.id}/approve")
    assert names(client.get("/solutions?q=chu ky so")) == ["Chữ ký số Đông Triều"]
    decide(client_for(moderator), f"/moderation/solutions/{solution.id}/suspend", "Kiểm tra lại")
    assert names(client.get("/solutions?q=dong trieu")) == []
    decide(client_for(moderator), f"/moderation/solutions/{solution.id}/restore", "Ổn")
    assert names(client.get("/solutions?q=dong trieu")) == ["Chữ ký số Đông Triều"]
    client_for(vendor).post(f"/vendor/solutions/{solution.id}/archive")
    assert names(client.get("/solutions?q=dong trieu")) == []


@pytest.mark.parametrize(
    "args",
    [
        {},
        {"q": "hóa đơn điện tử"},
        {"q": "a&b=c #1 + 50% /x?y", "category": "ke-toan", "page": "3"},
        {"q": "chữ ký", "deployment": "cloud", "has_trial": "1", "verified": "1"},
        {"min_rating": "4", "max_price": "500000", "sort": "price_asc"},
    ],
)
def test_catalogue_links_are_the_addresses_url_for_gives(app, args):
    """The facets and pages link through `catalog_url`, which builds the path once per
    request: every link is the address `url_for` would give, whatever the query holds."""
    from flask import url_for

    from marketplace.catalog.params import parse_params
    from marketplace.catalog.presenters import catalog_url

    with app.test_request_context("/solutions"):
        p = parse_params(args)
        for changes in (
            {},
            {"page": 1},
            {"page": 2, "category": "may-chu-dam-may"},
            {"page": 1, "q": ""},
            {"page": 1, "deployment": ""},
            {"page": 1, "has_trial": not p.has_trial},
            {"page": 1, "max_price": None},
            {"page": 1, "min_rating": 3},
            {"page": 1, "sort": ""},
        ):
            assert catalog_url(p, **changes) == url_for("catalog.index", **p.to_args(**changes))


def test_a_links_arguments_are_the_state_with_its_changes():
    from dataclasses import replace

    from marketplace.catalog.params import CatalogParams, parse_params

    p = parse_params({"q": "kế toán", "deployment": "cloud", "has_trial": "1", "page": "3"})
    assert p.to_args() == {"q": "kế toán", "deployment": "cloud", "has_trial": 1, "page": 3}
    changes = {"page": 1, "deployment": "", "max_price": 500_000, "verified": True}
    assert p.to_args(**changes) == {"q": "kế toán", "has_trial": 1, "max_price": 500_000,
                                    "verified": 1}  # fmt: skip
    assert p.to_args(**changes) == replace(p, **changes).to_args()  # as a changed copy would
    assert p.page == 3 and p.deployment == "cloud"  # the state itself is unchanged
    with pytest.raises(TypeError):
        p.to_args(pagee=2)
    assert CatalogParams().to_args(sort="nonsense") == {}
