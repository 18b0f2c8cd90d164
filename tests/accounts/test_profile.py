"""Profile, organisation profile and password change."""

from __future__ import annotations

from marketplace.accounts.models import User
from marketplace.extensions import db
from tests import factories


def test_profile_update_changes_name_and_language(client_for, enterprise):
    c = client_for(enterprise)
    response = c.post("/account/profile", data={"name": "Đỗ Thị Lan", "locale": "en"})
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, enterprise.id)
    assert user.name == "Đỗ Thị Lan" and user.locale == "en"
    assert "Personal details" in c.get("/account/profile").get_data(as_text=True)


def test_profile_requires_a_name_and_keeps_input(client_for, enterprise):
    c = client_for(enterprise)
    response = c.post("/account/profile", data={"name": "   ", "locale": "vi"})
    assert response.status_code == 400
    assert "Vui lòng nhập thông tin này." in response.get_data(as_text=True)


def test_password_change_needs_the_current_password(client_for, enterprise):
    c = client_for(enterprise)
    response = c.post(
        "/account/password",
        data={
            "current_password": "wrong-one-123",
            "password": "moi-mat-khau-2026",
            "confirm": "moi-mat-khau-2026",
        },
    )
    assert response.status_code == 400
    assert "Mật khẩu hiện tại không đúng." in response.get_data(as_text=True)


def test_password_change_ends_other_sessions_but_not_this_one(client_for, enterprise, make_client):
    first = client_for(enterprise)
    second = client_for(enterprise)
    response = first.post(
        "/account/password",
        data={
            "current_password": factories.PASSWORD,
            "password": "moi-mat-khau-2026",
            "confirm": "moi-mat-khau-2026",
        },
    )
    assert response.status_code == 302
    assert first.get("/account/").status_code == 200
    assert second.get("/account/").status_code == 302
    fresh = make_client()
    ok = fresh.post(
        "/auth/login", data={"email": enterprise.email, "password": "moi-mat-khau-2026"}
    )
    assert ok.status_code == 302


def test_members_edit_their_organisation(client_for, enterprise):
    c = client_for(enterprise)
    page = c.get("/account/organization")
    assert enterprise.organization.tax_code in page.get_data(as_text=True)
    response = c.post(
        "/account/organization",
        data={
            "org_name": "Công ty TNHH Gốm Chu Đậu",
            "tax_code": "0800000094",
            "commune_code": "10606",
            "industry": "manufacturing",
            "size_band": "micro",
            "phone": "0220 3700 111",
            "website": "https://gomchudau.vn",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    org = db.session.get(User, enterprise.id).organization
    assert org.name == "Công ty TNHH Gốm Chu Đậu" and org.commune_code == "10606"
    assert org.phone == "02203700111"


def test_staff_have_no_organisation_page(client_for, moderator):
    assert client_for(moderator).get("/account/organization").status_code == 403
