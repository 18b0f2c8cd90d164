"""Moderation you can read: revision diffs by field, plan and word; the audit log in words."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy import select

from marketplace.catalog.models import SolutionRevision
from marketplace.extensions import db
from marketplace.moderation.services import word_diff
from tests import factories
from tests.moderation.test_moderation import _edit_live


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_a_changed_price_is_shown_old_to_new_in_its_plans_row(client_for, vendor, moderator):
    solution = factories.make_solution(vendor, status="published")
    c = client_for(vendor)
    assert _edit_live(c, solution).status_code == 302
    assert c.post(f"/vendor/solutions/{solution.id}/submit").status_code == 302
    revision = db.session.scalar(select(SolutionRevision))
    page = _soup(client_for(moderator).get(f"/moderation/revisions/{revision.id}"))
    rows = page.select("table.diff-plans tbody tr")
    assert len(rows) == 2
    basic, added = rows
    # The kept plan: its price cell reads old → new, with del/ins and a text marker.
    price = basic.select("td")[1]
    assert price.select_one("del").get_text(strip=True) == "1.200.000 ₫"
    assert price.select_one("ins").get_text(strip=True) == "1.500.000 ₫"
    assert "→" in price.get_text()
    assert "Đã đổi" in basic.get_text() and "diff-changed" in basic["class"]
    # An unchanged cell of the same row is plain.
    assert basic.select("td")[0].select_one("del") is None
    # The new plan says so in words.
    assert "Gói mới" in added.get_text() and added.select_one("ins")
    # The tagline: old → new with the marker.
    general = page.select_one("table.diff-table")
    assert "Khẩu hiệu mới sau chỉnh sửa" in general.select_one("ins").get_text()
    assert "Đã đổi" in general.get_text()
    # The description, word by word.
    assert page.select(".diff-text ins") and page.select(".diff-text del")


def test_word_diff_marks_only_the_changed_words():
    ops = word_diff("Hóa đơn điện tử cho hộ kinh doanh", "Hóa đơn điện tử cho doanh nghiệp")
    assert ("-", "hộ kinh doanh") in ops and ("+", "doanh nghiệp") in ops
    assert "".join(t for op, t in ops if op != "-") == "Hóa đơn điện tử cho doanh nghiệp"
    assert "".join(t for op, t in ops if op != "+") == "Hóa đơn điện tử cho hộ kinh doanh"


def test_the_audit_log_names_objects_and_filters_by_their_kind(client_for, vendor, moderator):
    solution = factories.make_solution(vendor, status="pending", name="SaoKhuê VPS")
    m = client_for(moderator)
    m.post(f"/moderation/solutions/{solution.id}/approve", data={"reason": ""})
    page = _soup(m.get("/moderation/audit"))
    options = {o["value"]: o.get_text(strip=True) for o in page.select("#object_type option")}
    assert options.get("solutions") == "Giải pháp"
    assert "solutions" not in options.values()
    cell = next(a for a in page.select("tbody a") if "SaoKhuê VPS" in a.get_text())
    assert cell.get_text(strip=True) == "Giải pháp: SaoKhuê VPS"
    assert cell["href"] == f"/moderation/solutions/{solution.id}"
    assert "(solutions #" not in page.get_text()
    filtered = _soup(m.get("/moderation/audit?object_type=solutions"))
    assert "Giải pháp: SaoKhuê VPS" in filtered.get_text()
    none = _soup(m.get("/moderation/audit?object_type=trial_requests"))
    assert "SaoKhuê VPS" not in none.select_one("tbody").get_text()
