"""Side-by-side comparison: the tray, the matrix, odd slugs, page cost."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from marketplace.catalog.content import FeatureInput, PlanInput
from tests import factories


@pytest.fixture
def three(app, vendor, other_vendor):
    return [
        factories.make_solution(
            vendor,
            name="Hóa đơn A",
            features=[
                FeatureInput("decree_123", "yes"),
                FeatureInput("api", "yes"),
                FeatureInput("x-1", "30 ngày", label="Hỗ trợ triển khai"),
            ],
            plans=[
                PlanInput(name="Nhỏ", price_vnd=500_000, period="year", trial_days=14),
                PlanInput(name="Lớn", price_vnd=2_000_000, period="year"),
            ],
        ),
        factories.make_solution(
            other_vendor,
            name="Hóa đơn B",
            features=[FeatureInput("decree_123", "yes"), FeatureInput("api", "no")],
            plans=[PlanInput(name="Gói", price_vnd=300_000, period="once")],
        ),
        factories.make_solution(
            other_vendor,
            name="Máy chủ C",
            category_id=factories.category("may-chu-dam-may").id,
            features=[FeatureInput("vcpu", "4 vCPU")],
            plans=[PlanInput(name="VPS", price_vnd=300_000, period="month", trial_days=7)],
        ),
    ]


def rows(response) -> dict[str, list[str]]:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    out = {}
    for tr in soup.select("#compare-table tbody tr"):
        th = tr.find("th")
        cells = tr.find_all("td")
        if th and cells:
            out[th.get_text(" ", strip=True)] = [
                labelled["aria-label"]
                if (labelled := td.find(attrs={"aria-label": True}))
                else td.get_text(" ", strip=True)
                for td in cells
            ]
    return out


def test_matrix_shows_vendors_prices_plans_and_the_union_of_features(client, three):
    slugs = ",".join(s.slug for s in three)
    response = client.get(f"/compare?s={slugs}")
    assert response.status_code == 200
    table = rows(response)
    # Every price says its period; the lowest is by monthly cost among recurring plans
    # (500.000 ₫/năm ≈ 41.667 ₫/tháng beats 300.000 ₫/tháng); the one-time pack is not ranked.
    assert table["Giá thấp nhất"] == [
        "500.000 ₫/năm (thấp nhất)",
        "300.000 ₫ một lần",
        "300.000 ₫/tháng",
    ]
    assert table["Dùng thử miễn phí"] == ["14 ngày", "Không", "7 ngày"]
    assert table["API tích hợp"] == ["Có", "Không", "Không có thông tin"]
    assert table["vCPU"] == ["Không có thông tin", "Không có thông tin", "4 vCPU"]
    assert table["Hỗ trợ triển khai"][0] == "30 ngày"
    assert table["Gói 2"][0].startswith("Lớn") and table["Gói 2"][1] == "—"
    html = response.get_data(as_text=True)
    assert "thuộc những danh mục khác nhau" in html
    assert "Đã xác thực" in html


def test_only_differences_hides_identical_rows(client, three):
    slugs = ",".join(s.slug for s in three[:2])
    soup = BeautifulSoup(
        client.get(f"/compare?s={slugs}&diff=1").get_data(as_text=True), "html.parser"
    )
    hidden = [tr.th.get_text(strip=True) for tr in soup.select("tr.hide-same")]
    assert "Theo Nghị định 123/2020/NĐ-CP" in hidden and "Danh mục" in hidden
    assert "API tích hợp" not in hidden
    soup = BeautifulSoup(client.get(f"/compare?s={slugs}").get_data(as_text=True), "html.parser")
    assert not soup.select("tr.hide-same")


def test_unknown_unpublished_and_duplicate_slugs_are_dropped_with_a_message(client, three, vendor):
    hidden = factories.make_solution(vendor, status="draft", name="Nháp riêng")
    response = client.get(
        f"/compare?s={three[0].slug},{three[0].slug},khong-co,{hidden.slug},{three[1].slug}"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "bị lặp lại" in html and "khong-co" in html and hidden.slug in html
    assert "Nháp riêng" not in html.split("<table")[1] if "<table" in html else True
    assert len(rows(response)["Giá thấp nhất"]) == 2


def test_more_than_four_is_refused_with_a_message(client, vendor):
    items = [factories.make_solution(vendor, name=f"Giải pháp {n}") for n in range(5)]
    response = client.get("/compare?s=" + ",".join(s.slug for s in items))
    html = response.get_data(as_text=True)
    assert "tối đa 4" in html
    assert len(rows(response)["Giá thấp nhất"]) == 4


@pytest.mark.parametrize("query", ["", "?s=", "?s=,,,", "?s=khong-co"])
def test_fewer_than_two_explains_how_to_add_more(client, query):
    response = client.get(f"/compare{query}")
    assert response.status_code == 200
    assert "Cần từ 2 đến 4 giải pháp để so sánh." in response.get_data(as_text=True)


def test_tray_add_remove_clear_and_limit(client, vendor):
    items = [factories.make_solution(vendor, name=f"Khay {n}") for n in range(5)]
    for s in items[:4]:
        assert (
            client.post("/compare/add", data={"slug": s.slug, "next": "/solutions"}).status_code
            == 302
        )
    home = client.get("/").get_data(as_text=True)
    assert "So sánh (4)" in home and "So sánh ngay" in home
    client.post("/compare/add", data={"slug": items[4].slug})
    page = client.get("/solutions").get_data(as_text=True)
    assert "tối đa 4 giải pháp" in page and "So sánh (4)" in page
    client.post("/compare/add", data={"slug": items[0].slug})  # again: no duplicate
    client.post("/compare/remove", data={"slug": items[1].slug})
    response = client.get("/compare")
    assert response.status_code == 302
    assert items[1].slug not in response.headers["Location"]
    client.post("/compare/clear")
    assert "So sánh (" not in client.get("/").get_data(as_text=True)


def test_tray_refuses_hidden_or_unknown_listings_and_offsite_redirects(client, vendor):
    hidden = factories.make_solution(vendor, status="pending")
    response = client.post(
        "/compare/add", data={"slug": hidden.slug, "next": "https://evil.example"}
    )
    assert response.status_code == 302 and "evil" not in response.headers["Location"]
    client.post("/compare/add", data={"slug": "<script>"})
    assert "So sánh (" not in client.get("/").get_data(as_text=True)


def test_tray_drops_listings_that_stop_being_public(client, vendor):
    a = factories.make_solution(vendor, name="Sẽ bị tạm ngưng")
    client.post("/compare/add", data={"slug": a.slug})
    a.status = "suspended"
    from marketplace.extensions import db

    db.session.commit()
    assert "So sánh (" not in client.get("/").get_data(as_text=True)


def test_compare_page_runs_a_constant_number_of_queries(client, vendor, count_queries):
    items = [
        factories.make_solution(
            vendor,
            name=f"Đo {n}",
            plans=[PlanInput(name=f"P{i}", price_vnd=i, period="month") for i in range(n + 1)],
        )
        for n in range(4)
    ]
    slugs = [s.slug for s in items]
    counts = []
    for k in (2, 3, 4):
        with count_queries() as q:
            assert client.get("/compare?s=" + ",".join(slugs[:k])).status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1] == counts[2] <= 8, counts


def test_without_javascript_adding_returns_to_the_same_card(client, vendor):
    item = factories.make_solution(vendor, name="Khay neo")
    response = client.post(
        "/compare/add",
        data={"slug": item.slug, "next": "/solutions?page=1", "anchor": f"card-{item.slug}"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/solutions?page=1#card-{item.slug}")
    # The card carries that anchor, and its form sends it.
    page = client.get("/solutions").get_data(as_text=True)
    assert f'id="card-{item.slug}"' in page
    assert f'name="anchor" value="card-{item.slug}"' in page
    # An odd anchor is dropped, never echoed.
    odd = client.post(
        "/compare/add", data={"slug": item.slug, "next": "/solutions", "anchor": '"><x'}
    )
    assert odd.headers["Location"].endswith("/solutions")


def test_the_script_gets_the_tray_in_place_and_a_sentence_to_announce(client, vendor):
    items = [factories.make_solution(vendor, name=f"Khay JS {n}") for n in range(2)]
    headers = {"X-Requested-With": "fetch"}
    for n, s in enumerate(items, start=1):
        response = client.post(
            "/compare/add", data={"slug": s.slug, "next": "/solutions"}, headers=headers
        )
        assert response.status_code == 200 and response.is_json
        data = response.get_json()
        assert data["ok"] and data["count"] == n and s.slug in data["slugs"]
        assert f"Đã thêm “{s.name}” vào so sánh ({n}/4)." == data["message"]
        assert f"So sánh ({n})" in data["tray"]
        # The tray's own forms go back to the page the reader is on, not to /compare/add.
        assert 'name="next" value="/solutions"' in data["tray"]
    # Nothing is left flashed for the next page.
    assert "vào so sánh (" not in client.get("/solutions").get_data(as_text=True)
    removed = client.post(
        "/compare/remove", data={"slug": items[0].slug, "next": "/solutions"}, headers=headers
    ).get_json()
    assert removed["count"] == 1 and removed["message"]


def test_the_tray_is_absent_on_the_comparison_itself(client, vendor):
    items = [factories.make_solution(vendor, name=f"Khay so {n}") for n in range(2)]
    for s in items:
        client.post("/compare/add", data={"slug": s.slug})
    assert 'id="compare-tray"' in client.get("/solutions").get_data(as_text=True)
    page = client.get("/compare?s=" + ",".join(s.slug for s in items)).get_data(as_text=True)
    assert 'id="compare-tray"' not in page


def test_each_column_offers_a_trial_where_there_is_one_a_quote_and_the_vendor(
    client, three, vendor, other_vendor
):
    slugs = ",".join(s.slug for s in three)
    soup = BeautifulSoup(client.get(f"/compare?s={slugs}").get_data(as_text=True), "html.parser")
    heads = soup.select("#compare-table thead th")[1:]
    assert len(heads) == 3
    for head, solution in zip(heads, three, strict=True):
        links = {
            a.get_text(" ", strip=True).removesuffix(solution.name).strip(): a["href"]
            for a in head.select("a.btn")
        }
        assert links["Yêu cầu báo giá"] == f"/solutions/{solution.slug}/quote"
        if solution.max_trial_days:
            assert links["Đăng ký dùng thử"] == f"/solutions/{solution.slug}/trial"
        else:
            assert "Đăng ký dùng thử" not in links
    assert [bool(s.max_trial_days) for s in three] == [True, False, True]
    vendor_row = next(
        tr
        for tr in soup.select("#compare-table tbody tr")
        if tr.th.get_text(strip=True) == "Nhà cung cấp"
    )
    assert [a["href"] for a in vendor_row.select("td a")] == [
        f"/vendors/{vendor.organization.slug}",
        f"/vendors/{other_vendor.organization.slug}",
        f"/vendors/{other_vendor.organization.slug}",
    ]
    assert [a.get_text(strip=True) for a in vendor_row.select("td a")][0] == (
        vendor.organization.name
    )


def test_the_solution_page_asks_for_a_quote(client, three):
    soup = BeautifulSoup(
        client.get(f"/solutions/{three[1].slug}").get_data(as_text=True), "html.parser"
    )
    buttons = [a for a in soup.select("a.btn") if a.get_text(strip=True) == "Yêu cầu báo giá"]
    assert buttons and {a["href"] for a in buttons} == {f"/solutions/{three[1].slug}/quote"}
