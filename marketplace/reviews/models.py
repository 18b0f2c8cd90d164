"""Reviews, their earlier versions, vendor replies, helpful votes and abuse reports."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Organization, User
from marketplace.catalog.models import Solution
from marketplace.core.database import UTCDateTime, utcnow
from marketplace.extensions import db


class ReviewStatus(StrEnum):
    PUBLISHED = "published"
    HIDDEN = "hidden"


class UseKind(StrEnum):
    """What use of the solution a review's badge stands for."""

    TRIAL = "trial"
    PURCHASE = "purchase"


class ReportStatus(StrEnum):
    OPEN = "open"
    # The moderator kept the review: nothing wrong with it.
    DISMISSED = "dismissed"
    # The moderator hid the review because of it.
    UPHELD = "upheld"


# The four sub-ratings, in the order the pages show them.
ASPECTS = ("ease_of_use", "features", "support", "value")

_SCORE_SQL = "{0} >= 1 AND {0} <= 5"
_OPEN_REPORT_SQL = "status = 'open'"


class Review(db.Model):
    """An enterprise's rating and review of a solution: one per organisation and solution."""

    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("solution_id", "organization_id"),
        CheckConstraint("status IN ('published', 'hidden')", name="status"),
        CheckConstraint(_SCORE_SQL.format("overall"), name="overall"),
        *(CheckConstraint(_SCORE_SQL.format(a), name=a) for a in ASPECTS),
        CheckConstraint("helpful_count >= 0", name="helpful_count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    # The member who last wrote it.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The organisation's name when the review was last written: a later rename does not
    # change who signed it (None: unknown, the current name is shown).
    organization_name: Mapped[str | None] = mapped_column(String(200))
    overall: Mapped[int] = mapped_column(Integer)
    ease_of_use: Mapped[int] = mapped_column(Integer)
    features: Mapped[int] = mapped_column(Integer)
    support: Mapped[int] = mapped_column(Integer)
    value: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    # The organisation had used the solution here when it last wrote the review (the badge).
    verified: Mapped[bool] = mapped_column(default=False)
    # Which use: a trial (of `use_days` days) or a purchase; None when not verified.
    use_kind: Mapped[str | None] = mapped_column(String(20))
    use_days: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default=ReviewStatus.PUBLISHED)
    # Kept equal to the number of votes, so "most helpful" sorts without a join.
    helpful_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    hidden_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # When the text or the stars last changed (a vote or a moderation does not count).
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    solution: Mapped[Solution] = relationship()
    organization: Mapped[Organization] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    hidden_by: Mapped[User | None] = relationship(foreign_keys=[hidden_by_id])
    reply: Mapped[ReviewReply | None] = relationship(
        back_populates="review", cascade="all, delete-orphan", uselist=False
    )
    revisions: Mapped[list[ReviewRevision]] = relationship(
        back_populates="review",
        order_by="[ReviewRevision.id.desc()]",
        cascade="all, delete-orphan",
    )

    @property
    def is_published(self) -> bool:
        return self.status == ReviewStatus.PUBLISHED

    @property
    def edited(self) -> bool:
        return self.updated_at is not None and self.updated_at > self.created_at

    @property
    def former_name(self) -> str | None:
        """Return the name the review was signed with when the organisation has since renamed."""
        signed = self.organization_name
        if signed and self.organization is not None and signed != self.organization.name:
            return signed
        return None

    @property
    def use_badge(self) -> str | None:
        """The badge's words: "Đã dùng thử 14 ngày", "Khách hàng đã mua", or None."""
        from flask_babel import gettext as _

        if not self.verified:
            return None
        if self.use_kind == UseKind.PURCHASE:
            return _("Khách hàng đã mua")
        if self.use_days:
            return _("Đã dùng thử %(days)d ngày", days=self.use_days)
        return _("Đã dùng thử")

    def aspects(self) -> dict[str, int]:
        return {a: getattr(self, a) for a in ASPECTS}

    def __repr__(self) -> str:
        return f"<Review {self.id} {self.overall}★ {self.status} org={self.organization_id}>"


# A listing's published reviews in the default order ("most helpful", then newest): the
# solution page reads one page of them from the index even when a listing has thousands.
# Its first two columns also serve every lookup by listing and status.
Index(
    "ix_reviews_solution_helpful",
    Review.solution_id,
    Review.status,
    Review.helpful_count.desc(),
    Review.created_at.desc(),
    Review.id.desc(),
)


# An organisation's reviews, with what its users' pages show of each (core/user_reads.py:
# read with the user's row from the index alone, without visiting the reviews' rows).
Index(
    "ix_reviews_organization_standing",
    Review.organization_id,
    Review.solution_id,
    Review.status,
    Review.id,
)


class ReviewRevision(db.Model):
    """A review as it read before it was rewritten."""

    __tablename__ = "review_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    overall: Mapped[int] = mapped_column(Integer)
    ease_of_use: Mapped[int] = mapped_column(Integer)
    features: Mapped[int] = mapped_column(Integer)
    support: Mapped[int] = mapped_column(Integer)
    value: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    # When that version was written, and when it was replaced.
    written_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    review: Mapped[Review] = relationship(back_populates="revisions")
    author: Mapped[User | None] = relationship()


class ReviewReply(db.Model):
    """The vendor's one public reply to a review (editable)."""

    __tablename__ = "review_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("reviews.id", ondelete="CASCADE"), unique=True
    )
    # The vendor's member who last wrote it.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    review: Mapped[Review] = relationship(back_populates="reply")
    author: Mapped[User | None] = relationship()


class ReviewVote(db.Model):
    """A user found a review helpful (one vote per user and review)."""

    __tablename__ = "review_votes"
    __table_args__ = (UniqueConstraint("review_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReviewReport(db.Model):
    """Someone reported a review as abusive; a moderator dismisses or upholds it."""

    __tablename__ = "review_reports"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'dismissed', 'upheld')", name="status"),
        # One open report per user and review (a closed one does not block a new report).
        Index(
            "uq_review_reports_open",
            "review_id",
            "reporter_id",
            unique=True,
            sqlite_where=text(_OPEN_REPORT_SQL),
            postgresql_where=text(_OPEN_REPORT_SQL),
        ),
        Index("ix_review_reports_status_created_at", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=ReportStatus.OPEN)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The moderator's note when closing it.
    resolution: Mapped[str | None] = mapped_column(Text)

    review: Mapped[Review] = relationship()
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])
