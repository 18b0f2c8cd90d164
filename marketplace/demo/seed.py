"""Create the demo accounts and their organisations; safe to run again."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from marketplace.accounts.membership import membership_of
from marketplace.accounts.models import (
    Invitation,
    JoinRequest,
    Membership,
    Organization,
    Role,
    User,
)
from marketplace.accounts.services import normalise_email
from marketplace.core.database import utcnow
from marketplace.demo.legacy import RENAMED_TAX_CODES
from marketplace.extensions import db

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - published development-only demo password


@dataclass(frozen=True)
class DemoOrg:
    kind: str
    name: str
    tax_code: str
    commune_code: str | None  # a commune of Thành phố Hải Phòng (core/geography.py)
    industry: str
    size_band: str | None
    phone: str
    website: str | None = None
    verified: bool = False
    street_address: str | None = None
    province_code: str | None = None  # a head office outside the served province


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: str
    org_tax_code: str | None = None
    org_role: str = "owner"  # owner, manager or member of the organisation


# The demo accounts' organisations; their fields are in data/enterprises.yaml and
# data/vendors.yaml.
DEMO_ENTERPRISE = "0801234560"  # Công ty TNHH Bánh Gai Tứ Kỳ Xanh
DEMO_VENDOR = "0109876532"  # Công ty Cổ phần Công nghệ Số Sao Khuê


def demo_orgs() -> list[DemoOrg]:
    """Return the organisations of the demo accounts, as the data files describe them."""
    from marketplace.demo import catalog_data  # it imports this module's dataclasses

    data = catalog_data.catalogue()
    return [
        data.organisation("enterprise", DEMO_ENTERPRISE),
        data.organisation("vendor", DEMO_VENDOR),
    ]


DEMO_USERS = [
    DemoUser("enterprise@demo.vn", "Nguyễn Thị Hương", Role.ENTERPRISE, DEMO_ENTERPRISE),
    DemoUser("vendor@demo.vn", "Trần Văn Minh", Role.VENDOR, DEMO_VENDOR),
    # The demo organisations' teams: a manager and a salesperson at the vendor, an accountant
    # at the enterprise (see "Organisation roles" in the README).
    DemoUser("manager@demo.vn", "Đỗ Thị Ngọc Anh", Role.VENDOR, DEMO_VENDOR, "manager"),
    DemoUser("sales@demo.vn", "Hoàng Văn Nam", Role.VENDOR, DEMO_VENDOR, "member"),
    DemoUser("ketoan@demo.vn", "Bùi Thị Lan", Role.ENTERPRISE, DEMO_ENTERPRISE, "member"),
    DemoUser("moderator@demo.vn", "Lê Thu Trang", Role.MODERATOR),
    DemoUser("admin@demo.vn", "Phạm Quốc Bảo", Role.ADMIN),
]


def _demo_org(kind: str, tax_code: str) -> Organization | None:
    return db.session.scalar(
        select(Organization).where(Organization.kind == kind, Organization.tax_code == tax_code)
    )


def ensure_org(spec: DemoOrg, *, old_tax_code: str | None = None) -> Organization:
    """Return the demo organisation with this tax code, creating it if missing.

    An organisation seeded under the code it had before check digits were enforced
    (`legacy`) is moved to the new code instead of being created again.
    """
    org = _demo_org(spec.kind, spec.tax_code)
    old = old_tax_code or RENAMED_TAX_CODES.get(spec.tax_code)
    if org is None and old is not None:
        org = _demo_org(spec.kind, old)
        if org is not None:
            org.tax_code = spec.tax_code
            db.session.flush()
    if org is None:
        org = Organization(
            kind=spec.kind,
            name=spec.name,
            tax_code=spec.tax_code,
            street_address=spec.street_address,
            province_code=spec.province_code or ("31" if spec.commune_code else None),
            commune_code=spec.commune_code,
            industry=spec.industry,
            size_band=spec.size_band,
            phone=spec.phone,
            website=spec.website,
            verified_at=utcnow() if spec.verified else None,
        )
        db.session.add(org)
        db.session.flush()
    return org


def ensure_user(spec: DemoUser, org: Organization | None, password_hash: str) -> User:
    """Return the demo user with this e-mail, creating it if missing."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(spec.email)))
    if user is None:
        user = User(
            email=normalise_email(spec.email),
            name=spec.name,
            role=spec.role,
            organization=org,
            password_hash=password_hash,
            # Demo accounts are verified: their fictional addresses receive nothing.
            email_verified_at=utcnow(),
        )
        db.session.add(user)
        db.session.flush()
    if org is not None and membership_of(user, org.id) is None:
        db.session.add(Membership(user_id=user.id, organization_id=org.id, role=spec.org_role))
        db.session.flush()
    return user


def seed_accounts(password_hash: str) -> list[User]:
    """Create the four demo accounts with their organisations."""
    orgs = {spec.tax_code: ensure_org(spec) for spec in demo_orgs()}
    return [
        ensure_user(spec, orgs.get(spec.org_tax_code or ""), password_hash) for spec in DEMO_USERS
    ]


# The demo teams' open business: an invitation nobody accepted yet, a request to join.
DEMO_INVITATION = ("kythuat@saokhue.vn", "member", "vendor@demo.vn")
DEMO_JOIN_REQUEST = (
    "khoa.nguyen@banhgaitukyxanh.vn",
    "Nguyễn Văn Khoa",
    "Em là nhân viên kinh doanh mới của công ty, nhờ chị Hương thêm vào tài khoản.",
)


def seed_teams(password_hash: str) -> None:
    """Give the demo vendor a pending invitation and the demo enterprise a join request."""
    email, role, inviter_email = DEMO_INVITATION
    inviter = db.session.scalar(select(User).where(User.email == inviter_email))
    if inviter is not None and inviter.organization_id is not None:
        exists = db.session.scalar(
            select(Invitation.id).where(
                Invitation.organization_id == inviter.organization_id, Invitation.email == email
            )
        )
        if exists is None:
            now = utcnow()
            db.session.add(
                Invitation(
                    organization_id=inviter.organization_id,
                    email=email,
                    role=role,
                    invited_by_id=inviter.id,
                    # Nobody holds this link: the demo shows the pending row and its revoke button.
                    token_hash=hashlib.sha256(secrets.token_bytes(32)).hexdigest(),
                    created_at=now,
                    expires_at=now + dt.timedelta(days=7),
                )
            )
    org = _demo_org("enterprise", DEMO_ENTERPRISE)
    email, name, message = DEMO_JOIN_REQUEST
    if org is not None:
        exists = db.session.scalar(select(JoinRequest.id).where(JoinRequest.email == email))
        if exists is None and db.session.scalar(select(User.id).where(User.email == email)) is None:
            db.session.add(
                JoinRequest(
                    organization_id=org.id,
                    email=email,
                    name=name,
                    password_hash=password_hash,
                    message=message,
                )
            )
    db.session.flush()


def database_is_empty() -> bool:
    return db.session.scalar(select(User.id).limit(1)) is None
