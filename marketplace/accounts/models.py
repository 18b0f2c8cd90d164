"""Organisations and the people who act for them."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    event,
    select,
    text,
)
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.database import UTCDateTime, utcnow
from marketplace.core.text import slugify
from marketplace.extensions import db


class OrgKind(StrEnum):
    VENDOR = "vendor"
    ENTERPRISE = "enterprise"


class SizeBand(StrEnum):
    HOUSEHOLD = "household"
    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


class Role(StrEnum):
    ENTERPRISE = "enterprise"
    VENDOR = "vendor"
    MODERATOR = "moderator"
    ADMIN = "admin"


STAFF_ROLES = (Role.MODERATOR, Role.ADMIN)


class Organization(db.Model):
    __tablename__ = "organizations"
    __table_args__ = (
        UniqueConstraint("kind", "tax_code"),
        CheckConstraint("kind IN ('vendor', 'enterprise')", name="kind"),
        CheckConstraint(
            "size_band IS NULL OR size_band IN ('household', 'micro', 'small', 'medium', 'large')",
            name="size_band",
        ),
        # The (few) inactive organisations, which public lists leave out (0009_bench_indexes).
        Index(
            "ix_organizations_inactive",
            "active",
            sqlite_where=text("active IS 0"),
            postgresql_where=text("active IS false"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(200))
    tax_code: Mapped[str] = mapped_column(String(14))
    # Address in the 2025 two-tier units (core/geography.py): street + commune-level unit;
    # province_code is the served province for enterprises, any province for vendors.
    street_address: Mapped[str | None] = mapped_column(String(255))
    province_code: Mapped[str | None] = mapped_column(String(2))
    commune_code: Mapped[str | None] = mapped_column(String(5), index=True)
    # The pre-2025 district the organisation had chosen (0016_communes), until it picks a commune.
    former_district: Mapped[str | None] = mapped_column(String(40))
    industry: Mapped[str | None] = mapped_column(String(40))
    size_band: Mapped[str | None] = mapped_column(String(20))
    website: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(20))
    verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # A vendor's public address, /vendors/<slug> (0021_quotes): made from the name when the
    # vendor is created and never changed after, so links stay valid through a renaming.
    slug: Mapped[str | None] = mapped_column(String(90), unique=True)
    # An inactive organisation's listings leave the marketplace (a moderator's decision).
    active: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    members: Mapped[list[User]] = relationship(back_populates="organization")

    @property
    def is_vendor(self) -> bool:
        return self.kind == OrgKind.VENDOR

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def address_pending(self) -> bool:
        """Tell whether the organisation still has to choose its ward/commune (old district)."""
        return self.commune_code is None and bool(self.former_district)

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.kind} {self.name!r}>"


# Legal forms a vendor's name starts with, left out of its slug: "Công ty TNHH Phần mềm
# Hồng Hà" is at /vendors/phan-mem-hong-ha.
LEGAL_FORM_PREFIXES = (
    "cong-ty-co-phan-",
    "cong-ty-tnhh-mot-thanh-vien-",
    "cong-ty-tnhh-",
    "cong-ty-",
    "doanh-nghiep-tu-nhan-",
)


def vendor_slug_base(name: str) -> str:
    """Return the slug a vendor's name gives, before making it unique."""
    base = slugify(name, max_length=120)
    for prefix in LEGAL_FORM_PREFIXES:
        if base.startswith(prefix) and len(base) > len(prefix):
            base = base.removeprefix(prefix)
            break
    base = base[:80].rstrip("-")
    return "nha-cung-cap" if base in ("", "giai-phap") else base  # no letters in the name


def unique_vendor_slug(connection, name: str) -> str:
    """Return a slug made from `name` that no organisation has yet (`viettel-2` after `viettel`)."""
    base = vendor_slug_base(name)
    taken = set(
        connection.execute(
            select(Organization.slug).where(Organization.slug.like(f"{base}%"))
        ).scalars()
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


@event.listens_for(Organization, "before_insert")
def _give_vendor_a_slug(_mapper, connection, org: Organization) -> None:
    if org.kind == OrgKind.VENDOR and not org.slug:
        org.slug = unique_vendor_slug(connection, org.name or "")


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('enterprise', 'vendor', 'moderator', 'admin')", name="role"),
        CheckConstraint(
            "(role IN ('moderator', 'admin')) OR organization_id IS NOT NULL", name="org_member"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so the unique constraint is case-insensitive on every backend.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), index=True)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    locale: Mapped[str] = mapped_column(String(5), default="vi")
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on password change and sign-out everywhere: older sessions stop working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # When the user opened the link e-mailed to their current address (0024); None until then.
    email_verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # When the person erased their account: the row stays, pseudonymous, for the records.
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    organization: Mapped[Organization | None] = relationship(back_populates="members")

    @property
    def is_active(self) -> bool:  # Flask-Login
        return bool(self.active)

    def get_id(self) -> str:  # Flask-Login
        return f"{self.id}:{self.session_version}"

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def public_label(self) -> str:
        """Return how records name this person: their name, or a pseudonym once erased."""
        if self.deleted_at is not None:
            return f"user #{self.id} (đã xoá)"
        return self.name

    @property
    def is_enterprise(self) -> bool:
        return self.role == Role.ENTERPRISE

    @property
    def is_vendor(self) -> bool:
        return self.role == Role.VENDOR

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role} {self.email}>"


class VerificationRequest(db.Model):
    """A vendor's request to be verified, with its registration details and a document."""

    __tablename__ = "verification_requests"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    legal_name: Mapped[str] = mapped_column(String(200))
    tax_code: Mapped[str] = mapped_column(String(14))
    address: Mapped[str] = mapped_column(String(300))
    representative: Mapped[str] = mapped_column(String(120))
    business_license_no: Mapped[str] = mapped_column(String(60), default="")
    # The scanned registration certificate (an image upload).
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("uploads.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    reason: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organization: Mapped[Organization] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])


class ChangeStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


_PENDING_CHANGE_SQL = "status = 'pending'"


class OrganizationChange(db.Model):
    """A requested change of an organisation's identity (name, tax code) awaiting a moderator.

    The live name and tax code stay as they are until a moderator approves; a field left
    None is not part of the request.
    """

    __tablename__ = "organization_changes"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'approved', 'rejected', 'withdrawn')", name="status"
        ),
        CheckConstraint("new_name IS NOT NULL OR new_tax_code IS NOT NULL", name="has_change"),
        # One pending change per organisation (a decided one does not block a new request).
        Index(
            "uq_organization_changes_pending",
            "organization_id",
            unique=True,
            sqlite_where=text(_PENDING_CHANGE_SQL),
            postgresql_where=text(_PENDING_CHANGE_SQL),
        ),
        Index("ix_organization_changes_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The identity when the change was asked for, so the moderator sees what it replaces.
    old_name: Mapped[str] = mapped_column(String(200))
    old_tax_code: Mapped[str] = mapped_column(String(14))
    new_name: Mapped[str | None] = mapped_column(String(200))
    new_tax_code: Mapped[str | None] = mapped_column(String(14))
    status: Mapped[str] = mapped_column(String(20), default=ChangeStatus.PENDING)
    reason: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organization: Mapped[Organization] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def is_pending(self) -> bool:
        return self.status == ChangeStatus.PENDING


class Consent(db.Model):
    """A user's acceptance of one version of the terms of use or the privacy policy."""

    __tablename__ = "consents"
    __table_args__ = (
        CheckConstraint("document IN ('terms', 'privacy')", name="document"),
        Index("ix_consents_user_document", "user_id", "document", "accepted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    document: Mapped[str] = mapped_column(String(20))
    version: Mapped[str] = mapped_column(String(20))
    accepted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Membership(db.Model):
    """A user's place in an organisation, with their organisation role (owner, manager, member).

    `User.organization_id` names the organisation the user currently acts for; it must be one
    of theirs (`accounts.members.current_membership`).
    """

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "organization_id"),
        CheckConstraint("role IN ('owner', 'manager', 'member')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()
    organization: Mapped[Organization] = relationship()


class Invitation(db.Model):
    """An invitation to join an organisation, sent by e-mail; the link's token is stored hashed."""

    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint("role IN ('owner', 'manager', 'member')", name="role"),
        Index("ix_invitations_org_email", "organization_id", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    # Normalised like users' e-mails (accounts.services.normalise_email).
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # SHA-256 of the random token in the link: the database alone cannot open an invitation.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    organization: Mapped[Organization] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


class JoinRequestStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    DISPUTED = "disputed"
    GRANTED = "granted"  # a moderator made the requester an owner
    DISMISSED = "dismissed"  # a moderator refused the dispute


class JoinRequest(db.Model):
    """Someone who registered with a tax code already on the marketplace asks to join.

    No account exists until the request is accepted (or a moderator grants ownership): the
    request keeps the name, the normalised e-mail and the password hash, and the account is
    created from them. So an unanswered request never leaves an account without an
    organisation behind.
    """

    __tablename__ = "join_requests"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'accepted', 'refused', 'disputed', 'granted', 'dismissed')",
            name="status",
        ),
        CheckConstraint("role IS NULL OR role IN ('owner', 'manager', 'member')", name="role"),
        Index("ix_join_requests_org_status", "organization_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254), index=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(5), default="vi")
    message: Mapped[str | None] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(20), default=JoinRequestStatus.PENDING)
    role: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(1000))
    # The dispute: why the requester says the organisation is theirs, and their evidence.
    dispute_reason: Mapped[str | None] = mapped_column(String(1000))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organization: Mapped[Organization] = relationship()

    @property
    def is_pending(self) -> bool:
        return self.status == JoinRequestStatus.PENDING
