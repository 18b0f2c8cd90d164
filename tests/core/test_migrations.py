"""The migrations build the schema the models describe, and come down again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from marketplace.extensions import db
from tests.conftest import IS_POSTGRES, _recreate_postgres_database, make_test_app


def _not_search_index(name, type_, parent_names):
    """Skip tables that live outside the models: the search index (FTS5 on SQLite, tsvectors
    on PostgreSQL) and the original e-mails migration 0014 keeps for its downgrade."""
    return not (type_ == "table" and name.startswith(("solution_search", "user_email_originals")))


def _fresh_app(tmp_path):
    if IS_POSTGRES:
        from tests.conftest import TEST_DATABASE_URL

        url = _recreate_postgres_database(TEST_DATABASE_URL, "_mig")
    else:
        url = f"sqlite:///{tmp_path}/migrations.db"
    return make_test_app(url)


def test_upgrade_downgrade_upgrade_on_an_empty_database(tmp_path):
    app = _fresh_app(tmp_path)
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "organizations", "solutions", "plans", "audit_log"} <= tables
        with db.engine.connect() as conn:
            slugs = set(conn.execute(text("SELECT slug FROM categories")).scalars())
            features = conn.execute(text("SELECT count(*) FROM feature_definitions")).scalar()
        assert {"hoa-don-dien-tu", "ke-toan", "may-chu-dam-may", "an-toan-thong-tin"} <= slugs
        assert features >= 60
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(
                    conn, opts={"compare_type": True, "include_name": _not_search_index}
                ),
                db.metadata,
            )
        assert diff == [], f"models and migrations disagree: {diff}"
        db.engine.dispose()


def test_upgrades_keep_existing_rows_and_backfill_listing_figures(tmp_path):
    app = _fresh_app(tmp_path)
    with app.app_context():
        upgrade(revision="0003_categories")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO organizations (id, kind, name, tax_code, created_at) "
                    "VALUES (1, 'vendor', 'Công ty Thử', '0100000001', CURRENT_TIMESTAMP)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO users (id, email, name, password_hash, role, organization_id, "
                    "locale, active, session_version, created_at) VALUES (1, 'a@b.vn', 'A', 'x', "
                    "'vendor', 1, 'vi', TRUE, 1, CURRENT_TIMESTAMP)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO solutions (id, vendor_id, slug, status, name, tagline, description,"
                    " deployment, created_at, updated_at) VALUES (1, 1, 's', 'published', 'S', '',"
                    " '', 'cloud', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            for price, days, active in [(900000, 14, True), (300000, 0, True), (1, 90, False)]:
                conn.execute(
                    text(
                        "INSERT INTO plans (solution_id, name, price_vnd, period, trial_days, "
                        "limits, active, position) VALUES (1, 'P', :p, 'month', :d, '', :a, 0)"
                    ),
                    {"p": price, "d": days, "a": active},
                )
        upgrade()
        with db.engine.connect() as conn:
            row = conn.execute(
                text("SELECT min_price_vnd, max_trial_days FROM solutions WHERE id = 1")
            ).one()
            assert tuple(row) == (300000, 14)  # the retired plan does not count
            assert conn.execute(text("SELECT active FROM organizations")).scalar() in (True, 1)
        downgrade(revision="0003_categories")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 1
        db.engine.dispose()
