"""What other domains read about a signed-in user on every page, read with the user's row.

Loading a signed-in user who is not kept (their first request, or the first after a change
to the accounts tables) is one statement (`accounts.membership.user_with_membership`). A
domain that reads a figure of that user on every page — the notifications' unread count,
the bell's badge — contributes it here as a scalar subquery of the user's id; the load adds
each as a column of its one statement and hands each domain its value (`keep`), which the
domain keeps as it would have kept its own read. The domain still reads the figure itself
when it is asked without the user's load before it (a kept user whose figure was not).

A domain contributes in its `init_app`: `contribute(app, name, column, keep)`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy import ColumnElement

EXTENSION_KEY = "marketplace.user_reads"


@dataclass(frozen=True)
class UserRead:
    """A figure read with the user: `column(user_id)` builds the scalar subquery from the
    users' id column; `keep(user_id, value)` is given what it read."""

    column: Callable[[ColumnElement], ColumnElement]
    keep: Callable[[int, Any], None]


def contribute(
    app: Flask,
    name: str,
    column: Callable[[ColumnElement], ColumnElement],
    keep: Callable[[int, Any], None],
) -> None:
    """Read `column` with every user's load, and give the value to `keep`."""
    app.extensions.setdefault(EXTENSION_KEY, {})[name] = UserRead(column, keep)


def _reads() -> Mapping[str, UserRead]:
    return current_app.extensions.get(EXTENSION_KEY, {})


def columns(user_id: ColumnElement) -> list[ColumnElement]:
    """The contributed figures as columns of a statement that reads the user's row."""
    return [read.column(user_id).label(f"user_read_{name}") for name, read in _reads().items()]


def keep(user_id: int, values: Any) -> None:
    """Give each contributor its value (`values`: the figures in the order of `columns`)."""
    for read, value in zip(_reads().values(), values, strict=True):
        read.keep(user_id, value)
