"""Migration 0012_identity_changes: the review's organisation name is backfilled, and removed."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from marketplace.extensions import db
from tests.core.test_migrations import _fresh_app

BEFORE = "0011_review_order_index"


def _insert(conn, sql: str, **params) -> None:
    conn.execute(text(sql), params)


def test_upgrade_backfills_review_names_and_downgrade_drops_them(tmp_path):
    app = _fresh_app(tmp_path)
    with app.app_context():
        upgrade(revision="0003_categories")
        with db.engine.begin() as conn:
            for org_id, kind, name in [
                (1, "vendor", "Công ty Phần mềm Thử"),
                (2, "enterprise", "Công ty TNHH Gốm Chu Đậu"),
                (3, "enterprise", "Hộ kinh doanh Bánh đa Kế"),
            ]:
                _insert(
                    conn,
                    "INSERT INTO organizations (id, kind, name, tax_code, created_at) "
                    "VALUES (:id, :kind, :name, :tax, CURRENT_TIMESTAMP)",
                    id=org_id,
                    kind=kind,
                    name=name,
                    tax=f"010000000{org_id}",
                )
            _insert(
                conn,
                "INSERT INTO solutions (id, vendor_id, slug, status, name, tagline, description,"
                " deployment, created_at, updated_at) VALUES (1, 1, 's', 'published', 'S', '',"
                " '', 'cloud', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
            )
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            for review_id, org_id in [(1, 2), (2, 3)]:
                _insert(
                    conn,
                    "INSERT INTO reviews (id, solution_id, organization_id, overall, ease_of_use,"
                    " features, support, value, title, body, verified, status, helpful_count,"
                    " created_at, updated_at) VALUES (:id, 1, :org, 4, 4, 4, 4, 4, 'Tốt',"
                    " 'Dùng tốt', FALSE, 'published', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                    id=review_id,
                    org=org_id,
                )

        upgrade()
        with db.engine.connect() as conn:
            names = dict(conn.execute(text("SELECT id, organization_name FROM reviews")).all())
            assert names == {1: "Công ty TNHH Gốm Chu Đậu", 2: "Hộ kinh doanh Bánh đa Kế"}
            assert conn.execute(text("SELECT count(*) FROM organization_changes")).scalar() == 0
        # One pending change per organisation, enforced by the database too.
        with db.engine.begin() as conn:
            _insert(
                conn,
                "INSERT INTO organization_changes (organization_id, old_name, old_tax_code,"
                " new_name, status, created_at) VALUES (2, 'A', '0100000002', 'B', 'rejected',"
                " CURRENT_TIMESTAMP), (2, 'A', '0100000002', 'C', 'pending', CURRENT_TIMESTAMP)",
            )
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            _insert(
                conn,
                "INSERT INTO organization_changes (organization_id, old_name, old_tax_code,"
                " new_name, status, created_at) VALUES (2, 'A', '0100000002', 'D', 'pending',"
                " CURRENT_TIMESTAMP)",
            )

        downgrade(revision=BEFORE)
        inspector = inspect(db.engine)
        assert "organization_changes" not in inspector.get_table_names()
        assert "organization_name" not in {c["name"] for c in inspector.get_columns("reviews")}
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM reviews")).scalar() == 2
        upgrade()
        with db.engine.connect() as conn:
            names = dict(conn.execute(text("SELECT id, organization_name FROM reviews")).all())
            assert names[1] == "Công ty TNHH Gốm Chu Đậu"
        db.engine.dispose()
