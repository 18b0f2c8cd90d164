"""Browser journey: a need posted, moderated, two vendors propose, a question answered in
public, the sealed proposals compared after the deadline, one awarded, and the winning
vendor sees the order."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect
from sqlalchemy import update

from marketplace.core.clock import local_today
from marketplace.extensions import db
from marketplace.needs.models import Need
from tests.e2e.conftest import sign_in

TITLE = "Quản lý kho vải cho xưởng may 40 công nhân"


def _propose(page, need_url: str, price: str, days: str) -> None:
    page.goto(need_url)
    page.get_by_role("link", name="Gửi đề xuất").click()
    page.fill("#lines-0-description", "Phần mềm kho, 12 người dùng")
    page.fill("#lines-0-unit_price", price)
    page.fill("#lines-0-quantity", "1")
    page.select_option("#lines-0-period", "year")
    page.fill("#implementation_days", days)
    page.get_by_role("button", name="Lưu đề xuất").click()
    expect(page.get_by_text(re.compile("Đã lưu đề xuất"))).to_be_visible()


def test_a_need_from_posting_to_the_award(app, new_page, shot):
    buyer = new_page()
    sign_in(buyer, "enterprise@demo.vn")
    buyer.goto("/needs/new")
    buyer.fill("#title", TITLE)
    buyer.fill(
        "#problem",
        "Xưởng ghi sổ tay vải nhập theo cuộn và hàng xuất cho khách buôn, tồn kho thường lệch.",
    )
    buyer.fill("#users_count", "12")
    buyer.fill("#budget_max", "60.000.000")
    buyer.fill("#deadline", (local_today() + dt.timedelta(days=7)).strftime("%d/%m/%Y"))
    buyer.get_by_role("button", name="Gửi bài toán để duyệt").click()
    expect(buyer.get_by_role("heading", name=TITLE)).to_be_visible()
    need_url = buyer.url
    need_id = int(need_url.rstrip("/").rsplit("/", 1)[-1])
    shot(buyer, "posted")

    moderator = new_page()
    sign_in(moderator, "moderator@demo.vn")
    moderator.goto(f"/moderation/needs/{need_id}")
    moderator.get_by_role("button", name="Phê duyệt").click()
    expect(moderator.get_by_text(re.compile("Đã duyệt bài toán"))).to_be_visible()

    winner = new_page()
    sign_in(winner, "vendor@demo.vn")
    _propose(winner, need_url, "9.000.000", "14")
    other = new_page()
    sign_in(other, "lananh@honghasoft.vn")
    _propose(other, need_url, "7.500.000", "30")
    other.goto(need_url)
    expect(other.get_by_text("9.000.000")).to_have_count(0)  # never another vendor's price
    other.fill("#body", "Xưởng có cần in tem mã vạch cho cuộn vải không?")
    other.get_by_role("button", name="Gửi câu hỏi").click()
    expect(other.get_by_text(re.compile("Đã gửi câu hỏi"))).to_be_visible()

    buyer.goto(need_url)
    expect(buyer.get_by_text(re.compile("2 đề xuất đã gửi"))).to_be_visible()
    buyer.locator("textarea[name=answer]").fill("Có, mỗi cuộn một tem.")
    buyer.get_by_role("button", name="Trả lời công khai").click()
    winner.goto(need_url)
    expect(winner.get_by_text("Có, mỗi cuộn một tem.")).to_be_visible()

    # The deadline passes: the sealed proposals open to the buyer.
    db.session.execute(
        update(Need).where(Need.id == need_id).values(deadline=local_today() - dt.timedelta(days=1))
    )
    db.session.commit()
    buyer.goto(f"/needs/{need_id}/compare")
    expect(buyer.get_by_text("9.000.000 ₫").first).to_be_visible()
    expect(buyer.get_by_text("7.500.000 ₫").first).to_be_visible()
    shot(buyer, "compare")
    buyer.once("dialog", lambda dialog: dialog.accept())  # "Chọn đề xuất này? …"
    buyer.get_by_role("button", name=re.compile("Chọn đề xuất này .*Sao Khuê")).click()
    expect(buyer.get_by_text(re.compile("Đã chọn đề xuất. Đơn hàng"))).to_be_visible()

    winner.goto(need_url)
    expect(winner.get_by_text("Đơn hàng từ đề xuất được chọn")).to_be_visible()
    winner.get_by_role("link", name="Xem đơn hàng").click()
    expect(winner.locator("main")).to_contain_text("9.000.000 ₫")
    shot(winner, "order")
