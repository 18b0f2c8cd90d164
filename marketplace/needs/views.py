"""Needs board pages of the public and the enterprise: the list, posting, a need's page (for
every side; the vendor's own actions are in vendor_views, the moderators' in
moderation_views), answering, closing, the comparison and the decisions."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.accounts.roles import allows
from marketplace.accounts.validation import normalise_phone
from marketplace.core import actions, geography
from marketplace.core.clock import local_today
from marketplace.core.csv_export import csv_download
from marketplace.core.errors import DomainError
from marketplace.core.params import paginate
from marketplace.core.permissions import deny, role_required
from marketplace.extensions import db, login_manager
from marketplace.needs import bp, comparison, permissions, presenters, queries, rules, services
from marketplace.needs.forms import (
    AlertsForm,
    AnswerForm,
    NeedForm,
    ProposalActionForm,
    QuestionForm,
    ReasonForm,
    TrialFromProposalForm,
)
from marketplace.needs.models import Need, NeedStatus, ProposalStatus
from marketplace.trials.rules import TrialInput

PER_PAGE = 20
STAFF = ("moderator", "admin")
T = TypeVar("T")


def need_or_404(need_id: int) -> Need:
    """Return the need or answer 404."""
    need = queries.get_need(need_id)
    if need is None:
        abort(404)
    return need


def save(form, change: Callable[[], T]) -> tuple[bool, T | None, int | None]:
    """Run a posted form's change and commit it: return (True, its result, None). When a rule
    is broken, roll back, put the errors on the form's fields or flash the refusal, and return
    (False, None, the refusal's status or None)."""
    try:
        result = change()
    except rules.NeedValidationError as err:
        db.session.rollback()
        form.attach_errors(err.errors)
        return False, None, None
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "danger")
        return False, None, err.status
    db.session.commit()
    return True, result, None


# ---------------------------------------------------------------- the list


@bp.get("/needs")
def index():
    filters = queries.NeedFilters.from_args(request.args)
    pagination = paginate(queries.published_query(filters), per_page=PER_PAGE)
    vendor = permissions.is_verified_vendor(current_user)
    return render_template(
        "needs/index.html",
        pagination=pagination,
        filters=filters,
        counts=queries.proposal_counts([n.id for n in pagination.items]),
        full=vendor,
        categories=queries.categories(),
        areas=geography.former_areas(geography.served_province_code()),
        budgets=queries.BUDGET_FILTERS,
        budget_labels=presenters.budget_filter_labels(queries.BUDGET_FILTERS),
        within=queries.DEADLINE_FILTERS,
        alerts_on=queries.alerts_enabled(current_user.organization_id) if vendor else None,
        can_alerts=vendor and allows(current_user, "need.propose"),
        alerts_form=AlertsForm(formdata=None),
        can_post=permissions.is_enterprise(current_user),
    )


@bp.get("/needs/export.csv")
def export_csv():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not permissions.is_verified_vendor(current_user):
        deny()
    filters = queries.NeedFilters.from_args(request.args)
    needs = list(db.session.scalars(queries.published_query(filters).limit(1000)))
    body = presenters.export_csv(needs, queries.proposal_counts([n.id for n in needs]))
    return csv_download(body, f"bai-toan-{local_today():%Y%m%d}.csv")


# ---------------------------------------------------------------- posting


@bp.route("/needs/new", methods=["GET", "POST"])
def new():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not permissions.is_enterprise(current_user):
        deny()
    categories = queries.categories()
    form = NeedForm(categories=categories)
    suggested = None
    if form.is_submitted():
        form = NeedForm(
            categories=categories, vocabulary=queries.feature_vocabulary(form.category_id())
        )
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        if "suggest" in request.form:
            # A category the user chose stays: the button then only lists its features.
            if form.category_id() is None:
                suggested = queries.suggest_category(form.title.data or "", form.problem.data or "")
                if suggested is not None:
                    form.category.data = str(suggested.id)
                    form.features.choices = [
                        (f.label, f.label) for f in queries.feature_vocabulary(suggested.id)
                    ]
                else:
                    flash(
                        _("Chưa tìm được danh mục phù hợp; bạn có thể tự chọn hoặc để trống."),
                        "info",
                    )
        else:
            saved, need, refused = save(
                form, lambda: services.post_need(current_user, form.to_input(), today=local_today())
            )
            status = refused or status
            if saved:
                flash(
                    _("Đã gửi bài toán. Kiểm duyệt viên sẽ xem trước khi nhà cung cấp thấy."),
                    "success",
                )
                return redirect(url_for("needs.detail", need_id=need.id))
    if status == 200 and form.is_submitted() and any(f.errors for f in form):
        status = 400
    return (
        render_template(
            "needs/new.html",
            form=form,
            suggested=suggested,
            can_post=allows(current_user, "need.post"),
        ),
        status,
    )


@bp.get("/account/needs")
@role_required("enterprise")
def my_needs():
    pagination = paginate(queries.my_needs_query(current_user.organization_id), per_page=PER_PAGE)
    return render_template(
        "needs/my_needs.html",
        pagination=pagination,
        counts=queries.proposal_counts([n.id for n in pagination.items]),
    )


# ---------------------------------------------------------------- a need's page


def _detail_context(need: Need, **forms) -> dict:
    user = current_user
    today = local_today()
    owner = permissions.is_owner_member(user, need)
    staff = permissions.is_staff(user)
    full = permissions.can_see_full(user, need)
    vendor_id = user.organization_id if permissions.is_verified_vendor(user) else None
    own = services.own_proposal(need, vendor_id) if vendor_id else None
    winner = next((p for p in need.proposals if p.status == ProposalStatus.AWARDED), None)
    order = queries.order_of(need)
    show_order = order is not None and (
        owner or staff or (winner is not None and winner.vendor_id == vendor_id)
    )
    context = {
        "need": need,
        "today": today,
        "owner": owner,
        "staff": staff,
        "full": full,
        "vendor_id": vendor_id,
        "own": own,
        "buyer": presenters.buyer_label(
            need,
            permissions.shows_name_to(user, need, winner_id=winner.vendor_id if winner else None),
        ),
        "questions": queries.visible_questions(need, vendor_id=vendor_id, owner=owner or staff)
        if full
        else [],
        "proposal_count": queries.proposal_counts([need.id]).get(need.id, 0),
        "sealed": not rules.proposals_visible_to_buyer(need.deadline, today),
        "accepting": need.status == NeedStatus.OPEN
        and rules.accepts_proposals(need.deadline, today),
        "order": order if show_order else None,
        "can_propose": bool(vendor_id) and allows(user, "need.propose"),
        "can_answer": owner and allows(user, "need.post"),
        "can_award": owner and allows(user, "need.award"),
        "question_form": QuestionForm(formdata=None),
        "answer_form": AnswerForm(formdata=None),
        "close_form": ReasonForm(formdata=None, prefix="close"),
        "withdraw_form": ReasonForm(formdata=None, prefix="withdraw"),
        **forms,
    }
    return context


def render_detail(need: Need, status: int = 200, **forms):
    """Render a need's page, with the given forms (and their errors) in place of blank ones."""
    return render_template("needs/detail.html", **_detail_context(need, **forms)), status


@bp.get("/needs/<int:need_id>")
def detail(need_id: int):
    need = need_or_404(need_id)
    permissions.require_see(current_user, need)
    return render_detail(need)


def act(need: Need, form, form_name: str, perform, success: str, next_url: str | None = None):
    """Perform an action posted from a need's page; an invalid form shows the page again."""
    return actions.perform(
        lambda: perform(need, form),
        form=form,
        rerender=lambda: render_detail(need_or_404(need.id), 400, **{form_name: form}),
        success=success,
        next_url=next_url or url_for("needs.detail", need_id=need.id),
    )


@bp.post("/needs/<int:need_id>/answer")
@role_required("enterprise")
def answer(need_id: int):
    need = need_or_404(need_id)
    permissions.require_owner(current_user, need)
    return act(
        need,
        AnswerForm(),
        "answer_form",
        lambda n, f: services.answer_question(
            current_user, n, question_id=f.question(), answer=f.answer.data
        ),
        _("Đã trả lời. Mọi nhà cung cấp xem bài toán đều đọc được."),
        url_for("needs.detail", need_id=need_id, _anchor="questions"),
    )


@bp.post("/needs/<int:need_id>/close")
@role_required("enterprise")
def close(need_id: int):
    need = need_or_404(need_id)
    permissions.require_owner(current_user, need)
    return act(
        need,
        ReasonForm(prefix="close"),
        "close_form",
        lambda n, f: services.close_without_award(current_user, n, reason=f.reason.data),
        _("Đã đóng bài toán. Các nhà cung cấp đã được thông báo."),
    )


# ---------------------------------------------------------------- comparing and deciding


@bp.get("/needs/<int:need_id>/compare")
@role_required("enterprise", *STAFF)
def compare(need_id: int):
    need = need_or_404(need_id)
    if not (permissions.is_owner_member(current_user, need) or permissions.is_staff(current_user)):
        abort(404)
    sealed = not rules.proposals_visible_to_buyer(need.deadline, local_today())
    side_by_side = comparison.compare_proposals(need.proposals, sealed=sealed)
    proposals = side_by_side.proposals
    trial_forms = {}
    for p in proposals:
        form = TrialFromProposalForm(formdata=None, prefix=f"trial{p.id}")
        form.plan.choices = comparison.trial_choices(p)
        form.contact_phone.data = (
            current_user.organization.phone if current_user.organization else ""
        )
        trial_forms[p.id] = form
    return render_template(
        "needs/compare.html",
        need=need,
        sealed=sealed,
        proposals=proposals,
        figures=queries.vendor_figures(proposals),
        prices=side_by_side.prices,
        cheapest=side_by_side.cheapest,
        owner=permissions.is_owner_member(current_user, need),
        can_award=permissions.is_owner_member(current_user, need)
        and allows(current_user, "need.award"),
        action_form=ProposalActionForm(formdata=None),
        trial_forms=trial_forms,
        proposal_count=queries.proposal_counts([need.id]).get(need.id, 0),
    )


def _decide(need_id: int, perform, success: str):
    need = need_or_404(need_id)
    permissions.require_owner(current_user, need)
    form = ProposalActionForm()
    return actions.perform(
        lambda: perform(need, form),
        form=form,
        rerender=lambda: redirect(url_for("needs.compare", need_id=need_id)),
        success=success,
        next_url=url_for("needs.compare", need_id=need_id),
    )


@bp.post("/needs/<int:need_id>/shortlist")
@role_required("enterprise")
def shortlist(need_id: int):
    return _decide(
        need_id,
        lambda n, f: services.shortlist(
            current_user, n, proposal_id=f.proposal(), on=f.on.data == "1", today=local_today()
        ),
        _("Đã cập nhật danh sách rút gọn."),
    )


@bp.post("/needs/<int:need_id>/award")
@role_required("enterprise")
def award(need_id: int):
    need = need_or_404(need_id)
    permissions.require_owner(current_user, need)
    form = ProposalActionForm()
    return actions.perform(
        lambda: services.award(
            current_user, need, proposal_id=form.proposal(), today=local_today()
        ),
        form=form,
        rerender=lambda: redirect(url_for("needs.compare", need_id=need_id)),
        success=_(
            "Đã chọn đề xuất. Đơn hàng được tạo theo đúng giá đề xuất; các nhà cung cấp khác "
            "đã được thông báo."
        ),
        next_url=url_for("needs.detail", need_id=need_id),
        error_url=url_for("needs.compare", need_id=need_id),
        field_errors=False,
    )


@bp.post("/needs/<int:need_id>/trial")
@role_required("enterprise")
def trial(need_id: int):
    need = need_or_404(need_id)
    permissions.require_owner(current_user, need)
    raw_id = next((k for k in request.form if k.endswith("-proposal_id")), "")
    prefix = raw_id.removesuffix("-proposal_id")
    form = TrialFromProposalForm(prefix=prefix) if prefix.startswith("trial") else None
    if form is None:
        abort(400)

    def perform():
        solution_id, plan_id = form.solution_and_plan()
        phone = form.contact_phone.data or ""
        services.request_trial(
            current_user,
            need,
            proposal_id=form.proposal(),
            solution_id=solution_id,
            data=TrialInput(
                plan_id=plan_id,
                contact_name=current_user.name,
                contact_phone=normalise_phone(phone) or phone,
                preferred_start=form.preferred_start.data,
                users_count=need.users_count,
                message=_("Dùng thử từ đề xuất cho bài toán “%(title)s”.", title=need.title),
            ),
            today=local_today(),
        )

    def invalid():
        for field in form:
            for error in field.errors:
                flash(f"{field.label.text}: {error}", "danger")
        return redirect(url_for("needs.compare", need_id=need_id))

    return actions.perform(
        perform,
        form=form,
        rerender=invalid,
        success=_("Đã gửi yêu cầu dùng thử. Theo dõi trong mục “Dùng thử của tôi”."),
        next_url=url_for("needs.compare", need_id=need_id),
        field_errors=False,
    )
