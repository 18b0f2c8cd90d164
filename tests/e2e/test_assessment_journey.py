"""Browser journey: an anonymous visitor on a phone takes the readiness self-assessment by
tapping answer cards (no script needed), sees the result, signs in and finds it in the
organisation's history."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in


def test_an_anonymous_assessment_saved_by_signing_in(new_page, shot):
    page = new_page()
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/assessment")
    page.get_by_role("button", name="Bắt đầu đánh giá").click()
    for number in range(1, 7):
        expect(page.get_by_role("heading", level=1)).to_contain_text(f"Bước {number}/6")
        for fieldset in page.locator("main fieldset").all():
            fieldset.locator("label.answer-card").nth(3).click()  # level 3 everywhere
        if number == 1:
            expect(page.locator("label.answer-card input:checked")).to_have_count(3)
            shot(page, "step-1")
        page.get_by_role("button", name=re.compile("Lưu và tiếp tục|Xem kết quả")).click()
    expect(page.get_by_text("Bạn đã hoàn thành bài tự đánh giá.")).to_be_visible()
    expect(page.get_by_text("Mức 3", exact=True)).to_be_visible()
    expect(page.locator("#chart-pillars-title")).to_have_count(1)
    shot(page, "result")
    result_url = page.url

    sign_in(page, "ketoan@demo.vn")
    expect(page.get_by_text("Kết quả tự đánh giá của bạn đã được lưu vào tổ chức.")).to_be_visible()
    page.goto("/assessment/history")
    result_path = "/assessment/results/" + result_url.rsplit("/", 1)[-1]
    expect(page.locator(f'a[href="{result_path}"]').first).to_be_visible()
    shot(page, "history")
