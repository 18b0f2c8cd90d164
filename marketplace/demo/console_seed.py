"""Demo data for the operator's console: a closed account and a duplicate organisation.

- `cu.nhanvien@demo.vn`, a former salesperson of the demo vendor, whose account the demo
  administrator closed (with the audit entry saying why): the console shows it as closed.
- The demo enterprise registered a second time, with a mistyped tax code and no commune:
  the console finds the pair ("banh gai tu ky xanh") and can merge the duplicate into it.
"""

from __future__ import annotations

from sqlalchemy import select

from marketplace.accounts.models import Membership, Organization, User
from marketplace.core.audit import record_audit
from marketplace.core.database import utcnow
from marketplace.demo.seed import DEMO_ENTERPRISE, DEMO_VENDOR
from marketplace.extensions import db

DUPLICATE_TAX_CODE = "0801234578"  # the demo enterprise's 0801234560, mistyped
DUPLICATE_NAME = "Công ty TNHH Bánh Gai Tứ Kỳ Xanh"
DUPLICATE_OWNER = ("banhgai.tuky@demo.vn", "Nguyễn Văn Tư")
CLOSED_USER = ("cu.nhanvien@demo.vn", "Vũ Đức Thắng")


def demo_keys() -> set[tuple[str, str]]:
    """The (kind, tax code) of the organisations this module creates (for the seed's guard)."""
    return {("enterprise", DUPLICATE_TAX_CODE)}


def _org(kind: str, tax_code: str) -> Organization | None:
    return db.session.scalar(
        select(Organization).where(Organization.kind == kind, Organization.tax_code == tax_code)
    )


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def seed_console(password_hash: str) -> None:
    """Create the closed account and the duplicate organisation (each once)."""
    vendor = _org("vendor", DEMO_VENDOR)
    admin = _user("admin@demo.vn")
    email, name = CLOSED_USER
    if vendor is not None and _user(email) is None:
        user = User(
            email=email,
            name=name,
            password_hash=password_hash,
            role="vendor",
            organization_id=vendor.id,
            email_verified_at=utcnow(),
            active=False,
            session_version=2,
        )
        db.session.add(user)
        db.session.flush()
        db.session.add(Membership(user_id=user.id, organization_id=vendor.id, role="member"))
        record_audit(
            admin,
            "admin.user_deactivate",
            user,
            reason="Đã nghỉ việc tại Sao Khuê từ tháng 10/2026.",
            label=f"user #{user.id}",
            data={"before": {"active": True}, "after": {"active": False}},
        )
    original = _org("enterprise", DEMO_ENTERPRISE)
    if original is not None and _org("enterprise", DUPLICATE_TAX_CODE) is None:
        duplicate = Organization(
            kind="enterprise",
            name=DUPLICATE_NAME,
            tax_code=DUPLICATE_TAX_CODE,
            phone=original.phone,
            industry=original.industry,
            size_band=original.size_band,
            province_code=original.province_code,
            former_district="tu-ky",  # registered with the pre-2025 district, no commune yet
        )
        db.session.add(duplicate)
        db.session.flush()
        email, name = DUPLICATE_OWNER
        owner = _user(email)
        if owner is None:
            owner = User(
                email=email,
                name=name,
                password_hash=password_hash,
                role="enterprise",
                organization_id=duplicate.id,
                email_verified_at=None,
            )
            db.session.add(owner)
            db.session.flush()
            db.session.add(Membership(user_id=owner.id, organization_id=duplicate.id, role="owner"))
    db.session.flush()
