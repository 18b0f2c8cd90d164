"""Categories, solutions, plans, features, uploads and revisions."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Organization, User
from marketplace.core.database import UTCDateTime, utcnow
from marketplace.core.i18n import locale_name
from marketplace.extensions import db


class SolutionStatus(StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"
    SUSPENDED = "suspended"
    ARCHIVED = "archived"


class RevisionStatus(StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Deployment(StrEnum):
    CLOUD = "cloud"
    ON_PREMISE = "on_premise"
    HYBRID = "hybrid"


class BillingPeriod(StrEnum):
    MONTH = "month"
    YEAR = "year"
    ONCE = "once"


# A one-time-only listing's price_rank is its price plus this: it sorts after every listing
# with a recurring plan (whose rank is a monthly cost, always below it), by its own price.
ONE_TIME_RANK_OFFSET = 10**15


def monthly_cost(price_vnd: int, period: str) -> int | None:
    """Return a recurring price per month (yearly ÷ 12, rounded half up); None for one-time."""
    if period == BillingPeriod.MONTH:
        return price_vnd
    if period == BillingPeriod.YEAR:
        return (2 * price_vnd + 12) // 24
    return None


def headline_plan(plans: list[Plan]) -> Plan | None:
    """Return the plan a listing's "from" price shows: the lowest monthly cost among recurring
    plans (a monthly plan first on a tie), else the cheapest one-time plan."""
    recurring = [p for p in plans if p.period in (BillingPeriod.MONTH, BillingPeriod.YEAR)]
    if recurring:
        return min(recurring, key=lambda p: (p.monthly_cost_vnd, p.period != "month", p.position))
    once = [p for p in plans if p.period == BillingPeriod.ONCE]
    return min(once, key=lambda p: (p.price_vnd, p.position)) if once else None


def price_rank(plan: Plan | None) -> int | None:
    """The price sort key of a listing whose headline plan is `plan` (see ONE_TIME_RANK_OFFSET)."""
    if plan is None:
        return None
    cost = plan.monthly_cost_vnd
    return cost if cost is not None else ONE_TIME_RANK_OFFSET + plan.price_vnd


class FeatureKind(StrEnum):
    BOOL = "bool"
    TEXT = "text"


def _localised(vi: str, en: str | None) -> str:
    return en if en and locale_name() == "en" else vi


class CategoryWording:
    """A category's name and description in the visitor's language (for the rows and for
    the categories the public pages keep, `listed.ShownCategory`)."""

    name_vi: str
    name_en: str
    description_vi: str
    description_en: str
    parent: CategoryWording | None

    @property
    def name(self) -> str:
        return _localised(self.name_vi, self.name_en)

    @property
    def description(self) -> str:
        return _localised(self.description_vi, self.description_en)

    @property
    def full_name(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent else self.name


class Category(CategoryWording, db.Model):
    """A two-level tree: top-level groups and their categories."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="RESTRICT"), index=True
    )
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name_vi: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # What the category is for, in a sentence: the heading of its page (0025_catsettings).
    description_vi: Mapped[str] = mapped_column(Text, default="", server_default="")
    description_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    # A retired category leaves the catalogue; it never holds a listing (they are merged
    # into `merged_into` when it is retired).
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="SET NULL")
    )

    parent: Mapped[Category | None] = relationship(
        remote_side="Category.id", back_populates="children", foreign_keys=[parent_id]
    )
    children: Mapped[list[Category]] = relationship(
        back_populates="parent", order_by="Category.position", foreign_keys=[parent_id]
    )
    features: Mapped[list[FeatureDefinition]] = relationship(
        back_populates="category", order_by="FeatureDefinition.position"
    )


class FeatureDefinition(db.Model):
    """A comparable feature in a category's vocabulary (yes/no or a short value)."""

    __tablename__ = "feature_definitions"
    __table_args__ = (
        UniqueConstraint("category_id", "key"),
        CheckConstraint("kind IN ('bool', 'text')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(60))
    label_vi: Mapped[str] = mapped_column(String(120))
    label_en: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10), default=FeatureKind.BOOL)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # A feature taken out of the vocabulary: no longer asked, shown or compared; the values
    # listings hold for it are kept (0025_catsettings).
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    category: Mapped[Category] = relationship(back_populates="features")

    @property
    def retired(self) -> bool:
        return self.retired_at is not None

    @property
    def label(self) -> str:
        return _localised(self.label_vi, self.label_en)


class Upload(db.Model):
    """An image a vendor uploaded, re-encoded and stored under a random name."""

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Random file name (token + extension); also the public URL segment.
    filename: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(String(20), default="image")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    organization: Mapped[Organization] = relationship()


class Solution(db.Model):
    """A vendor's listing. Its columns hold the live content once published."""

    __tablename__ = "solutions"
    __table_args__ = (
        CheckConstraint(
            "status IN ('draft', 'pending', 'published', 'rejected', 'suspended', 'archived')",
            name="status",
        ),
        CheckConstraint("deployment IN ('cloud', 'on_premise', 'hybrid')", name="deployment"),
        Index("ix_solutions_status_published_at", "status", "published_at"),
        Index("ix_solutions_status_min_price", "status", "min_price_vnd"),
        Index("ix_solutions_status_price_rank", "status", "price_rank"),
        Index("ix_solutions_status_rating_score", "status", "rating_score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=SolutionStatus.DRAFT, index=True)
    name: Mapped[str] = mapped_column(String(120))
    tagline: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="RESTRICT"), index=True
    )
    deployment: Mapped[str] = mapped_column(String(20), default=Deployment.CLOUD)
    website: Mapped[str | None] = mapped_column(String(255))
    logo_id: Mapped[int | None] = mapped_column(
        ForeignKey("uploads.id", ondelete="SET NULL"), index=True
    )
    # Last moderator reason (rejection or suspension) shown to the vendor.
    status_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Kept in step with the plans by apply_content, so lists filter and sort without joins:
    # the headline price ("Từ …") with its period, and the price sort key (see price_rank).
    min_price_vnd: Mapped[int | None] = mapped_column(BigInteger)
    min_price_period: Mapped[str | None] = mapped_column(String(10))
    price_rank: Mapped[int | None] = mapped_column(BigInteger)
    # Whether the headline price includes VAT (true also when it is not subject to VAT).
    min_price_vat_included: Mapped[bool | None] = mapped_column()
    max_trial_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Rating aggregates of published reviews, kept by the reviews domain.
    rating_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    rating_avg: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    # Bayesian average used by "top rated": few reviews pull towards the global mean.
    rating_score: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    # What the solution page's rating summary shows, kept with the figures above by the
    # reviews domain: published reviews per star and the sums of their sub-ratings
    # (`reviews.queries.RatingSummary`). NULL until the reviews are first counted.
    rating_breakdown: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    vendor: Mapped[Organization] = relationship()
    category: Mapped[Category | None] = relationship()
    logo: Mapped[Upload | None] = relationship(foreign_keys=[logo_id])
    plans: Mapped[list[Plan]] = relationship(
        back_populates="solution", order_by="Plan.position", cascade="all, delete-orphan"
    )
    features: Mapped[list[SolutionFeature]] = relationship(
        back_populates="solution", order_by="SolutionFeature.position", cascade="all, delete-orphan"
    )
    screenshots: Mapped[list[Screenshot]] = relationship(
        back_populates="solution", order_by="Screenshot.position", cascade="all, delete-orphan"
    )
    revisions: Mapped[list[SolutionRevision]] = relationship(
        back_populates="solution", order_by="SolutionRevision.id", cascade="all, delete-orphan"
    )

    @property
    def is_public(self) -> bool:
        return self.status == SolutionStatus.PUBLISHED

    @property
    def active_plans(self) -> list[Plan]:
        return [p for p in self.plans if p.active]

    @property
    def has_trial(self) -> bool:
        return self.max_trial_days > 0


# The catalogue's indexes at national scale (migration 0009_bench_indexes, found with
# `make bench`): the grouped facet counts read a covering index instead of the wide rows;
# the default sort (rating score, count, date, id) reads page 1 as 20 index entries and
# skips inside the index for deep pages; the home page's trial list has its own.
Index(
    "ix_solutions_catalog_facets",
    Solution.status,
    Solution.category_id,
    Solution.deployment,
    Solution.max_trial_days,
    Solution.min_price_vnd,
    Solution.rating_count,
    Solution.rating_avg,
    Solution.vendor_id,
)
Index(
    "ix_solutions_catalog_rating",
    Solution.status,
    Solution.rating_score.desc(),
    Solution.rating_count.desc(),
    Solution.published_at.desc(),
    Solution.id,
    Solution.vendor_id,
)
Index("ix_solutions_catalog_trial", Solution.status, Solution.max_trial_days, Solution.published_at)
# The moderators' "every listing" queue, latest change first (migration 0027): its first
# page read as 20 index entries instead of sorting every listing.
Index("ix_solutions_updated_at", Solution.updated_at.desc(), Solution.id.desc())


class Plan(db.Model):
    """A pricing tier. Plans are never deleted once live (trials and sales point at them)."""

    __tablename__ = "plans"
    __table_args__ = (
        CheckConstraint("price_vnd >= 0", name="price_non_negative"),
        CheckConstraint("period IN ('month', 'year', 'once')", name="period"),
        CheckConstraint("trial_days >= 0 AND trial_days <= 90", name="trial_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(
        ForeignKey("solutions.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    price_vnd: Mapped[int] = mapped_column(BigInteger)
    period: Mapped[str] = mapped_column(String(10), default=BillingPeriod.MONTH)
    trial_days: Mapped[int] = mapped_column(Integer, default=0)
    limits: Mapped[str] = mapped_column(String(500), default="")
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    stripe_price_id: Mapped[str | None] = mapped_column(String(100))
    # VAT (core/vat.py): "exempt" (không chịu thuế GTGT), "0", "5", "8" or "10"; and
    # whether price_vnd already includes it.
    vat_treatment: Mapped[str] = mapped_column(
        String(10), default="exempt", server_default="exempt"
    )
    price_includes_vat: Mapped[bool] = mapped_column(default=True, server_default=true())

    solution: Mapped[Solution] = relationship(back_populates="plans")

    @property
    def monthly_cost_vnd(self) -> int | None:
        """The plan's cost per month (a year's price ÷ 12, rounded half up); None if one-time."""
        return monthly_cost(self.price_vnd, self.period)


class SolutionFeature(db.Model):
    """A feature value of a solution: a vocabulary key, or a free-text extra (`x-…`)."""

    __tablename__ = "solution_features"
    __table_args__ = (UniqueConstraint("solution_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(
        ForeignKey("solutions.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(60))
    # Label of a free-text extra; vocabulary features take their label from the definition.
    label: Mapped[str | None] = mapped_column(String(120))
    # "yes" / "no" for yes/no features, else a short value.
    value: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)

    solution: Mapped[Solution] = relationship(back_populates="features")


class Screenshot(db.Model):
    __tablename__ = "screenshots"
    __table_args__ = (UniqueConstraint("solution_id", "upload_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(
        ForeignKey("solutions.id", ondelete="CASCADE"), index=True
    )
    upload_id: Mapped[int] = mapped_column(ForeignKey("uploads.id", ondelete="CASCADE"), index=True)
    caption: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    solution: Mapped[Solution] = relationship(back_populates="screenshots")
    upload: Mapped[Upload] = relationship()


class SolutionRevision(db.Model):
    """A proposed edit of a published solution, held as a snapshot until it is approved."""

    __tablename__ = "solution_revisions"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'pending', 'approved', 'rejected')", name="status"),
        # At most one open (draft or pending) revision per solution.
        Index(
            "uq_solution_revisions_open",
            "solution_id",
            unique=True,
            sqlite_where=text("status IN ('draft', 'pending')"),
            postgresql_where=text("status IN ('draft', 'pending')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(
        ForeignKey("solutions.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default=RevisionStatus.DRAFT, index=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    solution: Mapped[Solution] = relationship(back_populates="revisions")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])


class VendorProfile(db.Model):
    """What a vendor tells buyers about itself on /vendors/<slug> (0021_quotes).

    One row per vendor organisation, made on its first save; a vendor without one shows
    its name, verification and solutions only. Every contact channel is optional: the
    vendor publishes only those it fills in.
    """

    __tablename__ = "vendor_profiles"

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    about: Mapped[str] = mapped_column(Text, default="")
    hotline: Mapped[str | None] = mapped_column(String(20))
    sales_email: Mapped[str | None] = mapped_column(String(254))
    zalo_url: Mapped[str | None] = mapped_column(String(255))
    website: Mapped[str | None] = mapped_column(String(255))
    # Commune codes ("10525") and former areas ("area:30") the vendor serves.
    localities: Mapped[list[str]] = mapped_column(JSON, default=list)
    logo_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    organization: Mapped[Organization] = relationship()
    logo: Mapped[Upload | None] = relationship()
