"""The programme's figures for the public dashboard, its page and the API.

Counts of applications and approvals are events, and amounts are public spending: both are
shown as they are (a month's amount hidden while the budget's total shows it would hide
nothing). What concerns organisations, the number of enterprises supported, is shown only
from five (SMALL_CELL) up.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select

from marketplace.core.clock import TIMEZONE, local_midnight, local_today
from marketplace.extensions import db
from marketplace.insights.periods import DASHBOARD_MONTHS, SMALL_CELL, month_key, month_starts
from marketplace.programme import queries
from marketplace.programme.models import COMMITTED, Application, ApplicationStatus


@dataclass(frozen=True)
class Budget:
    total_vnd: int
    committed_vnd: int  # approved, disbursed or not
    disbursed_vnd: int

    @property
    def left_vnd(self) -> int:
        return max(0, self.total_vnd - self.committed_vnd)

    @property
    def used_share(self) -> float:
        return self.committed_vnd / self.total_vnd if self.total_vnd else 0.0


@dataclass(frozen=True)
class Month:
    month: dt.date
    applications: int
    approvals: int
    disbursed_vnd: int


@dataclass
class Figures:
    budget: Budget | None
    months: list[Month] = field(default_factory=list)
    applications: int = 0
    approvals: int = 0
    organizations_supported: int | None = None  # None when suppressed


def budget_figures(programme, version) -> Budget | None:
    """Return the budget of the version in force and what is committed and disbursed."""
    if programme is None or version is None:
        return None
    disbursed = db.session.scalar(
        select(func.coalesce(func.sum(Application.amount_vnd), 0)).where(
            Application.programme_id == programme.id,
            Application.status == ApplicationStatus.DISBURSED,
        )
    )
    return Budget(version.budget_vnd, queries.committed_total(programme.id), int(disbursed or 0))


def _local_month(value: dt.datetime | None) -> str | None:
    return None if value is None else month_key(value.astimezone(TIMEZONE).date())


def build_figures(*, today: dt.date | None = None) -> Figures | None:
    """Return the programme's figures for the last 12 months, or None without a programme."""
    programme = queries.current_programme()
    if programme is None:
        return None
    today = today or local_today()
    starts = month_starts(DASHBOARD_MONTHS, today=today)
    since = local_midnight(starts[0])
    rows = db.session.execute(
        select(
            Application.organization_id,
            Application.status,
            Application.submitted_at,
            Application.decided_at,
            Application.disbursed_at,
            Application.amount_vnd,
        ).where(Application.programme_id == programme.id)
    ).all()
    applied: dict[str, int] = defaultdict(int)
    approved: dict[str, int] = defaultdict(int)
    paid: dict[str, int] = defaultdict(int)
    supported: set[int] = set()
    approvals = 0
    for org_id, status, submitted_at, decided_at, disbursed_at, amount in rows:
        if submitted_at and submitted_at >= since:
            applied[_local_month(submitted_at)] += 1
        if status in COMMITTED:
            approvals += 1
            supported.add(org_id)
            if decided_at and decided_at >= since:
                approved[_local_month(decided_at)] += 1
        if status == ApplicationStatus.DISBURSED and disbursed_at and disbursed_at >= since:
            key = _local_month(disbursed_at)
            paid[key] += int(amount or 0)
    months = []
    for start in starts:
        key = month_key(start)
        months.append(Month(start, applied[key], approved[key], paid[key]))
    version = queries.version_at(programme.id, today)
    return Figures(
        budget=budget_figures(programme, version),
        months=months,
        applications=len(rows),
        approvals=approvals,
        organizations_supported=len(supported) if len(supported) >= SMALL_CELL else None,
    )


def figures_json() -> dict | None:
    """The figures as the API gives them (`/api/v1/stats?include=dashboard`)."""
    figures = build_figures()
    if figures is None:
        return None
    budget = figures.budget
    return {
        "budget_vnd": budget.total_vnd if budget else None,
        "committed_vnd": budget.committed_vnd if budget else 0,
        "disbursed_vnd": budget.disbursed_vnd if budget else 0,
        "remaining_vnd": budget.left_vnd if budget else None,
        "applications": figures.applications,
        "approvals": figures.approvals,
        "organizations_supported": figures.organizations_supported,
        "months": [
            {
                "month": f"{m.month:%Y-%m}",
                "applications": m.applications,
                "approvals": m.approvals,
                "disbursed_vnd": m.disbursed_vnd,
            }
            for m in figures.months
        ],
    }
