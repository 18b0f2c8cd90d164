"""Needs board pages of the vendor: new-need alerts, questions, its proposal (writing,
editing, withdrawing)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.accounts.roles import allows
from marketplace.core import actions
from marketplace.core.clock import local_today
from marketplace.core.permissions import role_required
from marketplace.needs import bp, permissions, presenters, rules, services
from marketplace.needs.forms import AlertsForm, ProposalForm, QuestionForm, ReasonForm
from marketplace.needs.models import Need, NeedStatus
from marketplace.needs.views import act, need_or_404, save


@bp.post("/vendor/needs/alerts")
@role_required("vendor")
def alerts():
    form = AlertsForm()
    enabled = form.enabled.data == "1"
    return actions.perform(
        lambda: services.set_alerts(current_user, enabled=enabled),
        form=form,
        rerender=lambda: redirect(url_for("needs.index")),
        success=_("Đã bật thông báo bài toán mới.")
        if enabled
        else _("Đã tắt thông báo bài toán mới."),
        next_url=url_for("needs.index"),
    )


@bp.post("/needs/<int:need_id>/questions")
@role_required("vendor")
def ask(need_id: int):
    need = need_or_404(need_id)
    permissions.require_vendor(current_user, need)
    return act(
        need,
        QuestionForm(),
        "question_form",
        lambda n, f: services.ask_question(current_user, n, body=f.body.data),
        _("Đã gửi câu hỏi. Câu trả lời sẽ được công khai cho mọi nhà cung cấp."),
        url_for("needs.detail", need_id=need_id, _anchor="questions"),
    )


# ---------------------------------------------------------------- the vendor's proposal


def _proposal_form(need: Need, formdata=None):
    solutions = services.proposable_solutions(current_user.organization_id)
    own = services.own_proposal(need, current_user.organization_id)
    if formdata is not None:
        return ProposalForm(solutions=solutions, must_haves=need.must_haves), own
    if own is not None:
        return ProposalForm.editing(own, solutions=solutions, must_haves=need.must_haves), own
    return ProposalForm(formdata=None, solutions=solutions, must_haves=need.must_haves), own


@bp.route("/needs/<int:need_id>/proposal", methods=["GET", "POST"])
@role_required("vendor")
def proposal(need_id: int):
    need = need_or_404(need_id)
    permissions.require_vendor(current_user, need)
    if request.method == "GET":
        form, own = _proposal_form(need)
        status = 200
    else:
        form, own = _proposal_form(need, formdata=request.form)
        status = 400
        if form.validate_on_submit():
            saved, _proposal, refused = save(
                form,
                lambda: services.save_proposal(
                    current_user, need, form.to_input(), today=local_today()
                ),
            )
            status = refused or status
            if saved:
                flash(
                    _("Đã lưu đề xuất. Bạn có thể sửa đến hết ngày %(date)s.",
                      date=need.deadline.strftime("%d/%m/%Y")),
                    "success",
                )  # fmt: skip
                return redirect(url_for("needs.detail", need_id=need.id))
    today = local_today()
    return (
        render_template(
            "needs/proposal.html",
            need=need,
            form=form,
            own=own,
            accepting=need.status == NeedStatus.OPEN
            and rules.accepts_proposals(need.deadline, today),
            can_propose=allows(current_user, "need.propose"),
            buyer=presenters.buyer_label(need, need.show_name),
        ),
        status,
    )


@bp.post("/needs/<int:need_id>/proposal/withdraw")
@role_required("vendor")
def withdraw(need_id: int):
    need = need_or_404(need_id)
    permissions.require_vendor(current_user, need)
    return act(
        need,
        ReasonForm(prefix="withdraw"),
        "withdraw_form",
        lambda n, f: services.withdraw_proposal(current_user, n),
        _("Đã rút đề xuất. Đề xuất vẫn được lưu trong lịch sử."),
    )
