"""Migration 0018_memberships: every user of an organisation becomes its owner; downgrade."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from marketplace.extensions import db
from tests.core.test_migrations import _fresh_app

BEFORE = "0017_consents"


def test_users_become_owners_of_their_organisation_and_downgrade_drops_the_tables(tmp_path):
    app = _fresh_app(tmp_path)
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            for org_id in (1, 2):
                conn.execute(
                    text(
                        "INSERT INTO organizations (id, kind, name, tax_code, active, created_at)"
                        " VALUES (:id, 'enterprise', :name, :tax, TRUE, CURRENT_TIMESTAMP)"
                    ),
                    {"id": org_id, "name": f"Tổ chức {org_id}", "tax": f"010000000{org_id}"},
                )
            for user_id, role, org_id in [
                (1, "enterprise", 1),
                (2, "enterprise", 1),
                (3, "enterprise", 2),
                (4, "moderator", None),
            ]:
                conn.execute(
                    text(
                        "INSERT INTO users (id, email, name, password_hash, role,"
                        " organization_id, locale, active, session_version, created_at)"
                        " VALUES (:id, :email, 'Tên', 'x', :role, :org, 'vi', TRUE, 1,"
                        " CURRENT_TIMESTAMP)"
                    ),
                    {"id": user_id, "email": f"u{user_id}@example.vn", "role": role, "org": org_id},
                )

        upgrade(revision="0018_memberships")
        with db.engine.connect() as conn:
            rows = conn.execute(
                text("SELECT user_id, organization_id, role FROM memberships ORDER BY user_id")
            ).all()
        assert [tuple(r) for r in rows] == [(1, 1, "owner"), (2, 1, "owner"), (3, 2, "owner")]

        downgrade(revision=BEFORE)
        tables = set(inspect(db.engine).get_table_names())
        assert not tables & {"memberships", "invitations", "join_requests"}
        with db.engine.connect() as conn:
            kept = conn.execute(text("SELECT id, organization_id FROM users ORDER BY id")).all()
        assert [tuple(r) for r in kept] == [(1, 1), (2, 1), (3, 2), (4, None)]
        db.engine.dispose()
