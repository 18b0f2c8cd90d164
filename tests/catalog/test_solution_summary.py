"""The solution page's phone summary and sticky bar: the same headline price as the side card
(catalog.models.headline_plan, not the lowest raw price), and "Yêu cầu báo giá" wherever the
quote panel applies."""

from __future__ import annotations

from bs4 import BeautifulSoup

from marketplace.catalog.content import PlanInput
from marketplace.core import panels
from tests import factories


def _page(client, solution) -> BeautifulSoup:
    response = client.get(f"/solutions/{solution.slug}")
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _text(node) -> str:
    return node.get_text(" ", strip=True)


def test_a_mixed_listing_shows_the_side_cards_headline_on_phones(client, vendor):
    # 50.000 ₫ once is the lowest raw price, but the headline is the recurring plan.
    solution = factories.make_solution(
        vendor,
        plans=[
            PlanInput(name="Bản quyền", price_vnd=50_000, period="once"),
            PlanInput(name="Năm", price_vnd=2_400_000, period="year"),
        ],
    )
    page = _page(client, solution)
    summary = page.select_one(".solution-summary")
    side = page.select_one("aside .card")
    assert _text(summary.select_one(".price")) == "2.400.000 ₫/năm"
    assert _text(side.select_one(".price")) == "2.400.000 ₫/năm"
    assert "Giá từ" in _text(summary) and "50.000" not in _text(summary)


def test_one_time_free_and_planless_listings_read_the_same_on_both(client, vendor):
    once = factories.make_solution(
        vendor, name="Trọn gói", plans=[PlanInput(name="Gói", price_vnd=100_000, period="once")]
    )
    free = factories.make_solution(
        vendor,
        name="Miễn phí",
        plans=[
            PlanInput(name="Miễn phí", price_vnd=0, period="month"),
            PlanInput(name="Tháng", price_vnd=90_000, period="month"),
        ],
    )
    none = factories.make_solution(vendor, name="Chưa có gói", plans=[])
    expected = {
        once: "100.000 ₫ một lần",
        free: "Có gói miễn phí",
        none: "Liên hệ nhà cung cấp để biết giá",
    }
    for solution, headline in expected.items():
        page = _page(client, solution)
        assert _text(page.select_one(".solution-summary .card-body > div > div")).endswith(
            headline
        ), solution.name
        assert headline in _text(page.select_one("aside .card .mb-2")), solution.name


def _quote_links(page: BeautifulSoup, selector: str, href: str) -> list[str]:
    return [_text(a) for a in page.select(f"{selector} a[href='{href}']")]


def test_summary_and_bar_offer_a_quote_when_quotes_apply(client, vendor, web_app):
    solution = factories.make_solution(vendor)
    href = f"/solutions/{solution.slug}/quote"
    page = _page(client, solution)
    for selector in (".solution-summary", ".solution-actionbar", "aside .card"):
        assert _quote_links(page, selector, href) == ["Yêu cầu báo giá"], selector

    # Where the quote panel does not apply, none of the three offers it.
    panels.contribute(web_app, panels.SOLUTION, "quote", lambda solution: False)
    page = _page(client, solution)
    for selector in (".solution-summary", ".solution-actionbar", "aside .card"):
        assert _quote_links(page, selector, href) == [], selector
    assert "Yêu cầu báo giá" not in _text(page)
