"""Journey (1) completed with the keyboard alone: Tab, Shift+Tab, Enter, Space and typing.

No clicks: each step tabs until the wanted control has the focus, then activates it.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.e2e.test_journeys import COMPARED

pytestmark = pytest.mark.e2e

MAX_TABS = 250


def tab_to(page, test: str, arg=None, what: str = "") -> None:
    """Press Tab until `test(document.activeElement, arg)` (a JS function) is true."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate(f"(arg) => ({test})(document.activeElement, arg)", arg):
            return
    pytest.fail(f"Tab never reached {what or test} on {page.url}")


def tab_to_id(page, element_id: str) -> None:
    tab_to(page, "(el, id) => el.id === id", element_id, f"#{element_id}")


def tab_to_text(page, selector: str, text: str) -> None:
    """Tab to an element matching `selector` whose text (or that of its card) holds `text`."""
    tab_to(
        page,
        "(el, a) => el.matches(a[0]) && (el.closest('article') || el).textContent.includes(a[1])",
        [selector, text],
        f"{selector} with {text!r}",
    )


def test_keyboard_only_search_compare_and_trial(new_page, shot):
    from playwright.sync_api import expect

    page = new_page()
    page.goto("/auth/login")
    tab_to_id(page, "email")
    page.keyboard.type("enterprise@demo.vn")
    tab_to_id(page, "password")
    page.keyboard.type("demo-pass-2026")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/auth/login" not in url)
    shot(page, "signed-in")

    tab_to_id(page, "site-q")
    page.keyboard.type("hoa don dien tu")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/solutions\?.*q=hoa"))
    shot(page, "search")

    for name in COMPARED:
        tab_to_text(page, "article.solution-card form.compare-form button:not([disabled])", name)
        page.keyboard.press("Space")  # the tray is updated in place, the page stays
        expect(page.locator("aside.compare-tray")).to_contain_text(name)
        expect(page.locator("#compare-status")).to_contain_text(name)
    shot(page, "tray")

    tab_to_text(page, "aside.compare-tray a", "So sánh ngay")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/compare\?s="))
    shot(page, "comparison")

    tab_to(
        page,
        "(el, name) => el.matches('#compare-table a') && el.textContent.trim() === name",
        COMPARED[1],
        COMPARED[1],
    )
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/solutions/[\w-]+$"))
    tab_to_text(page, "main a.btn-success", "Đăng ký dùng thử")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/solutions/[\w-]+/trial"))

    tab_to_id(page, "contact_name")
    page.keyboard.type("Nguyễn Thị Lan")
    tab_to_id(page, "contact_phone")
    page.keyboard.type("0912 345 678")
    tab_to_id(page, "preferred_start")
    start = dt.date.today() + dt.timedelta(days=3)
    # A text box in dd/mm/yyyy, whatever the browser's language.
    page.keyboard.press("Control+A")
    page.keyboard.type(start.strftime("%d/%m/%Y"))
    assert page.input_value("#preferred_start") == start.strftime("%d/%m/%Y")
    tab_to_id(page, "users_count")
    page.keyboard.press("Control+A")
    page.keyboard.type("5")
    tab_to_id(page, "message")
    page.keyboard.type("Gửi bằng bàn phím.")
    shot(page, "trial-form")
    tab_to_text(page, "main form button[type=submit]", "Gửi yêu cầu dùng thử")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/account/trials/\d+"))
    expect(page.locator("main")).to_contain_text(COMPARED[1])
    expect(page.locator("main")).to_contain_text("Gửi bằng bàn phím.")
    shot(page, "trial-requested")
