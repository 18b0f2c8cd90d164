"""E-mail verification pages: the link, the resend button, changing one's address."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.accounts import account_bp, auth_bp, email_verification, services, throttle
from marketplace.accounts.choices import ROLE_LABELS
from marketplace.accounts.forms import EMAIL_FORM_PREFIX, EmailChangeForm, ProfileForm
from marketplace.accounts.roles import email_verified
from marketplace.accounts.views import _attach_error, _wait_text
from marketplace.core.errors import render_error
from marketplace.core.urls import safe_next
from marketplace.extensions import db


def _private(response):
    # The token is in the address: never leak it to another site, never keep the page.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@auth_bp.get("/verify/<token>")
def verify_email(token: str):
    try:
        user, newly = email_verification.verify_email(token)
    except services.AccountError as err:
        db.session.rollback()
        page = render_template("accounts/verify_result.html", ok=False, message=err.message)
        return _private(make_response(page, 400))
    db.session.commit()
    return _private(
        make_response(
            render_template("accounts/verify_result.html", ok=True, newly=newly, email=user.email)
        )
    )


@auth_bp.post("/verify/resend")
@login_required
def resend_verification():
    target = safe_next(request.form.get("next"), url_for(services.landing_endpoint(current_user)))
    if email_verified(current_user):
        flash(_("Địa chỉ e-mail của bạn đã được xác thực."), "info")
        return redirect(target)
    verdict = throttle.begin_verification_link(current_user.id, current_user.email)
    if not verdict.allowed:
        response, status = render_error(
            429,
            _(
                "Bạn đã yêu cầu gửi lại e-mail xác thực quá nhiều lần. "
                "Vui lòng thử lại sau %(wait)s.",
                wait=_wait_text(verdict.retry_after),
            ),
        )
        response = make_response(response, status)
        response.headers["Retry-After"] = str(verdict.retry_after)
        return response
    email_verification.send_verification(current_user)
    db.session.commit()
    flash(
        _("Đã gửi lại e-mail xác thực tới %(email)s.", email=current_user.email),
        "success",
    )
    return redirect(target)


@account_bp.post("/email")
@login_required
def change_email():
    form = EmailChangeForm(prefix=EMAIL_FORM_PREFIX)
    if form.validate_on_submit():
        verdict = throttle.begin_verification_link(current_user.id, form.email.data)
        if not verdict.allowed:
            form.email.errors = [
                _(
                    "Đã gửi quá nhiều liên kết xác thực. Vui lòng thử lại sau %(wait)s.",
                    wait=_wait_text(verdict.retry_after),
                )
            ]
            return _profile_page(form, 429)
        try:
            email = email_verification.request_email_change(
                current_user, new_email=form.email.data, password=form.current_password.data
            )
        except services.AccountError as err:
            db.session.rollback()
            _attach_error(form, err)
        else:
            db.session.commit()
            flash(
                _(
                    "Đã gửi liên kết xác nhận tới %(email)s. Địa chỉ mới có hiệu lực khi bạn mở "
                    "liên kết đó (trong 3 ngày); đến lúc đó bạn vẫn đăng nhập bằng địa chỉ cũ.",
                    email=email,
                ),
                "success",
            )
            return redirect(url_for("account.profile"))
    return _profile_page(form, 400)


def _profile_page(email_form: EmailChangeForm, status: int):
    return render_template(
        "accounts/profile.html",
        form=ProfileForm(obj=current_user, formdata=None),
        email_form=email_form,
        role_label=ROLE_LABELS.get(current_user.role),
    ), status


@auth_bp.get("/email-change/<token>")
def confirm_email_change(token: str):
    try:
        user, _old = email_verification.confirm_email_change(token)
    except services.AccountError as err:
        db.session.rollback()
        page = render_template("accounts/verify_result.html", ok=False, message=err.message)
        return _private(make_response(page, 400))
    db.session.commit()
    return _private(
        make_response(
            render_template(
                "accounts/verify_result.html", ok=True, newly=True, email=user.email, changed=True
            )
        )
    )
