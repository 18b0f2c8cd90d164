"""Moderator decisions: transitions, required reasons, revisions that keep the live version,
suspension, archiving, verification, notifications and the audit log."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from marketplace.catalog import decisions, listing_queries, rules, services
from marketplace.catalog.content import PlanInput, content_of
from marketplace.catalog.models import Plan, Solution, SolutionRevision
from marketplace.core.audit import AuditLog
from marketplace.extensions import db
from marketplace.notifications.models import EmailOutbox, Notification
from tests import factories
from tests.moderation.decisions import decide, seen_version


def reload(solution) -> Solution:
    db.session.expire_all()
    return db.session.get(Solution, solution.id)


def audit_actions(solution) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditLog.action)
            .where(AuditLog.object_type == "solutions", AuditLog.object_id == solution.id)
            .order_by(AuditLog.id)
        )
    )


def test_queue_lists_pending_items_oldest_first(client_for, vendor, moderator):
    first = factories.make_solution(vendor, status="pending", name="Giải pháp A")
    second = factories.make_solution(vendor, status="pending", name="Giải pháp B")
    factories.make_solution(vendor, status="draft", name="Bản nháp riêng tư")
    html = client_for(moderator).get("/moderation/").get_data(as_text=True)
    assert html.index("Giải pháp A") < html.index("Giải pháp B")
    assert "Bản nháp riêng tư" not in html
    assert first.id != second.id


def test_approve_publishes_notifies_and_audits(client_for, vendor, moderator):
    solution = factories.make_solution(vendor, status="pending")
    response = decide(client_for(moderator), f"/moderation/solutions/{solution.id}/approve", "")
    assert response.status_code == 302
    solution = reload(solution)
    assert solution.status == "published" and solution.published_at is not None
    assert audit_actions(solution)[-1] == "solution.approve"
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "solution.approve"))
    assert entry.actor_id == moderator.id
    note = db.session.scalar(select(Notification).where(Notification.user_id == vendor.id))
    assert "đã được phê duyệt" in note.title
    assert (
        db.session.scalar(
            select(func.count(EmailOutbox.id)).where(EmailOutbox.to_email == vendor.email)
        )
        == 1
    )


def test_reject_requires_a_reason(client_for, vendor, moderator):
    solution = factories.make_solution(vendor, status="pending")
    c = client_for(moderator)
    response = decide(c, f"/moderation/solutions/{solution.id}/reject", "   ")
    assert response.status_code == 400
    assert reload(solution).status == "pending"
    # The page comes back with the error under the reject field, not under approve.
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    field = soup.find("textarea", id="reason-reject")
    assert field["aria-invalid"] == "true"
    assert "Vui lòng nhập lý do." in soup.find(id=field["aria-describedby"]).get_text()
    assert soup.find("textarea", id="reason-approve").get("aria-invalid") is None
    # A reason too long keeps what the moderator typed.
    typed = "Mô tả <b>chưa</b> rõ ràng. " * 60
    response = decide(c, f"/moderation/solutions/{solution.id}/reject", typed)
    assert response.status_code == 400
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.find("textarea", id="reason-reject").get_text() == typed.strip()
    assert reload(solution).status == "pending"
    response = decide(c, f"/moderation/solutions/{solution.id}/reject", "Thiếu bảng giá chi tiết")
    assert response.status_code == 302
    solution = reload(solution)
    assert solution.status == "rejected" and solution.status_reason == "Thiếu bảng giá chi tiết"
    note = db.session.scalar(select(Notification).where(Notification.user_id == vendor.id))
    assert "Thiếu bảng giá chi tiết" in note.body
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "solution.reject"))
    assert entry.reason == "Thiếu bảng giá chi tiết"


def test_rejected_listing_can_be_fixed_and_resubmitted(client_for, vendor, moderator):
    solution = factories.make_solution(vendor, status="pending")
    decisions.reject_solution(moderator, solution, "Mô tả chưa rõ")
    db.session.commit()
    response = client_for(vendor).post(f"/vendor/solutions/{solution.id}/submit")
    assert response.status_code == 302
    assert reload(solution).status == "pending"


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("draft", "approve"),
        ("draft", "reject"),
        ("published", "approve"),
        ("rejected", "approve"),
        ("archived", "restore"),
        ("pending", "suspend"),
        ("draft", "suspend"),
        ("published", "restore"),
    ],
)
def test_illegal_transitions_are_refused(client_for, vendor, moderator, status, action):
    solution = factories.make_solution(vendor, status=status)
    response = client_for(moderator).post(
        f"/moderation/solutions/{solution.id}/{action}",
        data={"reason": "Lý do kiểm tra", "version": rules.solution_version(solution)},
    )
    assert response.status_code == 302
    assert reload(solution).status == status
    assert not [a for a in audit_actions(solution) if a != "solution.create"]


@pytest.mark.parametrize("role", ["vendor", "enterprise", "other_vendor"])
def test_only_moderators_decide(client_for, request, vendor, role):
    solution = factories.make_solution(vendor, status="pending")
    user = request.getfixturevalue(role)
    for action in ("approve", "reject", "suspend", "restore"):
        response = client_for(user).post(
            f"/moderation/solutions/{solution.id}/{action}", data={"reason": "x"}
        )
        assert response.status_code == 403
    assert reload(solution).status == "pending"


def test_service_refuses_a_vendor_approving_its_own_listing(app, vendor):
    from werkzeug.exceptions import Forbidden

    solution = factories.make_solution(vendor, status="pending")
    with app.test_request_context(), pytest.raises(Forbidden):
        decisions.approve_solution(vendor, solution)


def test_admin_can_decide_too(client_for, vendor, admin):
    solution = factories.make_solution(vendor, status="pending")
    assert (
        decide(client_for(admin), f"/moderation/solutions/{solution.id}/approve").status_code == 302
    )
    assert reload(solution).status == "published"


def _edit_live(client, solution, **overrides):
    cat = factories.category()
    data = {
        "name": solution.name,
        "tagline": overrides.pop("tagline", "Khẩu hiệu mới sau chỉnh sửa"),
        "description": "Mô tả mới đầy đủ hơn cho giải pháp hóa đơn điện tử của chúng tôi, nhiều chi tiết.",
        "category_id": str(cat.id),
        "deployment": "cloud",
        f"feature-{cat.id}-decree_123": "yes",
        "plans-0-id": str(solution.plans[0].id),
        "plans-0-name": "Cơ bản",
        "plans-0-price_vnd": "1.500.000",
        "plans-0-period": "year",
        "plans-0-trial_days": "30",
        "plans-1-name": "Nâng cao",
        "plans-1-price_vnd": "3.000.000",
        "plans-1-period": "year",
        "plans-1-trial_days": "0",
        "action": "save",
    }
    data.update(overrides)
    return client.post(f"/vendor/solutions/{solution.id}/edit", data=data)


def test_editing_a_live_listing_creates_a_revision_and_keeps_the_live_version(
    client_for, vendor, moderator
):
    solution = factories.make_solution(vendor, status="published")
    live_tagline, plan_id = solution.tagline, solution.plans[0].id
    c = client_for(vendor)
    assert _edit_live(c, solution).status_code == 302
    solution = reload(solution)
    assert solution.tagline == live_tagline  # nothing changed publicly
    assert [p.price_vnd for p in solution.plans] == [1_200_000]
    revision = db.session.scalar(select(SolutionRevision))
    assert revision.status == "draft"
    # Submitting: still the live version.
    assert c.post(f"/vendor/solutions/{solution.id}/submit").status_code == 302
    db.session.expire_all()
    assert db.session.get(SolutionRevision, revision.id).status == "pending"
    assert reload(solution).tagline == live_tagline
    # The vendor cannot edit while it is pending.
    response = _edit_live(c, solution, tagline="Lại sửa tiếp")
    assert response.status_code == 400
    assert "đang chờ duyệt" in response.get_data(as_text=True)
    # The moderator sees a diff against the live version.
    page = client_for(moderator).get(f"/moderation/revisions/{revision.id}").get_data(as_text=True)
    assert live_tagline in page and "Khẩu hiệu mới sau chỉnh sửa" in page
    assert "1.500.000 ₫" in page and "1.200.000 ₫" in page
    # Approving replaces the live version; the plan keeps its id.
    assert (
        decide(client_for(moderator), f"/moderation/revisions/{revision.id}/approve").status_code
        == 302
    )
    solution = reload(solution)
    assert solution.tagline == "Khẩu hiệu mới sau chỉnh sửa"
    active = [p for p in solution.plans if p.active]
    assert [(p.name, p.price_vnd) for p in active] == [
        ("Cơ bản", 1_500_000),
        ("Nâng cao", 3_000_000),
    ]
    assert active[0].id == plan_id
    assert solution.status == "published"
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "revision.approve"))
    assert entry.data["before"]["tagline"] == live_tagline


def test_rejected_revision_leaves_the_live_version_untouched(client_for, vendor, moderator):
    solution = factories.make_solution(vendor, status="published")
    c = client_for(vendor)
    _edit_live(c, solution)
    c.post(f"/vendor/solutions/{solution.id}/submit")
    revision = db.session.scalar(select(SolutionRevision))
    m = client_for(moderator)
    version = seen_version(m, f"/moderation/revisions/{revision.id}")
    refused = decide(m, f"/moderation/revisions/{revision.id}/reject", "")
    assert refused.status_code == 400
    assert 'id="reason-reject-err"' in refused.get_data(as_text=True)
    assert (
        decide(m, f"/moderation/revisions/{revision.id}/reject", "Giá không rõ ràng").status_code
        == 302
    )
    solution = reload(solution)
    assert solution.tagline == "Phát hành hóa đơn điện tử đúng Nghị định 123 trong 5 phút"
    assert [p.price_vnd for p in solution.plans if p.active] == [1_200_000]
    assert db.session.get(SolutionRevision, revision.id).status == "rejected"
    # A second decision on the same revision is refused (replayed post).
    replay = m.post(
        f"/moderation/revisions/{revision.id}/approve", data={"reason": "", "version": version}
    )
    assert replay.status_code == 302
    assert reload(solution).tagline == "Phát hành hóa đơn điện tử đúng Nghị định 123 trong 5 phút"


def test_removed_plan_is_retired_not_deleted(app, vendor, moderator):
    solution = factories.make_solution(vendor, status="published")
    old_plan = solution.plans[0].id
    content = content_of(solution)
    content.plans = [PlanInput(name="Mới", price_vnd=0, period="month")]
    with app.test_request_context():
        services.save_solution(vendor, solution, content)
        services.submit_solution(vendor, solution)
        decisions.approve_revision(moderator, listing_queries.open_revision(solution))
    db.session.commit()
    assert db.session.get(Plan, old_plan).active is False
    assert [p.name for p in reload(solution).active_plans] == ["Mới"]


def test_a_plan_id_of_another_listing_cannot_be_hijacked(app, vendor, moderator, other_vendor):
    victim = factories.make_solution(other_vendor, status="published")
    victim_plan = victim.plans[0]
    solution = factories.make_solution(vendor, status="published")
    content = content_of(solution)
    content.plans = [PlanInput(id=victim_plan.id, name="Chiếm", price_vnd=1, period="month")]
    with app.test_request_context():
        services.save_solution(vendor, solution, content)
        services.submit_solution(vendor, solution)
        decisions.approve_revision(moderator, listing_queries.open_revision(solution))
    db.session.commit()
    db.session.expire_all()
    plan = db.session.get(Plan, victim_plan.id)
    assert plan.solution_id == victim.id and plan.name == "Cơ bản" and plan.price_vnd == 1_200_000


def test_one_open_revision_per_solution_is_a_database_rule(app, vendor):
    solution = factories.make_solution(vendor, status="published")
    db.session.add_all(
        [
            SolutionRevision(solution_id=solution.id, status="draft", content={}),
            SolutionRevision(solution_id=solution.id, status="pending", content={}),
        ]
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_suspend_and_restore_need_reasons(client_for, vendor, moderator):
    solution = factories.make_solution(vendor, status="published")
    m = client_for(moderator)
    assert decide(m, f"/moderation/solutions/{solution.id}/suspend", "").status_code == 400
    assert reload(solution).status == "published"
    decide(m, f"/moderation/solutions/{solution.id}/suspend", "Khiếu nại về bản quyền")
    assert reload(solution).status == "suspended"
    decide(m, f"/moderation/solutions/{solution.id}/restore", "Đã xác minh bản quyền")
    assert reload(solution).status == "published"
    assert audit_actions(solution)[-2:] == ["solution.suspend", "solution.restore"]


def test_vendor_archives_its_published_listing_only(client_for, vendor):
    draft = factories.make_solution(vendor, status="draft")
    live = factories.make_solution(vendor, status="published", name="Giải pháp đang bán")
    c = client_for(vendor)
    c.post(f"/vendor/solutions/{draft.id}/archive")
    assert reload(draft).status == "draft"
    c.post(f"/vendor/solutions/{live.id}/archive")
    assert reload(live).status == "archived"
    assert c.get(f"/vendor/solutions/{live.id}/edit").status_code == 200  # readable
    response = _edit_live(c, live)
    assert response.status_code == 400 and reload(live).status == "archived"


def test_withdraw_returns_a_pending_listing_to_draft(client_for, vendor):
    solution = factories.make_solution(vendor, status="pending")
    client_for(vendor).post(f"/vendor/solutions/{solution.id}/withdraw")
    assert reload(solution).status == "draft"


def test_draft_revision_is_not_visible_to_moderators(client_for, vendor, moderator):
    solution = factories.make_solution(vendor, status="published")
    _edit_live(client_for(vendor), solution)
    revision = db.session.scalar(select(SolutionRevision))
    assert client_for(moderator).get(f"/moderation/revisions/{revision.id}").status_code == 404


def test_audit_log_is_browsable_and_filterable_by_staff_only(
    client_for, vendor, moderator, enterprise
):
    a = factories.make_solution(vendor, status="pending", name="Giải pháp Lọc A")
    b = factories.make_solution(vendor, status="pending", name="Giải pháp Lọc B")
    m = client_for(moderator)
    decide(m, f"/moderation/solutions/{a.id}/approve")
    decide(m, f"/moderation/solutions/{b.id}/reject", "Trùng lặp")
    html = m.get("/moderation/audit?action=solution.reject").get_data(as_text=True)
    assert "Giải pháp Lọc B" in html and "Trùng lặp" in html and "Giải pháp Lọc A" not in html
    html = m.get(f"/moderation/audit?actor={moderator.email}").get_data(as_text=True)
    assert "Giải pháp Lọc A" in html and "Giải pháp Lọc B" in html
    html = m.get("/moderation/audit?from=2020-01-01&to=2020-01-02").get_data(as_text=True)
    assert "Giải pháp Lọc A" not in html
    assert m.get("/moderation/audit?from=not-a-date&page=abc").status_code == 200
    assert client_for(enterprise).get("/moderation/audit").status_code == 403
    assert client_for(vendor).get("/moderation/audit").status_code == 403


def test_verification_request_and_decision(client_for, other_vendor, moderator, enterprise):
    import io

    from PIL import Image

    from marketplace.accounts.models import Organization, VerificationRequest

    buf = io.BytesIO()
    Image.new("RGB", (600, 400), "white").save(buf, "PNG")
    c = client_for(other_vendor)
    org = other_vendor.organization
    form = {
        "legal_name": org.name,
        "tax_code": org.tax_code,
        "address": "Số 1 Trần Hưng Đạo, TP Hải Dương",
        "representative": "Nguyễn Văn Tâm",
        "business_license_no": "0801234567",
    }
    missing_doc = c.post("/vendor/verification", data=form)
    assert missing_doc.status_code == 400 and "Vui lòng tải lên" in missing_doc.get_data(
        as_text=True
    )
    wrong_tax = c.post("/vendor/verification", data={**form, "tax_code": "0999999999"})
    assert wrong_tax.status_code == 400
    response = c.post(
        "/vendor/verification",
        data={**form, "document": (io.BytesIO(buf.getvalue()), "gcn.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    request_row = db.session.scalar(select(VerificationRequest))
    assert request_row.status == "pending"
    assert client_for(enterprise).get("/vendor/verification").status_code == 403
    m = client_for(moderator)
    page = m.get(f"/moderation/verifications/{request_row.id}")
    assert page.status_code == 200 and "Nguyễn Văn Tâm" in page.get_data(as_text=True)
    refused = m.post(f"/moderation/verifications/{request_row.id}/reject", data={"reason": ""})
    assert refused.status_code == 400
    assert 'id="reason-reject-err"' in refused.get_data(as_text=True)
    assert "Nguyễn Văn Tâm" in refused.get_data(as_text=True)
    assert m.post(f"/moderation/verifications/{request_row.id}/approve").status_code == 302
    db.session.expire_all()
    assert db.session.get(Organization, org.id).verified_at is not None
    assert db.session.scalar(
        select(AuditLog.action).where(AuditLog.action == "verification.approve")
    )
    # A decided request cannot be decided again.
    m.post(f"/moderation/verifications/{request_row.id}/reject", data={"reason": "x"})
    assert db.session.get(VerificationRequest, request_row.id).status == "approved"
