"""Personal data rights: the export holds the person's own data and nobody else's; erasure
leaves no personal field of the person anywhere and the organisation keeps working."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from marketplace.accounts import personal_data, reset
from marketplace.accounts.legal import record_consents
from marketplace.accounts.models import User
from marketplace.core.audit import AuditLog
from marketplace.extensions import db
from marketplace.notifications import services as notifications
from marketplace.reviews import rules as reviews_rules
from marketplace.reviews import services as reviews
from marketplace.trials import rules as trials_rules
from marketplace.trials import services as trials
from tests import factories

TODAY = dt.date(2026, 12, 1)


def _request_trial(user, solution, *, contact: str, phone: str):
    return trials.request_trial(
        user,
        solution,
        trials_rules.TrialInput(
            plan_id=solution.plans[0].id,
            contact_name=contact,
            contact_phone=phone,
            preferred_start=TODAY,
            users_count=3,
            message="Chúng tôi muốn dùng thử cho phòng kế toán.",
        ),
        today=TODAY,
    )


def _review(user, solution, title: str):
    return reviews.record_review(
        user,
        solution,
        reviews_rules.ReviewInput(
            overall=4,
            ease_of_use=4,
            features=5,
            support=4,
            value=4,
            title=title,
            body="Đã dùng thử và mua gói năm, phần mềm ổn định.",
        ),
    )


def _used_trial(user, vendor, solution, *, contact: str, phone: str):
    trial = _request_trial(user, solution, contact=contact, phone=phone)
    trials.accept_trial(vendor, trial, instructions="Đăng nhập tại demo.vn")
    trials.start_trial(vendor, trial, today=TODAY - dt.timedelta(days=20))
    trials.end_trial(vendor, trial)
    return trial


@pytest.fixture
def world(app, vendor):
    """Two enterprises that each tried, reviewed and were notified about the same listing."""
    solution = factories.make_solution(vendor)
    org_a = factories.make_org("enterprise", name="Công ty TNHH Gốm Chu Đậu", phone="0220111222")
    duyen = factories.make_user(
        "enterprise", org=org_a, name="Trương Thị Mỹ Duyên", email="duyen.truong@gomchudau.vn"
    )
    colleague = factories.make_user("enterprise", org=org_a, name="Vũ Văn Khải")
    org_b = factories.make_org("enterprise", name="Hợp tác xã Vải Thanh Hà", phone="0220333444")
    other = factories.make_user(
        "enterprise", org=org_b, name="Phạm Minh Tuấn", email="tuan.pham@vaithanhha.vn"
    )
    with app.test_request_context():
        _used_trial(duyen, vendor, solution, contact="Trương Thị Mỹ Duyên", phone="0977111222")
        _used_trial(other, vendor, solution, contact="Phạm Minh Tuấn", phone="0966555444")
        mine = _review(duyen, solution, "Gốm Chu Đậu hài lòng")
        theirs = _review(other, solution, "Vải Thanh Hà đánh giá riêng")
        reviews.vote_helpful(duyen, theirs)
        reviews.vote_helpful(other, mine)
        record_consents(duyen)
        record_consents(other)
        notifications.notify(duyen, kind="test", title="Chào Trương Thị Mỹ Duyên", link="/")
        notifications.notify(other, kind="test", title="Chào Phạm Minh Tuấn", link="/")
        reset.request_reset(duyen.email)
    db.session.commit()
    return {
        "solution": solution,
        "duyen": duyen,
        "colleague": colleague,
        "other": other,
        "mine": mine,
        "theirs": theirs,
    }


# ---------------------------------------------------------------- export


def test_the_export_is_a_utf8_json_attachment_of_the_persons_own_data(client, login, world):
    login(client, world["duyen"])
    response = client.get("/account/export")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Cache-Control"] == "no-store"
    raw = response.get_data()
    text = raw.decode("utf-8")
    assert "Trương Thị Mỹ Duyên" in text  # readable Vietnamese, not \u escapes
    data = json.loads(text)
    assert data["profile"]["email"] == "duyen.truong@gomchudau.vn"
    assert data["profile"]["email_verified_at"]
    assert [o["name"] for o in data["organizations"]] == ["Công ty TNHH Gốm Chu Đậu"]
    assert data["organizations"][0]["role"] == "owner"
    assert [t["contact_phone"] for t in data["trials"]] == ["0977111222"]
    assert [r["title"] for r in data["reviews"]["written"]] == ["Gốm Chu Đậu hài lòng"]
    assert [v["review_id"] for v in data["reviews"]["helpful_votes"]] == [world["theirs"].id]
    assert {c["document"] for c in data["consents"]} == {"terms", "privacy"}
    assert "Chào Trương Thị Mỹ Duyên" in [n["title"] for n in data["notifications"]["in_app"]]
    assert any(e["action"] == "trial.request" for e in data["audit_log"])
    assert "payments" in data
    # Nothing of the other organisation, and no secret.
    for foreign in (
        "Phạm Minh Tuấn",
        "tuan.pham@vaithanhha.vn",
        "0966555444",
        "Vải Thanh Hà",
        "Hợp tác xã",
        world["other"].organization.tax_code,
        "0220333444",
    ):
        assert foreign not in text, foreign
    duyen = db.session.get(User, world["duyen"].id)
    assert duyen.password_hash not in text
    assert "/auth/reset/" not in text and "password_hash" not in text


def test_the_export_needs_a_session(client):
    response = client.get("/account/export")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


# ---------------------------------------------------------------- erasure


def _scan_for(needles: list[str]) -> list[tuple[str, str, str]]:
    """Return (table, column, value) of every stored text that contains one of `needles`."""
    found = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).mappings():
            for column, value in row.items():
                if value is None or isinstance(value, (int, float, bool, dt.date)):
                    continue
                text = (
                    json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
                )
                hits = [n for n in needles if n.lower() in text.lower()]
                if hits:
                    found.append((table.name, column, text[:120]))
    return found


def _delete(client, password: str = factories.PASSWORD, confirmation: str = "xoá tài khoản"):
    return client.post(
        "/account/delete", data={"current_password": password, "confirmation": confirmation}
    )


def test_erasure_leaves_no_personal_field_and_the_organisation_keeps_working(
    client, login, make_client, world, vendor
):
    duyen, colleague = world["duyen"], world["colleague"]
    needles = ["Trương Thị Mỹ Duyên", "duyen.truong@gomchudau.vn", "0977111222"]
    assert _scan_for(needles)  # the scan finds them before
    login(client, duyen)
    remembered = make_client()
    login(remembered, duyen)
    answer = _delete(client)
    assert answer.status_code == 302
    db.session.expire_all()

    assert _scan_for(needles) == []
    erased = db.session.get(User, duyen.id)
    assert erased.name == "Người dùng đã xoá" and erased.email.endswith("@deleted.invalid")
    assert not erased.active and erased.deleted_at is not None
    # Signed out everywhere; the old credentials open nothing.
    for browser in (client, remembered):
        page = browser.get("/account/profile")
        assert page.status_code == 302 and "/auth/login" in page.headers["Location"]
    again = make_client().post(
        "/auth/login", data={"email": "duyen.truong@gomchudau.vn", "password": factories.PASSWORD}
    )
    assert again.status_code == 400  # the sign-in form again: no such account

    # The organisation's records stay, attributed to it; its colleague carries on.
    review = db.session.get(type(world["mine"]), world["mine"].id)
    assert review.organization_name == "Công ty TNHH Gốm Chu Đậu" and review.is_published
    login(make_client(), colleague)
    other_browser = make_client()
    login(other_browser, colleague)
    trials_page = other_browser.get("/account/trials")
    assert trials_page.status_code == 200
    assert world["solution"].name in trials_page.get_data(as_text=True)
    assert other_browser.get(f"/solutions/{world['solution'].slug}").status_code == 200
    # The audit log keeps a pseudonymous actor.
    entries = db.session.scalars(select(AuditLog).where(AuditLog.actor_id == duyen.id)).all()
    assert {e.action for e in entries} >= {"trial.request", "user.erased"}
    assert erased.public_label == f"user #{duyen.id} (đã xoá)"
    moderator = factories.make_user("moderator")
    staff = make_client()
    login(staff, moderator)
    audit = staff.get("/moderation/audit").get_data(as_text=True)
    assert f"user #{duyen.id} (đã xoá)" in audit
    # The other organisation is untouched.
    assert db.session.get(User, world["other"].id).name == "Phạm Minh Tuấn"


def test_erasure_needs_the_password_and_the_typed_words(client, login, world):
    login(client, world["duyen"])
    page = client.get("/account/delete")
    assert page.status_code == 200 and "XOÁ TÀI KHOẢN" in page.get_data(as_text=True)
    wrong = _delete(client, password="sai-mat-khau-1")
    assert wrong.status_code == 400 and "Mật khẩu hiện tại không đúng" in wrong.get_data(
        as_text=True
    )
    not_typed = _delete(client, confirmation="xoa")
    assert not_typed.status_code == 400
    assert db.session.get(User, world["duyen"].id).deleted_at is None
    assert client.get("/account/profile").status_code == 200


def test_password_guesses_on_the_deletion_form_are_throttled(client, login, world):
    login(client, world["duyen"])
    for _ in range(5):
        assert _delete(client, password="sai-mat-khau-1").status_code == 400
    refused = _delete(client)  # even the right password waits now
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert db.session.get(User, world["duyen"].id).deleted_at is None


def test_the_only_owner_with_colleagues_must_transfer_first(app, monkeypatch, world):
    """With memberships an owner may be the only one: then erasure waits (one function)."""
    from marketplace.accounts.models import Membership

    duyen = world["duyen"]
    rows = db.session.scalars(
        select(Membership).where(Membership.organization_id == duyen.organization_id)
    ).all()
    assert len(rows) == 2
    for row in rows:
        row.role = "owner" if row.user_id == duyen.id else "member"
    db.session.flush()
    allowed, reason = personal_data.can_delete_account(duyen)
    assert not allowed and "chủ sở hữu duy nhất" in reason
    # One of several owners: allowed.
    for row in rows:
        row.role = "owner"
    db.session.flush()
    assert personal_data.can_delete_account(duyen) == (True, None)
    # Alone in the organisation: allowed.
    db.session.delete(next(row for row in rows if row.user_id != duyen.id))
    db.session.flush()
    assert personal_data.can_delete_account(duyen) == (True, None)


def test_staff_cannot_erase_themselves(client, login):
    moderator = factories.make_user("moderator")
    login(client, moderator)
    assert client.get("/account/delete").status_code == 200
    refused = _delete(client)
    assert refused.status_code == 409
    assert db.session.get(User, moderator.id).deleted_at is None
