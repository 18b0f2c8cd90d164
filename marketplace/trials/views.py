"""Trial pages: the request form, "Dùng thử của tôi", the vendor inbox and its actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from marketplace.accounts import roles
from marketplace.catalog import public_queries, queries
from marketplace.core import actions
from marketplace.core.clock import local_today
from marketplace.core.csv_export import csv_download
from marketplace.core.params import paginate
from marketplace.core.permissions import role_required
from marketplace.extensions import db, login_manager
from marketplace.trials import bp, exports, permissions, presenters, rules, services
from marketplace.trials import queries as trials_queries
from marketplace.trials.forms import (
    AcceptForm,
    CancelForm,
    DeclineForm,
    NoteForm,
    StartForm,
    TrialRequestForm,
)
from marketplace.trials.models import TrialRequest, TrialStatus

PER_PAGE = 20


def _trial_or_404(trial_id: int) -> TrialRequest:
    trial = trials_queries.get_trial(trial_id)
    if trial is None:
        abort(404)
    return trial


# ---------------------------------------------------------------- requesting


@bp.route("/solutions/<slug>/trial", methods=["GET", "POST"])
def request_trial(slug: str):
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    solution = public_queries.public_solution(slug)
    if solution is None:
        abort(404)
    if not permissions.can_request_trial(current_user):
        return render_template("trials/not_allowed.html", solution=solution), 403
    today = local_today()
    form = TrialRequestForm(solution=solution, today=today)
    existing = trials_queries.open_trial_for(current_user.organization_id, solution.id)
    # An unverified e-mail (or, with teams, a role) keeps the page but not the form.
    refused = not roles.allows(current_user, "trial.request")
    if request.method == "GET":
        _prefill(form, today)
    elif refused:
        pass
    elif existing is None and form.validate_on_submit():
        try:
            trial = services.request_trial(current_user, solution, form.to_input(), today=today)
        except rules.DuplicateTrialError as err:
            db.session.rollback()
            flash(err.message, "info")
            existing = trials_queries.open_trial_for(current_user.organization_id, solution.id)
            if existing is not None:
                return redirect(url_for("trials.my_trial", trial_id=existing.id))
            return redirect(url_for("trials.my_trials"))
        except rules.TrialValidationError as err:
            db.session.rollback()
            form.attach_errors(err.errors)
        except rules.TrialError as err:
            db.session.rollback()
            flash(err.message, "danger")
        else:
            db.session.commit()
            flash(
                _(
                    "Đã gửi yêu cầu dùng thử “%(name)s”. Nhà cung cấp sẽ liên hệ với bạn sớm.",
                    name=solution.name,
                ),
                "success",
            )
            return redirect(url_for("trials.my_trial", trial_id=trial.id))
    elif existing is not None:
        # Submitted again (a double click, a second tab): the first request stands.
        flash(rules.DuplicateTrialError().message, "info")
        return redirect(url_for("trials.my_trial", trial_id=existing.id))
    status = 400 if form.is_submitted() and form.errors else 200
    if refused and request.method == "POST":
        status = 403
    return (
        render_template(
            "trials/request.html",
            solution=solution,
            refused=refused,
            form=form,
            plans=rules.trial_plans(solution),
            existing=existing,
            today=today,
            response_time=trials_queries.vendor_response_time(solution.vendor_id),
        ),
        status,
    )


def _prefill(form: TrialRequestForm, today) -> None:
    form.contact_name.data = current_user.name
    form.contact_phone.data = current_user.organization.phone or ""
    form.preferred_start.data = today
    form.users_count.data = "1"
    choices = [value for value, _label in form.plan.choices]
    wanted = request.args.get("plan", "")
    if wanted in choices:
        form.plan.data = wanted
    elif len(choices) == 1:
        form.plan.data = choices[0]


# ---------------------------------------------------------------- the enterprise's side


@bp.get("/account/trials")
@role_required("enterprise")
def my_trials():
    pagination = paginate(
        trials_queries.my_trials_query(current_user.organization_id), per_page=PER_PAGE
    )
    return render_template(
        "trials/my_trials.html",
        pagination=pagination,
        today=local_today(),
        cancel_form=CancelForm(),
        actions=presenters.allowed_actions,
        response_times=_waiting_on(pagination.items),
    )


def _waiting_on(trials: list[TrialRequest]) -> dict:
    """Return the response times of the vendors that still owe an answer (one query)."""
    waiting = {t.vendor_id for t in trials if t.status == TrialStatus.REQUESTED}
    return trials_queries.median_response_time(waiting) if waiting else {}


def _own_trial(trial_id: int) -> TrialRequest:
    trial = _trial_or_404(trial_id)
    if not permissions.is_requester_member(current_user, trial):
        abort(404)
    return trial


@bp.get("/account/trials/<int:trial_id>")
@role_required("enterprise")
def my_trial(trial_id: int):
    trial = _own_trial(trial_id)
    return render_template(
        "trials/my_trial.html",
        trial=trial,
        today=local_today(),
        cancel_form=CancelForm(),
        actions=presenters.allowed_actions,
        response_times=_waiting_on([trial]),
    )


@bp.post("/account/trials/<int:trial_id>/cancel")
@role_required("enterprise")
def cancel(trial_id: int):
    trial = _own_trial(trial_id)
    form = CancelForm()
    if not form.validate_on_submit():
        return (
            render_template(
                "trials/my_trial.html",
                trial=trial,
                today=local_today(),
                cancel_form=form,
                actions=presenters.allowed_actions,
            ),
            400,
        )
    try:
        services.cancel_trial(current_user, trial, reason=form.reason.data)
    except rules.TrialError as err:
        db.session.rollback()
        flash(err.message, "danger")
    else:
        db.session.commit()
        flash(_("Đã hủy yêu cầu dùng thử."), "success")
    return redirect(url_for("trials.my_trial", trial_id=trial_id))


# ---------------------------------------------------------------- the vendor's inbox


def _vendor_id() -> int:
    return current_user.organization_id


@bp.get("/vendor/trials")
@role_required("vendor")
def inbox():
    filters = trials_queries.parse_inbox_filters(request.args, _vendor_id())
    pagination = paginate(trials_queries.inbox_query(_vendor_id(), filters), per_page=PER_PAGE)
    return render_template(
        "trials/inbox.html",
        pagination=pagination,
        filters=filters,
        counts=trials_queries.inbox_counts(_vendor_id(), solution_id=filters.solution_id),
        solutions=queries.vendor_solutions(_vendor_id()),
        statuses=list(TrialStatus),
        today=local_today(),
    )


@bp.get("/vendor/trials.csv")
@role_required("vendor")
def inbox_csv():
    filters = trials_queries.parse_inbox_filters(request.args, _vendor_id())
    body = exports.export_csv(_vendor_id(), filters)
    filename = f"dung-thu-{local_today():%Y%m%d}.csv"
    return csv_download(body, filename)


def _vendor_trial(trial_id: int) -> TrialRequest:
    trial = _trial_or_404(trial_id)
    permissions.require_vendor_member(current_user, trial)
    return trial


def _render_vendor_trial(trial: TrialRequest, status: int = 200, **forms: FlaskForm):
    context = {
        "accept_form": AcceptForm(formdata=None),
        "decline_form": DeclineForm(formdata=None),
        "start_form": StartForm(formdata=None),
        "end_form": NoteForm(formdata=None, prefix="end"),
        "convert_form": NoteForm(formdata=None, prefix="convert"),
        **forms,
    }
    today = local_today()
    return (
        render_template(
            "trials/vendor_trial.html",
            trial=trial,
            today=today,
            planned_end=today + dt.timedelta(days=trial.trial_days),
            # A member whose role does not act on trials sees the trial without the buttons.
            actions=presenters.allowed_actions(trial)
            if permissions.may_respond(current_user)
            else set(),
            side="vendor",
            **context,
        ),
        status,
    )


@bp.get("/vendor/trials/<int:trial_id>")
@role_required("vendor")
def vendor_trial(trial_id: int):
    return _render_vendor_trial(_vendor_trial(trial_id))


def _act(
    trial_id: int,
    form: FlaskForm,
    form_name: str,
    perform: Callable[[TrialRequest, FlaskForm], None],
    success: str,
):
    trial = _vendor_trial(trial_id)
    # The role check before the form's: a member is told they may not act, whatever they sent.
    permissions.require_vendor_action(current_user, trial)
    return actions.perform(
        lambda: perform(trial, form),
        form=form,
        rerender=lambda: _render_vendor_trial(_trial_or_404(trial_id), 400, **{form_name: form}),
        errors=rules.TrialError,
        success=success,
        next_url=url_for("trials.vendor_trial", trial_id=trial_id),
    )


@bp.post("/vendor/trials/<int:trial_id>/accept")
@role_required("vendor")
def accept(trial_id: int):
    return _act(
        trial_id,
        AcceptForm(),
        "accept_form",
        lambda t, f: services.accept_trial(current_user, t, instructions=f.instructions.data),
        _("Đã chấp nhận yêu cầu dùng thử. Doanh nghiệp đã được thông báo."),
    )


@bp.post("/vendor/trials/<int:trial_id>/decline")
@role_required("vendor")
def decline(trial_id: int):
    return _act(
        trial_id,
        DeclineForm(),
        "decline_form",
        lambda t, f: services.decline_trial(current_user, t, reason=f.reason.data),
        _("Đã từ chối yêu cầu dùng thử."),
    )


@bp.post("/vendor/trials/<int:trial_id>/start")
@role_required("vendor")
def start(trial_id: int):
    return _act(
        trial_id,
        StartForm(),
        "start_form",
        lambda t, f: services.start_trial(current_user, t),
        _("Đã bắt đầu thời gian dùng thử."),
    )


@bp.post("/vendor/trials/<int:trial_id>/end")
@role_required("vendor")
def end(trial_id: int):
    return _act(
        trial_id,
        NoteForm(prefix="end"),
        "end_form",
        lambda t, f: services.end_trial(current_user, t, note=f.note.data),
        _("Đã kết thúc dùng thử."),
    )


@bp.post("/vendor/trials/<int:trial_id>/convert")
@role_required("vendor")
def convert(trial_id: int):
    return _act(
        trial_id,
        NoteForm(prefix="convert"),
        "convert_form",
        lambda t, f: services.convert_trial(current_user, t, via="vendor", note=f.note.data),
        _("Đã ghi nhận doanh nghiệp chuyển sang trả phí."),
    )


# ---------------------------------------------------------------- staff (read only)


@bp.get("/moderation/trials/<int:trial_id>")
@role_required("moderator", "admin")
def staff_trial(trial_id: int):
    trial = _trial_or_404(trial_id)
    permissions.require_view_trial(current_user, trial)
    return render_template(
        "trials/vendor_trial.html",
        trial=trial,
        today=local_today(),
        actions=set(),
        side="staff",
    )
