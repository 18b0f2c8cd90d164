"""The console's people: finding accounts, (de)activation ending sessions at once, e-mails,
staff roles and invitations, and the last administrator."""

from __future__ import annotations

import datetime as dt
import re

from bs4 import BeautifulSoup
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.core.audit import AuditLog
from marketplace.extensions import db
from marketplace.notifications.models import EmailOutbox
from tests import factories


def _mails(to: str) -> list[EmailOutbox]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(EmailOutbox).where(EmailOutbox.to_email == to).order_by(EmailOutbox.id)
        )
    )


def _audit(action: str) -> list[AuditLog]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action)))


def _reload(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_moderator_and_organisation_users_get_403(client_for, moderator, enterprise, vendor):
    for user in (moderator, enterprise, vendor):
        assert client_for(user).get("/admin/users").status_code == 403


def test_search_folds_vietnamese_and_finds_by_organisation(client_for, admin):
    org = factories.make_org("enterprise", name="Công ty TNHH Bánh Gai Tứ Kỳ")
    factories.make_user("enterprise", org=org, name="Nguyễn Thị Hương", email="huong@example.vn")
    factories.make_user("enterprise", name="Trần Văn Bình", email="binh@example.vn")
    client = client_for(admin)
    page = client.get("/admin/users?q=nguyen+thi+huong").get_data(as_text=True)
    assert "Nguyễn Thị Hương" in page and "Trần Văn Bình" not in page
    page = client.get("/admin/users?q=banh+gai+tu+ky").get_data(as_text=True)
    assert "Nguyễn Thị Hương" in page and "Trần Văn Bình" not in page
    page = client.get("/admin/users?q=BINH@EXAMPLE").get_data(as_text=True)
    assert "Trần Văn Bình" in page and "Nguyễn Thị Hương" not in page


def test_search_pages_and_filters(client_for, admin):
    for n in range(30):
        factories.make_user("vendor", name=f"Người bán {n:02d}")
    client = client_for(admin)
    first = client.get("/admin/users?role=vendor").get_data(as_text=True)
    second = client.get("/admin/users?role=vendor&page=2").get_data(as_text=True)
    assert "30 người dùng" in first
    assert "Người bán 29" in first and "Người bán 29" not in second
    assert "Người bán 00" in second
    # Junk filters and pages are ignored, never an error.
    assert client.get("/admin/users?role=x&status=zz&page=99999999999").status_code == 200
    assert client.get("/admin/users?q=" + "đ" * 500).status_code == 200


def test_person_page_shows_roles_verification_and_throttle(client_for, admin, enterprise):
    page = client_for(admin).get(f"/admin/users/{enterprise.id}").get_data(as_text=True)
    assert enterprise.email in page
    assert enterprise.organization.name in page
    assert "Chủ sở hữu" in page
    assert 'id="throttle"' in page


def _facts(client, user: User) -> dict[str, str]:
    page = BeautifulSoup(
        client.get(f"/admin/users/{user.id}").get_data(as_text=True), "html.parser"
    )
    facts = page.select_one("#person-facts")
    return {
        dt_.get_text(strip=True): dt_.find_next_sibling("dd").get_text(strip=True)
        for dt_ in facts.find_all("dt")
    }


def test_person_page_shows_last_sign_in_and_email_verification(client_for, admin, enterprise):
    enterprise.last_login_at = dt.datetime(2026, 3, 26, 7, 5, tzinfo=dt.UTC)
    enterprise.email_verified_at = dt.datetime(2026, 3, 1, 2, 30, tzinfo=dt.UTC)
    newcomer = factories.make_user("enterprise", email_verified=False)
    db.session.commit()
    client = client_for(admin)
    facts = _facts(client, enterprise)  # shown in Asia/Ho_Chi_Minh (UTC+7)
    assert facts["Đăng nhập gần nhất"] == "26/03/2026 14:05"
    assert facts["Xác thực e-mail"] == "01/03/2026 09:30"
    facts = _facts(client, newcomer)
    assert facts["Đăng nhập gần nhất"] == "Chưa đăng nhập"
    assert facts["Xác thực e-mail"] == "Chưa xác thực"


def test_deactivation_signs_out_an_open_session_and_reactivation_restores(
    client_for, admin, enterprise
):
    person = client_for(enterprise)
    assert person.get("/account/profile").status_code == 200
    response = client_for(admin).post(
        f"/admin/users/{enterprise.id}/deactivate", data={"deactivate-reason": "Giả mạo"}
    )
    assert response.status_code == 302
    assert _reload(enterprise).active is False
    # The next request of the open session is a stranger's: a JSON client is told 401
    # rather than sent to the sign-in page, a browser is sent there.
    response = person.get("/account/profile", headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    response = person.get("/account/profile")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    # Forms refuse them, and they cannot sign in again.
    assert person.post("/account/profile", data={"name": "X", "locale": "vi"}).status_code == 302
    again = person.post(
        "/auth/login", data={"email": enterprise.email, "password": factories.PASSWORD}
    )
    assert again.status_code == 400
    entry = _audit("admin.user_deactivate")[0]
    assert entry.reason == "Giả mạo"
    assert entry.data == {"before": {"active": True}, "after": {"active": False}}
    # Reactivation: the person signs in as before.
    response = client_for(admin).post(
        f"/admin/users/{enterprise.id}/reactivate", data={"reactivate-reason": "Đã xác minh"}
    )
    assert response.status_code == 302
    assert client_for(_reload(enterprise)).get("/account/profile").status_code == 200


def test_deactivation_needs_a_reason_kept_by_the_field(client_for, admin, enterprise):
    response = client_for(admin).post(
        f"/admin/users/{enterprise.id}/deactivate", data={"deactivate-reason": "  "}
    )
    assert response.status_code == 400
    assert "Vui lòng nhập lý do." in response.get_data(as_text=True)
    assert _reload(enterprise).active is True


def test_two_admins_one_closes_the_other_and_the_last_one_stays(client_for, admin):
    """Through the routes: A closes B's account (B's open session ends at once); A, now the
    only active administrator, can neither close nor demote their own account."""
    other = factories.make_user("admin", name="Quản trị viên B")
    a, b = client_for(admin), client_for(other)
    assert b.get("/admin/").status_code == 200
    response = a.post(f"/admin/users/{other.id}/deactivate", data={"deactivate-reason": "Nghỉ"})
    assert response.status_code == 302
    assert _reload(other).active is False
    gone = b.get("/admin/")
    assert gone.status_code == 302 and "/auth/login" in gone.headers["Location"]
    assert _audit("admin.user_deactivate")[0].object_id == other.id
    for url, data, message in (
        (
            f"/admin/users/{admin.id}/deactivate",
            {"deactivate-reason": "Thử"},
            "Bạn không thể tự khóa tài khoản của mình.",
        ),
        (
            f"/admin/users/{admin.id}/role",
            {"role-role": "moderator"},
            "Bạn không thể tự đổi vai trò của mình.",
        ),
    ):
        refused = a.post(url, data=data, follow_redirects=True)
        assert message in refused.get_data(as_text=True), url
    me = _reload(admin)
    assert (me.active, me.role) == (True, "admin")
    active_admins = db.session.scalars(
        select(User.id).where(User.role == "admin", User.active.is_(True))
    ).all()
    assert active_admins == [admin.id]
    assert a.get("/admin/").status_code == 200
    assert len(_audit("admin.user_deactivate")) == 1 and not _audit("admin.staff_role_change")


def test_the_last_active_admin_stays(app, admin):
    """Acting on oneself is refused, so the rule bites when two admins act on each other at
    once: each sees the other; the rows are locked (PostgreSQL) and the count read again."""
    from marketplace.admin import people
    from marketplace.admin.rules import ConsoleError

    other = factories.make_user("admin")
    with app.test_request_context():
        people.deactivate_user(admin, other, "nghỉ việc")
        db.session.commit()
        try:
            people._keep_an_admin(admin)
        except ConsoleError as err:
            assert "cuối cùng" in err.message
        else:
            raise AssertionError("the last active admin could be taken away")
        people._keep_an_admin(other)  # an inactive admin is not the last active one


def test_staff_role_change_is_audited_and_limited_to_staff(
    client_for, admin, moderator, enterprise
):
    client = client_for(admin)
    assert (
        client.post(f"/admin/users/{moderator.id}/role", data={"role-role": "admin"}).status_code
        == 302
    )
    assert _reload(moderator).role == "admin"
    assert _audit("admin.staff_role_change")[0].data == {
        "before": {"role": "moderator"},
        "after": {"role": "admin"},
    }
    client.post(f"/admin/users/{enterprise.id}/role", data={"role-role": "admin"})
    assert _reload(enterprise).role == "enterprise"
    bad = client.post(f"/admin/users/{moderator.id}/role", data={"role-role": "owner"})
    assert bad.status_code == 400


def test_password_reset_and_verification_emails(client_for, admin):
    unverified = factories.make_user("enterprise", email_verified=False)
    client = client_for(admin)
    client.post(f"/admin/users/{unverified.id}/password-reset").close()
    client.post(f"/admin/users/{unverified.id}/resend-verification").close()
    bodies = [m.body_text for m in _mails(unverified.email)]
    assert any("/auth/reset/" in b for b in bodies)
    assert any("/auth/verify/" in b for b in bodies)
    assert _audit("admin.user_password_reset") and _audit("admin.user_resend_verification")


def test_staff_invitation_sets_own_password_once(client_for, admin, make_client):
    client = client_for(admin)
    response = client.post(
        "/admin/staff/invite",
        data={"name": "Lê Thị Mai", "email": "Mai.Le@Example.vn", "role": "moderator"},
    )
    response.close()
    assert response.status_code == 302
    invited = db.session.scalar(select(User).where(User.email == "mai.le@example.vn"))
    assert invited.role == "moderator" and invited.email_verified_at is None
    link = re.search(r"https?://\S+(/staff-invitation/\S+)", _mails(invited.email)[-1].body_text)
    path = link.group(1)
    browser = make_client()
    assert "Lê Thị Mai" in browser.get(path).get_data(as_text=True)
    weak = browser.post(path, data={"password": "123", "confirm": "123"})
    assert weak.status_code == 400
    new = "mat-khau-kiem-duyet-2026"
    assert browser.post(path, data={"password": new, "confirm": new}).status_code == 302
    assert browser.get(path).status_code == 404  # used once
    signed_in = browser.post("/auth/login", data={"email": invited.email, "password": new})
    assert signed_in.status_code == 302
    assert _reload(invited).email_verified_at is not None


def test_staff_invitation_refuses_a_taken_address_by_the_field(client_for, admin, enterprise):
    response = client_for(admin).post(
        "/admin/staff/invite",
        data={"name": "Ai Đó", "email": enterprise.email.upper(), "role": "admin"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Địa chỉ này đã có tài khoản." in page and "Ai Đó" in page
