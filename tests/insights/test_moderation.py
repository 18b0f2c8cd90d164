"""Moderator figures: the queue and the median time from submission to decision."""

from __future__ import annotations

import datetime as dt

from marketplace.core.audit import AuditLog
from marketplace.core.database import utcnow
from marketplace.extensions import db
from marketplace.insights import moderation_figures
from tests import factories


def audit(action: str, solution, when: dt.datetime) -> None:
    db.session.add(
        AuditLog(
            action=action,
            object_type="solutions",
            object_id=solution.id,
            object_label=solution.name,
            created_at=when,
        )
    )


def test_median_time_to_decision_pairs_each_decision_with_its_submission(app, vendor):
    now = utcnow()
    a = factories.make_solution(vendor, name="A")
    b = factories.make_solution(vendor, name="B")
    c = factories.make_solution(vendor, name="C")
    old = factories.make_solution(vendor, name="Cũ")
    factories.make_solution(vendor, status="pending", name="Đang chờ")
    # A: rejected after 2 h, resubmitted, approved after 10 h.
    audit("solution.submit", a, now - dt.timedelta(days=5))
    audit("solution.reject", a, now - dt.timedelta(days=5) + dt.timedelta(hours=2))
    audit("solution.submit", a, now - dt.timedelta(days=3))
    audit("solution.approve", a, now - dt.timedelta(days=3) + dt.timedelta(hours=10))
    # B: approved after 6 h.
    audit("solution.submit", b, now - dt.timedelta(days=2))
    audit("solution.approve", b, now - dt.timedelta(days=2) + dt.timedelta(hours=6))
    # C: submitted, no decision yet.
    audit("solution.submit", c, now - dt.timedelta(hours=1))
    # Decided 200 days ago: outside the window.
    audit("solution.submit", old, now - dt.timedelta(days=201))
    audit("solution.approve", old, now - dt.timedelta(days=200))
    db.session.commit()
    figures = moderation_figures.moderation_figures(now=now)
    assert figures.decisions == 3
    assert figures.median_decision == dt.timedelta(hours=6)
    assert figures.pending_solutions == 1 and figures.queue_length == 1


def test_moderation_page_shows_the_figures(client_for, moderator):
    html = client_for(moderator).get("/moderation/").get_data(as_text=True)
    assert "Thời gian đến quyết định" in html
