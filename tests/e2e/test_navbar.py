"""The top navigation fits the window for every kind of account, in both languages.

Each role adds its own links ("Kênh nhà cung cấp", "Kiểm duyệt", "Tự đánh giá" for visitors…);
at the widths where the bar is laid out in one row they must never push the page sideways.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

ACCOUNTS = (None, "enterprise@demo.vn", "vendor@demo.vn", "moderator@demo.vn", "admin@demo.vn")
WIDTHS = (1200, 1280, 1400)


def test_the_navigation_never_widens_the_page(new_page):
    overflow = []
    for email in ACCOUNTS:
        page = new_page()
        if email:
            sign_in(page, email)
        for lang in ("vi", "en"):
            page.goto("/")
            page.locator(f"footer button[name=lang][value={lang}]").click()
            page.wait_for_load_state()
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > width:
                    overflow.append(f"{email or 'visitor'} {lang} {width}px: {scroll}px")
    assert not overflow, overflow
    # The console is reached from the administrator's menu.
    page.goto("/")
    page.locator("#mainnav .dropdown-toggle").click()
    assert page.locator("#mainnav .dropdown-menu a[href='/admin/']").is_visible()
