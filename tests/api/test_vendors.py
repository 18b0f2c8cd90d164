"""API v1 vendors: the directory and a vendor's page, with ETag, the error shape and only
what the vendor publishes."""

from __future__ import annotations

from marketplace.catalog.models import VendorProfile
from marketplace.extensions import db
from tests import factories


def _vendor_with_profile(vendor):
    factories.make_solution(vendor, name="Hóa đơn Sông Hồng")
    db.session.add(
        VendorProfile(
            organization_id=vendor.organization_id,
            about="**Chi nhánh** Hải Dương <script>alert(1)</script>",
            hotline="02203852123",
            sales_email=None,
            zalo_url="https://zalo.me/vthd",
            website=None,
            localities=["all", "10525"],
        )
    )
    db.session.commit()


def test_the_vendor_page_in_json(client, vendor):
    _vendor_with_profile(vendor)
    slug = vendor.organization.slug
    response = client.get(f"/api/v1/vendors/{slug}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["slug"] == slug and body["solutions"] == 1
    assert body["contacts"] == {
        "hotline": "02203852123",
        "sales_email": None,
        "zalo": "https://zalo.me/vthd",
        "website": None,
    }
    assert [loc["code"] for loc in body["localities"]] == ["all", "10525"]
    assert (
        "<script>" not in body["about_html"] and "<strong>Chi nhánh</strong>" in body["about_html"]
    )
    assert [s["name"] for s in body["items"]] == ["Hóa đơn Sông Hồng"]
    assert body["response_times"] == {"trials_hours": None, "quotes_hours": None}
    again = client.get(
        f"/api/v1/vendors/{slug}", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304


def test_unknown_vendor_and_bad_parameters_use_the_error_shape(client, vendor):
    missing = client.get("/api/v1/vendors/khong-co")
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "not_found"
    bad = client.get("/api/v1/vendors?verified=AAA&page=0")
    assert bad.status_code == 400
    assert set(bad.get_json()["error"]["details"]) == {"verified", "page"}


def test_the_directory_in_json(client, vendor, other_vendor):
    _vendor_with_profile(vendor)
    factories.make_solution(other_vendor, name="Kế toán Bạch Đằng")
    factories.make_org("vendor", name="Chưa có giải pháp")
    body = client.get("/api/v1/vendors").get_json()
    assert body["total"] == 2
    assert {v["slug"] for v in body["items"]} == {
        vendor.organization.slug,
        other_vendor.organization.slug,
    }
    named = client.get(
        "/api/v1/vendors", query_string={"q": other_vendor.organization.name}
    ).get_json()
    assert [v["slug"] for v in named["items"]] == [other_vendor.organization.slug]
