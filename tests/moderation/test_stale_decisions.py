"""Moderator decisions carry the content version the moderator saw.

The attack: the moderator opens a pending listing (or revision); the vendor withdraws it,
rewrites it and resubmits it under the same row; the moderator's Approve on the old page
must not publish the new text.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.catalog import decisions as catalog_decisions
from marketplace.catalog import rules, services
from marketplace.catalog.content import content_of
from marketplace.catalog.models import Solution, SolutionRevision
from marketplace.core.audit import AuditLog
from marketplace.extensions import db
from tests import factories
from tests.catalog.test_listing_editor import editor_form
from tests.moderation.decisions import seen_version

SCAM = "LỪA ĐẢO: chuyển khoản trước vào tài khoản 0123456789 để được giảm 90%"
STALE = "Nội dung đã thay đổi, vui lòng xem lại."


def reload(solution) -> Solution:
    db.session.expire_all()
    return db.session.get(Solution, solution.id)


def decisions(action_prefix: str) -> list[str]:
    return list(
        db.session.scalars(select(AuditLog.action).where(AuditLog.action.like(action_prefix)))
    )


def rewrite_pending_listing(vendor_client, solution) -> None:
    """Withdraw, rewrite and resubmit the listing, as the vendor."""
    assert vendor_client.post(f"/vendor/solutions/{solution.id}/withdraw").status_code == 302
    response = vendor_client.post(
        f"/vendor/solutions/{solution.id}/edit",
        data=editor_form(name=solution.name, tagline=SCAM, action="submit"),
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    assert reload(solution).status == "pending"


@pytest.mark.parametrize(("action", "reason"), [("approve", ""), ("reject", "Thiếu bảng giá")])
def test_decision_on_a_listing_rewritten_since_it_was_opened_is_refused(
    client_for, vendor, moderator, action, reason
):
    solution = factories.make_solution(vendor, status="pending")
    m = client_for(moderator)
    old = seen_version(m, f"/moderation/solutions/{solution.id}")
    rewrite_pending_listing(client_for(vendor), solution)

    response = m.post(
        f"/moderation/solutions/{solution.id}/{action}", data={"reason": reason, "version": old}
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert STALE in html
    assert SCAM in html  # the page again, showing what the listing says now
    assert reason in html  # the typed reason is kept
    solution = reload(solution)
    assert solution.status == "pending" and solution.published_at is None
    assert decisions("solution.approve") == [] and decisions("solution.reject") == []

    # Looking again gives the new version; the decision then goes through.
    response = m.post(
        f"/moderation/solutions/{solution.id}/{action}",
        data={"reason": reason, "version": seen_version(m, f"/moderation/solutions/{solution.id}")},
    )
    assert response.status_code == 302
    assert reload(solution).status == ("published" if action == "approve" else "rejected")


def _edit_and_submit_revision(vendor_client, solution, tagline: str) -> None:
    response = vendor_client.post(
        f"/vendor/solutions/{solution.id}/edit",
        data=editor_form(name=solution.name, tagline=tagline, action="submit"),
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]


@pytest.mark.parametrize(("action", "reason"), [("approve", ""), ("reject", "Giá không rõ")])
def test_decision_on_a_revision_rewritten_since_it_was_opened_is_refused(
    client_for, vendor, moderator, action, reason
):
    solution = factories.make_solution(vendor, status="published")
    live_tagline = solution.tagline
    v = client_for(vendor)
    _edit_and_submit_revision(v, solution, "Khẩu hiệu mới, đã được xem")
    revision = db.session.scalar(select(SolutionRevision))
    m = client_for(moderator)
    old = seen_version(m, f"/moderation/revisions/{revision.id}")
    # Withdraw, rewrite, resubmit: the same revision row, new content.
    assert v.post(f"/vendor/solutions/{solution.id}/withdraw").status_code == 302
    _edit_and_submit_revision(v, solution, SCAM)
    db.session.expire_all()
    assert db.session.scalar(select(SolutionRevision.id)) == revision.id

    response = m.post(
        f"/moderation/revisions/{revision.id}/{action}", data={"reason": reason, "version": old}
    )
    assert response.status_code == 409
    assert STALE in response.get_data(as_text=True)
    assert reload(solution).tagline == live_tagline
    revision = db.session.get(SolutionRevision, revision.id)
    assert revision.status == "pending" and revision.decided_at is None
    assert decisions("revision.approve") == [] and decisions("revision.reject") == []

    response = m.post(
        f"/moderation/revisions/{revision.id}/{action}",
        data={"reason": reason, "version": seen_version(m, f"/moderation/revisions/{revision.id}")},
    )
    assert response.status_code == 302
    expected = SCAM if action == "approve" else live_tagline
    assert reload(solution).tagline == expected


def test_suspend_and_restore_check_the_live_version(app, client_for, vendor, moderator):
    solution = factories.make_solution(vendor, status="published")
    m = client_for(moderator)
    old = seen_version(m, f"/moderation/solutions/{solution.id}")
    # The live version changes (an approved revision) after the moderator looked.
    content = content_of(solution)
    content.tagline = "Khẩu hiệu đã thay"
    with app.test_request_context():
        services.save_solution(vendor, solution, content)
        revision = services.submit_solution(vendor, solution)
        catalog_decisions.approve_revision(moderator, revision)
    db.session.commit()
    url = f"/moderation/solutions/{solution.id}"
    response = m.post(f"{url}/suspend", data={"reason": "Khiếu nại", "version": old})
    assert response.status_code == 409
    assert reload(solution).status == "published"
    assert decisions("solution.suspend") == []
    assert (
        m.post(
            f"{url}/suspend", data={"reason": "Khiếu nại", "version": seen_version(m, url)}
        ).status_code
        == 302
    )
    assert reload(solution).status == "suspended"
    response = m.post(f"{url}/restore", data={"reason": "Đã xử lý", "version": old})
    assert response.status_code == 409
    assert reload(solution).status == "suspended"


@pytest.mark.parametrize("version", [None, "", "0" * 32])
def test_a_decision_without_the_seen_version_decides_nothing(
    client_for, vendor, moderator, version
):
    solution = factories.make_solution(vendor, status="pending")
    data = {"reason": ""} if version is None else {"reason": "", "version": version}
    response = client_for(moderator).post(f"/moderation/solutions/{solution.id}/approve", data=data)
    assert response.status_code in (400, 409)
    assert STALE in response.get_data(as_text=True)
    assert reload(solution).status == "pending"
    assert decisions("solution.approve") == []


def test_the_service_checks_the_version_too(app, vendor, moderator):
    solution = factories.make_solution(vendor, status="pending")
    seen = rules.solution_version(solution)
    solution.tagline = SCAM
    db.session.commit()
    with app.test_request_context(), pytest.raises(rules.StaleContentError):
        catalog_decisions.approve_solution(moderator, solution, version=seen)
    db.session.rollback()
    assert reload(solution).status == "pending"


def test_a_decision_on_a_revision_withdrawn_meanwhile_is_refused(client_for, vendor, moderator):
    solution = factories.make_solution(vendor, status="published")
    v = client_for(vendor)
    _edit_and_submit_revision(v, solution, "Khẩu hiệu mới, đã được xem")
    revision = db.session.scalar(select(SolutionRevision))
    m = client_for(moderator)
    old = seen_version(m, f"/moderation/revisions/{revision.id}")
    assert v.post(f"/vendor/solutions/{solution.id}/withdraw").status_code == 302
    for action, reason in (("approve", ""), ("reject", "Không rõ")):
        response = m.post(
            f"/moderation/revisions/{revision.id}/{action}",
            data={"reason": reason, "version": old},
        )
        assert response.status_code == 409
        assert STALE in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(SolutionRevision, revision.id).status == "draft"
    assert sorted(decisions("revision.%")) == ["revision.submit", "revision.withdraw"]
