"""Joining an organisation: an invitation's link proves the address and records consent; a
join request reaches the owners in the app."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.accounts import join_requests, roles
from marketplace.accounts.legal import consents_of, current_versions
from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from tests import factories
from tests.accounts.test_teams import NEW_PASSWORD, _invite, _mail_link


def _signup(browser, link: str, **overrides):
    data = {
        "name": "Lê Thị Mai",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
        "accept_terms": "y",
    }
    data.update(overrides)
    return browser.post(link, data=data)


def test_a_new_account_made_from_an_invitation_is_verified_and_has_consented(
    client_for, make_client, enterprise
):
    _invite(client_for(enterprise), "mai.le@example.vn")
    link = _mail_link("mai.le@example.vn")
    browser = make_client()
    refused = _signup(browser, link, accept_terms="")
    assert refused.status_code == 400
    assert db.session.scalar(select(User).where(User.email == "mai.le@example.vn")) is None

    assert _signup(browser, link).status_code == 302
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "mai.le@example.vn"))
    assert user.email_verified_at is not None and roles.email_verified(user)
    assert {c.document: c.version for c in consents_of(user)} == current_versions()
    # Verified: no banner asks them to confirm the address.
    page = browser.get("/account/members").get_data(as_text=True)
    assert "verify-banner" not in page


def test_an_unverified_account_joining_from_its_invited_address_becomes_verified(
    client_for, enterprise
):
    invitee = factories.make_user("enterprise", email_verified=False)
    _invite(client_for(enterprise), invitee.email)
    link = _mail_link(invitee.email)
    assert client_for(invitee).post(link).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, invitee.id).email_verified_at is not None


def test_a_join_request_is_an_in_app_notice_for_each_owner_only(app, client_for, enterprise):
    org = enterprise.organization
    second_owner = factories.make_user("enterprise", org=org)
    manager = factories.make_user("enterprise", org=org, org_role="manager")
    with app.test_request_context():
        join_requests.request_to_join(
            org, email="xin.vao@example.vn", name="Đặng Văn Lâm", password=NEW_PASSWORD
        )
    db.session.commit()
    notices = db.session.scalars(
        select(Notification).where(Notification.kind == "members.join_request")
    ).all()
    assert sorted(n.user_id for n in notices) == sorted([enterprise.id, second_owner.id])
    assert manager.id not in {n.user_id for n in notices}
    for notice in notices:
        assert "Đặng Văn Lâm (xin.vao@example.vn)" in notice.title
        assert notice.link == "/account/members"
    inbox = client_for(enterprise).get("/notifications/").get_data(as_text=True)
    assert "Đặng Văn Lâm (xin.vao@example.vn) xin gia nhập" in inbox
