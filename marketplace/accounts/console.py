"""What accounts give the operator's overview (/admin/): one query for three figures."""

from __future__ import annotations

import datetime as dt

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from marketplace.accounts.models import STAFF_ROLES, Organization, OrgKind, User
from marketplace.core.clock import local_midnight, local_today
from marketplace.core.panels import Figure
from marketplace.extensions import db

SIGNUP_WEEKS = 8


def week_starts(today: dt.date, weeks: int = SIGNUP_WEEKS) -> list[dt.date]:
    """The Mondays of the last `weeks` weeks, the current week's last."""
    monday = today - dt.timedelta(days=today.weekday())
    return [monday - dt.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def overview_figures() -> list[Figure]:
    """Sign-ups per week (the last 8, Monday to Sunday in local time), unverified addresses,
    enterprises without a commune."""
    mondays = week_starts(local_today())
    starts = [local_midnight(day) for day in mondays]
    people = User.role.not_in(STAFF_ROLES), User.deleted_at.is_(None)
    # Each sign-up of the 8 weeks falls in the last week that started before it.
    week_of = case(
        *((User.created_at >= start, n) for n, start in reversed(list(enumerate(starts)))),
        else_=-1,
    )
    weeks = (
        select(*(func.count(case((week_of == n, User.id))) for n in range(len(starts))))
        .where(*people, User.created_at >= starts[0])
        .subquery()
    )
    *signups, unverified, no_commune = db.session.execute(
        select(
            *weeks.c,
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
    series = tuple(
        (day.strftime("%d/%m"), count or 0) for day, count in zip(mondays, signups, strict=True)
    )
    return [
        Figure(
            _l("Đăng ký mới tuần này"), series[-1][1], url_for("admin.users"), 10, series=series
        ),
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
