"""Orders for every purchase, vendors' bank accounts, bank notifications, VAT of plans and
prices that carry their period.

- `orders` / `order_lines`: a purchase whatever the method (bank transfer or Stripe card),
  with per-line VAT, the buyer's invoice details and the vendor's recorded e-invoice;
  `number` (the transfer's order code) is unique.
- `vendor_bank_accounts`: one per vendor; a change waits in `pending_*` for a moderator.
- `bank_notifications`: one row per bank reference (unique), so a repeated notification
  does nothing.
- `plans.vat_treatment` (`exempt` for existing plans: software is not subject to VAT) and
  `plans.price_includes_vat` (true).
- `solutions.min_price_period`, `solutions.min_price_vat_included` and `solutions.price_rank`: the headline price's period and
  the price sort key (catalog.models.headline_plan / price_rank), backfilled here; the
  headline price `min_price_vnd` is recomputed by the same rule (the lowest monthly cost
  among recurring plans, else the cheapest one-time plan). The downgrade puts back the
  plain lowest price.

Revision ID: 0019_orders
Revises: 0018_memberships
Create Date: 2026-12-02 14:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0019_orders"
down_revision = "0018_memberships"
branch_labels = None
depends_on = None

ONE_TIME_RANK_OFFSET = 10**15


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _monthly(price: int, period: str) -> int | None:
    if period == "month":
        return price
    if period == "year":
        return (2 * price + 12) // 24
    return None


def _summary(plans: list[tuple[int, str, int]]) -> tuple[int | None, str | None, int | None]:
    """(min_price_vnd, min_price_period, price_rank) of (price, period, position) rows."""
    recurring = [p for p in plans if p[1] in ("month", "year")]
    if recurring:
        price, period, _pos = min(
            recurring, key=lambda p: (_monthly(p[0], p[1]), p[1] != "month", p[2])
        )
        return price, period, _monthly(price, period)
    once = [p for p in plans if p[1] == "once"]
    if once:
        price, period, _pos = min(once, key=lambda p: (p[0], p[2]))
        return price, period, ONE_TIME_RANK_OFFSET + price
    return None, None, None


def upgrade():
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "vat_treatment", sa.String(length=10), server_default="exempt", nullable=False
            )
        )
        batch_op.add_column(
            sa.Column("price_includes_vat", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    with op.batch_alter_table("solutions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("min_price_period", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("price_rank", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("min_price_vat_included", sa.Boolean(), nullable=True))
        batch_op.create_index("ix_solutions_status_price_rank", ["status", "price_rank"])

    conn = op.get_bind()
    rows = conn.execute(
        sa.text("SELECT solution_id, price_vnd, period, position FROM plans WHERE active = :t"),
        {"t": True},
    ).all()
    by_solution: dict[int, list[tuple[int, str, int]]] = {}
    for solution_id, price, period, position in rows:
        by_solution.setdefault(solution_id, []).append((int(price), period, int(position or 0)))
    for solution_id, plans in by_solution.items():
        price, period, rank = _summary(plans)
        conn.execute(
            sa.text(
                "UPDATE solutions SET min_price_vnd = :price, min_price_period = :period,"
                " price_rank = :rank, min_price_vat_included = :vat WHERE id = :id"
            ),
            # Every existing plan is "exempt" (not subject to VAT): its price is all there is.
            {
                "price": price,
                "period": period,
                "rank": rank,
                "vat": price is not None,
                "id": solution_id,
            },
        )

    op.create_table(
        "vendor_bank_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("bank_bin", sa.String(length=8), nullable=True),
        sa.Column("account_number", sa.String(length=30), nullable=True),
        sa.Column("account_holder", sa.String(length=100), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("pending_bank_bin", sa.String(length=8), nullable=True),
        sa.Column("pending_account_number", sa.String(length=30), nullable=True),
        sa.Column("pending_account_holder", sa.String(length=100), nullable=True),
        sa.Column("requested_at", sa.DateTime(), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _fk("vendor_bank_accounts", "organization_id", "organizations", "CASCADE"),
        _fk("vendor_bank_accounts", "confirmed_by_id", "users", "SET NULL"),
        _fk("vendor_bank_accounts", "requested_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vendor_bank_accounts")),
        sa.UniqueConstraint(
            "organization_id", name=op.f("uq_vendor_bank_accounts_organization_id")
        ),
    )
    op.create_index(
        "ix_vendor_bank_accounts_requested_at", "vendor_bank_accounts", ["requested_at"]
    )

    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("solution_id", sa.Integer(), nullable=True),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("trial_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("payment_method", sa.String(length=20), nullable=False),
        sa.Column("subtotal_vnd", sa.BigInteger(), nullable=False),
        sa.Column("vat_vnd", sa.BigInteger(), nullable=False),
        sa.Column("total_vnd", sa.BigInteger(), nullable=False),
        sa.Column("bank_bin", sa.String(length=8), nullable=True),
        sa.Column("bank_account_number", sa.String(length=30), nullable=True),
        sa.Column("bank_account_holder", sa.String(length=100), nullable=True),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("invoice_legal_name", sa.String(length=200), nullable=False),
        sa.Column("invoice_tax_code", sa.String(length=20), nullable=False),
        sa.Column("invoice_address", sa.String(length=300), nullable=False),
        sa.Column("invoice_email", sa.String(length=254), nullable=False),
        sa.Column("payment_reference", sa.String(length=100), nullable=True),
        sa.Column("payment_date", sa.Date(), nullable=True),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("einvoice_number", sa.String(length=20), nullable=True),
        sa.Column("einvoice_symbol", sa.String(length=20), nullable=True),
        sa.Column("einvoice_date", sa.Date(), nullable=True),
        sa.Column("einvoice_lookup_code", sa.String(length=60), nullable=True),
        sa.Column("einvoice_lookup_url", sa.String(length=500), nullable=True),
        sa.Column("einvoice_recorded_at", sa.DateTime(), nullable=True),
        sa.Column("invoice_reminded_at", sa.DateTime(), nullable=True),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("paid_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('awaiting_payment', 'paid', 'expired', 'cancelled', 'refunded')",
            name=op.f("ck_orders_status"),
        ),
        sa.CheckConstraint(
            "payment_method IN ('bank_transfer', 'card')", name=op.f("ck_orders_payment_method")
        ),
        sa.CheckConstraint(
            "total_vnd >= 0 AND subtotal_vnd >= 0 AND vat_vnd >= 0", name=op.f("ck_orders_amounts")
        ),
        _fk("orders", "organization_id", "organizations", "RESTRICT"),
        _fk("orders", "vendor_id", "organizations", "RESTRICT"),
        _fk("orders", "user_id", "users", "SET NULL"),
        _fk("orders", "solution_id", "solutions", "RESTRICT"),
        _fk("orders", "plan_id", "plans", "RESTRICT"),
        _fk("orders", "trial_id", "trial_requests", "SET NULL"),
        _fk("orders", "payment_id", "payments", "SET NULL"),
        _fk("orders", "confirmed_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("number", name=op.f("uq_orders_number")),
        sa.UniqueConstraint("payment_id", name=op.f("uq_orders_payment_id")),
    )
    op.create_index("ix_orders_solution_id", "orders", ["solution_id"])
    op.create_index("ix_orders_vendor_created", "orders", ["vendor_id", "created_at"])
    op.create_index("ix_orders_org_created", "orders", ["organization_id", "created_at"])
    op.create_index("ix_orders_status_expires", "orders", ["status", "expires_at"])

    op.create_table(
        "order_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("period", sa.String(length=10), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price_vnd", sa.BigInteger(), nullable=False),
        sa.Column("price_includes_vat", sa.Boolean(), nullable=False),
        sa.Column("vat_treatment", sa.String(length=10), nullable=False),
        sa.Column("vat_rate", sa.Integer(), nullable=False),
        sa.Column("net_vnd", sa.BigInteger(), nullable=False),
        sa.Column("vat_vnd", sa.BigInteger(), nullable=False),
        sa.Column("total_vnd", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_order_lines_quantity")),
        sa.CheckConstraint("unit_price_vnd >= 0", name=op.f("ck_order_lines_unit_price")),
        _fk("order_lines", "order_id", "orders", "CASCADE"),
        _fk("order_lines", "plan_id", "plans", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_lines")),
    )
    op.create_index("ix_order_lines_order_id", "order_lines", ["order_id"])

    op.create_table(
        "bank_notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("amount_vnd", sa.BigInteger(), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("account_number", sa.String(length=30), nullable=False),
        sa.Column("transaction_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=True),
        _fk("bank_notifications", "order_id", "orders", "SET NULL"),
        _fk("bank_notifications", "resolved_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_notifications")),
        sa.UniqueConstraint("reference", name=op.f("uq_bank_notifications_reference")),
    )
    op.create_index("ix_bank_notifications_status", "bank_notifications", ["status"])
    op.create_index("ix_bank_notifications_order_id", "bank_notifications", ["order_id"])


def downgrade():
    op.drop_index("ix_bank_notifications_order_id", table_name="bank_notifications")
    op.drop_index("ix_bank_notifications_status", table_name="bank_notifications")
    op.drop_table("bank_notifications")
    op.drop_index("ix_order_lines_order_id", table_name="order_lines")
    op.drop_table("order_lines")
    op.drop_index("ix_orders_status_expires", table_name="orders")
    op.drop_index("ix_orders_org_created", table_name="orders")
    op.drop_index("ix_orders_vendor_created", table_name="orders")
    op.drop_index("ix_orders_solution_id", table_name="orders")
    op.drop_table("orders")
    op.drop_index("ix_vendor_bank_accounts_requested_at", table_name="vendor_bank_accounts")
    op.drop_table("vendor_bank_accounts")
    with op.batch_alter_table("solutions", schema=None) as batch_op:
        batch_op.drop_index("ix_solutions_status_price_rank")
        batch_op.drop_column("min_price_vat_included")
        batch_op.drop_column("price_rank")
        batch_op.drop_column("min_price_period")
    # The lowest price of the active plans, as before.
    op.execute(
        "UPDATE solutions SET min_price_vnd = (SELECT MIN(price_vnd) FROM plans"
        " WHERE plans.solution_id = solutions.id AND plans.active = TRUE)"
    )
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_column("price_includes_vat")
        batch_op.drop_column("vat_treatment")
