"""Small factories for test data, built through the same models the app uses."""

from __future__ import annotations

import itertools

from marketplace.accounts.models import Organization, User
from marketplace.accounts.services import hash_password
from marketplace.core.database import utcnow
from marketplace.extensions import db

PASSWORD = "correct-horse-battery-9"
_seq = itertools.count(1)


def next_tax_code() -> str:
    return f"09{next(_seq):08d}"


def make_org(kind: str = "enterprise", *, verified: bool = False, **fields) -> Organization:
    n = next(_seq)
    values = {
        "kind": kind,
        "name": f"Công ty Thử nghiệm {n}",
        "tax_code": next_tax_code(),
        "phone": "0912345678",
        "industry": "retail",
        "locality": "tp-hai-duong" if kind == "enterprise" else None,
        "size_band": "small" if kind == "enterprise" else None,
        "verified_at": utcnow() if verified else None,
    }
    values.update(fields)
    org = Organization(**values)
    db.session.add(org)
    db.session.commit()
    return org


def make_user(
    role: str = "enterprise",
    *,
    org: Organization | None = None,
    email: str | None = None,
    password: str = PASSWORD,
    verified: bool = False,
    **fields,
) -> User:
    n = next(_seq)
    if role in ("enterprise", "vendor") and org is None:
        org = make_org(role, verified=verified)
    user = User(
        email=(email or f"user{n}@example.vn").lower(),
        name=fields.pop("name", f"Người dùng {n}"),
        role=role,
        organization=org,
        password_hash=hash_password(password),
        **fields,
    )
    db.session.add(user)
    db.session.commit()
    return user
