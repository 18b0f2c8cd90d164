"""Browser journeys of issue 11, in Debian's Chromium against the app on 127.0.0.1.

(1) an enterprise searches without diacritics, compares three solutions, requests a trial;
(2) a vendor creates a solution with a plan and submits it; (3) a moderator approves it
and it appears in search; (4) the vendor accepts a trial, the enterprise reviews the
solution. Screenshots of each step land in tests/e2e/artifacts/ (git-ignored).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

COMPARED = ["Hóa đơn điện tử Hồng Hà", "BachDang iHóaĐơn", "Hợp đồng điện tử Hồng Hà"]


def card(page, name: str):
    """The search-result card of the solution called `name`."""
    return page.locator("article.solution-card").filter(
        has=page.get_by_role("link", name=name, exact=True)
    )


def test_enterprise_searches_compares_and_requests_a_trial(new_page, shot):
    from playwright.sync_api import expect

    page = new_page()
    sign_in(page, "enterprise@demo.vn")
    shot(page, "signed-in")

    page.fill("#site-q", "hoa don dien tu")
    page.press("#site-q", "Enter")
    page.wait_for_url(re.compile(r"/solutions\?.*q=hoa"))
    expect(card(page, COMPARED[0])).to_be_visible()
    shot(page, "search-without-diacritics")

    for name in COMPARED:
        card(page, name).get_by_role("button", name=re.compile("Thêm vào so sánh")).click()
        expect(card(page, name).get_by_role("button")).to_contain_text("Đã thêm vào so sánh")
    tray = page.get_by_role("complementary", name="Khay so sánh")
    expect(tray).to_contain_text("So sánh (3)")
    shot(page, "three-in-comparison-tray")

    tray.get_by_role("link", name="So sánh ngay").click()
    page.wait_for_url(re.compile(r"/compare\?s="))
    table = page.locator("#compare-table")
    for name in COMPARED:
        expect(table.get_by_role("link", name=name, exact=True)).to_be_visible()
    shot(page, "comparison")

    # Hồng Hà's two listings offer no free trial; BachDang iHóaĐơn offers 30 days.
    table.get_by_role("link", name=COMPARED[1], exact=True).click()
    page.wait_for_url(re.compile(r"/solutions/[\w-]+$"))
    page.locator("main").get_by_role("link", name="Đăng ký dùng thử").first.click()
    page.wait_for_url(re.compile(r"/solutions/[\w-]+/trial"))
    start = (dt.date.today() + dt.timedelta(days=3)).strftime("%d/%m/%Y")  # as people write it
    page.fill("#contact_name", "Nguyễn Thị Lan")
    page.fill("#contact_phone", "0912 345 678")
    page.fill("#preferred_start", start)
    page.fill("#users_count", "5")
    page.fill("#message", "Chúng tôi muốn thử xuất hóa đơn cho cửa hàng bánh gai.")
    shot(page, "trial-form")
    page.get_by_role("button", name="Gửi yêu cầu dùng thử").click()
    page.wait_for_url(re.compile(r"/account/trials/\d+"))
    expect(page.locator("main")).to_contain_text(COMPARED[1])
    expect(page.locator("main")).to_contain_text("0912345678")
    shot(page, "trial-requested")


def test_vendor_submits_a_solution_and_moderator_approves_it(new_page, shot):
    from playwright.sync_api import expect

    name = "Hóa đơn Bánh Gai Cloud E2E"
    vendor = new_page()
    sign_in(vendor, "vendor@demo.vn")
    vendor.goto("/vendor/solutions/new")
    vendor.fill("#name", name)
    category = vendor.locator("#category_id option", has_text="Hóa đơn điện tử").first
    vendor.select_option("#category_id", category.get_attribute("value"))
    vendor.fill("#tagline", "Xuất hóa đơn điện tử cho cửa hàng nhỏ chỉ với điện thoại")
    vendor.select_option("#deployment", "cloud")
    vendor.fill("#description", "## Tính năng\n\n- Xuất hóa đơn theo Nghị định 123\n- Ký số từ xa")
    vendor.fill("#plans-0-name", "Gói Khởi đầu")
    vendor.fill("#plans-0-price_vnd", "1.200.000")
    vendor.select_option("#plans-0-period", "year")
    vendor.fill("#plans-0-trial_days", "14")
    vendor.fill("#plans-0-limits", "300 hóa đơn/năm")
    shot(vendor, "vendor-new-solution-form")
    vendor.get_by_role("button", name="Lưu và gửi duyệt").click()
    vendor.wait_for_url(re.compile(r"/vendor/solutions/\d+$"))
    expect(vendor.locator("main")).to_contain_text(name)
    expect(vendor.locator("main")).to_contain_text("Gói Khởi đầu")
    shot(vendor, "vendor-submitted")

    moderator = new_page()
    sign_in(moderator, "moderator@demo.vn")
    moderator.goto("/moderation/")
    row = moderator.locator("tr").filter(has_text=name)
    expect(row).to_be_visible()
    shot(moderator, "moderation-queue")
    row.get_by_role("link", name="Xem xét").click()
    moderator.wait_for_url(re.compile(r"/moderation/solutions/\d+"))
    shot(moderator, "moderation-review")
    moderator.get_by_role("button", name="Phê duyệt", exact=True).click()
    expect(moderator.locator(".alert-success, .alert").first).to_be_visible()
    shot(moderator, "moderation-approved")

    # The published solution appears in search, found without diacritics.
    visitor = new_page()
    visitor.goto("/solutions?q=hoa+don+banh+gai")
    expect(card(visitor, name)).to_be_visible()
    shot(visitor, "appears-in-search")


def test_vendor_accepts_a_trial_and_enterprise_reviews_the_solution(new_page, shot):
    from playwright.sync_api import expect

    # The seed leaves enterprise@demo.vn's trial of SaoKhuê CRM (vendor@demo.vn) requested.
    solution = "SaoKhuê CRM"
    vendor = new_page()
    sign_in(vendor, "vendor@demo.vn")
    vendor.goto("/vendor/trials?status=requested")
    item = (
        vendor.locator("a.list-group-item")
        .filter(has_text="Bánh Gai Tứ Kỳ Xanh")
        .filter(has_text=solution)
    )
    expect(item).to_be_visible()
    shot(vendor, "vendor-trial-inbox")
    item.click()
    vendor.wait_for_url(re.compile(r"/vendor/trials/\d+$"))
    vendor.fill("#instructions", "Đăng nhập tại https://crm.saokhue.vn với e-mail của anh/chị.")
    shot(vendor, "vendor-accept-form")
    vendor.get_by_role("button", name="Chấp nhận yêu cầu").click()
    expect(vendor.locator("main")).to_contain_text("https://crm.saokhue.vn")
    shot(vendor, "vendor-accepted")

    enterprise = new_page()
    sign_in(enterprise, "enterprise@demo.vn")
    enterprise.goto("/account/trials")
    expect(enterprise.locator("main")).to_contain_text(solution)
    shot(enterprise, "enterprise-trials")
    # Accepted is not used yet: a review waits for real use.
    enterprise.goto("/solutions/saokhue-crm/review")
    expect(enterprise.locator("main")).to_contain_text("chưa mở quyền dùng")

    # The vendor opens the trial, then ends it: the enterprise has used the solution.
    vendor.get_by_role("button", name="Bắt đầu dùng thử").click()
    vendor.get_by_role("button", name="Kết thúc dùng thử").click()
    expect(vendor.locator("main")).not_to_contain_text("Kết thúc sớm")
    enterprise.goto("/solutions/saokhue-crm/review")
    for field, stars in [
        ("overall", 5),
        ("ease_of_use", 4),
        ("features", 5),
        ("support", 4),
        ("value", 5),
    ]:
        enterprise.click(f"label[for={field}-{stars}]")
    enterprise.fill("#title", "Quản lý khách đặt bánh gai gọn gàng hơn")
    enterprise.fill(
        "#body",
        "Sau hai tuần dùng thử, nhân viên bán hàng theo dõi đơn đặt bánh qua Zalo dễ hơn nhiều.",
    )
    shot(enterprise, "review-form")
    enterprise.get_by_role("button", name="Đăng nhận xét").click()
    enterprise.wait_for_url(re.compile(r"/solutions/saokhue-crm"))
    expect(enterprise.locator("main")).to_contain_text("Quản lý khách đặt bánh gai gọn gàng hơn")
    expect(enterprise.locator(".review-use").first).to_contain_text("Đã dùng thử")
    shot(enterprise, "review-published")
