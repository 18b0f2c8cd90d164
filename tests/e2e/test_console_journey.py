"""Browser journey: the administrator invites a moderator, who sets a password from the
e-mailed link; then closes an account whose open session is signed out at once."""

from __future__ import annotations

import email
import re
import threading
import time
from email import policy
from pathlib import Path

from tests.e2e.conftest import sign_in
from tests.e2e.test_password_reset import live_server, mail_app  # noqa: F401 - fixtures

INVITED = "kiem.duyet.moi@haiphong.gov.vn"
PASSWORD = "mat-khau-kiem-duyet-2026"


def _link(folder: Path, to: str) -> str:
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:
        for path in sorted(folder.glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            if message["To"] == to:
                return re.search(r"https?://\S+/staff-invitation/\S+", message.get_content()).group(
                    0
                )
        threading.Event().wait(0.05)
    raise AssertionError("no invitation e-mail was written")


def test_admin_invites_a_moderator_and_closes_an_account(new_page, mail_app, shot):  # noqa: F811
    from playwright.sync_api import expect

    admin = new_page()
    sign_in(admin, "admin@demo.vn")
    admin.wait_for_url(re.compile(r"/admin/$"))  # an administrator lands on the console
    admin.get_by_role("link", name="Người dùng").first.click()
    admin.get_by_role("link", name="Mời kiểm duyệt viên / quản trị viên").click()
    admin.fill("#name", "Đặng Thu Hà")
    admin.fill("#email", INVITED)
    admin.select_option("#role", "moderator")
    admin.get_by_role("button", name="Gửi lời mời").click()
    expect(admin.locator(".alert-success")).to_be_visible()
    expect(admin.locator("#person-facts")).to_contain_text("Chưa nhận lời mời")
    shot(admin, "invited")

    invited = new_page()
    invited.goto(_link(Path(mail_app.config["MAIL_FILE_DIR"]), INVITED))
    expect(invited.locator("main")).to_contain_text("Đặng Thu Hà")
    invited.fill("#password", PASSWORD)
    invited.fill("#confirm", PASSWORD)
    invited.get_by_role("button", name="Đặt mật khẩu").click()
    invited.wait_for_url(re.compile(r"/auth/login"))
    sign_in(invited, INVITED, PASSWORD)
    invited.goto("/moderation/")
    expect(invited.locator("main")).to_contain_text("Kiểm duyệt")

    # An accountant works with an open session; the administrator closes the account.
    accountant = new_page()
    sign_in(accountant, "ketoan@demo.vn")
    admin.goto("/admin/users?q=ketoan%40demo.vn")
    admin.locator("#users a").first.click()
    admin.fill("#deactivate-reason", "Đã nghỉ việc.")
    admin.get_by_role("button", name="Khóa tài khoản").click()
    expect(admin.locator(".alert-success")).to_be_visible()
    shot(admin, "closed")
    accountant.goto("/account/profile")
    accountant.wait_for_url(re.compile(r"/auth/login"))
