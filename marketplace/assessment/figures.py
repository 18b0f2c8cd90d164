"""The dashboard's readiness figures: each enterprise's latest completed assessment, counted
by pillar and level, and averaged by size band, industry and former area.

Small cells follow the dashboard's rule (insights.periods.SMALL_CELL): a count under 5
organisations is shown as "<5", and an average over fewer than 5 is not shown at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _

from marketplace.accounts.choices import INDUSTRIES, SIZE_BANDS, label
from marketplace.assessment import queries, questionnaire, scoring
from marketplace.core import geography
from marketplace.insights.periods import SMALL_CELL, SUPPRESSED


def suppress(count: int) -> int | None:
    return count if count >= SMALL_CELL else None


@dataclass
class LevelCell:
    level: int
    orgs: int | None

    @property
    def display(self) -> str:
        return SUPPRESSED if self.orgs is None else str(self.orgs)


@dataclass
class PillarRow:
    key: str
    label: str
    levels: list[LevelCell]
    average: float | None  # None under SMALL_CELL organisations


@dataclass
class GroupCell:
    label: str
    orgs: int | None
    average: float | None

    @property
    def display(self) -> str:
        return SUPPRESSED if self.orgs is None else str(self.orgs)


@dataclass
class GroupBreakdown:
    key: str
    title: str
    cells: list[GroupCell]


@dataclass
class Readiness:
    organizations: int | None
    version: str
    overall: list[LevelCell]
    pillars: list[PillarRow]
    breakdowns: list[GroupBreakdown]
    area: str | None = None

    @property
    def display(self) -> str:
        return SUPPRESSED if self.organizations is None else str(self.organizations)


def _average(values: list[int]) -> float | None:
    if len(values) < SMALL_CELL:
        return None
    return round(sum(values) / len(values) / 100, 2)


def _levels(scores: list[int]) -> list[LevelCell]:
    counts = [0] * 6
    for value in scores:
        counts[scoring.level_of(value)] += 1
    return [LevelCell(level, suppress(n)) for level, n in enumerate(counts)]


def _groups(
    rows: list[queries.LatestRow],
    key: Callable[[queries.LatestRow], str | None],
    labeller: Callable[[str | None], str],
    order: list[str | None],
) -> list[GroupCell]:
    grouped: dict[str | None, list[int]] = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row.overall)
    keys = sorted(grouped, key=lambda k: (order.index(k) if k in order else len(order), str(k)))
    return [GroupCell(labeller(k), suppress(len(grouped[k])), _average(grouped[k])) for k in keys]


def build_readiness(area: str | None = None) -> Readiness:
    """The readiness figures of the dashboard (narrowed to a former area when given)."""
    units = {c.code: c for c in geography.served_communes()}
    rows = queries.latest_completed()

    def former(row: queries.LatestRow) -> str | None:
        unit = units.get(row.commune_code or "")
        return unit.former_province_code if unit else None

    if area is not None:
        rows = [r for r in rows if former(r) == area]
    pending = _("Chưa khai báo")
    area_labels = dict(geography.former_areas(geography.served_province_code()))
    pillars = [
        PillarRow(
            key,
            questionnaire.pillar_label(key),
            _levels([r.pillars[key] for r in rows if key in r.pillars]),
            _average([r.pillars[key] for r in rows if key in r.pillars]),
        )
        for key in questionnaire.PILLAR_KEYS
    ]
    breakdowns = [
        GroupBreakdown(
            "size",
            _("Quy mô doanh nghiệp"),
            _groups(
                rows,
                lambda r: r.size_band,
                lambda k: label(SIZE_BANDS, k) if k else pending,
                [code for code, _name in SIZE_BANDS],
            ),
        ),
        GroupBreakdown(
            "industry",
            _("Ngành nghề"),
            _groups(
                rows,
                lambda r: r.industry,
                lambda k: label(INDUSTRIES, k) if k else pending,
                [code for code, _name in INDUSTRIES],
            ),
        ),
        GroupBreakdown(
            "former_area",
            _("Khu vực cũ"),
            _groups(
                rows,
                former,
                lambda k: area_labels.get(k, k) if k else _("Chưa cập nhật địa chỉ"),
                list(area_labels),
            ),
        ),
    ]
    return Readiness(
        organizations=suppress(len(rows)),
        version=questionnaire.current().version,
        overall=_levels([r.overall for r in rows]),
        pillars=pillars,
        breakdowns=breakdowns,
        area=area,
    )
