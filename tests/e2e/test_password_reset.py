"""Browser journey: a forgotten password is reset from the link in the .eml file."""

from __future__ import annotations

import email
import re
import threading
import time
from email import policy
from pathlib import Path

import pytest

from tests.serving import serving

NEW_PASSWORD = "mat-khau-moi-cua-toi-2026"


@pytest.fixture
def mail_app(demo_data, app_factory):
    return app_factory(WTF_CSRF_ENABLED=True, MAIL_SEND_AFTER_REQUEST=True)


@pytest.fixture
def live_server(mail_app):
    """The seeded app, sending e-mails (as .eml files) right after each response."""
    with serving(mail_app) as base_url:
        mail_app.config["SITE_URL"] = base_url  # before the first request
        yield base_url


def _reset_link(folder: Path) -> str:
    # The e-mail is written after the page was sent: wait for the file, not a fixed time.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        files = sorted(folder.glob("*.eml"))
        if files:
            message = email.message_from_bytes(files[-1].read_bytes(), policy=policy.default)
            return re.search(r"https?://\S+/auth/reset/\S+", message.get_content()).group(0)
        threading.Event().wait(0.05)
    raise AssertionError("no e-mail was written")


def test_a_forgotten_password_is_reset_from_the_email(new_page, mail_app, shot):
    from playwright.sync_api import expect

    page = new_page()
    page.goto("/auth/login")
    page.get_by_role("link", name="Quên mật khẩu?").first.click()
    page.fill("#email", "enterprise@demo.vn")
    page.get_by_role("button", name="Gửi liên kết đặt lại mật khẩu").click()
    expect(page.locator("main h1")).to_have_text("Kiểm tra hộp thư của bạn")
    shot(page, "sent")

    link = _reset_link(Path(mail_app.config["MAIL_FILE_DIR"]))
    assert link.startswith(mail_app.config["SITE_URL"])
    page.goto(link)
    page.fill("#password", NEW_PASSWORD)
    page.fill("#confirm", NEW_PASSWORD)
    page.get_by_role("button", name="Đặt lại mật khẩu").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã đặt lại mật khẩu")
    shot(page, "reset")

    # The link worked once.
    page.goto(link)
    expect(page.locator(".alert-danger")).to_contain_text("đã được dùng")
