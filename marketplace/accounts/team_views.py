"""The members page, the organisation switcher, invitation links and join requests."""

from __future__ import annotations

from functools import partial

from flask import abort, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from sqlalchemy import select

from marketplace.accounts import (
    account_bp,
    auth_bp,
    invitations_bp,
    join_requests,
    services,
    teams,
    throttle,
)
from marketplace.accounts import membership as memberships
from marketplace.accounts.forms import (
    InvitationSignupForm,
    InviteForm,
    JoinAnswerForm,
    JoinRequestForm,
    MemberRoleForm,
)
from marketplace.accounts.models import Organization
from marketplace.accounts.roles import allows, require_action, waits_for_email
from marketplace.core.actions import perform
from marketplace.core.params import parse_id
from marketplace.core.permissions import deny, role_required
from marketplace.extensions import db

MEMBERS = "account.members"
# A refused role is not an AccountError: it reaches the app's 403 page with its message.
_perform = partial(perform, errors=services.AccountError)

# Blueprints whose pages act for, or show, the organisation a user acts for: a signed-in user
# who is no longer a member of it is sent to choose another (`_require_membership`).
_ORG_BLUEPRINTS = frozenset(
    {"account", "vendor", "billing", "trials", "reviews", "insights", "media"}
)
_WITHOUT_ORG = frozenset(
    {
        "account.organizations",
        "account.switch_organization",
        "account.profile",
        "account.password",
        "account.consent",
        "insights.dashboard",
        "insights.dashboard_csv",
    }
)


def require_membership():
    """Send a user whose membership of their organisation ended to the organisation list.

    A removed member's sessions already ended (their session version was bumped); this also
    covers a user who signs in again afterwards. The membership is read once per request and
    reused by every role check (`membership.current_membership`).
    """
    if request.blueprint not in _ORG_BLUEPRINTS or request.endpoint in _WITHOUT_ORG:
        return None
    if not current_user.is_authenticated or current_user.is_staff:
        return None
    if memberships.current_membership(current_user) is None:
        return redirect(url_for("account.organizations"))
    return None


def _members_page(invite_form: InviteForm | None = None, status: int = 200):
    org = current_user.organization
    me = memberships.current_membership(current_user)
    if me is None:
        deny(hide=True)
    can_manage = allows(current_user, "members.manage")
    can_invite = allows(current_user, "members.invite")
    page = render_template(
        "accounts/members.html",
        org=org,
        me=me,
        members=memberships.members_of(org.id),
        invitations=teams.open_invitations(org.id) if can_invite else [],
        join_requests=join_requests.pending_join_requests(org.id) if can_manage else [],
        invite_form=invite_form or InviteForm(),
        role_form=MemberRoleForm(),
        answer_form=JoinAnswerForm(),
        can_manage=can_manage,
        can_invite=can_invite,
        invite_waits_for_email=waits_for_email(current_user, "members.invite"),
        role_label=teams.role_label,
    )
    return make_response(page, status)


@account_bp.get("/members")
@role_required("enterprise", "vendor")
def members():
    return _members_page()


@account_bp.post("/members/invite")
@role_required("enterprise", "vendor")
def invite():
    require_action(current_user, "members.invite")
    form = InviteForm()
    return _perform(
        lambda: teams.invite(current_user, form.email.data, form.role.data),
        success=_("Đã gửi lời mời tới %(email)s.", email=form.email.data or ""),
        next_url=url_for(MEMBERS),
        form=form,
        rerender=lambda: _members_page(form, 400),
    )


@account_bp.post("/invitations/<int:invitation_id>/revoke")
@role_required("enterprise", "vendor")
def revoke_invitation(invitation_id: int):
    return _perform(
        lambda: teams.revoke_invitation(current_user, invitation_id),
        success=_("Đã thu hồi lời mời."),
        next_url=url_for(MEMBERS),
    )


@account_bp.post("/members/<int:membership_id>/role")
@role_required("enterprise", "vendor")
def change_role(membership_id: int):
    teams.own_membership(current_user, membership_id)
    require_action(current_user, "members.manage")
    form = MemberRoleForm()
    if not form.validate_on_submit():
        flash(_("Vui lòng chọn một vai trò hợp lệ."), "danger")
        return redirect(url_for(MEMBERS))
    return _perform(
        lambda: teams.change_role(current_user, membership_id, form.role.data),
        success=_("Đã đổi vai trò."),
        next_url=url_for(MEMBERS),
    )


@account_bp.post("/members/<int:membership_id>/remove")
@role_required("enterprise", "vendor")
def remove_member(membership_id: int):
    return _perform(
        lambda: teams.remove_member(current_user, membership_id),
        success=_("Đã xóa thành viên khỏi tổ chức; các phiên đăng nhập của họ đã kết thúc."),
        next_url=url_for(MEMBERS),
    )


@account_bp.post("/members/<int:membership_id>/transfer")
@role_required("enterprise", "vendor")
def transfer_ownership(membership_id: int):
    return _perform(
        lambda: teams.transfer_ownership(current_user, membership_id),
        success=_("Đã chuyển quyền sở hữu. Bạn nay là quản lý của tổ chức."),
        next_url=url_for(MEMBERS),
    )


@account_bp.post("/members/leave")
@role_required("enterprise", "vendor")
def leave():
    return _perform(
        lambda: teams.leave_organization(current_user),
        success=_("Bạn đã rời tổ chức."),
        next_url=url_for("account.organizations"),
        error_url=url_for(MEMBERS),
    )


@account_bp.post("/join-requests/<int:join_id>/<any(accept, refuse):decision>")
@role_required("enterprise", "vendor")
def answer_join_request(join_id: int, decision: str):
    join_requests.own_join_request(current_user, join_id)
    require_action(current_user, "members.manage")
    form = JoinAnswerForm()
    if not form.validate_on_submit():
        flash(_("Vui lòng chọn một vai trò hợp lệ."), "danger")
        return redirect(url_for(MEMBERS))
    accept = decision == "accept"
    return _perform(
        lambda: join_requests.answer_join_request(
            current_user, join_id, accept=accept, role=form.role.data, reason=form.reason.data
        ),
        success=_("Đã chấp nhận yêu cầu tham gia.")
        if accept
        else _("Đã từ chối yêu cầu tham gia."),
        next_url=url_for(MEMBERS),
    )


# ---------------------------------------------------------------- acting organisation


@account_bp.get("/organizations")
@login_required
def organizations():
    if current_user.is_staff:
        deny()
    return render_template(
        "accounts/organizations.html",
        memberships=memberships.memberships_of(current_user),
        role_label=teams.role_label,
    )


@account_bp.post("/organization/switch")
@login_required
def switch_organization():
    if current_user.is_staff:
        deny()
    org_id = parse_id(request.form.get("organization_id"))
    if org_id is None:
        abort(404)
    org = teams.switch_organization(current_user, org_id)
    db.session.commit()
    flash(_("Bạn đang làm việc cho %(org)s.", org=org.name), "success")
    return redirect(url_for(services.landing_endpoint(current_user)))


# ---------------------------------------------------------------- invitation links


def _private(response):
    # The token is in the address: never leak it to another site, never keep the page.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@invitations_bp.route("/<token>", methods=["GET", "POST"])
def open(token: str):  # noqa: A001 - the endpoint's name in links
    try:
        invitation = teams.invitation_for_token(token)
    except services.AccountError as err:
        page = render_template("accounts/invitation_invalid.html", message=err.message)
        return _private(make_response(page, 400))
    has_account = services.email_taken(invitation.email)
    if current_user.is_authenticated:
        return _private(_accept_signed_in(invitation, token))
    if has_account:
        page = render_template("accounts/invitation.html", invitation=invitation, has_account=True)
        return _private(make_response(page))
    form = InvitationSignupForm()
    if form.validate_on_submit():
        try:
            user = teams.accept_invitation_as_new_user(
                token,
                name=form.name.data,
                password=form.password.data,
                locale=session.get("lang", "vi"),
            )
        except services.AccountError as err:
            db.session.rollback()
            if not form.attach_error(err.field, err.message):
                flash(err.message, "danger")
        else:
            db.session.commit()
            session.clear()
            login_user(user)
            services.record_login(user)
            db.session.commit()
            flash(
                _(
                    "Chào mừng %(name)s! Bạn đã tham gia %(org)s.",
                    name=user.name,
                    org=user.organization.name,
                ),
                "success",
            )
            return _private(redirect(url_for(services.landing_endpoint(user))))
    status = 400 if form.is_submitted() else 200
    page = render_template(
        "accounts/invitation.html", invitation=invitation, has_account=False, form=form
    )
    return _private(make_response(page, status))


def _accept_signed_in(invitation, token: str):
    if request.method == "GET":
        mismatch = services.normalise_email(current_user.email) != invitation.email
        page = render_template(
            "accounts/invitation.html", invitation=invitation, signed_in=True, mismatch=mismatch
        )
        return make_response(page, 403 if mismatch else 200)
    try:
        teams.accept_invitation(current_user, token)
    except services.AccountError as err:
        db.session.rollback()
        page = render_template("accounts/invitation_invalid.html", message=err.message)
        return make_response(page, 403)
    db.session.commit()
    flash(_("Bạn đã tham gia %(org)s.", org=invitation.organization.name), "success")
    return redirect(url_for(services.landing_endpoint(current_user)))


# ---------------------------------------------------------------- join requests


def _organization_to_join() -> Organization:
    kind = request.values.get("kind", "")
    tax_code = (request.values.get("tax_code") or "").strip()[:20]
    org = db.session.scalar(
        select(Organization).where(Organization.kind == kind, Organization.tax_code == tax_code)
    )
    if org is None or not org.active:
        abort(404)
    return org


@auth_bp.route("/join", methods=["GET", "POST"])
def join():
    if current_user.is_authenticated:
        return redirect(url_for(services.landing_endpoint(current_user)))
    org = _organization_to_join()
    form = JoinRequestForm()
    if form.validate_on_submit():
        address = request.remote_addr or ""
        verdict = throttle.begin_registration(address)
        if not verdict.allowed:
            flash(
                _("Đã có quá nhiều yêu cầu từ địa chỉ mạng của bạn. Vui lòng thử lại sau."),
                "danger",
            )
            response = make_response(render_template("accounts/join.html", form=form, org=org), 429)
            response.headers["Retry-After"] = str(verdict.retry_after)
            return response
        try:
            join = join_requests.request_to_join(
                org,
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                message=form.message.data or "",
                locale=session.get("lang", "vi"),
            )
        except services.AccountError as err:
            db.session.rollback()
            throttle.registration_abandoned(address)
            if not form.attach_error(err.field, err.message):
                flash(err.message, "danger")
        else:
            db.session.commit()
            return render_template(
                "accounts/join_sent.html",
                email=form.email.data,
                dispute_url=join_requests.dispute_path(join),
            )
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/join.html", form=form, org=org), status
