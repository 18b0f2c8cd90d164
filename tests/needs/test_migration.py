"""Migration 0025_needs: the tables come and go with upgrade and downgrade."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from marketplace.extensions import db
from tests.core.test_migrations import _fresh_app

TABLES = {"needs", "need_questions", "proposals", "proposal_solutions", "proposal_lines"}


def test_upgrade_downgrade_upgrade(tmp_path):
    app = _fresh_app(tmp_path)
    with app.app_context():
        upgrade(revision="0025_needs")
        assert TABLES | {"need_alert_optouts"} <= set(inspect(db.engine).get_table_names())
        downgrade(revision="0025_programme")
        assert not (TABLES & set(inspect(db.engine).get_table_names()))
        upgrade()
        db.engine.dispose()
