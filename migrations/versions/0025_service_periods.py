"""Service periods of plans paid by bank transfer, and renewal orders.

- `service_periods`: one row per paid transfer order of a monthly or yearly plan: the
  local dates it runs (`starts_on` .. `ends_on`), the buyer's renewal switch, the renewal
  order issued for the next period (claimed once by `renewal_claimed_at`) and when the
  buyer was told the plan can no longer be renewed.
- `uq_orders_renewal_of`: one renewal order (`source = 'renewal'`) per renewed order.

Data: every order already paid by transfer with a monthly or yearly plan line gets its
period from its payment date (the end is one month or one year later, calendar
arithmetic); an organisation's later order of the same plan paid before the earlier
period ended continues from that end, as the application does. The downgrade drops the
table and the index (renewal orders keep `source = 'renewal'`, a plain string).

Revision ID: 0025_service_periods
Revises: 0024_email_verification
Create Date: 2026-12-02 18:20:00

"""

import datetime as dt

import sqlalchemy as sa
from alembic import op
from dateutil.relativedelta import relativedelta

revision = "0025_service_periods"
down_revision = "0025_needs"
branch_labels = None
depends_on = None

RENEWAL_SQL = "source = 'renewal'"


def _fk(column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_service_periods_{column}_{target}"),
        ondelete=ondelete,
    )


def _add(start: dt.date, period: str) -> dt.date:
    return start + (relativedelta(months=1) if period == "month" else relativedelta(years=1))


def _as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    return dt.date.fromisoformat(str(value)[:10])


def upgrade():
    op.create_table(
        "service_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("solution_id", sa.Integer(), nullable=True),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("auto_renew", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("renewal_claimed_at", sa.DateTime(), nullable=True),
        sa.Column("renewal_order_id", sa.Integer(), nullable=True),
        sa.Column("not_renewable_notified_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("period IN ('month', 'year')", name=op.f("ck_service_periods_period")),
        sa.CheckConstraint("ends_on > starts_on", name=op.f("ck_service_periods_dates")),
        _fk("order_id", "orders", "CASCADE"),
        _fk("organization_id", "organizations", "RESTRICT"),
        _fk("vendor_id", "organizations", "RESTRICT"),
        _fk("solution_id", "solutions", "RESTRICT"),
        _fk("plan_id", "plans", "SET NULL"),
        _fk("renewal_order_id", "orders", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_periods")),
        sa.UniqueConstraint("order_id", name=op.f("uq_service_periods_order_id")),
    )
    op.create_index(
        "ix_service_periods_org_plan",
        "service_periods",
        ["organization_id", "plan_id", "ends_on"],
    )
    op.create_index("ix_service_periods_vendor_ends", "service_periods", ["vendor_id", "ends_on"])
    op.create_index("ix_service_periods_ends", "service_periods", ["ends_on"])
    op.create_index(
        "uq_orders_renewal_of",
        "orders",
        ["source_id"],
        unique=True,
        sqlite_where=sa.text(RENEWAL_SQL),
        postgresql_where=sa.text(RENEWAL_SQL),
    )
    _backfill()


def _backfill() -> None:
    """Give the transfer orders already paid for a recurring plan their period."""
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT o.id, o.organization_id, o.vendor_id, o.solution_id, o.plan_id,"
            " o.payment_date, o.paid_at, l.plan_id AS line_plan, l.period"
            " FROM orders o JOIN order_lines l ON l.order_id = o.id"
            " WHERE o.status = 'paid' AND o.payment_method = 'bank_transfer'"
            " AND l.period IN ('month', 'year') AND l.plan_id IS NOT NULL"
            " ORDER BY o.id, l.position, l.id"
        )
    ).all()
    by_order: dict[int, list] = {}
    for row in rows:
        by_order.setdefault(row.id, []).append(row)
    # The order's plan line, else its first recurring line (as periods.recurring_lines).
    chosen = [
        next((r for r in lines if r.line_plan == r.plan_id), lines[0])
        for lines in by_order.values()
    ]
    ends: dict[tuple[int, int], dt.date] = {}
    table = sa.table(
        "service_periods",
        sa.column("order_id", sa.Integer),
        sa.column("organization_id", sa.Integer),
        sa.column("vendor_id", sa.Integer),
        sa.column("solution_id", sa.Integer),
        sa.column("plan_id", sa.Integer),
        sa.column("period", sa.String),
        sa.column("starts_on", sa.Date),
        sa.column("ends_on", sa.Date),
        sa.column("auto_renew", sa.Boolean),
        sa.column("created_at", sa.DateTime),
    )
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    values = []
    entries = sorted(
        chosen,
        key=lambda r: (_as_date(r.payment_date) or _as_date(r.paid_at) or dt.date.min, r.id),
    )
    for row in entries:
        paid_on = _as_date(row.payment_date) or _as_date(row.paid_at)
        if paid_on is None:
            continue
        key = (row.organization_id, row.line_plan)
        running = ends.get(key)
        starts_on = running if running is not None and running >= paid_on else paid_on
        ends_on = _add(starts_on, row.period)
        ends[key] = ends_on
        values.append(
            {
                "order_id": row.id,
                "organization_id": row.organization_id,
                "vendor_id": row.vendor_id,
                "solution_id": row.solution_id,
                "plan_id": row.line_plan,
                "period": row.period,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "auto_renew": True,
                "created_at": now,
            }
        )
    if values:
        op.bulk_insert(table, values)


def downgrade():
    op.drop_index("uq_orders_renewal_of", table_name="orders")
    op.drop_index("ix_service_periods_ends", table_name="service_periods")
    op.drop_index("ix_service_periods_vendor_ends", table_name="service_periods")
    op.drop_index("ix_service_periods_org_plan", table_name="service_periods")
    op.drop_table("service_periods")
