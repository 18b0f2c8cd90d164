"""The buyer's journey on a 375 px phone, measured in the browser on the demo data.

- the first search result and the solution page's price with its action button are on the
  first screen (their top above 700 px);
- the comparison tray, collapsed, is at most 64 px tall, and absent on the comparison;
- the comparison pager moves one solution along, and the first column stays (sticky);
  nothing in a comparison's cell spills into the next column;
- adding to the comparison with JavaScript keeps the reader where they were (scroll
  position) and announces the change; without JavaScript the form comes back to the card.
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 812}
FIRST_SCREEN = 700
TRAY_MAX = 64
THREE = ("saokhue-einvoice", "bachdang-ihoadon", "hoa-don-dien-tu-hong-ha")


def _phone(browser, live_server, *, javascript: bool = True):
    context = browser.new_context(
        base_url=live_server, locale="vi-VN", viewport=PHONE, java_script_enabled=javascript
    )
    context.set_default_timeout(20_000)
    return context, context.new_page()


def _top(page, selector: str) -> float:
    return page.locator(selector).first.evaluate("e => e.getBoundingClientRect().top")


def test_a_buyer_on_a_phone(browser, live_server):
    context, page = _phone(browser, live_server)
    try:
        # Search: the results come before the (folded) filters.
        page.goto("/solutions?q=hoa+don+dien+tu")
        assert _top(page, ".solution-card") < FIRST_SCREEN
        toggle = page.locator("#filters > summary")
        assert re.fullmatch(r"Bộ lọc \(\d+\) ?", toggle.inner_text().strip() + " ")
        assert not page.locator("#filters").evaluate("e => e.open")
        page.goto("/solutions?category=hoa-don-dien-tu&has_trial=1")
        assert page.locator("#filters > summary").inner_text().strip().startswith("Bộ lọc (2)")
        assert _top(page, ".solution-card") < FIRST_SCREEN

        # Solution page: the price and a button to act on it are on the first screen.
        page.goto("/solutions/saokhue-einvoice")
        price = page.locator(".solution-summary .price")
        assert price.is_visible() and "₫" in price.inner_text()
        assert _top(page, ".solution-summary .price") < FIRST_SCREEN
        assert _top(page, ".solution-summary .btn") < FIRST_SCREEN
        bar = page.locator(".solution-actionbar")
        assert bar.is_visible()

        # Adding to the comparison from far down the list keeps the place.
        page.goto("/solutions")
        cards = page.locator(".solution-card form.compare-form button")
        target = cards.nth(5)
        target.scroll_into_view_if_needed()
        page.evaluate("window.scrollBy(0, 40)")
        before = page.evaluate("window.scrollY")
        assert before > 800
        target.click()
        page.wait_for_selector("#compare-tray")
        assert page.evaluate("window.scrollY") == before
        page.wait_for_function(
            "() => document.getElementById('compare-status').textContent.includes('so sánh')"
        )
        assert target.is_disabled()
        cards.nth(6).click()
        page.wait_for_function(
            "() => document.querySelector('.compare-tray-summary').textContent.includes('(2)')"
        )
        assert page.evaluate("window.scrollY") == before

        # The collapsed tray is a small bar; it opens on demand.
        tray = page.locator("#compare-tray")
        assert tray.evaluate("e => e.getBoundingClientRect().height") <= TRAY_MAX
        page.locator(".compare-tray-summary").click()
        assert page.locator(".compare-tray-remove").first.is_visible()

        # The comparison shows no tray, and two solutions at a time beside the first column.
        page.locator("#compare-tray a.btn-primary").click()
        page.wait_for_url(re.compile(r"/compare\?s="))
        assert page.locator("#compare-tray").count() == 0
        heads = page.locator("#compare-table thead th:not(.sticky-col)")
        width = heads.first.evaluate("e => e.getBoundingClientRect().width")
        first_col = page.locator("#compare-table thead th.sticky-col").evaluate(
            "e => e.getBoundingClientRect().width"
        )
        assert first_col + 2 * width <= PHONE["width"]
        assert first_col + 2 * width >= PHONE["width"] - 40

        # Three solutions: "Sau ›" moves one column, the status says which are in view, and
        # the first column stays where it was while the others slide under it.
        page.goto(f"/compare?s={','.join(THREE)}")
        status = page.locator("#compare-pager-status")
        assert status.inner_text() == "Giải pháp 1–2 / 3"
        # Nothing spills into the next column (a price with its period once did).
        spilled = page.locator("#compare-table td").evaluate_all(
            "cells => cells.filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.innerText)"
        )
        assert spilled == []
        scroller = page.locator("#compare-scroll")
        sticky = page.locator("#compare-table thead th.sticky-col")
        left_before = sticky.evaluate("e => e.getBoundingClientRect().left")
        page.get_by_role("button", name="Sau ›").click()
        page.wait_for_function(
            "() => document.getElementById('compare-pager-status').textContent"
            " === 'Giải pháp 2–3 / 3'"
        )
        moved = scroller.evaluate("e => e.scrollLeft")
        assert abs(moved - width) <= 2
        assert page.get_by_role("button", name="Sau ›").is_disabled()
        assert sticky.evaluate("e => e.getBoundingClientRect().left") == left_before
        # The cell drawn at the first column's place is the first column, not a solution.
        assert sticky.evaluate(
            "e => { const r = e.getBoundingClientRect();"
            " return e.contains(document.elementFromPoint(r.left + r.width / 2, r.top + 5)); }"
        )
        first_solution = heads.first.evaluate("e => e.getBoundingClientRect().left")
        assert first_solution < left_before + first_col
    finally:
        context.close()


def test_without_javascript_the_form_returns_to_the_card(browser, live_server):
    context, page = _phone(browser, live_server, javascript=False)
    try:
        page.goto("/solutions")
        form = page.locator(".solution-card form.compare-form").nth(3)
        slug = form.locator("input[name=slug]").get_attribute("value")
        form.locator("button").click()
        page.wait_for_url(re.compile(rf"#card-{re.escape(slug)}$"))
        assert page.locator(f"#card-{slug} button[disabled]").count() == 1
        # The tray's bar is small without the script too.
        height = page.locator("#compare-tray").evaluate("e => e.getBoundingClientRect().height")
        assert height <= TRAY_MAX
    finally:
        context.close()


def test_the_vendors_plan_editor_is_usable_on_a_phone(browser, live_server):
    from tests.e2e.conftest import sign_in

    context, page = _phone(browser, live_server)
    try:
        sign_in(page, "vendor@demo.vn")
        page.goto("/vendor/")
        page.goto(page.locator("a[href$='/edit']").first.get_attribute("href"))
        widths = page.locator(".plans-editor input:not([type=hidden]), .plans-editor select")
        assert widths.count() >= 5
        for i in range(5):
            assert widths.nth(i).evaluate("e => e.getBoundingClientRect().width") >= 250
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()
