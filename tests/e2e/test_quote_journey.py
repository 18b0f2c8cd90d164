"""Browser journey: a quote asked from the comparison page, offered, discussed, accepted,
and the order placed at the offer's price."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in


def test_a_quote_from_the_comparison_to_an_accepted_offer(new_page, shot):
    buyer = new_page()
    sign_in(buyer, "enterprise@demo.vn")
    buyer.goto("/compare?s=saokhue-einvoice,bachdang-ihoadon")
    column = buyer.locator("#compare-table thead th").nth(1)
    column.get_by_role("link", name=re.compile("Yêu cầu báo giá")).click()
    expect(buyer.get_by_role("heading", name="Yêu cầu báo giá")).to_be_visible()
    expect(buyer.locator("#shared-notice")).to_contain_text("enterprise@demo.vn")
    buyer.select_option("#plan", "custom")
    buyer.fill("#users_count", "12")
    buyer.fill("#needs", "Hóa đơn cho 3 cửa hàng và đại lý")
    buyer.get_by_role("button", name="Gửi yêu cầu báo giá").click()
    expect(buyer.get_by_role("heading", name=re.compile(r"Yêu cầu báo giá #\d+"))).to_be_visible()
    quote_url = buyer.url
    quote_id = quote_url.rstrip("/").rsplit("/", 1)[-1]
    shot(buyer, "requested")

    seller = new_page()
    sign_in(seller, "vendor@demo.vn")
    seller.goto(f"/vendor/quotes/{quote_id}")
    expect(seller.get_by_text("enterprise@demo.vn")).to_be_visible()
    seller.select_option("#lines-0-item", "custom")
    seller.fill("#lines-0-description", "Gói 3 cửa hàng, 12 tháng")
    seller.fill("#lines-0-quantity", "12")
    seller.fill("#lines-0-unit_price", "450.000")
    seller.select_option("#lines-0-vat", "10")
    seller.get_by_role("button", name="Gửi báo giá", exact=True).click()
    expect(seller.get_by_text("Đã gửi báo giá. Doanh nghiệp đã được thông báo.")).to_be_visible()

    buyer.goto(quote_url)
    # 12 × 450.000 = 5.400.000 + VAT 10% = 5.940.000
    expect(buyer.get_by_text("5.940.000 ₫").first).to_be_visible()
    buyer.fill("#body", "Giá đã gồm phí khởi tạo chưa ạ?")
    buyer.get_by_role("button", name="Gửi tin nhắn").click()
    expect(buyer.get_by_text("Giá đã gồm phí khởi tạo chưa ạ?")).to_be_visible()

    seller.goto(f"/vendor/quotes/{quote_id}")
    expect(seller.get_by_text("Giá đã gồm phí khởi tạo chưa ạ?")).to_be_visible()
    seller.fill("#body", "Đã gồm phí khởi tạo và đào tạo trực tuyến.")
    seller.get_by_role("button", name="Gửi tin nhắn").click()
    expect(seller.get_by_text("Đã gồm phí khởi tạo và đào tạo trực tuyến.")).to_be_visible()

    buyer.goto(quote_url)
    expect(buyer.get_by_text("Đã gồm phí khởi tạo và đào tạo trực tuyến.")).to_be_visible()
    buyer.get_by_role("button", name=re.compile("Chấp nhận báo giá 5.940.000")).click()
    # Accepting places the order at once and takes the buyer to it: the offer's total,
    # payable by transfer to the vendor's confirmed account.
    expect(buyer.get_by_text("Đơn hàng đã được tạo theo đúng giá đã báo.")).to_be_visible()
    expect(buyer.get_by_role("heading", name=re.compile(r"Đơn hàng CGP\w+"))).to_be_visible()
    expect(buyer.get_by_text("5.940.000 ₫").first).to_be_visible()
    shot(buyer, "order")
    buyer.goto(quote_url)
    expect(buyer.get_by_text(re.compile(r"Đơn hàng CGP\w+ đã được tạo"))).to_be_visible()
    expect(buyer.locator("h1 + .badge, h1 ~ .badge").first).to_have_text("Đã chấp nhận")
    expect(buyer.get_by_role("link", name="Xem đơn hàng và thanh toán")).to_be_visible()
    shot(buyer, "accepted")
