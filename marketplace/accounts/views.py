"""Sign-up, sign-in, sign-out and the account pages."""

from __future__ import annotations

from flask import (
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from marketplace.accounts import (
    account_bp,
    auth_bp,
    email_verification,
    legal,
    legal_views,
    organizations,
    reset,
    services,
    throttle,
)
from marketplace.accounts.choices import ROLE_LABELS
from marketplace.accounts.forms import (
    EMAIL_FORM_PREFIX,
    ConsentForm,
    EmailChangeForm,
    ForgotPasswordForm,
    LoginForm,
    OrganizationForm,
    PasswordChangeForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
)
from marketplace.accounts.models import OrgKind
from marketplace.core.background import after_response
from marketplace.core.geography import served_province_code
from marketplace.core.permissions import role_required
from marketplace.core.urls import safe_next
from marketplace.extensions import db


def _org_details(form) -> services.OrgDetails:
    return services.OrgDetails(
        name=form.org_name.data,
        tax_code=form.tax_code.data,
        phone=form.phone.data,
        industry=form.industry.data,
        street_address=form.street_address.data,
        province_code=form.province_code.data,
        commune_code=form.commune_code.data,
        size_band=form.size_band.data,
        website=form.website.data,
    )


def _attach_error(form, err: services.AccountError) -> None:
    if not form.attach_error(err.field, err.message):
        flash(err.message, "danger")


def _start_session(user, remember: bool) -> None:
    # A fresh session on sign-in: nothing carried over from before but the language.
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user, remember=remember)
    services.record_login(user)


def _registration_refused(form, verdict: throttle.Verdict):
    """Answer 429 on the sign-up page itself, with everything typed still in the form."""
    message = _(
        "Đã có quá nhiều tài khoản được tạo từ địa chỉ mạng của bạn. "
        "Vui lòng thử lại sau %(wait)s.",
        wait=_wait_text(verdict.retry_after),
    )
    flash(message, "danger")
    response = make_response(render_template("accounts/register.html", form=form), 429)
    response.headers["Retry-After"] = str(verdict.retry_after)
    return response


@auth_bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for(services.landing_endpoint(current_user)))
    form = RegisterForm()
    join_url = None
    if request.method == "GET" and request.args.get("kind") == OrgKind.VENDOR:
        form.kind.data = OrgKind.VENDOR
    if form.validate_on_submit():
        address = request.remote_addr or ""
        verdict = throttle.begin_registration(address)
        if not verdict.allowed:
            return _registration_refused(form, verdict)
        try:
            user = services.register_account(
                kind=form.kind.data,
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                org=_org_details(form),
                locale=session.get("lang", "vi"),
            )
            email_verification.send_verification(user)
        except services.AccountError as err:
            db.session.rollback()
            throttle.registration_abandoned(address)
            _attach_error(form, err)
            if isinstance(err, services.TaxCodeTaken):
                join_url = url_for(
                    "auth.join",
                    kind=form.kind.data,
                    tax_code=services.normalise_tax_code(form.tax_code.data),
                )
        else:
            db.session.commit()
            _start_session(user, remember=False)
            db.session.commit()
            if user.is_vendor:
                flash(
                    _(
                        "Chào mừng %(name)s! Tài khoản nhà cung cấp đã được tạo và đang chờ "
                        "kiểm duyệt viên xác thực.",
                        name=user.name,
                    ),
                    "success",
                )
            else:
                flash(_("Chào mừng %(name)s! Tài khoản đã được tạo.", name=user.name), "success")
            flash(
                _(
                    "Chúng tôi đã gửi liên kết xác thực tới %(email)s. Hãy mở thư và bấm vào liên "
                    "kết để đăng ký dùng thử, đánh giá, mua gói và gửi duyệt giải pháp.",
                    email=user.email,
                ),
                "info",
            )
            return redirect(url_for(services.landing_endpoint(user)))
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/register.html", form=form, join_url=join_url), status


def _wait_text(seconds: int) -> str:
    if seconds >= 60:
        minutes = (seconds + 59) // 60
        return ngettext("%(num)d phút", "%(num)d phút", minutes)
    return ngettext("%(num)d giây", "%(num)d giây", seconds)


def _throttle_message(verdict: throttle.Verdict) -> str:
    # The way back in while throttled is the reset link, which the throttle does not block.
    wait = _wait_text(verdict.retry_after)
    if verdict.reason == "slowed":
        return _(
            "Tài khoản này đang bị thử mật khẩu nhiều lần. Vui lòng thử lại sau %(wait)s. "
            "Nếu bạn quên mật khẩu, hãy dùng “Quên mật khẩu?” để đặt lại ngay.",
            wait=wait,
        )
    return _(
        "Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau %(wait)s. "
        "Nếu bạn quên mật khẩu, hãy dùng “Quên mật khẩu?” để đặt lại ngay.",
        wait=wait,
    )


@auth_bp.route("/login", methods=["GET", "POST"])
def login():
    next_url = request.values.get("next")
    if current_user.is_authenticated:
        return redirect(safe_next(next_url, url_for(services.landing_endpoint(current_user))))
    form = LoginForm()
    if form.validate_on_submit():
        address = request.remote_addr or ""
        verdict = throttle.begin_attempt(form.email.data, address)
        if not verdict.allowed:
            form.password.errors = [_throttle_message(verdict)]
            response = make_response(
                render_template(
                    "accounts/login.html", form=form, next_url=next_url, throttled=True
                ),
                429,
            )
            response.headers["Retry-After"] = str(verdict.retry_after)
            return response
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors = [_("E-mail hoặc mật khẩu không đúng.")]
        else:
            throttle.attempt_succeeded(form.email.data, address)
            _start_session(user, remember=bool(form.remember.data))
            db.session.commit()
            flash(_("Xin chào %(name)s!", name=user.name), "success")
            target = safe_next(next_url, url_for(services.landing_endpoint(user)))
            if legal.outdated_documents(user):
                return redirect(url_for("account.consent", next=target))
            legal_views.remember_consent()
            return redirect(target)
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/login.html", form=form, next_url=next_url), status


@auth_bp.route("/logout", methods=["GET", "POST"])
def logout():
    if request.method == "GET":
        if not current_user.is_authenticated:
            return redirect(url_for("core.home"))
        return render_template("accounts/logout.html")
    lang = session.get("lang")
    if current_user.is_authenticated:
        # Signing out ends every session of this account, remembered devices included.
        services.end_all_sessions(current_user._get_current_object())
        db.session.commit()
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("core.home"))


@account_bp.get("/")
@role_required("enterprise")
def index():
    return render_template("accounts/index.html", org=current_user.organization)


@account_bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.update_profile(current_user, name=form.name.data, locale=form.locale.data)
        session["lang"] = current_user.locale
        db.session.commit()
        flash(_("Đã lưu thông tin cá nhân."), "success")
        return redirect(url_for("account.profile"))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "accounts/profile.html",
        form=form,
        email_form=EmailChangeForm(prefix=EMAIL_FORM_PREFIX, formdata=None),
        role_label=ROLE_LABELS.get(current_user.role),
    ), status


@account_bp.route("/organization", methods=["GET", "POST"])
@role_required("enterprise", "vendor")
def organization():
    org = current_user.organization
    form = OrganizationForm(enterprise=not org.is_vendor, current_tax_code=org.tax_code)
    if request.method == "GET":
        form.org_name.data = org.name
        form.tax_code.data = org.tax_code
        form.street_address.data = org.street_address or ""
        form.province_code.data = org.province_code or served_province_code()
        form.commune_code.data = org.commune_code or ""
        form.industry.data = org.industry or ""
        form.size_band.data = org.size_band or ""
        form.phone.data = org.phone
        form.website.data = org.website
    if form.validate_on_submit():
        try:
            change = organizations.update_organization(current_user, org, _org_details(form))
        except services.AccountError as err:
            db.session.rollback()
            _attach_error(form, err)
        else:
            db.session.commit()
            if change is not None:
                flash(
                    _(
                        "Đã lưu hồ sơ tổ chức. Thay đổi tên / mã số thuế đang chờ kiểm duyệt "
                        "viên phê duyệt; tên và mã số thuế hiện tại vẫn được giữ đến lúc đó."
                    ),
                    "info",
                )
            else:
                flash(_("Đã lưu hồ sơ tổ chức."), "success")
            return redirect(url_for("account.organization"))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "accounts/organization.html",
        form=form,
        org=org,
        pending=organizations.pending_change(org),
    ), status


@account_bp.post("/organization/changes/<int:change_id>/withdraw")
@role_required("enterprise", "vendor")
def withdraw_organization_change(change_id: int):
    change = organizations.get_own_change(current_user, change_id)
    try:
        organizations.withdraw_change(current_user, change)
    except services.AccountError as err:
        db.session.rollback()
        flash(err.message, "danger")
    else:
        db.session.commit()
        flash(_("Đã rút lại yêu cầu thay đổi tên / mã số thuế."), "success")
    return redirect(url_for("account.organization"))


@account_bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, current=form.current_password.data, new=form.password.data
            )
        except services.AccountError as err:
            db.session.rollback()
            _attach_error(form, err)
        else:
            db.session.commit()
            # Keep this session alive under the new version; every other one ends.
            login_user(current_user._get_current_object(), remember=False)
            flash(_("Đã đổi mật khẩu. Các phiên đăng nhập khác đã bị đăng xuất."), "success")
            return redirect(url_for("account.profile"))
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/password.html", form=form), status


@auth_bp.route("/forgot", methods=["GET", "POST"])
def forgot():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        verdict = throttle.begin_reset_request(form.email.data, request.remote_addr or "")
        if not verdict.allowed:
            form.email.errors = [
                _(
                    "Đã có quá nhiều yêu cầu đặt lại mật khẩu. Vui lòng thử lại sau %(wait)s.",
                    wait=_wait_text(verdict.retry_after),
                )
            ]
            response = make_response(render_template("accounts/forgot.html", form=form), 429)
            response.headers["Retry-After"] = str(verdict.retry_after)
            return response
        response = make_response(
            render_template("accounts/forgot_sent.html", email=form.email.data)
        )
        email = form.email.data

        def send_link() -> None:
            reset.request_reset(email)
            db.session.commit()

        # Once the page is sent: whether the address has an account changes nothing the
        # visitor can see or time (same page, same status, same work before the answer).
        after_response(response, send_link)
        return response
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/forgot.html", form=form), status


def _private(response):
    # The token is in the address: never leak it to another site, never keep the page.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@auth_bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        reset.user_for_token(token)
    except services.AccountError as err:
        page = render_template("accounts/reset_invalid.html", message=err.message)
        return _private(make_response(page, 400))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = reset.reset_password(token, form.password.data)
        except services.AccountError as err:
            db.session.rollback()
            _attach_error(form, err)
        else:
            db.session.commit()
            throttle.clear_account(user.email)
            _start_session(user, remember=False)
            db.session.commit()
            flash(_("Đã đặt lại mật khẩu. Các phiên đăng nhập khác đã bị đăng xuất."), "success")
            return _private(redirect(url_for(services.landing_endpoint(user))))
    status = 400 if form.is_submitted() else 200
    return _private(make_response(render_template("accounts/reset.html", form=form), status))


@account_bp.route("/consent", methods=["GET", "POST"])
@login_required
def consent():
    target = safe_next(request.values.get("next"), url_for(services.landing_endpoint(current_user)))
    form = ConsentForm()
    if form.validate_on_submit():
        legal.record_consents(current_user)
        db.session.commit()
        legal_views.remember_consent()
        flash(_("Cảm ơn bạn. Đã ghi nhận sự đồng ý."), "success")
        return redirect(target)
    status = 400 if form.is_submitted() else 200
    return render_template(
        "accounts/consent.html",
        form=form,
        next_url=target,
        outdated=legal.outdated_documents(current_user),
    ), status
