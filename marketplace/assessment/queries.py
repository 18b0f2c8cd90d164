"""Reads of the readiness self-assessment: results, history, recommendations, dashboard."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from marketplace.assessment import questionnaire, scoring
from marketplace.assessment.models import Assessment, AssessmentStatus
from marketplace.extensions import db

# How many of the lowest pillars a result names as the weakest, and solutions per pillar.
WEAKEST = 2
SOLUTIONS_PER_PILLAR = 3


def has_completed_assessment(organization_id: int) -> bool:
    """Whether the organisation has finished at least one readiness self-assessment."""
    return (
        db.session.scalar(
            select(Assessment.id)
            .where(
                Assessment.organization_id == organization_id,
                Assessment.status == AssessmentStatus.COMPLETED,
            )
            .limit(1)
        )
        is not None
    )


def get_assessment(assessment_id: int) -> Assessment | None:
    return db.session.get(Assessment, assessment_id)


def history(organization_id: int) -> list[Assessment]:
    """The organisation's completed assessments, oldest first."""
    return list(
        db.session.scalars(
            select(Assessment)
            .where(
                Assessment.organization_id == organization_id,
                Assessment.status == AssessmentStatus.COMPLETED,
            )
            .order_by(Assessment.completed_at, Assessment.id)
        )
    )


def latest(organization_id: int) -> Assessment | None:
    found = history(organization_id)
    return found[-1] if found else None


@dataclass
class PillarResult:
    key: str
    label: str
    score: int  # hundredths
    level: int

    @property
    def value(self) -> float:
        return scoring.display(self.score)

    @property
    def level_label(self) -> str:
        return questionnaire.level_label(self.level)


@dataclass
class AnswerLine:
    pillar: str
    question: str
    level: int | None
    answer: str | None


@dataclass
class Result:
    assessment: Assessment
    version: str
    overall: int
    level: int
    pillars: list[PillarResult]
    weakest: list[PillarResult]
    answers: list[AnswerLine] = field(default_factory=list)
    # Filled by `recommendations`: (pillar, [(category, [solutions])]).
    recommended: list = field(default_factory=list)

    @property
    def overall_value(self) -> float:
        return scoring.display(self.overall)

    @property
    def level_label(self) -> str:
        return questionnaire.level_label(self.level)


def pillar_results(assessment: Assessment) -> list[PillarResult]:
    """The stored pillar scores in the six pillars' order (any version: keys are stable)."""
    stored = assessment.pillar_scores or {}
    return [
        PillarResult(
            key,
            questionnaire.pillar_label(key),
            int(stored[key]),
            scoring.level_of(int(stored[key])),
        )
        for key in questionnaire.PILLAR_KEYS
        if key in stored
    ]


def result_of(assessment: Assessment) -> Result:
    """What a completed assessment says, read from its stored scores and its own version.

    The scores are those computed when it was completed; the questions and answer texts come
    from the questionnaire version it was answered with (when that file is still there).
    """
    pillars = pillar_results(assessment)
    weakest = sorted(
        (p for p in pillars if p.level < 5),
        key=lambda p: (p.score, questionnaire.PILLAR_KEYS.index(p.key)),
    )[:WEAKEST]
    lines: list[AnswerLine] = []
    try:
        form = questionnaire.load(assessment.version)
    except questionnaire.UnknownVersion:
        form = None
    if form is not None:
        for pillar in form.pillars:
            for q in pillar.questions:
                level = (assessment.answers or {}).get(q.id)
                lines.append(
                    AnswerLine(
                        pillar.label,
                        q.label,
                        level,
                        q.answer_label(level)
                        if isinstance(level, int) and 0 <= level <= 5
                        else None,
                    )
                )
    overall = int(assessment.overall_score or 0)
    return Result(
        assessment,
        assessment.version,
        overall,
        scoring.level_of(overall),
        pillars,
        weakest,
        lines,
    )


def recommendations(result: Result) -> list:
    """For each weakest pillar, the categories the questionnaire maps it to, each with its
    best-rated published solutions (through the catalogue's own query)."""
    from marketplace.catalog.models import Category
    from marketplace.catalog.params import CatalogParams
    from marketplace.catalog.queries import run_catalog

    try:
        form = questionnaire.load(result.version)
    except questionnaire.UnknownVersion:
        form = questionnaire.current()
    slugs = {slug for p in result.weakest for slug in form.pillar(p.key).categories}
    categories = {
        c.slug: c for c in db.session.scalars(select(Category).where(Category.slug.in_(slugs)))
    }
    listed: set[str] = set()  # a category two weak pillars share is listed once, first
    output = []
    for pillar in result.weakest:
        groups = []
        for slug in form.pillar(pillar.key).categories:
            category = categories.get(slug)
            if category is None or slug in listed:
                continue
            listed.add(slug)
            page = run_catalog(
                CatalogParams(category=slug, sort="rating", per_page=SOLUTIONS_PER_PILLAR),
                with_facets=False,
            )
            groups.append((category, page.items))
        output.append((pillar, groups))
    return output


# ------------------------------------------------------------------ dashboard figures


@dataclass
class LatestRow:
    organization_id: int
    overall: int
    pillars: dict[str, int]
    size_band: str | None
    industry: str | None
    commune_code: str | None


def latest_completed() -> list[LatestRow]:
    """Each enterprise's latest completed assessment (one query, a window function)."""
    from marketplace.accounts.models import Organization, OrgKind

    ranked = (
        select(
            Assessment.id,
            func.row_number()
            .over(
                partition_by=Assessment.organization_id,
                order_by=(Assessment.completed_at.desc(), Assessment.id.desc()),
            )
            .label("rank"),
        )
        .where(
            Assessment.status == AssessmentStatus.COMPLETED,
            Assessment.organization_id.is_not(None),
        )
        .subquery()
    )
    rows = db.session.execute(
        select(
            Assessment.organization_id,
            Assessment.overall_score,
            Assessment.pillar_scores,
            Organization.size_band,
            Organization.industry,
            Organization.commune_code,
        )
        .join(ranked, ranked.c.id == Assessment.id)
        .join(Organization, Organization.id == Assessment.organization_id)
        .where(
            ranked.c.rank == 1,
            Organization.kind == OrgKind.ENTERPRISE,
            Organization.active.is_(True),
        )
    ).all()
    return [
        LatestRow(org, int(overall or 0), dict(pillars or {}), size, industry, commune)
        for org, overall, pillars, size, industry, commune in rows
    ]
