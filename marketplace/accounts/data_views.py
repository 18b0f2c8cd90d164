"""The person's data rights: download everything held about them, erase their account."""

from __future__ import annotations

from flask import (
    Response,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from marketplace.accounts import account_bp, personal_data, services, throttle
from marketplace.accounts.forms import DeleteAccountForm
from marketplace.accounts.views import _attach_error, _wait_text
from marketplace.core.clock import local_today
from marketplace.extensions import db


@account_bp.get("/export")
@login_required
def export_data():
    body = personal_data.export_json(current_user)
    filename = f"du-lieu-ca-nhan-{current_user.id}-{local_today():%Y%m%d}.json"
    response = Response(body.encode("utf-8"), mimetype="application/json")
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@account_bp.route("/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    allowed, reason = personal_data.can_delete_account(current_user)
    form = DeleteAccountForm()
    if allowed and form.validate_on_submit():
        # The password is checked here too: guesses count as failed sign-ins do.
        verdict = throttle.begin_attempt(current_user.email, request.remote_addr or "")
        if not verdict.allowed:
            form.current_password.errors = [
                _(
                    "Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau %(wait)s.",
                    wait=_wait_text(verdict.retry_after),
                )
            ]
            page = render_template("accounts/delete.html", form=form, allowed=True, reason=None)
            response = make_response(page, 429)
            response.headers["Retry-After"] = str(verdict.retry_after)
            return response
        try:
            personal_data.erase_account(
                current_user._get_current_object(),
                password=form.current_password.data,
                confirmation=form.confirmation.data,
            )
        except services.AccountError as err:
            db.session.rollback()
            _attach_error(form, err)
        else:
            db.session.commit()
            lang = session.get("lang")
            logout_user()
            session.clear()
            if lang:
                session["lang"] = lang
            flash(
                _(
                    "Tài khoản của bạn đã được xóa. Dữ liệu cá nhân đã được xóa; các giao dịch "
                    "của tổ chức được giữ lại dưới tên tổ chức."
                ),
                "success",
            )
            return redirect(url_for("core.home"))
    if not allowed:
        status = 409 if form.is_submitted() else 200
    else:
        status = 400 if form.is_submitted() else 200
    return render_template(
        "accounts/delete.html", form=form, allowed=allowed, reason=reason
    ), status
