"""Migration 0021_quotes: every vendor gets a unique slug from its name; the downgrade
removes the slugs and the quote tables, and the upgrade runs again."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from marketplace.extensions import db
from tests.core.test_migrations import _fresh_app

BEFORE = "0020_search_words"


def test_vendors_get_unique_slugs_and_downgrade_removes_them(tmp_path):
    app = _fresh_app(tmp_path)
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            for org_id, kind, name in [
                (1, "vendor", "Viettel Hải Dương"),
                (2, "enterprise", "Công ty May Thành Đông"),
                (3, "vendor", "VIETTEL HẢI DƯƠNG"),
                (4, "vendor", "Đông Á — Phần mềm & Dịch vụ"),
                (5, "vendor", "Công ty TNHH Phần mềm Hồng Hà"),
            ]:
                conn.execute(
                    text(
                        "INSERT INTO organizations (id, kind, name, tax_code, active, created_at)"
                        " VALUES (:id, :kind, :name, :tax, TRUE, CURRENT_TIMESTAMP)"
                    ),
                    {"id": org_id, "kind": kind, "name": name, "tax": f"010000000{org_id}"},
                )
        upgrade(revision="0021_quotes")
        with db.engine.connect() as conn:
            slugs = dict(conn.execute(text("SELECT id, slug FROM organizations")).all())
        assert slugs == {
            1: "viettel-hai-duong",
            2: None,
            3: "viettel-hai-duong-2",
            4: "dong-a-phan-mem-dich-vu",
            5: "phan-mem-hong-ha",
        }
        downgrade(revision=BEFORE)
        inspector = inspect(db.engine)
        assert "slug" not in {c["name"] for c in inspector.get_columns("organizations")}
        tables = set(inspector.get_table_names())
        assert not tables & {"quote_requests", "offers", "offer_lines", "vendor_profiles"}
        upgrade()
        db.engine.dispose()
