"""The console's people pages: the list, a person's page and its actions, staff invitations."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from marketplace.accounts import choices
from marketplace.admin import bp, people
from marketplace.admin.forms import (
    ActionForm,
    ReasonForm,
    StaffInviteForm,
    StaffPasswordForm,
    StaffRoleForm,
)
from marketplace.admin.rules import ConsoleError
from marketplace.core.actions import perform
from marketplace.core.params import page_arg
from marketplace.core.permissions import admin_required
from marketplace.extensions import db

# The link an invited moderator or administrator opens (they have no session yet).
invitation_bp = Blueprint("staff_invitation", __name__, url_prefix="/staff-invitation")

_perform = partial(perform, errors=ConsoleError)


@bp.get("/users")
@admin_required
def users():
    filters = people.PeopleFilter(
        q=request.args.get("q", "")[:100],
        role=request.args.get("role", "")[:20],
        status=request.args.get("status", "")[:20],
    )
    page = people.search_people(filters, page_arg())
    return render_template(
        "admin/users.html",
        page=page,
        filters=filters,
        roles=choices.ROLE_LABELS,
        staff=people.staff_accounts(),
    )


def _person_page(user, status: int = 200, **forms):
    forms.setdefault("deactivate_form", ReasonForm(prefix="deactivate"))
    forms.setdefault("reactivate_form", ReasonForm(prefix="reactivate"))
    forms.setdefault("role_form", StaffRoleForm(prefix="role", data={"role": user.role}))
    return render_template(
        "admin/user.html",
        person=user,
        facts=people.person_facts(user),
        action_form=ActionForm(),
        roles=choices.ROLE_LABELS,
        **forms,
    ), status


@bp.get("/users/<int:user_id>")
@admin_required
def user(user_id: int):
    return _person_page(people.get_person(user_id))


def _here(user) -> str:
    return url_for("admin.user", user_id=user.id)


@bp.post("/users/<int:user_id>/deactivate")
@admin_required
def deactivate_user(user_id: int):
    person = people.get_person(user_id)
    form = ReasonForm(prefix="deactivate")
    return _perform(
        lambda: people.deactivate_user(current_user, person, form.reason.data),
        success=_("Đã khóa tài khoản; mọi phiên đăng nhập của người này đã kết thúc."),
        next_url=_here(person),
        form=form,
        rerender=lambda: _person_page(person, 400, deactivate_form=form),
    )


@bp.post("/users/<int:user_id>/reactivate")
@admin_required
def reactivate_user(user_id: int):
    person = people.get_person(user_id)
    form = ReasonForm(prefix="reactivate")
    return _perform(
        lambda: people.reactivate_user(current_user, person, form.reason.data),
        success=_("Đã mở khóa tài khoản."),
        next_url=_here(person),
        form=form,
        rerender=lambda: _person_page(person, 400, reactivate_form=form),
    )


@bp.post("/users/<int:user_id>/role")
@admin_required
def change_staff_role(user_id: int):
    person = people.get_person(user_id)
    form = StaffRoleForm(prefix="role")
    return _perform(
        lambda: people.change_staff_role(current_user, person, form.role.data),
        success=_("Đã đổi vai trò."),
        next_url=_here(person),
        form=form,
        rerender=lambda: _person_page(person, 400, role_form=form),
    )


def _button(user_id: int, act, success: str):
    person = people.get_person(user_id)
    form = ActionForm()
    return _perform(
        lambda: act(current_user, person),
        success=success,
        next_url=_here(person),
        form=form,
        rerender=lambda: _person_page(person, 400),
    )


@bp.post("/users/<int:user_id>/password-reset")
@admin_required
def send_password_reset(user_id: int):
    return _button(
        user_id, people.send_password_reset, _("Đã gửi e-mail đặt lại mật khẩu cho người này.")
    )


@bp.post("/users/<int:user_id>/resend-verification")
@admin_required
def resend_verification(user_id: int):
    return _button(user_id, people.resend_verification, _("Đã gửi lại e-mail xác thực."))


@bp.post("/users/<int:user_id>/clear-throttle")
@admin_required
def clear_throttle(user_id: int):
    return _button(
        user_id, people.clear_sign_in_throttle, _("Đã xóa bộ đếm đăng nhập sai của tài khoản.")
    )


@bp.post("/users/<int:user_id>/resend-invitation")
@admin_required
def resend_staff_invitation(user_id: int):
    return _button(user_id, people.resend_staff_invitation, _("Đã gửi lại lời mời."))


@bp.route("/staff/invite", methods=["GET", "POST"])
@admin_required
def invite_staff():
    form = StaffInviteForm()
    created = []

    def act():
        created.append(
            people.invite_staff(
                current_user, email=form.email.data, name=form.name.data, role=form.role.data
            )
        )

    def rerender():
        return render_template("admin/invite_staff.html", form=form), (
            400 if form.is_submitted() else 200
        )

    if request.method == "GET":
        return rerender()
    response = _perform(
        act,
        success=_("Đã tạo tài khoản và gửi lời mời qua e-mail."),
        next_url=url_for("admin.users"),
        form=form,
        rerender=rerender,
    )
    if created:  # committed: show the new account's page
        return redirect(url_for("admin.user", user_id=created[0].id))
    return response


# ---------------------------------------------------------------- the invitation link


@invitation_bp.route("/<token>", methods=["GET", "POST"])
def accept(token: str):
    try:
        invited = people.invited_user(token[:300])
    except ConsoleError as err:
        db.session.rollback()
        return render_template("admin/staff_invitation_invalid.html", message=err.message), 404
    form = StaffPasswordForm()
    if form.validate_on_submit():
        try:
            people.accept_staff_invitation(token[:300], form.password.data)
        except ConsoleError as err:
            db.session.rollback()
            if not form.attach_error(err.field, err.message):
                flash(err.message, "danger")
        else:
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()
            flash(_("Đã đặt mật khẩu. Mời bạn đăng nhập."), "success")
            return redirect(url_for("auth.login"))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/staff_invitation.html", form=form, invited=invited), status
