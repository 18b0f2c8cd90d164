"""The solution card every list shows (catalog/cards.py): what it says, escaped, in both
languages, with addresses under the request's own script root."""

from __future__ import annotations

import datetime as dt

from bs4 import BeautifulSoup

from marketplace.catalog import cards
from marketplace.catalog.listed import ListedLogo, ListedSolution, ListedVendor
from tests import factories


def _listed(**overrides) -> ListedSolution:
    values = {
        "id": 7,
        "slug": "hoa-don-song-hong",
        "name": "Hóa đơn <Sông Hồng> & “số”",
        "tagline": 'Phát hành "nhanh" <script>alert(1)</script>',
        "deployment": "cloud",
        "max_trial_days": 14,
        "rating_count": 12,
        "rating_avg": 4.26,
        "min_price_vnd": 1_200_000,
        "min_price_period": "year",
        "min_price_vat_included": False,
        "category": None,
        "vendor": ListedVendor(7, "viettel-hai-duong", "Viettel <HD>", dt.datetime(2026, 1, 1)),
        "logo": ListedLogo("ab12cd.png"),
    }
    values.update(overrides)
    return ListedSolution(**values)


def _render(app, listing, path="/solutions", base_url=None) -> BeautifulSoup:
    with app.test_request_context(path, base_url=base_url):
        return BeautifulSoup(str(cards.card(listing)), "html.parser")


def test_a_card_shows_the_listing_escaped_with_its_addresses(app):
    card = _render(app, _listed())
    link = card.select_one("h3 a")
    assert link.get_text() == "Hóa đơn <Sông Hồng> & “số”"  # shown as text, not markup
    assert link["href"] == "/solutions/hoa-don-song-hong"
    assert card.select_one("article")["id"] == "card-hoa-don-song-hong"
    assert card.select_one("script") is None
    assert "<script>alert(1)</script>" in card.select_one("p").get_text()
    vendor = card.select_one("a.card-vendor-link")
    assert vendor["href"] == "/vendors/viettel-hai-duong"
    assert vendor.get_text() == "Viettel <HD>"
    assert card.select_one("[aria-label='Nhà cung cấp đã xác thực']") is not None
    assert card.select_one("img")["src"] == "/media/ab12cd.png"
    badges = [b.get_text() for b in card.select(".badge")]
    assert badges == ["Điện toán đám mây", "Dùng thử 14 ngày"]
    assert "4,3" in card.select_one(".stars-meter").find_next("span", class_="fw-semibold").text
    assert "(12)" in card.get_text()
    assert "Từ" in card.get_text() and "1.200.000" in card.get_text()
    assert "/năm" in card.get_text()
    # The per-visitor comparison form is in the card.
    assert card.select_one("form") is not None


def test_a_card_without_logo_reviews_or_verification(app):
    listing = _listed(
        logo=None,
        rating_count=0,
        rating_avg=0.0,
        max_trial_days=0,
        min_price_vnd=0,
        vendor=ListedVendor(7, None, "Hộ kinh doanh An", None),
        category=factories.category(),
    )
    card = _render(app, listing)
    assert card.select_one("img") is None
    assert card.select_one(".logo-placeholder").get_text() == "H"
    assert card.select_one("a.card-vendor-link") is None  # a vendor without a page
    assert "Hộ kinh doanh An" in card.get_text()
    assert "Nhà cung cấp đã xác thực" not in str(card)
    assert "Chưa có đánh giá" in card.get_text()
    assert "Có gói miễn phí" in card.get_text()
    badges = [b.get_text() for b in card.select(".badge")]
    assert badges == [factories.category().name_vi, "Điện toán đám mây"]
    assert "Từ" not in card.get_text()
    no_price = _render(app, _listed(min_price_vnd=None))
    assert "Từ" not in no_price.get_text() and "miễn phí" not in no_price.get_text()


def test_a_card_speaks_english_and_follows_the_script_root(app):
    with app.test_request_context("/solutions"):
        from flask import session

        session["lang"] = "en"
        card = BeautifulSoup(str(cards.card(_listed(rating_count=0))), "html.parser")
    assert "No reviews yet" in card.get_text()
    assert "Cloud" in card.get_text()
    assert card.select_one("[aria-label='Verified vendor']") is not None
    # Each request builds its addresses under its own script root.
    mounted = _render(app, _listed(), base_url="http://localhost/cho")
    assert mounted.select_one("h3 a")["href"] == "/cho/solutions/hoa-don-song-hong"
    assert mounted.select_one("img")["src"] == "/cho/media/ab12cd.png"
    again = _render(app, _listed())
    assert again.select_one("h3 a")["href"] == "/solutions/hoa-don-song-hong"


def test_the_catalogue_home_and_vendor_page_show_the_cards(client, vendor):
    solution = factories.make_solution(vendor, name="Kế toán Hồng Hà")
    slug = solution.slug
    for path in ("/solutions", "/", f"/vendors/{vendor.organization.slug}"):
        page = BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser")
        card = page.select_one(f"#card-{slug}")
        assert card is not None, path
        assert card.select_one("h3 a")["href"] == f"/solutions/{slug}"
