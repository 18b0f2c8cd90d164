"""Organisations with members: invitations, roles, removal, ownership, switching, join requests."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from marketplace.accounts import join_requests, teams
from marketplace.accounts.models import Invitation, JoinRequest, Membership, Organization, User
from marketplace.core.audit import AuditLog
from marketplace.core.database import utcnow
from marketplace.extensions import db
from marketplace.notifications.models import EmailOutbox, Notification
from tests import factories

NEW_PASSWORD = "mat-khau-dong-nghiep-2026"


def _mail_link(to: str, path: str = "/invitations/") -> str:
    db.session.expire_all()
    body = db.session.scalars(
        select(EmailOutbox.body_text).where(EmailOutbox.to_email == to).order_by(EmailOutbox.id)
    ).all()[-1]
    return re.search(r"https?://\S+?(" + re.escape(path) + r"\S+)", body).group(1)


def _invite(client, email: str, role: str = "member"):
    return client.post("/account/members/invite", data={"email": email, "role": role})


def _role_of(user: User, org_id: int) -> str | None:
    db.session.expire_all()
    return db.session.scalar(
        select(Membership.role).where(
            Membership.user_id == user.id, Membership.organization_id == org_id
        )
    )


def _text(response) -> str:
    return response.get_data(as_text=True)


# ---------------------------------------------------------------- invitations


def test_owner_invites_and_the_colleague_joins_from_the_e_mailed_link(
    client_for, make_client, enterprise
):
    owner = client_for(enterprise)
    assert _invite(owner, "Dong.Nghiep@Example.VN", "manager").status_code == 302
    link = _mail_link("dong.nghiep@example.vn")
    invitation = db.session.scalar(select(Invitation))
    assert invitation.email == "dong.nghiep@example.vn"
    assert invitation.expires_at - invitation.created_at == dt.timedelta(days=7)
    assert link.split("/")[-1] not in invitation.token_hash  # stored hashed only

    browser = make_client()
    page = browser.get(link)
    assert page.status_code == 200 and "Tạo tài khoản và tham gia" in _text(page)
    response = browser.post(
        link,
        data={
            "name": "Lê Văn Đồng",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "accept_terms": "y",
        },
    )
    assert response.status_code == 302
    colleague = db.session.scalar(select(User).where(User.email == "dong.nghiep@example.vn"))
    assert colleague.organization_id == enterprise.organization_id
    assert _role_of(colleague, enterprise.organization_id) == "manager"
    assert browser.get("/account/members").status_code == 200
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"member.invite", "member.join"} <= actions
    # Reused: the link works once.
    again = make_client().get(link)
    assert again.status_code == 400 and "chỉ dùng được một lần" in _text(again)


def test_an_invitee_with_an_account_signs_in_with_the_invited_e_mail_then_joins(
    client_for, enterprise, other_enterprise
):
    own_org = other_enterprise.organization_id
    owner = client_for(enterprise)
    _invite(owner, other_enterprise.email)
    link = _mail_link(other_enterprise.email)
    invitee = client_for(other_enterprise)
    assert invitee.get(link).status_code == 200
    assert invitee.post(link).status_code == 302
    assert _role_of(other_enterprise, enterprise.organization_id) == "member"
    # They now act for the new organisation and still belong to their own.
    assert _role_of(other_enterprise, own_org) == "owner"
    assert other_enterprise.organization_id == enterprise.organization_id


def test_an_invitation_opened_by_another_signed_in_e_mail_is_refused(
    client_for, enterprise, other_enterprise
):
    owner = client_for(enterprise)
    _invite(owner, "someone.else@example.vn")
    link = _mail_link("someone.else@example.vn")
    stranger = client_for(other_enterprise)
    page = stranger.get(link)
    assert page.status_code == 403 and "địa chỉ e-mail khác" in _text(page)
    refused = stranger.post(link)
    assert refused.status_code == 403
    assert _role_of(other_enterprise, enterprise.organization_id) is None


def test_expired_tampered_and_revoked_invitations_are_refused(client_for, make_client, enterprise):
    old = teams.invite(enterprise, "cu@example.vn", "member", now=utcnow() - dt.timedelta(days=8))
    db.session.commit()
    expired_link = _mail_link("cu@example.vn")
    browser = make_client()
    expired = browser.get(expired_link)
    assert expired.status_code == 400 and "hết hạn" in _text(expired)
    assert old.is_open

    tampered = browser.get(expired_link[:-3] + "abc")
    assert tampered.status_code == 400 and "không hợp lệ" in _text(tampered)
    assert browser.get("/invitations/" + "x" * 500).status_code == 400

    owner = client_for(enterprise)
    _invite(owner, "moi@example.vn")
    link = _mail_link("moi@example.vn")
    invitation = db.session.scalar(select(Invitation).where(Invitation.email == "moi@example.vn"))
    assert owner.post(f"/account/invitations/{invitation.id}/revoke").status_code == 302
    revoked = browser.get(link)
    assert revoked.status_code == 400 and "thu hồi" in _text(revoked)


def test_a_new_invitation_to_the_same_address_replaces_the_open_one(
    client_for, make_client, enterprise
):
    owner = client_for(enterprise)
    _invite(owner, "lai@example.vn")
    first = _mail_link("lai@example.vn")
    _invite(owner, "lai@example.vn")
    assert make_client().get(first).status_code == 400
    assert make_client().get(_mail_link("lai@example.vn")).status_code == 200


def test_who_may_invite_and_whom(client_for, enterprise):
    org = enterprise.organization
    manager = factories.make_user("enterprise", org=org, org_role="manager")
    member = factories.make_user("enterprise", org=org, org_role="member")
    as_manager = client_for(manager)
    refused = _invite(as_manager, "chu@example.vn", "owner")
    assert refused.status_code == 403
    assert _invite(as_manager, "nv@example.vn", "member").status_code == 302
    assert _invite(client_for(member), "x@example.vn", "member").status_code == 403
    # A member sees the list but not the invitation form.
    page = _text(client_for(member).get("/account/members"))
    assert manager.name in page and "Gửi lời mời" not in page
    assert _invite(client_for(enterprise), "chu@example.vn", "owner").status_code == 302


def test_bad_invitation_input_stays_on_the_page_with_the_error(client_for, enterprise):
    owner = client_for(enterprise)
    response = _invite(owner, "khong-phai-email", "member")
    assert response.status_code == 400 and "khong-phai-email" in _text(response)
    response = _invite(owner, enterprise.email, "member")
    assert response.status_code == 400 and "đã là thành viên" in _text(response)
    assert _invite(owner, "a@example.vn", "boss").status_code == 400


# ---------------------------------------------------------------- members


def test_a_removed_member_is_signed_out_at_once(client_for, enterprise):
    member = factories.make_user("enterprise", org=enterprise.organization, org_role="member")
    theirs = client_for(member)
    assert theirs.get("/account/trials").status_code == 200
    row = db.session.scalar(select(Membership).where(Membership.user_id == member.id))
    owner = client_for(enterprise)
    assert owner.post(f"/account/members/{row.id}/remove").status_code == 302
    after = theirs.get("/account/trials")
    assert after.status_code == 302 and "/auth/login" in after.headers["Location"]
    # Signing in again leads to the organisation list, not to the old organisation's pages.
    again = client_for(member)
    trials = again.get("/account/trials")
    assert trials.status_code == 302 and "/account/organizations" in trials.headers["Location"]
    assert "không còn là thành viên" in _text(again.get("/account/organizations"))
    notes = db.session.scalars(select(Notification.kind).where(Notification.user_id == member.id))
    assert "members.removed" in set(notes)


def test_outsiders_cannot_see_or_change_another_organisations_members(
    client_for, enterprise, other_enterprise
):
    row = db.session.scalar(select(Membership).where(Membership.user_id == enterprise.id))
    stranger = client_for(other_enterprise)
    assert enterprise.email not in _text(stranger.get("/account/members"))
    for action in ("remove", "transfer"):
        assert stranger.post(f"/account/members/{row.id}/{action}").status_code == 404
    assert (
        stranger.post(f"/account/members/{row.id}/role", data={"role": "member"}).status_code == 404
    )
    invitation = teams.invite(enterprise, "rieng@example.vn", "member")
    db.session.commit()
    assert stranger.post(f"/account/invitations/{invitation.id}/revoke").status_code == 404
    assert _role_of(enterprise, enterprise.organization_id) == "owner"


def test_the_last_owner_cannot_leave_be_removed_or_demoted(client_for, enterprise):
    org = enterprise.organization
    manager = factories.make_user("enterprise", org=org, org_role="manager")
    mine = db.session.scalar(select(Membership).where(Membership.user_id == enterprise.id))
    owner = client_for(enterprise)
    owner.post("/account/members/leave")
    assert _role_of(enterprise, org.id) == "owner"
    owner.post(f"/account/members/{mine.id}/role", data={"role": "member"})
    assert _role_of(enterprise, org.id) == "owner"
    # A manager may not remove or demote the owner either.
    as_manager = client_for(manager)
    assert as_manager.post(f"/account/members/{mine.id}/remove").status_code == 403
    assert _role_of(enterprise, org.id) == "owner"


def test_transfer_ownership_then_leave(client_for, enterprise):
    org = enterprise.organization
    manager = factories.make_user("enterprise", org=org, org_role="manager")
    theirs = db.session.scalar(select(Membership).where(Membership.user_id == manager.id))
    owner = client_for(enterprise)
    assert owner.post(f"/account/members/{theirs.id}/transfer").status_code == 302
    assert _role_of(manager, org.id) == "owner" and _role_of(enterprise, org.id) == "manager"
    assert owner.post("/account/members/leave").status_code == 302
    assert _role_of(enterprise, org.id) is None
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"member.transfer_ownership", "member.leave"} <= actions


def test_owner_changes_a_role_and_the_member_is_told(client_for, enterprise):
    member = factories.make_user("enterprise", org=enterprise.organization, org_role="member")
    row = db.session.scalar(select(Membership).where(Membership.user_id == member.id))
    client_for(enterprise).post(f"/account/members/{row.id}/role", data={"role": "manager"})
    assert _role_of(member, enterprise.organization_id) == "manager"
    kinds = set(
        db.session.scalars(select(Notification.kind).where(Notification.user_id == member.id))
    )
    assert "members.role" in kinds


def test_switching_organisation_only_to_ones_own(client_for, enterprise, vendor):
    db.session.add(
        Membership(user_id=enterprise.id, organization_id=vendor.organization_id, role="member")
    )
    db.session.commit()
    browser = client_for(enterprise)
    assert vendor.organization.name in _text(browser.get("/account/organizations"))
    response = browser.post(
        "/account/organization/switch", data={"organization_id": vendor.organization_id}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/vendor/")
    db.session.expire_all()
    assert enterprise.organization_id == vendor.organization_id and enterprise.role == "vendor"
    other = factories.make_org("enterprise")
    assert (
        browser.post("/account/organization/switch", data={"organization_id": other.id}).status_code
        == 404
    )
    assert (
        browser.post("/account/organization/switch", data={"organization_id": "abc"}).status_code
        == 404
    )


def test_role_checks_read_the_membership_once_per_request(client_for, count_queries, vendor):
    from marketplace.accounts import membership, roles

    member = factories.make_user("vendor", org=vendor.organization, org_role="member")
    with client_for(member).application.test_request_context():
        from flask_login import login_user

        login_user(db.session.get(User, member.id))
        user = db.session.get(User, member.id)
        membership.current_membership(user)
        with count_queries() as counted:
            for action in roles.ACTIONS:
                roles.allows(user, action)
        assert counted.count == 0


def test_a_users_first_request_reads_them_with_their_membership(app, count_queries, vendor):
    """Loading a user not kept reads their current membership in the same statement: the
    role checks that follow read nothing; an inactive organisation gives none, as
    `current_membership` does."""
    from marketplace.accounts import membership
    from marketplace.accounts import services as account_services
    from marketplace.core import stamps

    member = factories.make_user("vendor", org=vendor.organization, org_role="member")
    session_id = f"{member.id}:{member.session_version}"
    org_id = vendor.organization_id
    db.session.commit()
    db.session.expunge_all()
    with app.test_request_context():
        stamps.forget_account_values()
        with count_queries() as counted:
            user = account_services.load_user(session_id)
            found = membership.current_membership(user)
        assert counted.count == 1, counted.statements
        assert found is not None and found.role == "member"
    db.session.get(Organization, org_id).active = False
    db.session.commit()
    db.session.expunge_all()
    with app.test_request_context():
        stamps.forget_account_values()
        user = account_services.load_user(session_id)
        with count_queries() as counted:
            assert membership.current_membership(user) is None
        assert counted.count == 0
    with app.test_request_context():
        assert membership.current_membership(user) is None  # the query agrees


# ---------------------------------------------------------------- join requests


@pytest.fixture
def register_form():
    def build(org, email="xin.vao@example.vn"):
        return {
            "kind": org.kind,
            "name": "Đinh Thị Mai",
            "email": email,
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "org_name": "Tên gì cũng được",
            "tax_code": org.tax_code,
            "phone": "0912345678",
            "province_code": "31",
            "commune_code": "10525",
            "industry": "retail",
            "size_band": "small",
            "accept_terms": "y",
        }

    return build


def test_a_taken_tax_code_offers_to_ask_to_join_and_owners_accept(
    client, client_for, make_client, enterprise, register_form
):
    org = enterprise.organization
    page = client.post("/auth/register", data=register_form(org))
    assert page.status_code == 400 and "Xin gia nhập tổ chức này" in _text(page)
    join_url = re.search(r'href="(/auth/join\?[^"]+)"', _text(page)).group(1).replace("&amp;", "&")
    assert client.get(join_url).status_code == 200
    data = {
        k: register_form(org)[k] for k in ("name", "email", "password", "confirm", "accept_terms")
    }
    sent = client.post(join_url, data={**data, "message": "Tôi là kế toán mới."})
    assert sent.status_code == 200 and "Đã gửi yêu cầu tham gia" in _text(sent)
    join = db.session.scalar(select(JoinRequest))
    assert join.status == "pending" and join.user_id is None
    assert db.session.scalar(select(User).where(User.email == "xin.vao@example.vn")) is None
    owner_mail = db.session.scalar(
        select(EmailOutbox).where(EmailOutbox.to_email == enterprise.email)
    )
    assert owner_mail is not None and "xin gia nhập" in owner_mail.subject
    # Asking twice is refused with the reason.
    assert "đã gửi yêu cầu" in _text(client.post(join_url, data=data))

    owner = client_for(enterprise)
    assert "xin.vao@example.vn" in _text(owner.get("/account/members"))
    assert (
        owner.post(f"/account/join-requests/{join.id}/accept", data={"role": "manager"}).status_code
        == 302
    )
    user = db.session.scalar(select(User).where(User.email == "xin.vao@example.vn"))
    assert _role_of(user, org.id) == "manager"
    login = make_client().post("/auth/login", data={"email": user.email, "password": NEW_PASSWORD})
    assert login.status_code == 302
    subjects = set(
        db.session.scalars(select(EmailOutbox.subject).where(EmailOutbox.to_email == user.email))
    )
    assert any("chấp nhận" in s for s in subjects)


def test_refusing_a_join_request_needs_a_reason_and_only_owners_answer(
    client, client_for, enterprise, other_enterprise
):
    org = enterprise.organization
    join = join_requests.request_to_join(
        org, email="tu.choi@example.vn", name="Người lạ", password=NEW_PASSWORD
    )
    db.session.commit()
    manager = factories.make_user("enterprise", org=org, org_role="manager")
    url = f"/account/join-requests/{join.id}/refuse"
    assert (
        client_for(manager).post(url, data={"role": "member", "reason": "Không quen"}).status_code
        == 403
    )
    assert client_for(other_enterprise).post(url, data={"role": "member"}).status_code == 404
    owner = client_for(enterprise)
    owner.post(url, data={"role": "member", "reason": ""})
    db.session.expire_all()
    assert db.session.get(JoinRequest, join.id).status == "pending"
    owner.post(url, data={"role": "member", "reason": "Không phải nhân viên của công ty."})
    db.session.expire_all()
    assert db.session.get(JoinRequest, join.id).status == "refused"
    assert db.session.scalar(select(User).where(User.email == "tu.choi@example.vn")) is None


def test_join_page_for_an_unknown_organisation_is_404(client):
    assert client.get("/auth/join?kind=enterprise&tax_code=0000000000").status_code == 404
    assert client.get("/auth/join").status_code == 404


# ---------------------------------------------------------------- disputes


def _png() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (60, 40), "white").save(buf, "PNG")
    return buf.getvalue()


def _dispute(
    client, path, claim="registered_by_other", reason="Công ty do tôi thành lập.", png=True
):
    import io

    data = {"claim": claim, "reason": reason}
    if png:
        data["document"] = (io.BytesIO(_png()), "giay-chung-nhan.png")
    return client.post(path, data=data, content_type="multipart/form-data")


def test_a_requester_takes_the_request_to_the_moderators_who_grant_ownership(
    app, web_app, client, client_for, enterprise, moderator, tmp_path
):
    web_app.config["UPLOAD_FOLDER"] = str(tmp_path)
    org = enterprise.organization
    join = join_requests.request_to_join(
        org, email="that@example.vn", name="Chủ thật", password=NEW_PASSWORD
    )
    db.session.commit()
    assert _mail_link("that@example.vn", "/moderation/disputes/")  # the requester got the link
    # Signed with the key of the app that serves the client (each test app has its own).
    with web_app.test_request_context():
        path = join_requests.dispute_path(join)
    assert client.get(path).status_code == 200
    assert client.get(path[:-4] + "abcd").status_code == 404
    # "Nobody answered" waits 7 days; the document is required.
    too_soon = _dispute(client, path, claim="unanswered")
    assert too_soon.status_code == 400 and "7 ngày" in _text(too_soon)
    assert _dispute(client, path, png=False).status_code == 400
    assert _dispute(client, path).status_code == 302
    db.session.expire_all()
    join = db.session.get(JoinRequest, join.id)
    assert join.status == "disputed" and join.document_id is not None
    staff_notes = db.session.scalars(
        select(Notification.link).where(Notification.user_id == moderator.id)
    )
    assert f"/moderation/join-requests/{join.id}" in set(staff_notes)

    staff = client_for(moderator)
    page = staff.get(f"/moderation/join-requests/{join.id}")
    assert page.status_code == 200 and "Chủ thật" in _text(page)
    assert "Tranh chấp quyền sở hữu" in _text(staff.get("/moderation/"))
    assert (
        staff.post(f"/moderation/join-requests/{join.id}/grant", data={"reason": ""}).status_code
        == 302
    )
    user = db.session.scalar(select(User).where(User.email == "that@example.vn"))
    assert _role_of(user, org.id) == "owner" and _role_of(enterprise, org.id) == "manager"
    assert "member.dispute_grant" in set(db.session.scalars(select(AuditLog.action)))


def test_unanswered_requests_may_go_to_the_moderators_after_seven_days(app, enterprise, tmp_path):
    join = join_requests.request_to_join(
        enterprise.organization, email="cho@example.vn", name="Người chờ", password=NEW_PASSWORD
    )
    assert not join_requests.may_say_unanswered(join)
    later = utcnow() + dt.timedelta(days=7, minutes=1)
    assert join_requests.may_say_unanswered(join, now=later)
    with pytest.raises(teams.AccountError):
        join_requests.dispute_join_request(
            join, claim="unanswered", reason="Chờ lâu", document_id=None, now=later
        )


def test_a_dismissed_dispute_needs_a_reason(app, client_for, enterprise, moderator):
    join = join_requests.request_to_join(
        enterprise.organization, email="sai@example.vn", name="Người nhầm", password=NEW_PASSWORD
    )
    join.status = "disputed"
    db.session.commit()
    staff = client_for(moderator)
    url = f"/moderation/join-requests/{join.id}/dismiss"
    assert staff.post(url, data={"reason": ""}).status_code == 400
    assert staff.post(url, data={"reason": "Giấy tờ không khớp."}).status_code == 302
    db.session.expire_all()
    assert db.session.get(JoinRequest, join.id).status == "dismissed"
    assert db.session.scalar(select(User).where(User.email == "sai@example.vn")) is None


def test_every_role_gets_exactly_the_actions_of_the_table(app, vendor):
    from marketplace.accounts import roles

    users = {
        "owner": vendor,
        "manager": factories.make_user("vendor", org=vendor.organization, org_role="manager"),
        "member": factories.make_user("vendor", org=vendor.organization, org_role="member"),
    }
    for action, allowed in roles.ACTIONS.items():
        for role, user in users.items():
            assert roles.allows(user, action) == (role in allowed), (action, role)
            if role not in allowed:
                with pytest.raises(roles.ActionRefused) as refused:
                    roles.require_action(user, action)
                assert refused.value.status == 403 and "dành cho" in refused.value.message
    outsider = factories.make_user("moderator")
    assert not any(roles.allows(outsider, action) for action in roles.ACTIONS)
