"""Create the demo accounts and their organisations; safe to run again."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from marketplace.accounts.models import Organization, Role, User
from marketplace.accounts.services import normalise_email
from marketplace.core.database import utcnow
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


DEMO_ORGS = [
    DemoOrg(
        kind="enterprise",
        name="Công ty TNHH Bánh Gai Tứ Kỳ Xanh",
        tax_code="0801234567",
        commune_code="11074",  # Xã Tứ Kỳ (former Hải Dương)
        street_address="Thôn Cầu Xe",
        industry="manufacturing",
        size_band="small",
        phone="02203852123",
        website="https://banhgaitukyxanh.vn",
    ),
    DemoOrg(
        kind="vendor",
        name="Công ty Cổ phần Công nghệ Số Sao Khuê",
        tax_code="0109876543",
        commune_code="10525",  # Phường Hải Dương (former Hải Dương)
        street_address="Số 12 Trần Hưng Đạo",
        industry="ict",
        size_band="medium",
        phone="0912345678",
        website="https://saokhuetech.vn",
        verified=True,
    ),
]

DEMO_USERS = [
    DemoUser("enterprise@demo.vn", "Nguyễn Thị Hương", Role.ENTERPRISE, "0801234567"),
    DemoUser("vendor@demo.vn", "Trần Văn Minh", Role.VENDOR, "0109876543"),
    DemoUser("moderator@demo.vn", "Lê Thu Trang", Role.MODERATOR),
    DemoUser("admin@demo.vn", "Phạm Quốc Bảo", Role.ADMIN),
]


def ensure_org(spec: DemoOrg) -> Organization:
    """Return the demo organisation with this tax code, creating it if missing."""
    org = db.session.scalar(
        select(Organization).where(
            Organization.kind == spec.kind, Organization.tax_code == spec.tax_code
        )
    )
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
        )
        db.session.add(user)
        db.session.flush()
    return user


def seed_accounts(password_hash: str) -> list[User]:
    """Create the four demo accounts with their organisations."""
    orgs = {spec.tax_code: ensure_org(spec) for spec in DEMO_ORGS}
    return [
        ensure_user(spec, orgs.get(spec.org_tax_code or ""), password_hash) for spec in DEMO_USERS
    ]


def database_is_empty() -> bool:
    return db.session.scalar(select(User.id).limit(1)) is None
