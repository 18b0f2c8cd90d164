"""Migration 0025_catsettings moves the category sentences from code into the rows, and
comes down again."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from marketplace.extensions import db
from tests.core.test_migrations import _fresh_app


def test_descriptions_move_into_the_categories_and_the_downgrade_drops_them(tmp_path):
    app = _fresh_app(tmp_path)
    with app.app_context():
        upgrade(revision="0024_email_verification")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO categories (slug, name_vi, name_en, position) "
                    "VALUES ('rieng', 'Riêng', 'Own', 99)"
                )
            )
        upgrade(revision="0025_catsettings")
        with db.engine.connect() as conn:
            rows = {
                slug: (vi, en, active)
                for slug, vi, en, active in conn.execute(
                    text("SELECT slug, description_vi, description_en, active FROM categories")
                )
            }
        assert rows["hoa-don-dien-tu"][0].startswith("Hóa đơn điện tử theo Nghị định 123")
        assert rows["hoa-don-dien-tu"][1].startswith("E-invoices under Decree 123")
        assert rows["ke-toan"][1].startswith("Accounting software")
        assert all(bool(active) for _vi, _en, active in rows.values())
        # A category the list does not know keeps empty sentences.
        assert rows["rieng"][:2] == ("", "")
        assert "site_settings" in inspect(db.engine).get_table_names()
        downgrade(revision="0024_email_verification")
        columns = {c["name"] for c in inspect(db.engine).get_columns("categories")}
        assert "description_vi" not in columns and "active" not in columns
        assert "retired_at" not in {
            c["name"] for c in inspect(db.engine).get_columns("feature_definitions")
        }
        assert "site_settings" not in inspect(db.engine).get_table_names()
        upgrade()
        db.engine.dispose()
