"""`/readyz`: may a load balancer send this instance traffic?

`/healthz` stays the cheap liveness check (one `SELECT 1`). Readiness also asks Redis (when
`REDIS_URL` is set) for a PING, and compares the database's Alembic revision with the
migrations shipped with the code: an instance started before `flask db upgrade` ran (or
after a newer release migrated the database) answers 503 and names what failed.
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import text

from marketplace.core.cache import redis_client
from marketplace.core.database import ping_database
from marketplace.extensions import db

HEADS_KEY = "migration_heads"


def _code_heads(app: Flask) -> set[str]:
    """The head revisions of the migrations shipped with the code (read once per process)."""
    heads = app.extensions.get(HEADS_KEY)
    if heads is None:
        from alembic.script import ScriptDirectory

        from marketplace.core import _migrations_dir

        heads = app.extensions[HEADS_KEY] = set(ScriptDirectory(str(_migrations_dir())).get_heads())
    return heads


def check_migrations(app: Flask) -> str:
    try:
        with db.engine.connect() as conn:
            applied = set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    except Exception:
        return "unknown"
    return "ok" if applied == _code_heads(app) else "pending"


def check_redis(app: Flask) -> str:
    client = redis_client(app)
    if client is None:
        return "not configured"
    try:
        client.ping()
    except Exception:
        return "unreachable"
    return "ok"


def check_all(app: Flask) -> dict[str, str]:
    """Return each check's verdict: ok, not configured, or what went wrong."""
    database = "ok" if ping_database() else "unreachable"
    return {
        "database": database,
        "redis": check_redis(app),
        "migrations": check_migrations(app) if database == "ok" else "unknown",
    }
