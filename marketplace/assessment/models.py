"""An assessment: one attempt at the questionnaire, a draft until its last step is saved."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.core.database import UTCDateTime, utcnow
from marketplace.extensions import db


class AssessmentStatus(StrEnum):
    DRAFT = "draft"
    COMPLETED = "completed"


_DRAFT_SQL = "status = 'draft'"


class Assessment(db.Model):
    """A readiness self-assessment of one organisation (or of an anonymous visitor).

    `answers` maps question id → level (0–5) as answered with questionnaire `version`;
    `pillar_scores` (pillar key → hundredths) and `overall_score` are computed once, at
    completion, so a later version never changes them. An anonymous visitor's row has no
    organisation and is found by `draft_key` (the SHA-256 of the token in their signed
    cookie) until they sign in as an enterprise and it is attached.
    """

    __tablename__ = "assessments"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'completed')", name="status"),
        CheckConstraint("overall_score IS NULL OR overall_score BETWEEN 0 AND 500", name="overall"),
        CheckConstraint("step >= 0 AND step <= 20", name="step"),
        CheckConstraint("organization_id IS NOT NULL OR draft_key IS NOT NULL", name="owner"),
        # One open draft per person and organisation: a double "start" resumes it.
        Index(
            "uq_assessments_open_draft",
            "organization_id",
            "user_id",
            unique=True,
            sqlite_where=text(_DRAFT_SQL),
            postgresql_where=text(_DRAFT_SQL),
        ),
        Index("ix_assessments_org_status", "organization_id", "status", "completed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    draft_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    version: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12), default=AssessmentStatus.DRAFT)
    step: Mapped[int] = mapped_column(Integer, default=0)  # pillars saved so far
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    pillar_scores: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    overall_score: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    @property
    def completed(self) -> bool:
        return self.status == AssessmentStatus.COMPLETED
