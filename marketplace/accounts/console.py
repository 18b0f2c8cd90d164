"""What accounts give the operator's overview (/admin/): one query for three figures."""

from __future__ import annotations

import datetime as dt

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from marketplace.accounts.models import STAFF_ROLES, Organization, OrgKind, User
from marketplace.core.database import utcnow
from marketplace.core.panels import Figure
from marketplace.extensions import db


def overview_figures() -> list[Figure]:
    """Sign-ups of the last 7 days, unverified addresses, enterprises without a commune."""
    week_ago = utcnow() - dt.timedelta(days=7)
    people = User.role.not_in(STAFF_ROLES), User.deleted_at.is_(None)
    signups, unverified, no_commune = db.session.execute(
        select(
            select(func.count(User.id))
            .where(*people, User.created_at >= week_ago)
            .scalar_subquery(),
            select(func.count(User.id))
            .where(*people, User.active.is_(True), User.email_verified_at.is_(None))
            .scalar_subquery(),
            select(func.count(Organization.id))
            .where(
                Organization.kind == OrgKind.ENTERPRISE,
                Organization.active.is_(True),
                Organization.commune_code.is_(None),
            )
            .scalar_subquery(),
        )
    ).one()
    return [
        Figure(_l("Đăng ký mới trong 7 ngày"), signups or 0, url_for("admin.users"), 10),
        Figure(
            _l("Tài khoản chưa xác thực e-mail"),
            unverified or 0,
            url_for("admin.users", status="unverified"),
            20,
        ),
        Figure(
            _l("Doanh nghiệp chưa chọn phường/xã"),
            no_commune or 0,
            url_for("admin.organizations_list", kind="enterprise", area="none", status="active"),
            30,
        ),
    ]
