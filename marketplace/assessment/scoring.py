"""Scores and levels from answers and weights.

The rule, written once:
- an answer is a level from 0 to 5;
- a pillar's score is the weighted mean of its questions' answers (question weights);
- the overall score is the weighted mean of the pillar scores (pillar weights), computed
  from the exact pillar means, not from their rounded values;
- each score is rounded ONCE, at the end, to two decimals, half up (2.345 → 2.35), and kept
  as an integer number of hundredths (235);
- a level is the whole part of the rounded score: 2.99 is level 2, 3.00 is level 3. Level 5
  therefore needs a score of 5.00: every answer of the pillar (or of all pillars) at 5.
Exact arithmetic (fractions) keeps the rounding the same on every machine and database.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from marketplace.assessment.questionnaire import Pillar, Questionnaire


@dataclass(frozen=True)
class Scores:
    """Scores in hundredths: `pillars` by pillar key, `overall` for the whole assessment."""

    pillars: dict[str, int]
    overall: int


def hundredths(value: Fraction) -> int:
    """Round a score to two decimals, half up, as an integer number of hundredths."""
    return math.floor(value * 100 + Fraction(1, 2))


def level_of(score_hundredths: int) -> int:
    """The level (0–5) a rounded score reaches: its whole part."""
    return max(0, min(5, score_hundredths // 100))


def pillar_mean(pillar: Pillar, answers: dict[str, int]) -> Fraction:
    total = sum(q.weight for q in pillar.questions)
    return Fraction(sum(q.weight * answers[q.id] for q in pillar.questions), total)


def score(questionnaire: Questionnaire, answers: dict[str, int]) -> Scores:
    """Score a complete set of answers (every question of `questionnaire`, each 0–5)."""
    means = {p.key: pillar_mean(p, answers) for p in questionnaire.pillars}
    total = sum(p.weight for p in questionnaire.pillars)
    overall = sum(p.weight * means[p.key] for p in questionnaire.pillars) / total
    return Scores({key: hundredths(mean) for key, mean in means.items()}, hundredths(overall))


def display(score_hundredths: int) -> float:
    """The score as a number for display and charts (3.25)."""
    return score_hundredths / 100
