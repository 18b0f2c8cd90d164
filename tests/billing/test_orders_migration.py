"""Migration 0019_orders: listings get their headline price's period, VAT flag and price
rank by the new rule; plans become "exempt" including VAT; the downgrade restores the plain
lowest price."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from marketplace.extensions import db
from tests.core.test_migrations import _fresh_app

BEFORE = "0018_memberships"
ONE_TIME = 10**15


def _insert(conn, sql: str, **params) -> None:
    conn.execute(text(sql), params)


def test_listing_figures_are_backfilled_and_the_downgrade_restores_them(tmp_path):
    app = _fresh_app(tmp_path)
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            _insert(
                conn,
                "INSERT INTO organizations (id, kind, name, tax_code, active, created_at)"
                " VALUES (1, 'vendor', 'Nhà cung cấp', '0100000001', TRUE, CURRENT_TIMESTAMP)",
            )
            for sid, slug in [(1, "dinh-ky"), (2, "mot-lan"), (3, "trong")]:
                _insert(
                    conn,
                    "INSERT INTO solutions (id, vendor_id, slug, status, name, tagline,"
                    " description, deployment, created_at, updated_at, min_price_vnd)"
                    " VALUES (:id, 1, :slug, 'published', :slug, '', '', 'cloud',"
                    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, NULL)",
                    id=sid,
                    slug=slug,
                )
            plans = [
                (1, 1, 300_000, "month", True),
                (2, 1, 2_400_000, "year", True),  # 200.000/tháng: the headline
                (3, 1, 50_000, "once", True),
                (4, 1, 10_000, "month", False),  # retired: ignored
                (5, 2, 900_000, "once", True),
                (6, 2, 700_000, "once", True),
            ]
            for pid, sid, price, period, active in plans:
                _insert(
                    conn,
                    "INSERT INTO plans (id, solution_id, name, price_vnd, period, trial_days,"
                    " limits, active, position) VALUES (:id, :sid, 'Gói', :price, :period, 0,"
                    " '', :active, :id)",
                    id=pid,
                    sid=sid,
                    price=price,
                    period=period,
                    active=active,
                )
        upgrade(revision="0019_orders")
        with db.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT id, min_price_vnd, min_price_period, price_rank, min_price_vat_included"
                    " FROM solutions ORDER BY id"
                )
            ).all()
            plan_vat = conn.execute(
                text("SELECT DISTINCT vat_treatment, price_includes_vat FROM plans")
            ).all()
        assert [tuple(r) for r in rows] == [
            (1, 2_400_000, "year", 200_000, True),
            (2, 700_000, "once", ONE_TIME + 700_000, True),
            (3, None, None, None, None),
        ]
        assert [tuple(r) for r in plan_vat] == [("exempt", True)]

        downgrade(revision=BEFORE)
        with db.engine.connect() as conn:
            restored = conn.execute(
                text("SELECT id, min_price_vnd FROM solutions ORDER BY id")
            ).all()
        assert [tuple(r) for r in restored] == [(1, 50_000), (2, 700_000), (3, None)]
        db.engine.dispose()
