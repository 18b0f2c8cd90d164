"""The date picker (static/js/datepicker.js) with the keyboard alone, then the form sent.

The dd/mm/yyyy box stays a text box; the calendar button after it opens a dialog where the
arrows move the day, Escape closes and Enter chooses, focus coming back to the button each
time (WCAG 2.2: keyboard, focus order, no trap beyond the dialog). Month names follow the
page's language.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.e2e.conftest import sign_in
from tests.e2e.test_axe import BLOCKING, axe_script, run_axe

pytestmark = pytest.mark.e2e


def test_choosing_a_trial_start_with_the_keyboard(new_page, shot):
    from playwright.sync_api import expect

    page = new_page()
    page.context.add_init_script(axe_script())  # axe-core, to check the open calendar
    sign_in(page, "enterprise@demo.vn")
    page.goto("/solutions/bachdang-ihoadon/trial")
    box = page.locator("#preferred_start")
    toggle = page.get_by_role("button", name=re.compile("^Chọn ngày: Ngày muốn bắt đầu"))
    dialog = page.get_by_role("dialog")
    start = dt.date.today() + dt.timedelta(days=3)
    box.fill(start.strftime("%d/%m/%Y"))

    # Tab from the box reaches the calendar button; Enter opens it on the typed day.
    box.press("Tab")
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    focused = page.locator(":focus")
    expect(focused).to_have_attribute("data-day", start.strftime("%d/%m/%Y"))
    expect(focused).to_have_attribute("aria-pressed", "true")

    # Escape closes without changing the box; focus returns to the button.
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(toggle).to_be_focused()
    expect(box).to_have_value(start.strftime("%d/%m/%Y"))

    # A day and a week later, Enter chooses: the box reads dd/mm/yyyy.
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    chosen = start + dt.timedelta(days=8)
    expect(page.locator(":focus")).to_have_attribute("data-day", chosen.strftime("%d/%m/%Y"))
    shot(page, "calendar-open")
    blocking = [v for v in run_axe(page) if v["impact"] in BLOCKING]
    assert not blocking, blocking  # the open calendar too
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(toggle).to_be_focused()
    expect(box).to_have_value(chosen.strftime("%d/%m/%Y"))

    page.fill("#contact_name", "Nguyễn Thị Lan")
    page.fill("#contact_phone", "0912 345 678")
    page.get_by_role("button", name="Gửi yêu cầu dùng thử").click()
    page.wait_for_url(re.compile(r"/account/trials/\d+"))
    expect(page.locator("main")).to_contain_text(chosen.strftime("%d/%m/%Y"))

    # In English the calendar speaks English; the box still takes dd/mm/yyyy.
    page.locator("footer button[name=lang][value=en]").click()
    page.wait_for_load_state()
    page.goto("/solutions/saokhue-crm/quote")
    page.get_by_role("button", name=re.compile("^Choose a date")).click()
    month = dt.date.today().strftime("%B")
    expect(dialog.get_by_role("heading")).to_contain_text(month)
