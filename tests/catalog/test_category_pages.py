"""Category pages are titled with the category; account pages carry breadcrumbs."""

from __future__ import annotations

from bs4 import BeautifulSoup


def _soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_a_category_page_is_titled_and_headed_with_the_category(client):
    page = _soup(client.get("/solutions?category=ke-toan"))
    assert page.title.get_text().startswith("Kế toán · ")
    assert page.h1.get_text(strip=True) == "Kế toán"
    assert "Thông tư 133" in page.select_one(".category-description").get_text()
    assert "Thông tư 133" in page.select_one('meta[name="description"]')["content"]
    crumbs = [li.get_text(strip=True) for li in page.select(".breadcrumb li")]
    assert crumbs == ["Trang chủ", "Giải pháp", "Quản trị doanh nghiệp", "Kế toán"]
    # In English, the English name and sentence.
    client.post("/lang", data={"lang": "en"})
    page = _soup(client.get("/solutions?category=ke-toan"))
    assert page.h1.get_text(strip=True) == "Accounting"
    assert "Circulars 133" in page.select_one(".category-description").get_text()


def test_the_whole_catalogue_and_an_unknown_category_keep_the_plain_title(client):
    for url in ("/solutions", "/solutions?category=khong-co"):
        page = _soup(client.get(url))
        assert page.h1.get_text(strip=True) == "Giải pháp số"
        assert not page.select(".category-description")


def test_account_pages_have_breadcrumbs(client_for, enterprise, vendor):
    for url, current in [
        ("/notifications/", "Thông báo"),
        ("/account/profile", "Thông tin cá nhân"),
        ("/account/organization", "Hồ sơ tổ chức"),
    ]:
        crumbs = _soup(client_for(enterprise).get(url)).select(".breadcrumb li")
        assert [c.get_text(strip=True) for c in crumbs] == ["Doanh nghiệp của tôi", current]
    crumbs = _soup(client_for(vendor).get("/vendor/verification")).select(".breadcrumb li")
    assert [c.get_text(strip=True) for c in crumbs] == [
        "Kênh nhà cung cấp",
        "Xác thực nhà cung cấp",
    ]
