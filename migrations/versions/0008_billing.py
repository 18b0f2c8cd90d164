"""Billing: Stripe customers, subscriptions, payments, webhook events.

One Stripe customer per organisation (a unique column); each Stripe event id stored once
(a unique column), so a repeated webhook delivery does nothing; at most one pending
checkout per organisation and plan (a partial unique index), so concurrent submits share
one Checkout Session.

Revision ID: 0008_billing
Revises: 0007_reviews
Create Date: 2026-11-26 06:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0008_billing"
down_revision = "0007_reviews"
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade():
    op.create_table(
        "stripe_customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("stripe_customer_id", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("stripe_customers", "organization_id", "organizations", "RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stripe_customers")),
        sa.UniqueConstraint("organization_id", name=op.f("uq_stripe_customers_organization_id")),
        sa.UniqueConstraint(
            "stripe_customer_id", name=op.f("uq_stripe_customers_stripe_customer_id")
        ),
    )

    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("solution_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("trial_id", sa.Integer(), nullable=True),
        sa.Column("stripe_subscription_id", sa.String(length=255), nullable=False),
        sa.Column("stripe_customer_id", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("amount_vnd", sa.BigInteger(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("current_period_end", sa.DateTime(), nullable=True),
        sa.Column("cancel_at_period_end", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("canceled_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _fk("subscriptions", "organization_id", "organizations", "RESTRICT"),
        _fk("subscriptions", "vendor_id", "organizations", "RESTRICT"),
        _fk("subscriptions", "solution_id", "solutions", "RESTRICT"),
        _fk("subscriptions", "plan_id", "plans", "RESTRICT"),
        _fk("subscriptions", "trial_id", "trial_requests", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriptions")),
        sa.UniqueConstraint(
            "stripe_subscription_id", name=op.f("uq_subscriptions_stripe_subscription_id")
        ),
    )
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subscriptions_organization_id"), ["organization_id"])
        batch_op.create_index(batch_op.f("ix_subscriptions_plan_id"), ["plan_id"])
        batch_op.create_index("ix_subscriptions_vendor_status", ["vendor_id", "status"])
        batch_op.create_index("ix_subscriptions_org_solution", ["organization_id", "solution_id"])

    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("solution_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("trial_id", sa.Integer(), nullable=True),
        sa.Column("subscription_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("amount_vnd", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("attempt_key", sa.String(length=64), nullable=True),
        sa.Column("checkout_session_id", sa.String(length=255), nullable=True),
        sa.Column("checkout_url", sa.Text(), nullable=True),
        sa.Column("stripe_invoice_id", sa.String(length=255), nullable=True),
        sa.Column("stripe_payment_intent_id", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("paid_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'paid', 'failed', 'expired')", name=op.f("ck_payments_status")
        ),
        sa.CheckConstraint("mode IN ('payment', 'subscription')", name=op.f("ck_payments_mode")),
        sa.CheckConstraint("amount_vnd >= 0", name=op.f("ck_payments_amount")),
        _fk("payments", "organization_id", "organizations", "RESTRICT"),
        _fk("payments", "vendor_id", "organizations", "RESTRICT"),
        _fk("payments", "solution_id", "solutions", "RESTRICT"),
        _fk("payments", "plan_id", "plans", "RESTRICT"),
        _fk("payments", "trial_id", "trial_requests", "SET NULL"),
        _fk("payments", "subscription_id", "subscriptions", "SET NULL"),
        _fk("payments", "user_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("checkout_session_id", name=op.f("uq_payments_checkout_session_id")),
        sa.UniqueConstraint("stripe_invoice_id", name=op.f("uq_payments_stripe_invoice_id")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payments_organization_id"), ["organization_id"])
        batch_op.create_index(batch_op.f("ix_payments_plan_id"), ["plan_id"])
        batch_op.create_index(batch_op.f("ix_payments_subscription_id"), ["subscription_id"])
        batch_op.create_index(batch_op.f("ix_payments_created_at"), ["created_at"])
        batch_op.create_index("ix_payments_vendor_status", ["vendor_id", "status"])
        # One open checkout per organisation and plan: concurrent submits share it.
        batch_op.create_index(
            "uq_payments_pending",
            ["organization_id", "plan_id"],
            unique=True,
            sqlite_where=PENDING,
            postgresql_where=PENDING,
        )

    op.create_table(
        "webhook_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stripe_event_id", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("processed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_events")),
        sa.UniqueConstraint("stripe_event_id", name=op.f("uq_webhook_events_stripe_event_id")),
    )


def downgrade():
    op.drop_table("webhook_events")

    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index("uq_payments_pending", sqlite_where=PENDING, postgresql_where=PENDING)
        batch_op.drop_index("ix_payments_vendor_status")
        batch_op.drop_index(batch_op.f("ix_payments_created_at"))
        batch_op.drop_index(batch_op.f("ix_payments_subscription_id"))
        batch_op.drop_index(batch_op.f("ix_payments_plan_id"))
        batch_op.drop_index(batch_op.f("ix_payments_organization_id"))
    op.drop_table("payments")

    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.drop_index("ix_subscriptions_org_solution")
        batch_op.drop_index("ix_subscriptions_vendor_status")
        batch_op.drop_index(batch_op.f("ix_subscriptions_plan_id"))
        batch_op.drop_index(batch_op.f("ix_subscriptions_organization_id"))
    op.drop_table("subscriptions")

    op.drop_table("stripe_customers")
