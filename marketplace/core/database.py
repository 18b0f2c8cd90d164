"""Database helpers: SQLite pragmas, UTC timestamps, the current time."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from sqlalchemy import DateTime, event
from sqlalchemy.types import TypeDecorator

from marketplace.extensions import db


def utcnow() -> dt.datetime:
    """Return the current time in UTC (timezone-aware)."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator):
    """Store naive UTC on every backend and give back aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC)


def install_sqlite_pragmas(app: Flask) -> None:
    """Turn on WAL, a busy timeout and foreign keys for every SQLite connection."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine
    if getattr(engine, "_marketplace_pragmas", False):
        return
    engine._marketplace_pragmas = True

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised through every query
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=5000")
        if ":memory:" not in app.config["SQLALCHEMY_DATABASE_URI"]:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()


def ping_database() -> bool:
    """Return whether the database answers a trivial query."""
    try:
        db.session.execute(db.text("SELECT 1")).scalar_one()
        return True
    except Exception:  # any driver error means unreachable
        db.session.rollback()
        return False


__all__ = ["UTCDateTime", "install_sqlite_pragmas", "ping_database", "utcnow"]
