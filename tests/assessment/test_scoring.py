"""Scores and levels from answers and weights (the rounding rule of scoring.py), and the
questionnaire file's own rules."""

from __future__ import annotations

from fractions import Fraction

import pytest
import yaml
from sqlalchemy import select

from marketplace.assessment import questionnaire, scoring
from marketplace.catalog.models import Category
from marketplace.extensions import db


def _form(pillar_weights=(1, 1, 1, 1, 1, 1), question_weights=((1, 1, 1),) * 6):
    levels = list("012345")
    document = {
        "version": "9.1",
        "title": "?",
        "title_en": "?",
        "levels": levels,
        "levels_en": levels,
        "pillars": [
            {
                "key": key,
                "name": key,
                "name_en": key,
                "weight": pillar_weights[i],
                "questions": [
                    {
                        "id": f"{key}_{j}",
                        "weight": w,
                        "text": "?",
                        "text_en": "?",
                        "answers": levels,
                        "answers_en": levels,
                    }
                    for j, w in enumerate(question_weights[i])
                ],
            }
            for i, key in enumerate(questionnaire.PILLAR_KEYS)
        ],
    }
    return questionnaire.parse(document)


def _answers(form, per_pillar):
    """per_pillar: pillar key → list of answers in question order (default all 0)."""
    answers = {}
    for p in form.pillars:
        values = per_pillar.get(p.key, [0] * len(p.questions))
        answers.update({q.id: v for q, v in zip(p.questions, values, strict=True)})
    return answers


@pytest.mark.parametrize(
    ("question_weights", "answers", "pillar_score", "level"),
    [
        ((1, 1, 1), [0, 0, 0], 0, 0),
        ((1, 1, 1), [5, 5, 5], 500, 5),
        ((1, 1, 1), [5, 5, 4], 467, 4),  # 14/3 = 4.666… → 4.67, level 4
        ((1, 1, 1), [3, 3, 2], 267, 2),  # 8/3 = 2.666… → 2.67
        ((1, 1, 1), [1, 0, 0], 33, 0),  # 1/3 → 0.33
        ((2, 1, 1), [3, 2, 2], 250, 2),  # (6+2+2)/4 = 2.5
        ((2, 1, 1), [2, 3, 3], 250, 2),
        ((2, 1, 1), [4, 3, 4], 375, 3),  # 15/4 = 3.75: level is the whole part, 3
        ((1, 2, 1), [0, 5, 5], 375, 3),
        ((3, 1, 4), [1, 1, 0], 50, 0),  # 4/8 = 0.5
        ((1, 7), [2, 3], 288, 2),  # 23/8 = 2.875 → 2.88
        ((1, 7), [4, 5], 488, 4),  # 39/8 = 4.875 → 4.88 (half up)
        ((1, 7), [3, 4], 388, 3),  # 31/8 = 3.875 → 3.88 (half up)
        ((7, 1), [0, 1], 13, 0),  # 0.125 → 0.13 (half up, not to even)
    ],
)
def test_pillar_score_and_level(app, question_weights, answers, pillar_score, level):
    qw = (question_weights,) * 6
    form = _form(question_weights=qw)
    scores = scoring.score(form, _answers(form, {"customer": answers}))
    assert scores.pillars["customer"] == pillar_score
    assert scoring.level_of(scores.pillars["customer"]) == level


@pytest.mark.parametrize(
    ("pillar_weights", "per_pillar", "overall", "level"),
    [
        ((1,) * 6, {}, 0, 0),
        ((1,) * 6, {k: [5, 5, 5] for k in questionnaire.PILLAR_KEYS}, 500, 5),
        # One pillar at 5, the rest 0: 5/6 = 0.8333… → 0.83
        ((1,) * 6, {"customer": [5, 5, 5]}, 83, 0),
        # Pillar weights: customer counts twice: 10/7 = 1.4285… → 1.43
        ((2, 1, 1, 1, 1, 1), {"customer": [5, 5, 5]}, 143, 1),
        # The overall comes from exact pillar means, not from rounded ones:
        # six pillars at 2/3 (0.67 each if rounded first) → exactly 0.67 here too,
        ((1,) * 6, {k: [1, 1, 0] for k in questionnaire.PILLAR_KEYS}, 67, 0),
        # …and pillars at 7/3 and 8/3 (2.33 and 2.67) with four at 0: exactly 5/6 → 0.83,
        ((1,) * 6, {"customer": [3, 2, 2], "strategy": [3, 3, 2]}, 83, 0),
        # 3 pillars at 14/3 and 3 at 13/3 → 4.5 exactly, level 4
        (
            (1,) * 6,
            {
                **{k: [5, 5, 4] for k in questionnaire.PILLAR_KEYS[:3]},
                **{k: [5, 4, 4] for k in questionnaire.PILLAR_KEYS[3:]},
            },
            450,
            4,
        ),
    ],
)
def test_overall_score_and_level(app, pillar_weights, per_pillar, overall, level):
    form = _form(pillar_weights=pillar_weights)
    scores = scoring.score(form, _answers(form, per_pillar))
    assert scores.overall == overall
    assert scoring.level_of(scores.overall) == level


def test_rounding_is_half_up_on_exact_fractions():
    assert scoring.hundredths(Fraction(2345, 1000)) == 235
    assert scoring.hundredths(Fraction(2344, 1000)) == 234
    assert scoring.hundredths(Fraction(1, 8)) == 13
    assert scoring.hundredths(Fraction(299, 100)) == 299
    assert [scoring.level_of(v) for v in (0, 99, 100, 299, 300, 499, 500)] == [0, 0, 1, 2, 3, 4, 5]


def test_the_published_questionnaire_follows_its_rules(app):
    form = questionnaire.load("2026.1")
    assert form.version == "2026.1"
    assert [p.key for p in form.pillars] == list(questionnaire.PILLAR_KEYS)
    assert all(3 <= len(p.questions) <= 4 for p in form.pillars)
    assert all(len(q.answers) == 6 for q in form.questions())
    # Every shown text has its English twin, different from the Vietnamese one.
    assert form.title_en and len(form.levels) == len(form.levels_en) == 6
    assert all(p.name_en and p.name_en != p.name for p in form.pillars)
    assert all(q.text_en and q.text_en != q.text for q in form.questions())
    assert all(len(q.answers_en) == 6 for q in form.questions())
    # Every recommended category exists in the catalogue (categories come from migrations).
    slugs = set(db.session.scalars(select(Category.slug)))
    assert {c for p in form.pillars for c in p.categories} <= slugs
    assert questionnaire.current().version == "2026.1"


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: d["pillars"].pop(),
        lambda d: d["pillars"][0]["questions"][0]["answers"].pop(),
        lambda d: d["pillars"][0].update(weight=0),
        lambda d: d["pillars"][1]["questions"][0].update(id=d["pillars"][0]["questions"][0]["id"]),
        lambda d: d["pillars"][0].update(key="marketing"),
        lambda d: d["pillars"][0]["questions"][0].update(weight="2"),
        # The English twins: present, not empty, one per level.
        lambda d: d.pop("title_en"),
        lambda d: d.update(title_en=" "),
        lambda d: d["levels_en"].pop(),
        lambda d: d.pop("levels"),
        lambda d: d["pillars"][2].pop("name_en"),
        lambda d: d["pillars"][2].update(name=""),
        lambda d: d["pillars"][3]["questions"][1].pop("text_en"),
        lambda d: d["pillars"][3]["questions"][1].update(text_en=None),
        lambda d: d["pillars"][4]["questions"][2].pop("answers_en"),
        lambda d: d["pillars"][4]["questions"][2]["answers_en"].pop(),
        lambda d: d["pillars"][4]["questions"][2]["answers_en"].append("Level 6"),
        lambda d: d["pillars"][5]["questions"][0]["answers_en"].__setitem__(3, ""),
    ],
)
def test_a_broken_file_is_refused(app, breakage):
    with open(questionnaire.DATA_DIR / "2026.1.yaml", encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    breakage(document)
    with pytest.raises(questionnaire.QuestionnaireError):
        questionnaire.parse(document)
