"""Moderator pages: queues, reviews, decisions, the audit log."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from marketplace.accounts import join_requests, organizations
from marketplace.accounts import services as accounts
from marketplace.accounts.forms import JoinDisputeForm
from marketplace.accounts.membership import members_of as member_rows
from marketplace.accounts.models import JoinRequest, OrganizationChange, VerificationRequest
from marketplace.catalog import decisions as catalog_decisions
from marketplace.catalog import listing_queries as catalog_listing_queries
from marketplace.catalog import rules as catalog_rules
from marketplace.catalog import uploads as catalog_uploads
from marketplace.catalog.content import content_of
from marketplace.catalog.forms import (
    DecisionForm,
    ReasonForm,
    RequiredDecisionForm,
    RequiredReasonForm,
)
from marketplace.catalog.models import Solution, SolutionRevision, SolutionStatus, Upload
from marketplace.catalog.presenters import describe, media_url
from marketplace.core import actions, panels
from marketplace.core.audit import AuditLog
from marketplace.core.params import date_args, paginate
from marketplace.core.permissions import role_required
from marketplace.extensions import db
from marketplace.moderation import bp, services

STAFF = ("moderator", "admin")


def _get(model, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


@bp.get("/")
@role_required(*STAFF)
def index():
    return render_template(
        "moderation/index.html",
        queues=services.queues(),
        panels=panels.collect(panels.MODERATION_DESK),
    )


@bp.get("/solutions")
@role_required(*STAFF)
def solutions():
    status = request.args.get("status", "")
    if status not in {s.value for s in SolutionStatus}:
        status = ""
    q = request.args.get("q", "")[:100]
    page = paginate(
        services.solutions_query(status or None, q or None), per_page=current_app.config["PER_PAGE"]
    )
    return render_template("moderation/solutions.html", page=page, status=status, q=q)


def _forms(**given) -> dict:
    """The page's two decision forms: an optional reason and a required one."""
    return {
        "approve_form": given.get("approve_form") or ReasonForm(formdata=None),
        "reason_form": given.get("reason_form") or RequiredReasonForm(formdata=None),
    }


def _content_forms(version: str, **given) -> dict:
    """The decision forms of a listing or revision page, carrying the version shown.

    A form given back (typed reason kept) gets the current version too: the page shows
    the current content again, and that is what the next decision is about.
    """
    forms = {
        "approve_form": given.get("approve_form") or DecisionForm(formdata=None),
        "reason_form": given.get("reason_form") or RequiredDecisionForm(formdata=None),
    }
    for form in forms.values():
        form.version.data = version
    return forms


def _solution_page(item: Solution, **forms):
    _content, revision = catalog_listing_queries.working_content(item)
    return render_template(
        "moderation/solution.html",
        solution=item,
        view=describe(content_of(item)),
        revision=revision,
        history=catalog_listing_queries.history(item),
        **_content_forms(catalog_rules.solution_version(item), **forms),
    )


@bp.get("/solutions/<int:solution_id>")
@role_required(*STAFF)
def solution(solution_id: int):
    return _solution_page(_get(Solution, solution_id))


def _decide(obj, action, form_class, success: str, back: str, page):
    """Run one moderator decision from a reason form: validate, act, commit, tell.

    An invalid reason shows the page again with the error under the field and the text
    the moderator typed (`page` renders it with the given form).
    """
    form = form_class()
    slot = "approve_form" if form_class in (ReasonForm, DecisionForm) else "reason_form"
    versioned = hasattr(form, "version")

    def rerender():
        if versioned and form.version.errors:
            # Posted without the version of a page: the moderator has not seen this content.
            flash(str(catalog_rules.StaleContentError()), "warning")
        elif not form.reason.errors:
            form.reason.errors = [_("Vui lòng nhập lý do.")]
        return page(obj, **{slot: form}), 400

    def act():
        if versioned:
            action(current_user, obj, form.reason.data, version=form.version.data)
        else:
            action(current_user, obj, form.reason.data)

    def stale(err):
        # Nothing was decided; show what the listing holds now, with the typed reason kept.
        flash(err.message, "warning")
        return page(obj, **{slot: form}), 409

    return actions.perform(
        act,
        form=form,
        rerender=rerender,
        errors=(catalog_rules.ListingError, accounts.AccountError),
        handlers={catalog_rules.StaleContentError: stale},
        field_errors=False,
        success=success,
        next_url=url_for("moderation.index"),
        error_url=back,
    )


def _decide_solution(solution_id: int, action, form_class, success: str):
    item = _get(Solution, solution_id)
    back = url_for("moderation.solution", solution_id=item.id)
    return _decide(item, action, form_class, success, back, _solution_page)


@bp.post("/solutions/<int:solution_id>/approve")
@role_required(*STAFF)
def approve_solution(solution_id: int):
    return _decide_solution(
        solution_id,
        catalog_decisions.approve_solution,
        DecisionForm,
        _("Đã phê duyệt và xuất bản."),
    )


@bp.post("/solutions/<int:solution_id>/reject")
@role_required(*STAFF)
def reject_solution(solution_id: int):
    return _decide_solution(
        solution_id, catalog_decisions.reject_solution, RequiredDecisionForm, _("Đã từ chối.")
    )


@bp.post("/solutions/<int:solution_id>/suspend")
@role_required(*STAFF)
def suspend_solution(solution_id: int):
    return _decide_solution(
        solution_id, catalog_decisions.suspend_solution, RequiredDecisionForm, _("Đã tạm ngưng.")
    )


@bp.post("/solutions/<int:solution_id>/restore")
@role_required(*STAFF)
def restore_solution(solution_id: int):
    return _decide_solution(
        solution_id, catalog_decisions.restore_solution, RequiredDecisionForm, _("Đã khôi phục.")
    )


def _revision_page(item: SolutionRevision, **forms):
    return render_template(
        "moderation/revision.html",
        revision=item,
        solution=item.solution,
        diff=services.revision_diff(item),
        **_content_forms(catalog_rules.revision_version(item), **forms),
    )


def _open_revision(revision_id: int) -> SolutionRevision:
    item = _get(SolutionRevision, revision_id)
    if item.status == "draft":
        abort(404)  # a vendor's unsent draft is not for review yet
    return item


@bp.get("/revisions/<int:revision_id>")
@role_required(*STAFF)
def revision(revision_id: int):
    return _revision_page(_open_revision(revision_id))


def _decide_revision(revision_id: int, action, form_class, success: str):
    item = _get(SolutionRevision, revision_id)
    if item.status == "draft":
        # Withdrawn since the moderator opened it: the vendor is rewriting it.
        flash(str(catalog_rules.StaleContentError()), "warning")
        return _solution_page(item.solution), 409
    back = url_for("moderation.revision", revision_id=item.id)
    return _decide(item, action, form_class, success, back, _revision_page)


@bp.post("/revisions/<int:revision_id>/approve")
@role_required(*STAFF)
def approve_revision(revision_id: int):
    return _decide_revision(
        revision_id,
        catalog_decisions.approve_revision,
        DecisionForm,
        _("Đã phê duyệt bản chỉnh sửa."),
    )


@bp.post("/revisions/<int:revision_id>/reject")
@role_required(*STAFF)
def reject_revision(revision_id: int):
    return _decide_revision(
        revision_id,
        catalog_decisions.reject_revision,
        RequiredDecisionForm,
        _("Đã từ chối bản chỉnh sửa."),
    )


def _verification_page(item: VerificationRequest, **forms):
    document = db.session.get(Upload, item.document_id) if item.document_id else None
    return render_template(
        "moderation/verification.html",
        item=item,
        org=item.organization,
        document_url=media_url(document),
        **_forms(**forms),
    )


@bp.get("/verifications/<int:request_id>")
@role_required(*STAFF)
def verification(request_id: int):
    return _verification_page(_get(VerificationRequest, request_id))


@bp.post("/verifications/<int:request_id>/<any(approve, reject):decision>")
@role_required(*STAFF)
def decide_verification(request_id: int, decision: str):
    item = _get(VerificationRequest, request_id)
    approve = decision == "approve"

    def act(moderator, request_row, reason):
        accounts.decide_verification(moderator, request_row, approve=approve, reason=reason)

    return _decide(
        item,
        act,
        ReasonForm if approve else RequiredReasonForm,
        _("Đã xác thực nhà cung cấp.") if approve else _("Đã từ chối."),
        url_for("moderation.verification", request_id=item.id),
        _verification_page,
    )


def _organization_change_page(item: OrganizationChange, **forms):
    return render_template(
        "moderation/organization_change.html",
        item=item,
        org=item.organization,
        **_forms(**forms),
    )


@bp.get("/organization-changes/<int:change_id>")
@role_required(*STAFF)
def organization_change(change_id: int):
    return _organization_change_page(_get(OrganizationChange, change_id))


@bp.post("/organization-changes/<int:change_id>/<any(approve, reject):decision>")
@role_required(*STAFF)
def decide_organization_change(change_id: int, decision: str):
    item = _get(OrganizationChange, change_id)
    approve = decision == "approve"

    def act(moderator, change, reason):
        organizations.decide_change(moderator, change, approve=approve, reason=reason)

    return _decide(
        item,
        act,
        ReasonForm if approve else RequiredReasonForm,
        _("Đã phê duyệt thay đổi tên / mã số thuế.") if approve else _("Đã từ chối."),
        url_for("moderation.organization_change", change_id=item.id),
        _organization_change_page,
    )


# ---------------------------------------------------------------- join-request disputes


def _private(response):
    # The token is in the address: never leak it to another site, never keep the page.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/disputes/<token>", methods=["GET", "POST"])
def dispute_join_request(token: str):
    """The requester (no account yet) takes their join request to the moderators."""
    try:
        join = join_requests.join_request_for_dispute(token)
    except accounts.AccountError as err:
        page = render_template("accounts/invitation_invalid.html", message=err.message)
        return _private(make_response(page, 404))
    form = JoinDisputeForm()
    if join.is_pending and form.validate_on_submit():
        try:
            file = request.files.get(form.document.name)
            document_id = None
            if file is not None and file.filename:
                document_id = catalog_uploads.store_evidence(join.organization_id, file).id
            join_requests.dispute_join_request(
                join,
                claim=form.claim.data,
                reason=form.reason.data,
                document_id=document_id,
            )
        except catalog_uploads.UploadError as err:
            db.session.rollback()
            form.document.errors = [*list(form.document.errors), err.message]
        except accounts.AccountError as err:
            db.session.rollback()
            if not form.attach_error(err.field, err.message):
                flash(err.message, "danger")
        else:
            db.session.commit()
            flash(_("Đã gửi kiểm duyệt viên. Chúng tôi sẽ trả lời qua e-mail."), "success")
            return _private(redirect(url_for("moderation.dispute_join_request", token=token)))
    status = 400 if form.is_submitted() and join.is_pending else 200
    page = render_template(
        "moderation/dispute_form.html",
        join=join,
        form=form,
        may_say_unanswered=join_requests.may_say_unanswered(join),
    )
    return _private(make_response(page, status))


def _join_request_page(item: JoinRequest, **forms):
    document = db.session.get(Upload, item.document_id) if item.document_id else None
    return render_template(
        "moderation/join_request.html",
        item=item,
        org=item.organization,
        owners=[m for m in member_rows(item.organization_id) if m.role == "owner"],
        document_url=media_url(document),
        **_forms(**forms),
    )


@bp.get("/join-requests/<int:join_id>")
@role_required(*STAFF)
def join_request(join_id: int):
    return _join_request_page(_get(JoinRequest, join_id))


@bp.post("/join-requests/<int:join_id>/<any(grant, dismiss):decision>")
@role_required(*STAFF)
def decide_join_request(join_id: int, decision: str):
    item = _get(JoinRequest, join_id)
    grant = decision == "grant"

    def act(moderator, join, reason):
        join_requests.decide_dispute(moderator, join, grant=grant, reason=reason)

    return _decide(
        item,
        act,
        ReasonForm if grant else RequiredReasonForm,
        _("Đã trao quyền sở hữu tổ chức.") if grant else _("Đã từ chối."),
        url_for("moderation.join_request", join_id=item.id),
        _join_request_page,
    )


@bp.get("/audit")
@role_required(*STAFF)
def audit():
    dates, date_errors = date_args("from", "to")
    filters = services.AuditFilter(
        action=request.args.get("action", "")[:60],
        object_type=request.args.get("object_type", "")[:40],
        actor=request.args.get("actor", "")[:254],
        date_from=dates["from"],
        date_to=dates["to"],
    )
    page = paginate(services.audit_query(filters), per_page=current_app.config["PER_PAGE"])
    object_types = db.session.scalars(select(AuditLog.object_type).distinct()).all()
    return render_template(
        "moderation/audit.html",
        page=page,
        filters=filters,
        actions=services.action_choices(),
        object_types=services.object_choices(object_types),
        object_text=services.audit_object_text,
        object_page=lambda entry: services.audit_object_page(entry, current_user),
        date_errors=date_errors,
        raw_dates={name: request.args.get(name, "")[:40] for name in ("from", "to")},
    )
