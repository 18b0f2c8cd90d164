"""Prices that say their period, and price sorting by the documented rule: listings with a
recurring plan by monthly cost (a yearly price ÷ 12, rounded half up), then one-time-only
listings by their price, then listings without plans; "high to low" reverses each group."""

from __future__ import annotations

import pytest

from marketplace.catalog.content import PlanInput
from marketplace.catalog.models import ONE_TIME_RANK_OFFSET
from tests import factories


@pytest.fixture
def mixed(vendor):
    specs = {
        "thang-300": [PlanInput(name="Tháng", price_vnd=300_000, period="month")],
        # 3.000.000/năm = 250.000/tháng: cheaper per month than 300.000/tháng.
        "nam-3tr": [PlanInput(name="Năm", price_vnd=3_000_000, period="year")],
        # A cheap one-time pack is not ranked against the recurring plans.
        "mot-lan-100": [PlanInput(name="Trọn gói", price_vnd=100_000, period="once")],
        "mot-lan-5tr": [PlanInput(name="Trọn gói", price_vnd=5_000_000, period="once")],
        # A listing with both: its recurring plan sets its place (monthly 200.000).
        "ca-hai": [
            PlanInput(name="Bản quyền", price_vnd=50_000, period="once"),
            PlanInput(name="Năm", price_vnd=2_400_000, period="year"),
        ],
        "khong-goi": [],
    }
    made = {}
    for slug, plans in specs.items():
        made[slug] = factories.make_solution(vendor, name=f"Giải pháp {slug}", plans=plans)
    return made


def _order(client, sort: str, made) -> list[str]:
    names = {s.slug: key for key, s in made.items()}
    body = client.get(f"/api/v1/solutions?sort={sort}&per_page=50").get_json()
    return [names[i["slug"]] for i in body["items"] if i["slug"] in names]


def test_price_sort_uses_monthly_cost_and_puts_one_time_packs_after(client, mixed):
    assert _order(client, "price_asc", mixed) == [
        "ca-hai",  # 200.000/tháng
        "nam-3tr",  # 250.000/tháng
        "thang-300",  # 300.000/tháng
        "mot-lan-100",
        "mot-lan-5tr",
        "khong-goi",
    ]
    assert _order(client, "price_desc", mixed) == [
        "thang-300",
        "nam-3tr",
        "ca-hai",
        "mot-lan-5tr",
        "mot-lan-100",
        "khong-goi",
    ]


def test_the_html_catalogue_sorts_the_same_way(client, mixed):
    html = client.get("/solutions?sort=price_asc").get_data(as_text=True)
    positions = [
        html.index(f"Giải pháp {key}") for key in ("ca-hai", "nam-3tr", "thang-300", "mot-lan-100")
    ]
    assert positions == sorted(positions)


def test_listings_carry_their_headline_price_period_and_rank(mixed):
    both = mixed["ca-hai"]
    assert (both.min_price_vnd, both.min_price_period, both.price_rank) == (
        2_400_000,
        "year",
        200_000,
    )
    once = mixed["mot-lan-100"]
    assert once.min_price_period == "once" and once.price_rank == ONE_TIME_RANK_OFFSET + 100_000
    assert mixed["khong-goi"].price_rank is None
    # A yearly price ÷ 12 rounds half up: 1.000.002 / 12 = 83.333,5 → 83.334.
    from marketplace.catalog.models import monthly_cost

    assert monthly_cost(1_000_002, "year") == 83_334


def test_every_price_says_its_period(client, mixed):
    html = client.get("/solutions").get_data(as_text=True)
    assert "300.000 ₫/tháng" in html and "3.000.000 ₫/năm" in html
    assert "100.000 ₫ một lần" in html
    page = client.get(f"/solutions/{mixed['ca-hai'].slug}").get_data(as_text=True)
    assert "50.000 ₫ một lần" in page and "2.400.000 ₫/năm" in page
    assert "Không chịu thuế GTGT" in page
    item = client.get(f"/api/v1/solutions/{mixed['ca-hai'].slug}").get_json()
    assert item["min_price_period"] == "year" and item["vat_included"] is True
    assert {p["vat_treatment"] for p in item["plans"]} == {"exempt"}
