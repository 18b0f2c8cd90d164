"""Who belongs to which organisation: reads of memberships, loaded once per request."""

from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy import and_, bindparam, inspect, select
from sqlalchemy.orm import aliased

from marketplace.accounts.models import Membership, Organization, User
from marketplace.core import database, user_reads
from marketplace.extensions import db

_CACHE_KEY = "_current_memberships"


def current_membership(user) -> Membership | None:
    """Return the user's membership of the organisation they act for, or None.

    Within a request the answer is kept on `g` (one query per user and organisation,
    however many buttons ask); `forget_memberships()` drops it after a change.
    """
    if not getattr(user, "is_authenticated", False) or user.organization_id is None:
        return None
    key = (user.id, user.organization_id)
    cache = g.setdefault(_CACHE_KEY, {}) if has_request_context() else {}
    if key not in cache:
        # A deactivated organisation has no one acting for it (the operator's console).
        cache[key] = db.session.scalar(
            _CURRENT, {"user_id": user.id, "org_id": user.organization_id}
        )
    return cache[key]


# Built once: asked on most signed-in pages.
_CURRENT = (
    select(Membership)
    .join(Organization, Organization.id == Membership.organization_id)
    .where(
        Membership.user_id == bindparam("user_id"),
        Membership.organization_id == bindparam("org_id"),
        Organization.active.is_(True),
    )
)


def user_with_membership(user_id: int) -> User | None:
    """Read a user and their current membership in one statement, the membership kept for
    the request as `current_membership` keeps it (a signed-in request's first reads), with
    what other domains read of a user (`core.user_reads`)."""
    # A request's first statement: on PostgreSQL without a BEGIN and a COMMIT of its own.
    with database.statements_alone():
        rows = _USER_READ.rows({"user_id": user_id, **user_reads.parameters()})
    if not rows:
        return None
    values = rows[0]
    user = database.loaded(User, dict(zip(USER_KEYS, values[:_MEMBER_AT], strict=True)))
    member = dict(zip(_MEMBER_KEYS, values[_MEMBER_AT:_READS_AT], strict=True))
    # No membership joined (an outer join): its key is None.
    current = None if member["id"] is None else database.loaded(Membership, member)
    if has_request_context() and user.organization_id is not None:
        g.setdefault(_CACHE_KEY, {})[(user.id, user.organization_id)] = current
    user_reads.keep(user, values[_READS_AT:])
    return user


def _columns(mapped: type) -> tuple[tuple[str, ...], list]:
    attributes = inspect(mapped).column_attrs
    return tuple(a.key for a in attributes), [a.columns[0] for a in attributes]


# The same membership as `_CURRENT`: of the organisation the user acts for, if it is active.
# Their columns listed (the ORM's entities walk each row): read as text (`database.TextRead`).
# The user's column attributes (also what `accounts.services` keeps of a user).
USER_KEYS, _USER_COLUMNS = _columns(User)
_MEMBER_KEYS, _MEMBER_COLUMNS = _columns(Membership)
_MEMBER_AT = len(USER_KEYS)  # where the membership's columns begin in the row
_READS_AT = _MEMBER_AT + len(_MEMBER_KEYS)  # and the values other domains read
_ACTIVE_ORG = aliased(Organization)
_USER_WITH_CURRENT = (
    select(*_USER_COLUMNS, *_MEMBER_COLUMNS)
    .select_from(User)
    .outerjoin(
        _ACTIVE_ORG,
        and_(_ACTIVE_ORG.id == User.organization_id, _ACTIVE_ORG.active.is_(True)),
    )
    .outerjoin(
        Membership,
        and_(Membership.user_id == User.id, Membership.organization_id == _ACTIVE_ORG.id),
    )
    .where(User.id == bindparam("user_id"))
)
_USER_READ = database.TextRead(lambda: user_reads.statement(_USER_WITH_CURRENT, User))


def forget_memberships() -> None:
    """Drop the request's remembered memberships (after one changed)."""
    if has_request_context():
        g.pop(_CACHE_KEY, None)


def membership_of(user: User, org_id: int) -> Membership | None:
    """Return the user's membership of the organisation `org_id`, or None."""
    return db.session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.organization_id == org_id
        )
    )


def memberships_of(user: User) -> list[Membership]:
    """Return every organisation the user belongs to, by organisation name."""
    return list(
        db.session.scalars(
            select(Membership)
            .join(Organization, Organization.id == Membership.organization_id)
            .where(Membership.user_id == user.id)
            .order_by(Organization.name, Organization.id)
        )
    )


def members_of(org_id: int) -> list[Membership]:
    """Return the organisation's memberships with their users: owners first, then by name."""
    order = {"owner": 0, "manager": 1, "member": 2}
    rows = list(
        db.session.scalars(
            select(Membership)
            .join(User, User.id == Membership.user_id)
            .where(Membership.organization_id == org_id)
            .order_by(User.name, User.id)
        )
    )
    return sorted(rows, key=lambda m: order.get(m.role, 3))


def member_ids(org_id: int) -> list[int]:
    """Return the ids of the organisation's active members."""
    return list(
        db.session.scalars(
            select(User.id)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organization_id == org_id, User.active.is_(True))
            .order_by(User.id)
        )
    )


def owner_count(org_id: int) -> int:
    """Count the owners of an organisation."""
    return len(
        db.session.scalars(
            select(Membership.id).where(
                Membership.organization_id == org_id, Membership.role == "owner"
            )
        ).all()
    )
