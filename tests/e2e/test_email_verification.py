"""Browser journey: a new owner registers, is asked to verify before requesting a trial or
inviting, opens the verification link from the .eml file, requests the trial, then invites a
colleague who joins from the invitation's .eml link."""

from __future__ import annotations

import datetime as dt
import email
import re
import threading
import time
from email import policy
from pathlib import Path

from tests.e2e.test_password_reset import live_server, mail_app  # noqa: F401  (fixtures)
from tests.e2e.test_team_journey import _invitation_link

NEW_EMAIL = "chu.moi@gomchudau.vn"
PASSWORD = "gom-chu-dau-2026-an-toan"
TRIAL_SLUG = "bachdang-ihoadon"
COLLEAGUE = "ke.toan@gomchudaumoi.vn"


def _verification_link(folder: Path, to: str) -> str:
    # The e-mail is written after the page was sent: wait for the file, not a fixed time.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        for path in sorted(folder.glob("*.eml"), reverse=True):
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            if message["To"] == to:
                found = re.search(r"https?://\S+/auth/verify/\S+", message.get_content())
                if found:
                    return found.group(0)
        threading.Event().wait(0.05)
    raise AssertionError(f"no verification e-mail was written to {to}")


def test_a_new_owner_verifies_from_the_eml_file_then_requests_a_trial_and_invites(
    new_page,
    mail_app,  # noqa: F811  (the fixture imported above)
    shot,
):
    from playwright.sync_api import expect

    page = new_page()
    page.goto("/auth/register")
    page.fill("#name", "Lê Thị Hồng Nhung")
    page.fill("#email", NEW_EMAIL)
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.fill("#org_name", "Công ty TNHH Gốm Chu Đậu Mới")
    page.fill("#tax_code", "0100233488")
    page.select_option("#commune_code", "10525")
    page.select_option("#industry", index=1)
    page.select_option("#size_band", "small")
    page.fill("#phone", "0220 3851 234")
    page.check("#accept_terms")
    page.locator("main form:has(#accept_terms) button[type=submit]").click()
    page.wait_for_url(lambda url: "/auth/register" not in url)
    banner = page.locator(".verify-banner")
    expect(banner).to_contain_text(NEW_EMAIL)
    shot(page, "registered-banner")

    # Before verifying, the trial page shows why, with the resend button, and no form.
    page.goto(f"/solutions/{TRIAL_SLUG}/trial")
    notice = page.locator(".verify-notice")
    expect(notice).to_contain_text("xác thực địa chỉ e-mail trước khi đăng ký dùng thử")
    expect(page.locator("#contact_phone")).to_have_count(0)
    shot(page, "trial-refused")
    # Nor can they invite yet: the members page says so where the invite form would be.
    page.goto("/account/members")
    expect(page.locator(".verify-notice")).to_contain_text("trước khi mời đồng nghiệp")
    expect(page.locator("form[action='/account/members/invite']")).to_have_count(0)
    page.goto(f"/solutions/{TRIAL_SLUG}/trial")
    notice.get_by_role("button", name="Gửi lại e-mail xác thực").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã gửi lại e-mail xác thực")

    link = _verification_link(Path(mail_app.config["MAIL_FILE_DIR"]), NEW_EMAIL)
    assert link.startswith(mail_app.config["SITE_URL"])
    page.goto(link)
    expect(page.locator(".alert-success")).to_contain_text("đã được xác thực")
    expect(page.locator(".verify-banner")).to_have_count(0)
    shot(page, "verified")

    page.goto(f"/solutions/{TRIAL_SLUG}/trial")
    start = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    page.fill("#contact_phone", "0912 345 678")
    page.fill("#preferred_start", start)
    page.fill("#users_count", "4")
    page.get_by_role("button", name="Gửi yêu cầu dùng thử").click()
    page.wait_for_url(re.compile(r"/account/trials/\d+"))
    expect(page.locator("main")).to_contain_text("0912345678")
    shot(page, "trial-requested")

    # Verified, the owner invites a colleague, who joins from the e-mailed link.
    page.goto("/account/members")
    page.fill("#email", COLLEAGUE)
    page.select_option("#role", "member")
    page.get_by_role("button", name="Gửi lời mời").click()
    expect(page.locator("#invitations")).to_contain_text(COLLEAGUE)
    folder = Path(mail_app.config["MAIL_FILE_DIR"])
    colleague = new_page()
    colleague.goto(_invitation_link(mail_app, folder, COLLEAGUE))
    expect(colleague.locator("main")).to_contain_text("Công ty TNHH Gốm Chu Đậu Mới")
    colleague.fill("#name", "Đỗ Thị Thu")
    colleague.fill("#password", "ke-toan-gom-chu-dau-2026")
    colleague.fill("#confirm", "ke-toan-gom-chu-dau-2026")
    colleague.check("#accept_terms")
    colleague.get_by_role("button", name="Tạo tài khoản và tham gia").click()
    expect(colleague.locator(".alert-success")).to_contain_text("Bạn đã tham gia")
    expect(colleague.locator(".verify-banner")).to_have_count(0)  # the link proved the address
    page.reload()
    expect(page.locator("#members")).to_contain_text("Đỗ Thị Thu")
    shot(page, "colleague-joined")
