"""Programme pages: the public rules, applying, the review queue, vendors' opt-ins and the
administrators' rules editor."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from marketplace.accounts.refusals import refusal_page
from marketplace.accounts.roles import allows
from marketplace.billing import queries as billing_queries
from marketplace.catalog.models import Category, Plan, Upload
from marketplace.core.actions import perform
from marketplace.core.clock import local_today
from marketplace.core.errors import DomainError
from marketplace.core.permissions import admin_required, deny, role_required
from marketplace.extensions import db
from marketplace.programme import bp, dashboard, permissions, queries, services
from marketplace.programme.forms import (
    ApplicationForm,
    ApproveForm,
    DisburseForm,
    OptInDecisionForm,
    OptInForm,
    RejectForm,
    VersionForm,
)
from marketplace.programme.models import BANDS, ApplicationStatus, PlanOptIn

DEFAULT_NAME = "Chương trình hỗ trợ chuyển đổi số doanh nghiệp nhỏ và vừa"


# ---------------------------------------------------------------- public


@bp.get("/programme")
def public():
    programme = queries.current_programme()
    today = local_today()
    version = queries.version_at(programme.id, today) if programme else None
    upcoming = None
    if programme:
        later = [v for v in queries.versions(programme.id) if v.effective_from > today]
        upcoming = later[-1] if later else None
    return render_template(
        "programme/public.html",
        programme=programme,
        version=version,
        upcoming=upcoming,
        budget=dashboard.budget_figures(programme, version),
        categories=_category_names(version),
        bands=BANDS,
        support=queries.page_support(current_user),
    )


def _category_names(version) -> list[Category]:
    if version is None or not version.category_ids:
        return []
    return list(
        db.session.scalars(
            select(Category)
            .where(Category.id.in_([int(c) for c in version.category_ids]))
            .order_by(Category.position, Category.id)
        )
    )


# ---------------------------------------------------------------- the enterprise


@bp.get("/account/programme")
@role_required("enterprise")
def my_applications():
    return render_template(
        "programme/my_applications.html",
        applications=queries.organization_applications(current_user.organization_id),
        support=queries.page_support(current_user),
    )


def _application_or_404(application_id: int):
    application = queries.get_application(application_id)
    if application is None:
        abort(404)
    permissions.require_view_application(current_user, application)
    return application


@bp.get("/programme/applications/<int:application_id>")
@role_required("enterprise", "moderator", "admin")
def application(application_id: int):
    found = _application_or_404(application_id)
    preview = None
    if current_user.is_staff and found.status == ApplicationStatus.SUBMITTED:
        try:
            preview = services.compute_support(found)
        except DomainError:
            preview = None
    return render_template(
        "programme/application.html",
        application=found,
        preview=preview,
        attachments=_attachments(found),
        staff=current_user.is_staff,
        own=permissions.is_own_organization(current_user, found),
        approve_form=ApproveForm(),
        reject_form=RejectForm(),
        disburse_form=DisburseForm(),
    )


def _attachments(found) -> list[tuple[str, Upload]]:
    pairs = [
        (_("Hóa đơn điện tử"), found.invoice_upload_id),
        (_("Chứng từ thanh toán"), found.payment_upload_id),
    ]
    shown = []
    for label, upload_id in pairs:
        upload = db.session.get(Upload, upload_id) if upload_id else None
        if upload is not None and upload.org_id == found.organization_id:
            shown.append((label, upload))
    return shown


@bp.route("/orders/<int:order_id>/support", methods=["GET", "POST"])
@role_required("enterprise")
def apply(order_id: int):
    order = billing_queries.get_order(order_id)
    if order is None or not permissions.is_buyer(current_user, order):
        abort(404)
    existing = queries.application_for_order(order.id)
    if existing is not None:
        return redirect(url_for("programme.application", application_id=existing.id))
    if not allows(current_user, "programme.apply"):
        # Says why (a role that may not apply, or an e-mail to verify, with the resend form).
        return refusal_page(
            "programme.apply", url_for("billing.order", order_id=order.id), status=403
        )
    form = ApplicationForm()
    problem = services.application_problem(order)

    def rerender():
        return render_template(
            "programme/apply.html",
            order=order,
            form=form,
            problem=problem,
            estimate=_estimate(order),
        ), 400

    if request.method == "GET":
        return render_template(
            "programme/apply.html",
            order=order,
            form=form,
            problem=problem,
            estimate=_estimate(order),
        )
    created = {}

    def act():
        created["application"] = services.apply_for_support(
            current_user,
            order,
            note=form.note.data or "",
            invoice_file=form.invoice.data,
            payment_file=form.payment.data,
        )

    response = perform(
        act,
        form=form,
        rerender=rerender,
        success=_("Đã gửi hồ sơ đề nghị hỗ trợ. Cán bộ chương trình sẽ xem xét và báo kết quả."),
        next_url=url_for("programme.my_applications"),
        error_url=url_for("billing.order", order_id=order.id),
    )
    if "application" in created and response.status_code == 302:
        return redirect(url_for("programme.application", application_id=created["application"].id))
    return response


def _estimate(order):
    """Return the support the order would get today (an estimate shown before applying)."""
    ctx = queries.page_support(current_user)
    if ctx.version is None or ctx.org_refusal or order.plan is None:
        return None
    from marketplace.programme.rules import support_on

    return support_on(
        order.total_vnd, ctx.version.rate(ctx.org.size_band), ctx.cap_left, ctx.budget_left
    )


# ---------------------------------------------------------------- staff


@bp.get("/moderation/programme")
@role_required("moderator", "admin")
def queue():
    status = request.args.get("status", ApplicationStatus.SUBMITTED)
    if status not in {s.value for s in ApplicationStatus} and status != "all":
        status = ApplicationStatus.SUBMITTED
    return render_template(
        "programme/queue.html",
        applications=queries.review_queue(None if status == "all" else status),
        status=status,
        statuses=list(ApplicationStatus),
        opt_ins=queries.pending_opt_ins(),
        opt_in_form=OptInDecisionForm(),
        budget=dashboard.budget_figures(
            queries.current_programme(),
            queries.version_at(queries.current_programme().id, local_today())
            if queries.current_programme()
            else None,
        ),
    )


def _decide(application_id: int, act, form=None, success: str = ""):
    found = queries.get_application(application_id)
    if found is None:
        abort(404)
    back = url_for("programme.application", application_id=found.id)
    form = form or ApproveForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "danger")
        return redirect(back)
    return perform(lambda: act(found, form), success=success, next_url=back)


@bp.post("/moderation/programme/<int:application_id>/approve")
@role_required("moderator", "admin")
def approve(application_id: int):
    return _decide(
        application_id,
        lambda app, _form: services.approve_application(current_user, app),
        success=_("Đã phê duyệt hồ sơ; số tiền hỗ trợ đã được ghi nhận."),
    )


@bp.post("/moderation/programme/<int:application_id>/reject")
@role_required("moderator", "admin")
def reject(application_id: int):
    return _decide(
        application_id,
        lambda app, form: services.reject_application(current_user, app, reason=form.reason.data),
        form=RejectForm(),
        success=_("Đã từ chối hồ sơ."),
    )


@bp.post("/moderation/programme/<int:application_id>/disburse")
@role_required("moderator", "admin")
def disburse(application_id: int):
    return _decide(
        application_id,
        lambda app, form: services.record_disbursement(
            current_user, app, reference=form.reference.data
        ),
        form=DisburseForm(),
        success=_("Đã ghi nhận giải ngân."),
    )


@bp.post("/moderation/programme/opt-ins/<int:opt_in_id>/<any(approve, reject):decision>")
@role_required("moderator", "admin")
def decide_opt_in(opt_in_id: int, decision: str):
    opt_in = db.session.get(PlanOptIn, opt_in_id)
    if opt_in is None:
        abort(404)
    form = OptInDecisionForm()
    back = url_for("programme.queue")
    if not form.validate_on_submit():
        flash(_("Biểu mẫu không hợp lệ."), "danger")
        return redirect(back)
    return perform(
        lambda: services.decide_opt_in(
            current_user, opt_in, approve=decision == "approve", reason=form.reason.data or ""
        ),
        success=_("Đã phê duyệt gói tham gia chương trình.")
        if decision == "approve"
        else _("Đã từ chối gói tham gia chương trình."),
        next_url=back,
    )


# ---------------------------------------------------------------- vendors


@bp.get("/vendor/programme")
@role_required("vendor")
def vendor_plans():
    return render_template(
        "programme/vendor.html",
        programme=queries.current_programme(),
        plans=queries.vendor_plans(current_user.organization_id),
        opt_ins=queries.vendor_opt_ins(current_user.organization_id),
        can_opt_in=allows(current_user, "programme.opt_in"),
        form=OptInForm(),
    )


@bp.post("/vendor/programme/plans/<int:plan_id>/opt-in")
@role_required("vendor")
def opt_in(plan_id: int):
    plan = db.session.get(Plan, plan_id)
    if plan is None or not permissions.owns_plan(current_user, plan):
        abort(404)
    if not allows(current_user, "programme.opt_in"):
        deny()
    return perform(
        lambda: services.request_opt_in(current_user, plan),
        form=OptInForm(),
        rerender=lambda: redirect(url_for("programme.vendor_plans")),
        success=_(
            "Đã gửi gói “%(name)s” để kiểm duyệt viên xét tham gia chương trình.", name=plan.name
        ),
        next_url=url_for("programme.vendor_plans"),
    )


# ---------------------------------------------------------------- the rules (administrators)


@bp.route("/admin/programme", methods=["GET", "POST"])
@admin_required
def rules():
    programme = queries.current_programme()
    today = local_today()
    current = queries.version_at(programme.id, today) if programme else None
    form = VersionForm()
    form.categories.choices = [
        (c.id, c.name_vi if c.parent_id is None else f"— {c.name_vi}")
        for c in db.session.scalars(select(Category).order_by(Category.position, Category.id))
    ]
    if request.method == "GET":
        _prefill(form, current, today)

    def rerender():
        return _rules_page(programme, current, form), 400

    if request.method == "POST":
        return perform(
            lambda: services.add_version(
                current_user,
                programme or services.ensure_programme(DEFAULT_NAME),
                _version_input(form),
                today=today,
            ),
            form=form,
            rerender=rerender,
            success=_("Đã lưu phiên bản quy định mới."),
            next_url=url_for("programme.rules"),
        )
    return _rules_page(programme, current, form)


def _rules_page(programme, current, form):
    return render_template(
        "programme/rules.html",
        programme=programme,
        current=current,
        versions=queries.versions(programme.id) if programme else [],
        form=form,
        bands=BANDS,
        today=local_today(),
    )


def _prefill(form: VersionForm, current, today) -> None:
    form.effective_from.data = today
    if current is None:
        return
    form.period_start.data = current.period_start
    form.period_end.data = current.period_end
    form.budget_vnd.data = current.budget_vnd
    form.assessment_required.data = current.assessment_required
    for band in BANDS:
        getattr(form, f"rate_{band}").data = current.rate(band)
        getattr(form, f"cap_{band}").data = current.cap(band)
    form.categories.data = [int(c) for c in current.category_ids or []]


def _version_input(form: VersionForm) -> services.VersionInput:
    return services.VersionInput(
        effective_from=form.effective_from.data,
        period_start=form.period_start.data,
        period_end=form.period_end.data,
        budget_vnd=form.budget_vnd.data,
        assessment_required=bool(form.assessment_required.data),
        rates={b: getattr(form, f"rate_{b}").data for b in BANDS},
        caps={b: getattr(form, f"cap_{b}").data for b in BANDS},
        category_ids=list(form.categories.data or []),
        note=form.note.data or "",
    )
