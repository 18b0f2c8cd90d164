"""The vendor workspace: own listings, the listing editor, submission and archiving."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from marketplace.accounts import roles
from marketplace.accounts import services as accounts
from marketplace.accounts.choices import org_address
from marketplace.accounts.forms import VerificationForm
from marketplace.accounts.refusals import refusal_page
from marketplace.catalog import listing_queries, permissions, rules, services, uploads, vendor_bp
from marketplace.catalog.forms import SolutionForm, feature_field_name
from marketplace.catalog.models import FeatureDefinition, Solution, Upload
from marketplace.catalog.presenters import describe, media_url
from marketplace.core import actions, panels
from marketplace.core.permissions import role_required
from marketplace.core.text import render_markdown
from marketplace.extensions import db


def _own_solution(solution_id: int) -> Solution:
    solution = db.session.get(Solution, solution_id)
    if solution is None:
        abort(404)
    permissions.require_edit_solution(current_user, solution)
    return solution


@vendor_bp.get("/")
@role_required("vendor")
def index():
    solutions = db.session.scalars(
        select(Solution)
        .where(Solution.vendor_id == current_user.organization_id)
        .order_by(Solution.updated_at.desc(), Solution.id.desc())
    ).all()
    revisions = listing_queries.open_revisions_for(solutions)
    return render_template(
        "vendor/index.html",
        org=current_user.organization,
        panels=panels.collect(panels.VENDOR_HOME, organization=current_user.organization),
        solutions=solutions,
        revisions=revisions,
        verification=_latest_verification(),
    )


def _latest_verification():
    return accounts.latest_verification(current_user.organization)


@vendor_bp.get("/solutions/<int:solution_id>")
@role_required("vendor")
def solution_detail(solution_id: int):
    solution = _own_solution(solution_id)
    content, revision = listing_queries.working_content(solution)
    return render_template(
        "vendor/solution_detail.html",
        solution=solution,
        revision=revision,
        view=describe(content),
        history=listing_queries.history(solution),
    )


def _attach(form: SolutionForm, err: rules.ListingError) -> None:
    field = getattr(form, err.field, None) if err.field else None
    if field is not None and hasattr(field, "errors") and not isinstance(field.errors, dict):
        field.errors = [*list(field.errors), err.message]
    else:
        form.section_errors.setdefault(err.field or "form", []).append(err.message)


def _store_uploads(form: SolutionForm) -> bool:
    """Store the files of this post first, so they survive a form that fails elsewhere."""
    ok = True
    logo = request.files.get(form.logo.name)
    if logo is not None and logo.filename:
        try:
            form.logo_id.data = str(uploads.store_image(current_user, logo, purpose="logo").id)
        except uploads.UploadError as err:
            form.logo.errors = [*list(form.logo.errors), err.message]
            ok = False
    ids = [i for i in form.id_list() if str(i) not in request.form.getlist("remove_screenshot")]
    if request.form.get("remove_logo"):
        form.logo_id.data = ""
    for file in request.files.getlist(form.screenshots.name):
        if not file or not file.filename:
            continue
        if len(ids) >= rules.MAX_SCREENSHOTS:
            form.screenshots.errors = [
                *list(form.screenshots.errors),
                _("Tối đa %(n)d ảnh chụp màn hình.", n=rules.MAX_SCREENSHOTS),
            ]
            ok = False
            break
        try:
            ids.append(uploads.store_image(current_user, file, purpose="screenshot").id)
        except uploads.UploadError as err:
            form.screenshots.errors = [*list(form.screenshots.errors), err.message]
            ok = False
    form.screenshot_ids.data = ",".join(str(i) for i in ids)
    db.session.commit()
    return ok


def _editor_context(form: SolutionForm, solution: Solution | None, preview_html: str | None):
    definitions = db.session.scalars(
        select(FeatureDefinition)
        .where(FeatureDefinition.retired_at.is_(None))
        .order_by(FeatureDefinition.category_id, FeatureDefinition.position)
    ).all()
    groups: dict[int, list[FeatureDefinition]] = {}
    for definition in definitions:
        groups.setdefault(definition.category_id, []).append(definition)
    content = form.to_content()
    ids = [i for i in [content.logo_id, *content.screenshot_ids] if i is not None]
    uploads = (
        {
            u.id: u
            for u in db.session.scalars(
                select(Upload).where(
                    Upload.id.in_(ids), Upload.org_id == current_user.organization_id
                )
            )
        }
        if ids
        else {}
    )
    return {
        "form": form,
        "solution": solution,
        "feature_groups": groups,
        "categories": {str(c.id): c for c in listing_queries.leaf_categories()},
        "feature_field_name": feature_field_name,
        "preview_html": preview_html,
        "logo": uploads.get(content.logo_id) if content.logo_id else None,
        "screenshots": [uploads[i] for i in content.screenshot_ids if i in uploads],
        "media_url": media_url,
    }


def _edit(solution: Solution | None):
    categories = listing_queries.leaf_categories()
    form = SolutionForm(categories=categories)
    form.section_errors = {}
    preview_html = None
    if request.method == "GET":
        if solution is not None:
            content, _revision = listing_queries.working_content(solution)
            form.fill_from(content)
        return render_template("vendor/solution_form.html", **_editor_context(form, solution, None))

    valid = form.validate()
    uploads_ok = _store_uploads(form)
    definitions = listing_queries.vocabulary(form.chosen_category_id())
    form.read_features(request.form, definitions)
    action = request.form.get("action", "save")
    if action == "preview":
        preview_html = render_markdown(form.description.data)
    elif valid and uploads_ok and not form.feature_errors:
        content = form.to_content()
        try:
            if solution is None:
                solution = services.create_solution(current_user, content)
            else:
                services.save_solution(current_user, solution, content)
        except rules.ListingError as err:
            db.session.rollback()
            _attach(form, err)
        else:
            db.session.commit()
            if action != "submit":
                flash(_("Đã lưu."), "success")
                return redirect(url_for("vendor.solution_detail", solution_id=solution.id))
            try:
                services.submit_solution(current_user, solution)
            except rules.ListingError as err:
                db.session.rollback()
                _attach(form, err)
                flash(
                    _("Đã lưu bản nháp nhưng chưa gửi duyệt được: %(why)s", why=err.message),
                    "warning",
                )
            else:
                db.session.commit()
                flash(_("Đã gửi giải pháp cho kiểm duyệt viên."), "success")
                return redirect(url_for("vendor.solution_detail", solution_id=solution.id))
    status = 200 if action == "preview" else 400
    return render_template(
        "vendor/solution_form.html", **_editor_context(form, solution, preview_html)
    ), status


@vendor_bp.route("/solutions/new", methods=["GET", "POST"])
@role_required("vendor")
def new_solution():
    return _edit(None)


@vendor_bp.route("/solutions/<int:solution_id>/edit", methods=["GET", "POST"])
@role_required("vendor")
def edit_solution(solution_id: int):
    solution = _own_solution(solution_id)
    return _edit(solution)


def _act(solution_id: int, action, success: str):
    solution = _own_solution(solution_id)
    return actions.perform(
        lambda: action(current_user, solution),
        errors=rules.ListingError,
        success=success,
        next_url=url_for("vendor.solution_detail", solution_id=solution.id),
    )


@vendor_bp.post("/solutions/<int:solution_id>/submit")
@role_required("vendor")
def submit(solution_id: int):
    return _act(solution_id, services.submit_solution, _("Đã gửi cho kiểm duyệt viên."))


@vendor_bp.post("/solutions/<int:solution_id>/withdraw")
@role_required("vendor")
def withdraw(solution_id: int):
    return _act(solution_id, services.withdraw_submission, _("Đã rút lại, bạn có thể sửa tiếp."))


@vendor_bp.post("/solutions/<int:solution_id>/discard-revision")
@role_required("vendor")
def discard_revision(solution_id: int):
    return _act(solution_id, services.discard_revision, _("Đã hủy bản chỉnh sửa nháp."))


@vendor_bp.post("/solutions/<int:solution_id>/archive")
@role_required("vendor")
def archive(solution_id: int):
    return _act(solution_id, services.archive_solution, _("Đã lưu trữ giải pháp."))


@vendor_bp.route("/verification", methods=["GET", "POST"])
@role_required("vendor")
def verification():
    org = current_user.organization
    latest = accounts.latest_verification(org)
    if not org.is_verified and not roles.allows(current_user, "org.request_verification"):
        return refusal_page("org.request_verification", url_for("vendor.index"))
    form = VerificationForm()
    if request.method == "GET":
        form.legal_name.data = org.name
        form.tax_code.data = org.tax_code
        form.address.data = org_address(org)  # the profile's address, to confirm or correct
    if form.validate_on_submit():
        document_id = None
        file = request.files.get(form.document.name)
        try:
            if file is not None and file.filename:
                document_id = uploads.store_image(current_user, file, purpose="document").id
            accounts.request_verification(
                current_user,
                accounts.VerificationDetails(
                    legal_name=form.legal_name.data,
                    tax_code=form.tax_code.data,
                    address=form.address.data,
                    representative=form.representative.data,
                    business_license_no=form.business_license_no.data or "",
                    document_id=document_id,
                ),
            )
        except uploads.UploadError as err:
            db.session.rollback()
            form.document.errors = [*list(form.document.errors), err.message]
        except accounts.AccountError as err:
            db.session.rollback()
            target = getattr(form, err.field, None)
            if target is not None:
                target.errors = [*list(target.errors), err.message]
            else:
                flash(err.message, "danger")
        else:
            db.session.commit()
            flash(_("Đã gửi yêu cầu xác thực. Kiểm duyệt viên sẽ xem xét sớm."), "success")
            return redirect(url_for("vendor.index"))
    status = 400 if form.is_submitted() else 200
    return render_template("vendor/verification.html", form=form, org=org, latest=latest), status
