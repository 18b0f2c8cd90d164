"""Migration 0024_email_verification: accounts that predate the rule count as verified."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from marketplace.extensions import db
from tests.core.test_migrations import _fresh_app

BEFORE = "0023_jobs"


def test_existing_users_are_verified_and_downgrade_drops_the_columns(tmp_path):
    app = _fresh_app(tmp_path)
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO organizations (id, kind, name, tax_code, active, created_at)"
                    " VALUES (1, 'enterprise', 'Công ty Cũ', '0100233488', TRUE,"
                    " CURRENT_TIMESTAMP)"
                )
            )
            for user_id, role, org in [(1, "enterprise", 1), (2, "moderator", None)]:
                conn.execute(
                    text(
                        "INSERT INTO users (id, email, name, password_hash, role,"
                        " organization_id, locale, active, session_version, created_at)"
                        " VALUES (:id, :email, 'Người cũ', 'x', :role, :org, 'vi', TRUE, 1,"
                        " CURRENT_TIMESTAMP)"
                    ),
                    {"id": user_id, "email": f"cu{user_id}@example.vn", "role": role, "org": org},
                )

        upgrade(revision="0024_email_verification")
        with db.engine.connect() as conn:
            rows = conn.execute(
                text("SELECT id, email_verified_at, deleted_at FROM users ORDER BY id")
            ).all()
        assert [(r[0], r[1] is not None, r[2]) for r in rows] == [(1, True, None), (2, True, None)]

        downgrade(revision=BEFORE)
        columns = {c["name"] for c in inspect(db.engine).get_columns("users")}
        assert not columns & {"email_verified_at", "deleted_at"}
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM users")).scalar() == 2
        db.engine.dispose()
