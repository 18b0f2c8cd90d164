"""The migrations build the schema the models describe, and come down again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from marketplace.extensions import db
from tests.conftest import IS_POSTGRES, _recreate_postgres_database, make_test_app


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
                MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata
            )
        assert diff == [], f"models and migrations disagree: {diff}"
        db.engine.dispose()
