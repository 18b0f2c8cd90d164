"""The readiness self-assessment's pages: intro, steps, result, history."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.assessment import bp, permissions, queries, questionnaire, scoring, services
from marketplace.assessment.forms import step_form
from marketplace.core.permissions import deny, require, role_required
from marketplace.extensions import db
from marketplace.insights import charts


def _draft_or_intro():
    if not permissions.can_take(current_user):
        deny()
    return services.open_draft(current_user)


@bp.get("/assessment")
def intro():
    can_take = permissions.can_take(current_user)
    draft = services.open_draft(current_user) if can_take else None
    last = None
    if permissions.can_view_history(current_user):
        last = queries.latest(current_user.organization_id)
    elif not current_user.is_authenticated:
        found = services.anonymous_result(_current_key())
        last = found if found is not None and found.completed else None
    return render_template(
        "assessment/intro.html",
        form=questionnaire.current(),
        can_take=can_take,
        draft=draft,
        last=last,
    )


def _current_key():
    from marketplace.assessment import drafts

    return drafts.current_key()


@bp.post("/assessment/start")
def start():
    if not permissions.can_take(current_user):
        deny()
    assessment = services.start_assessment(current_user, restart=request.form.get("restart") == "1")
    db.session.commit()
    return redirect(url_for("assessment.step", number=min(assessment.step + 1, 6)))


@bp.route("/assessment/step/<int:number>", methods=["GET", "POST"])
def step(number: int):
    draft = _draft_or_intro()
    if draft is None:
        if request.method == "POST":
            # A replay of a finished assessment's last step: show its result, change nothing.
            done = _finished_for_replay()
            if done is not None:
                flash(_("Bài tự đánh giá này đã hoàn thành; đây là kết quả."), "info")
                return redirect(url_for("assessment.result", assessment_id=done.id), 303)
        flash(_("Hãy bắt đầu bài tự đánh giá."), "info")
        return redirect(url_for("assessment.intro"))
    form_data = questionnaire.load(draft.version)
    if not 1 <= number <= form_data.steps:
        abort(404)
    if number > draft.step + 1:
        return redirect(url_for("assessment.step", number=draft.step + 1))
    pillar = form_data.pillars[number - 1]
    form = step_form(pillar, draft.version, draft.answers or {})
    status = 200
    if request.method == "POST":
        posted = {q.id: request.form.get(q.id, "") for q in pillar.questions}
        if form.validate_on_submit():
            try:
                finished = services.save_step(
                    current_user, draft, number, posted, version=request.form.get("version", "")
                )
            except services.AssessmentError as err:
                db.session.rollback()
                if not form.attach_error(err.field, err.message):
                    flash(err.message, "danger")
                status = 400
            else:
                db.session.commit()
                if finished:
                    flash(_("Bạn đã hoàn thành bài tự đánh giá."), "success")
                    return redirect(url_for("assessment.result", assessment_id=draft.id), 303)
                return redirect(url_for("assessment.step", number=number + 1), 303)
        else:
            status = 400
            if form.version.data != draft.version:
                flash(
                    _(
                        "Bảng câu hỏi đã đổi phiên bản trong lúc bạn trả lời. "
                        "Vui lòng trả lời lại bước này."
                    ),
                    "danger",
                )
            form.version.data = draft.version
    return (
        render_template(
            "assessment/step.html",
            form=form,
            pillar=pillar,
            number=number,
            steps=form_data.steps,
            questionnaire=form_data,
            draft=draft,
        ),
        status,
    )


def _finished_for_replay():
    """The assessment a replayed last step belongs to, if this visitor may see it."""
    if current_user.is_authenticated:
        return queries.latest(current_user.organization_id) if current_user.is_enterprise else None
    found = services.anonymous_result(_current_key())
    return found if found is not None and found.completed else None


@bp.get("/assessment/results/<int:assessment_id>")
def result(assessment_id: int):
    assessment = queries.get_assessment(assessment_id)
    if assessment is None or not permissions.can_view(current_user, assessment):
        abort(404)
    if not assessment.completed:
        return redirect(url_for("assessment.step", number=assessment.step + 1))
    outcome = queries.result_of(assessment)
    outcome.recommended = queries.recommendations(outcome)
    return render_template("assessment/result.html", result=outcome, charts=charts, scoring=scoring)


@bp.get("/assessment/history")
@role_required("enterprise")
def history():
    require(permissions.can_view_history(current_user))
    items = [queries.result_of(a) for a in queries.history(current_user.organization_id)]
    return render_template(
        "assessment/history.html",
        items=items,
        charts=charts,
        pillar_keys=questionnaire.PILLAR_KEYS,
        pillar_labels={key: questionnaire.pillar_label(key) for key in questionnaire.PILLAR_KEYS},
    )
