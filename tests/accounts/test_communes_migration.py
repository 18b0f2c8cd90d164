"""Migration 0016_communes: old districts become former districts; downgrade restores them."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from marketplace.extensions import db
from tests.core.test_migrations import _fresh_app

BEFORE = "0015_view_mark_address"


def test_old_district_becomes_former_district_and_downgrade_restores_it(tmp_path):
    app = _fresh_app(tmp_path)
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            for org_id, kind, locality in [
                (1, "enterprise", "cam-giang"),
                (2, "vendor", None),
                (3, "enterprise", "tp-hai-duong"),
            ]:
                conn.execute(
                    text(
                        "INSERT INTO organizations (id, kind, name, tax_code, locality, active,"
                        " created_at) VALUES (:id, :kind, :name, :tax, :locality, TRUE,"
                        " CURRENT_TIMESTAMP)"
                    ),
                    {
                        "id": org_id,
                        "kind": kind,
                        "name": f"Tổ chức {org_id}",
                        "tax": f"010000000{org_id}",
                        "locality": locality,
                    },
                )

        upgrade(revision="0016_communes")
        with db.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT id, former_district, province_code, commune_code, street_address"
                    " FROM organizations ORDER BY id"
                )
            ).all()
        assert [tuple(r) for r in rows] == [
            (1, "cam-giang", "31", None, None),
            (2, None, None, None, None),
            (3, "tp-hai-duong", "31", None, None),
        ]
        columns = {c["name"] for c in inspect(db.engine).get_columns("organizations")}
        assert "locality" not in columns

        # After the upgrade an owner picks a commune; the former district stays for the record.
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE organizations SET commune_code = '10525' WHERE id = 3"))

        downgrade(revision=BEFORE)
        inspector = inspect(db.engine)
        columns = {c["name"] for c in inspector.get_columns("organizations")}
        assert "locality" in columns
        assert not columns & {"former_district", "commune_code", "province_code", "street_address"}
        assert "ix_organizations_locality" in {
            i["name"] for i in inspector.get_indexes("organizations")
        }
        with db.engine.connect() as conn:
            localities = dict(conn.execute(text("SELECT id, locality FROM organizations")).all())
        assert localities == {1: "cam-giang", 2: None, 3: "tp-hai-duong"}
        db.engine.dispose()
