"""Taking the readiness self-assessment: start or resume, save a step, finish, attach."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from marketplace.assessment import drafts, permissions, questionnaire, scoring
from marketplace.assessment.models import Assessment, AssessmentStatus
from marketplace.core.audit import record_audit
from marketplace.core.database import utcnow
from marketplace.core.errors import DomainError
from marketplace.extensions import db


class AssessmentError(DomainError):
    """A step could not be saved; `field` names the question when there is one."""


class TakingRefused(DomainError):
    status = 403


class StaleVersion(AssessmentError):
    """The form was answered with another questionnaire version than the draft's."""


class AlreadyCompleted(AssessmentError):
    """The step was sent again after the assessment was finished (a replay, a second tab)."""

    status = 409

    def __init__(self, assessment: Assessment) -> None:
        super().__init__(str(_l("Bài tự đánh giá này đã hoàn thành; đây là kết quả.")))
        self.assessment = assessment


def _require_taker(user) -> None:
    if not permissions.can_take(user):
        raise TakingRefused(
            str(_l("Chỉ doanh nghiệp và khách chưa đăng nhập mới làm bài tự đánh giá này."))
        )


def open_draft(user) -> Assessment | None:
    """The draft this visitor is working on: theirs in their organisation, or the cookie's."""
    if getattr(user, "is_authenticated", False):
        if user.organization_id is None:
            return None
        return db.session.scalar(
            select(Assessment).where(
                Assessment.organization_id == user.organization_id,
                Assessment.user_id == user.id,
                Assessment.status == AssessmentStatus.DRAFT,
            )
        )
    key = drafts.current_key()
    if key is None:
        return None
    return db.session.scalar(
        select(Assessment).where(
            Assessment.draft_key == key,
            Assessment.organization_id.is_(None),
            Assessment.status == AssessmentStatus.DRAFT,
        )
    )


def anonymous_result(key: str | None) -> Assessment | None:
    """The anonymous visitor's assessment (draft or completed) named by their cookie."""
    if key is None:
        return None
    return db.session.scalar(
        select(Assessment).where(Assessment.draft_key == key, Assessment.organization_id.is_(None))
    )


def start_assessment(user, *, restart: bool = False) -> Assessment:
    """Resume the visitor's draft, or start one with the current questionnaire.

    `restart` throws the open draft away first. Two starts at once make one draft (the
    partial unique index); the loser resumes the winner's.
    """
    _require_taker(user)
    draft = open_draft(user)
    if draft is not None and restart:
        db.session.delete(draft)
        db.session.flush()
        draft = None
    if draft is not None:
        return draft
    version = questionnaire.current().version
    now = utcnow()
    if getattr(user, "is_authenticated", False):
        assessment = Assessment(
            organization_id=user.organization_id, user_id=user.id, version=version, answers={}
        )
    else:
        # A new anonymous attempt replaces the visitor's previous one (draft or result).
        old = anonymous_result(drafts.current_key())
        if old is not None:
            db.session.delete(old)
            db.session.flush()
        assessment = Assessment(draft_key=drafts.key_of(drafts.new_token()), version=version)
        assessment.answers = {}
    assessment.status = AssessmentStatus.DRAFT
    assessment.step = 0
    assessment.created_at = assessment.updated_at = now
    try:
        with db.session.begin_nested():
            db.session.add(assessment)
    except IntegrityError:
        existing = open_draft(user)
        if existing is None:
            raise
        return existing
    return assessment


def parse_answers(pillar: questionnaire.Pillar, posted: dict[str, str]) -> dict[str, int]:
    """Read one step's answers: every question of the pillar, each a level 0–5.

    Raises `AssessmentError` naming the first question that is missing or out of range;
    `step_errors` gives all of them for the form.
    """
    errors = step_errors(pillar, posted)
    if errors:
        field, message = next(iter(errors.items()))
        raise AssessmentError(message, field=field)
    return {q.id: int(posted[q.id]) for q in pillar.questions}


def step_errors(pillar: questionnaire.Pillar, posted: dict[str, str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for q in pillar.questions:
        value = (posted.get(q.id) or "").strip()
        if not value:
            errors[q.id] = str(_l("Vui lòng chọn một câu trả lời."))
        elif not value.isdigit() or not 0 <= int(value) <= 5:
            errors[q.id] = str(_l("Câu trả lời phải là một mức từ 0 đến 5."))
    return errors


def save_step(
    user, assessment: Assessment, number: int, posted: dict[str, str], *, version: str
) -> bool:
    """Save the answers of step `number` (1-based); return True when this finished the test.

    The form carries the questionnaire version it showed: answers to another version's
    questions are refused (`StaleVersion`), never mixed into this one.
    """
    _require_taker(user)
    if assessment.completed:
        raise AlreadyCompleted(assessment)
    form = questionnaire.load(assessment.version)
    if version != assessment.version:
        raise StaleVersion(
            str(
                _l(
                    "Bảng câu hỏi đã đổi phiên bản trong lúc bạn trả lời. "
                    "Vui lòng trả lời lại bước này."
                )
            )
        )
    if not 1 <= number <= form.steps or number > assessment.step + 1:
        raise AssessmentError(str(_l("Bước này không tồn tại hoặc chưa tới lượt.")))
    pillar = form.pillars[number - 1]
    answers = parse_answers(pillar, posted)
    assessment.answers = {**(assessment.answers or {}), **answers}
    assessment.step = max(assessment.step, number)
    assessment.updated_at = utcnow()
    if assessment.step >= form.steps and form.question_ids() <= set(assessment.answers):
        _complete(user, assessment, form)
        return True
    db.session.flush()
    return False


def _complete(user, assessment: Assessment, form: questionnaire.Questionnaire) -> None:
    answers = {qid: int(assessment.answers[qid]) for qid in form.question_ids()}
    scores = scoring.score(form, answers)
    assessment.answers = answers
    assessment.pillar_scores = scores.pillars
    assessment.overall_score = scores.overall
    assessment.status = AssessmentStatus.COMPLETED
    assessment.completed_at = utcnow()
    db.session.flush()
    if assessment.organization_id is not None:
        record_audit(
            user if getattr(user, "is_authenticated", False) else None,
            "assessment.complete",
            assessment,
            data={"version": assessment.version, "overall": scores.overall},
        )


def attach_anonymous(user) -> Assessment | None:
    """Give the anonymous assessment in this browser's cookie to the user's organisation.

    Called when someone signs in or signs up. Only an enterprise member who may take the
    assessment gets it; a draft replaces their own open draft (the newer work wins).
    """
    key = drafts.current_key()
    if key is None:
        return None
    assessment = anonymous_result(key)
    drafts.forget()
    if assessment is None or not permissions.can_take(user):
        return None
    if not assessment.completed:
        db.session.execute(
            delete(Assessment).where(
                Assessment.organization_id == user.organization_id,
                Assessment.user_id == user.id,
                Assessment.status == AssessmentStatus.DRAFT,
            )
        )
    assessment.organization_id = user.organization_id
    assessment.user_id = user.id
    assessment.draft_key = None
    db.session.flush()
    record_audit(user, "assessment.attach", assessment, data={"status": assessment.status})
    return assessment


def purge_anonymous(days: int = drafts.MAX_AGE_DAYS) -> int:
    """Delete anonymous assessments untouched for `days` days (their cookie has expired)."""
    cutoff = utcnow() - dt.timedelta(days=days)
    result = db.session.execute(
        delete(Assessment).where(
            Assessment.organization_id.is_(None), Assessment.updated_at < cutoff
        )
    )
    return result.rowcount or 0
