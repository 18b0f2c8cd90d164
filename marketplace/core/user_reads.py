"""What other domains read about a signed-in user, read with the user's row.

Loading a signed-in user who is not kept (their first request, or the first after a change
to the accounts tables) is one statement (`accounts.membership.user_with_membership`). A
domain that reads something of that user on every page — the notifications' unread count,
the bell's badge — or on every page of a kind — their organisation's standing towards any
listing: the plans it holds and the listings it bought, its trials, its reviews, the user's
votes — contributes it here as a scalar subquery of the user's row (several rows travel as
one JSON column, `core.database.json_rows`); the load adds each as a column of its one
statement and hands each domain its value (`keep`). The domain keeps it with `remember`
(for the request, and in the process under the accounts stamp as the user's row is) and
reads it back with `recall`; it still asks the database itself when nothing is kept (a kept
user whose value was not, or a value too large to keep).

So a user's first showing of a solution page reads their standing towards that listing in
the statement that loads them, and their later showings of other listings read nothing.
Every table such a value comes from must renew the accounts stamp when written
(`core.pagecache.ACCOUNT_TABLES`).

A domain contributes in its `init_app`: `contribute(app, name, column, keep)`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, g, has_request_context
from sqlalchemy import BindParameter, ColumnElement, Date, Select, bindparam

from marketplace.core import stamps
from marketplace.core.clock import local_today

EXTENSION_KEY = "marketplace.user_reads"
MISSING = stamps.MISSING
# The most rows a value read with the user holds (`core.database.json_rows_of` reads one
# more): an organisation with more is asked per page instead.
MAX_ROWS = 1000
_REQUEST_KEY = "_user_reads"
_STATEMENT_KEY = "marketplace.user_reads.statement"


@dataclass(frozen=True)
class UserRead:
    """A value read with the user: `column(users)` builds the scalar subquery from the
    loaded user's columns (`users.id`, `users.organization_id`: the users' mapped class);
    `keep(user, value)` is given the user and what it read."""

    column: Callable[[Any], ColumnElement]
    keep: Callable[[Any, Any], None]


def contribute(
    app: Flask,
    name: str,
    column: Callable[[Any], ColumnElement],
    keep: Callable[[Any, Any], None],
) -> None:
    """Read `column` with every user's load, and give the value to `keep`."""
    app.extensions.setdefault(EXTENSION_KEY, {})[name] = UserRead(column, keep)


def _reads() -> Mapping[str, UserRead]:
    return current_app.extensions.get(EXTENSION_KEY, {})


def statement(base: Select, users: Any) -> Select:
    """`base` (a statement that reads a user's row; `users`: the users' mapped class) with
    every contributed value as a column: built once per app, so the statement is compiled
    once and, on PostgreSQL, prepared. Execute it with `parameters()` beside its own."""
    built = current_app.extensions.get(_STATEMENT_KEY)
    if built is None or built[0] is not base:
        columns = [read.column(users).label(f"user_read_{name}") for name, read in _reads().items()]
        built = current_app.extensions[_STATEMENT_KEY] = (base, base.add_columns(*columns))
    return built[1]


def today() -> BindParameter:
    """Today's date in Vietnam, for a contributed column (given by `parameters()`)."""
    return bindparam("user_reads_today", type_=Date)


def parameters() -> dict[str, Any]:
    """The values of the contributed columns' parameters."""
    return {"user_reads_today": local_today()}


def keep(user: Any, values: Any) -> None:
    """Give each contributor its value (`values`: the statement's columns after `base`'s)."""
    for read, value in zip(_reads().values(), values, strict=True):
        read.keep(user, value)


def complete(rows: list | None) -> bool:
    """Were all the rows read (`json_rows_of` reads one more than `MAX_ROWS`)?"""
    return len(rows or ()) <= MAX_ROWS


def forget_request() -> None:
    """Forget this request's values (after it wrote one of the accounts tables)."""
    if has_request_context():
        g.pop(_REQUEST_KEY, None)


def remember(key: Hashable, value: Any) -> None:
    """Keep a value read with a user for this request, and in this process until a commit
    writes one of the accounts tables (as the user's row is kept)."""
    if has_request_context():
        g.setdefault(_REQUEST_KEY, {})[key] = value
    stamps.account_value(key, lambda: value)


def recall(key: Hashable) -> Any:
    """The value `remember` kept under `key` (this request's, else this process's), or
    `MISSING`: the caller then asks the database."""
    if has_request_context():
        found = g.get(_REQUEST_KEY, {}).get(key, MISSING)
        if found is not MISSING:
            return found
    return stamps.kept_account_value(key)
