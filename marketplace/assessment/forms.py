"""The step form: one radio group per question of a pillar, built from the questionnaire."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField
from wtforms.validators import InputRequired, ValidationError

from marketplace.assessment.questionnaire import Pillar
from marketplace.core.forms import Form


class LevelField(RadioField):
    """A level 0–5; anything else gets a translated error (not WTForms' English one)."""

    def pre_validate(self, form) -> None:
        if self.data not in {str(level) for level in range(6)}:
            raise ValidationError(_l("Câu trả lời phải là một mức từ 0 đến 5."))


class StepForm(Form):
    version = HiddenField()


def step_form(pillar: Pillar, version: str, answers: dict, **kwargs) -> StepForm:
    """Build the form of `pillar`'s step, filled with the answers saved so far."""

    class _Form(StepForm):
        pass

    for question in pillar.questions:
        setattr(
            _Form,
            question.id,
            LevelField(
                question.label,
                choices=[(str(level), text) for level, text in enumerate(question.answer_labels)],
                validators=[InputRequired(message=_l("Vui lòng chọn một câu trả lời."))],
            ),
        )
    saved = {q.id: str(answers[q.id]) for q in pillar.questions if q.id in (answers or {})}
    form = _Form(data={"version": version, **saved}, **kwargs)
    form.question_fields = [form[q.id] for q in pillar.questions]
    return form
