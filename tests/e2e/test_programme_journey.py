"""Browser journey: an enterprise applies for support on a paid order, a moderator approves
it with the amount computed from the rules, and the enterprise reads the decision."""

from __future__ import annotations

import io
import re

from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in


def _png(tmp_path, name: str, color: str) -> str:
    path = tmp_path / name
    buf = io.BytesIO()
    Image.new("RGB", (200, 280), color).save(buf, "PNG")
    path.write_bytes(buf.getvalue())
    return str(path)


def test_apply_for_support_and_get_it_approved(new_page, shot, tmp_path):
    buyer = new_page()
    sign_in(buyer, "enterprise@demo.vn")
    buyer.goto("/solutions/hoa-don-dien-tu-hong-ha")
    expect(buyer.get_by_text("Giá sau hỗ trợ:").first).to_be_visible()
    buyer.goto("/billing/")
    row = buyer.locator("tr", has_text="Gói 500 hóa đơn").first
    row.get_by_role("link").first.click()
    buyer.get_by_role("link", name="Đề nghị hỗ trợ cho đơn này").click()
    expect(buyer.get_by_text("275.000 ₫")).to_be_visible()  # 50 % of 550.000 ₫
    buyer.set_input_files("#invoice", _png(tmp_path, "hoadon.png", "navy"))
    buyer.set_input_files("#payment", _png(tmp_path, "unc.png", "green"))
    buyer.fill("#note", "Đề nghị hỗ trợ gói hóa đơn điện tử")
    buyer.get_by_role("button", name="Gửi hồ sơ").click()
    expect(buyer.get_by_text("Đã gửi hồ sơ đề nghị hỗ trợ.")).to_be_visible()
    application_url = buyer.url
    shot(buyer, "submitted")

    staff = new_page()
    sign_in(staff, "moderator@demo.vn")
    staff.goto("/moderation/programme")
    staff.locator("tr", has_text="Gói 500 hóa đơn").get_by_role("link", name="Xem xét").click()
    expect(staff.get_by_text("Số tiền hỗ trợ: 275.000 ₫")).to_be_visible()
    staff.get_by_role("button", name="Phê duyệt").click()
    expect(staff.get_by_text("Đã phê duyệt hồ sơ")).to_be_visible()

    buyer.goto(application_url)
    expect(buyer.locator("h1 .badge")).to_have_text("Đã phê duyệt")
    expect(buyer.get_by_text(re.compile(r"550\.000 ₫ × 50% = 275\.000 ₫"))).to_be_visible()
    shot(buyer, "approved")
