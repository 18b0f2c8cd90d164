"""A read compiled once and sent as its SQL text (core/database.py `TextRead`), and an
instance given loaded values (`loaded`): the same values as SQLAlchemy's own execution, in
the request's transaction, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import bindparam, func, inspect, literal, select

from marketplace.accounts import membership
from marketplace.accounts.models import Membership, Organization, User
from marketplace.core import database
from marketplace.core.clock import local_today
from marketplace.extensions import db
from tests import factories


def _statement():
    return select(
        User.id,
        User.email,
        User.active,
        User.created_at,
        User.email_verified_at,
        Organization.active.label("org_active"),
        database.json_rows_of(
            select(Membership.role, literal(local_today()).label("day")).where(
                Membership.user_id == User.id
            ),
            5,
        ).label("rows"),
        (func.count(Membership.id) > bindparam("least")).label("many"),
        bindparam("today", type_=database.UTCDateTime).label("echo"),
    ).select_from(User).outerjoin(Organization, Organization.id == User.organization_id).outerjoin(
        Membership, Membership.user_id == User.id
    ).where(User.id == bindparam("user_id")).group_by(User.id, Organization.id)  # fmt: skip


def test_values_are_those_sqlalchemy_gives(app):
    user = factories.make_user("enterprise", name="Nguyễn Thị Lan", org_role="owner")
    user.email_verified_at = dt.datetime(2026, 3, 1, 8, 30, tzinfo=dt.UTC)
    db.session.commit()
    when = dt.datetime(2026, 12, 7, 1, 2, 3, tzinfo=dt.UTC)
    parameters = {"user_id": user.id, "least": 0, "today": when}
    expected = tuple(db.session.execute(_statement(), parameters).one())
    db.session.rollback()
    read = database.TextRead(_statement)
    assert read.rows(parameters) == [expected]
    got = read.rows(parameters)[0]
    assert got[2] is True and got[5] is True and got[7] is True  # booleans, not 0 and 1
    assert got[3].tzinfo is dt.UTC and got[4] == user.email_verified_at  # aware UTC
    assert got[8] == when
    assert read.rows({**parameters, "user_id": user.id + 1000}) == []


def test_the_read_sees_the_requests_own_uncommitted_writes(app):
    user = factories.make_user("enterprise", org_role="owner")
    db.session.commit()
    read = database.TextRead(_statement)
    parameters = {"user_id": user.id, "least": 0, "today": None}
    user.email = "lan.moi@saomai.vn"
    db.session.flush()
    assert read.rows(parameters)[0][1] == "lan.moi@saomai.vn"
    db.session.rollback()
    assert read.rows(parameters)[0][1] != "lan.moi@saomai.vn"


def test_a_statement_rendering_values_at_execution_is_refused(app):
    read = database.TextRead(
        lambda: select(User.id).where(User.id.in_(bindparam("ids", expanding=True)))
    )
    with pytest.raises(ValueError):
        read.rows({"ids": [1, 2]})


def test_loaded_instances_are_the_sessions_own_and_clean(app):
    user = factories.make_user("enterprise", name="Trần Văn Tuấn", org_role="owner")
    db.session.commit()
    user_id, org_id = user.id, user.organization_id
    db.session.expunge_all()
    found = membership.user_with_membership(user_id)
    state = inspect(found)
    assert state.persistent and not db.session.dirty and found.name == "Trần Văn Tuấn"
    assert found.organization.id == org_id  # its relationships load
    assert membership.current_membership(found).role == "owner"
    assert membership.user_with_membership(user_id) is found  # the session's own instance
    found.name = "Trần Văn Tuấn (kế toán)"
    db.session.commit()
    db.session.expunge_all()
    assert db.session.get(User, user_id).name == "Trần Văn Tuấn (kế toán)"
