"""Migration 0025_service_periods: transfer orders already paid for a monthly or yearly
plan get their period from their payment date; the downgrade drops the table."""

from __future__ import annotations

import datetime as dt

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from marketplace.extensions import db
from tests.core.test_migrations import _fresh_app

BEFORE = "0025_needs"
AFTER = "0025_service_periods"


def _run(conn, sql: str, **params) -> None:
    conn.execute(text(sql), params)


def _order(conn, oid, org, plan, period, *, status="paid", method="bank_transfer", paid=None):
    _run(
        conn,
        "INSERT INTO orders (id, number, organization_id, vendor_id, source, solution_id, plan_id,"
        " status, payment_method, subtotal_vnd, vat_vnd, total_vnd, invoice_legal_name,"
        " invoice_tax_code, invoice_address, invoice_email, payment_date, created_at, updated_at)"
        " VALUES (:id, :number, :org, 1, 'plan', 1, :plan, :status, :method, 100, 0, 100,"
        " '', '', '', '', :paid, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        id=oid,
        number=f"CGPTEST{oid:03d}",
        org=org,
        plan=plan,
        status=status,
        method=method,
        paid=paid,
    )
    _run(
        conn,
        "INSERT INTO order_lines (order_id, position, description, plan_id, period, quantity,"
        " unit_price_vnd, price_includes_vat, vat_treatment, vat_rate, net_vnd, vat_vnd,"
        " total_vnd) VALUES (:id, 0, 'Gói', :plan, :period, 1, 100, TRUE, 'exempt', 0, 100, 0,"
        " 100)",
        id=oid,
        plan=plan,
        period=period,
    )


def test_paid_transfer_orders_of_recurring_plans_get_their_period(tmp_path):
    app = _fresh_app(tmp_path)
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            for oid, kind, tax in [(1, "vendor", "0100000001"), (2, "enterprise", "0100000002")]:
                _run(
                    conn,
                    "INSERT INTO organizations (id, kind, name, tax_code, active, created_at)"
                    " VALUES (:id, :kind, 'Tổ chức', :tax, TRUE, CURRENT_TIMESTAMP)",
                    id=oid,
                    kind=kind,
                    tax=tax,
                )
            _run(
                conn,
                "INSERT INTO solutions (id, vendor_id, slug, status, name, tagline, description,"
                " deployment, created_at, updated_at) VALUES (1, 1, 'giai-phap', 'published',"
                " 'Giải pháp', '', '', 'cloud', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
            )
            for pid, period in [(1, "month"), (2, "year"), (3, "once")]:
                _run(
                    conn,
                    "INSERT INTO plans (id, solution_id, name, price_vnd, period, trial_days,"
                    " limits, active, position) VALUES (:id, 1, 'Gói', 100, :period, 0, '',"
                    " TRUE, :id)",
                    id=pid,
                    period=period,
                )
            _order(conn, 1, 2, 1, "month", paid=dt.date(2026, 1, 31))
            _order(conn, 2, 2, 1, "month", paid=dt.date(2026, 2, 20))  # before 1 ended
            _order(conn, 3, 2, 2, "year", paid=dt.date(2028, 2, 29))
            _order(conn, 4, 2, 3, "once", paid=dt.date(2026, 3, 1))  # one-time: none
            _order(conn, 5, 2, 1, "month", status="awaiting_payment")  # unpaid: none
            _order(conn, 6, 2, 1, "month", method="card", paid=dt.date(2026, 3, 1))  # Stripe
        upgrade(revision=AFTER)
        with db.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT order_id, plan_id, period, starts_on, ends_on, auto_renew"
                    " FROM service_periods ORDER BY order_id"
                )
            ).all()
        as_dates = [(r[0], r[1], r[2], str(r[3])[:10], str(r[4])[:10], bool(r[5])) for r in rows]
        assert as_dates == [
            (1, 1, "month", "2026-01-31", "2026-02-28", True),
            (2, 1, "month", "2026-02-28", "2026-03-28", True),
            (3, 2, "year", "2028-02-29", "2029-02-28", True),
        ]
        downgrade(revision=BEFORE)
        tables = inspect(db.engine).get_table_names()
        assert "service_periods" not in tables
        indexes = {i["name"] for i in inspect(db.engine).get_indexes("orders")}
        assert "uq_orders_renewal_of" not in indexes
        upgrade(revision=AFTER)
        db.engine.dispose()
