"""Personal data rights: the export holds the person's own data and nobody else's; erasure
leaves no personal field of the person anywhere and the organisation keeps working."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from marketplace.accounts import join_requests, personal_data, reset, teams
from marketplace.accounts.legal import record_consents
from marketplace.accounts.models import Invitation, JoinRequest, Membership, User
from marketplace.core.audit import AuditLog
from marketplace.extensions import db
from marketplace.notifications import services as notifications
from marketplace.notifications.models import EmailOutbox
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
    """Two enterprises that each tried, reviewed and were notified about the same listing.

    Before registering her own company, Duyên had asked to join a third one (still pending).
    """
    solution = factories.make_solution(vendor)
    org_c = factories.make_org("enterprise", name="Công ty CP Sơn mài Hạ Thái")
    hai = factories.make_user("enterprise", org=org_c, name="Đỗ Quang Hải")
    with app.test_request_context():
        join_requests.request_to_join(
            org_c,
            email="duyen.truong@gomchudau.vn",
            name="Trương Thị Mỹ Duyên",
            password="mat-khau-cua-duyen-2026",
            message="Tôi là Trương Thị Mỹ Duyên, phụ trách kế toán.",
        )
    db.session.commit()
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
        "hai": hai,
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


def _accept_invitation(app, owner, user) -> None:
    """`owner` invites `user` from the members page's rule; `user` opens the e-mailed link."""
    with app.test_request_context():
        teams.invite(owner, user.email, "member")
        body = db.session.scalars(
            select(EmailOutbox.body_text)
            .where(EmailOutbox.to_email == user.email)
            .order_by(EmailOutbox.id.desc())
        ).first()
        token = body.split("/invitations/")[1].split()[0]
        own_org = user.organization_id
        teams.accept_invitation(user, token)
        teams.switch_organization(user, own_org)
    db.session.commit()


def test_erasure_leaves_no_personal_field_and_the_organisation_keeps_working(
    app, client, login, make_client, world, vendor
):
    duyen, colleague = world["duyen"], world["colleague"]
    _accept_invitation(app, world["hai"], duyen)
    needles = ["Trương Thị Mỹ Duyên", "duyen.truong@gomchudau.vn", "0977111222"]
    found = {table for table, _column, _value in _scan_for(needles)}
    assert {"users", "invitations", "join_requests"} <= found  # found before
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
    assert db.session.scalars(select(Membership).where(Membership.user_id == duyen.id)).all() == []
    invitation = db.session.scalar(select(Invitation).where(Invitation.accepted_by_id == duyen.id))
    assert invitation.email == erased.email
    join = db.session.scalar(select(JoinRequest).where(JoinRequest.email == erased.email))
    assert (join.name, join.password_hash, join.message) == ("Người dùng đã xoá", "!erased", None)
    assert join.status == "refused"  # nobody can accept it any more
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


def test_after_one_of_two_owners_erases_their_account_the_other_is_the_last_owner(
    client, login, make_client, world
):
    duyen, colleague = world["duyen"], world["colleague"]
    org_id = duyen.organization_id
    roles = db.session.scalars(
        select(Membership.role).where(Membership.organization_id == org_id)
    ).all()
    assert roles == ["owner", "owner"]
    login(client, duyen)
    assert _delete(client).status_code == 302

    browser = make_client()
    login(browser, colleague)
    page = browser.get("/account/members").get_data(as_text=True)
    assert "Vũ Văn Khải" in page
    assert "Người dùng đã xoá" not in page and f"deleted-{duyen.id}@" not in page
    refused = browser.post("/account/members/leave")
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/account/members")
    assert "chủ sở hữu cuối cùng" in browser.get("/account/members").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalars(
        select(Membership.user_id).where(Membership.organization_id == org_id)
    ).all() == [colleague.id]


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
