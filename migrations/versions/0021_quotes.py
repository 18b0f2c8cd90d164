"""Vendor pages and quotes: a public slug for every vendor organisation (backfilled from
its name), vendor profiles (about, published contact channels, localities served), quote
requests (one open request per organisation and solution, enforced by a partial unique
index), their timeline, messages, and the vendor's offers with their priced lines.

Revision ID: 0021_quotes
Revises: 0020_search_words
Create Date: 2026-12-02 15:00:00

"""

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0021_quotes"
down_revision = "0020_search_words"
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('requested', 'offered')")
OLD_METRICS = "'view', 'compare_add', 'trial_request', 'trial_accept', 'trial_convert', 'purchase'"
NEW_METRICS = OLD_METRICS + ", 'quote_request', 'quote_offer', 'quote_accept'"


def _metric_check(metrics: str) -> None:
    with op.batch_alter_table("daily_counters", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_daily_counters_metric"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_daily_counters_metric"), sa.text(f"metric IN ({metrics})")
        )


LEGAL_FORM_PREFIXES = (
    "cong-ty-co-phan-",
    "cong-ty-tnhh-mot-thanh-vien-",
    "cong-ty-tnhh-",
    "cong-ty-",
    "doanh-nghiep-tu-nhan-",
)


def _slugify(text: str) -> str:
    # A copy of accounts.models.vendor_slug_base as it was at this revision: migrations do
    # not import the app.
    decomposed = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = unicodedata.normalize("NFC", folded).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:120].rstrip("-")
    for prefix in LEGAL_FORM_PREFIXES:
        if slug.startswith(prefix) and len(slug) > len(prefix):
            slug = slug.removeprefix(prefix)
            break
    slug = slug[:80].rstrip("-")
    return "nha-cung-cap" if slug in ("", "giai-phap") else slug


def _backfill_slugs() -> None:
    connection = op.get_bind()
    organizations = sa.table(
        "organizations", sa.column("id"), sa.column("name"), sa.column("kind"), sa.column("slug")
    )
    rows = connection.execute(
        sa.select(organizations.c.id, organizations.c.name)
        .where(organizations.c.kind == "vendor")
        .order_by(organizations.c.id)
    ).all()
    taken: set[str] = set()
    for org_id, name in rows:
        base = _slugify(name)
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        connection.execute(
            organizations.update().where(organizations.c.id == org_id).values(slug=slug)
        )


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade():
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("slug", sa.String(length=90), nullable=True))
    _backfill_slugs()
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f("uq_organizations_slug"), ["slug"])

    op.create_table(
        "vendor_profiles",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("about", sa.Text(), nullable=False),
        sa.Column("hotline", sa.String(length=20), nullable=True),
        sa.Column("sales_email", sa.String(length=254), nullable=True),
        sa.Column("zalo_url", sa.String(length=255), nullable=True),
        sa.Column("website", sa.String(length=255), nullable=True),
        sa.Column("localities", sa.JSON(), nullable=False),
        sa.Column("logo_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _fk("vendor_profiles", "organization_id", "organizations", "CASCADE"),
        _fk("vendor_profiles", "logo_id", "uploads", "SET NULL"),
        sa.PrimaryKeyConstraint("organization_id", name=op.f("pk_vendor_profiles")),
    )

    op.create_table(
        "quote_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("solution_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("assigned_to_id", sa.Integer(), nullable=True),
        sa.Column("users_count", sa.Integer(), nullable=False),
        sa.Column("needs", sa.Text(), nullable=False),
        sa.Column("desired_start", sa.Date(), nullable=True),
        sa.Column("budget", sa.String(length=20), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("contact_name", sa.String(length=120), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("contact_phone", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("first_response_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('requested', 'offered', 'accepted', 'declined', 'expired', "
            "'withdrawn', 'closed')",
            name=op.f("ck_quote_requests_status"),
        ),
        sa.CheckConstraint(
            "users_count >= 1 AND users_count <= 100000",
            name=op.f("ck_quote_requests_users_count"),
        ),
        _fk("quote_requests", "organization_id", "organizations", "RESTRICT"),
        _fk("quote_requests", "requested_by_id", "users", "SET NULL"),
        _fk("quote_requests", "solution_id", "solutions", "RESTRICT"),
        _fk("quote_requests", "plan_id", "plans", "SET NULL"),
        _fk("quote_requests", "vendor_id", "organizations", "RESTRICT"),
        _fk("quote_requests", "assigned_to_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quote_requests")),
    )
    with op.batch_alter_table("quote_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quote_requests_created_at"), ["created_at"])
        batch_op.create_index(batch_op.f("ix_quote_requests_organization_id"), ["organization_id"])
        batch_op.create_index(batch_op.f("ix_quote_requests_solution_id"), ["solution_id"])
        batch_op.create_index(batch_op.f("ix_quote_requests_assigned_to_id"), ["assigned_to_id"])
        batch_op.create_index(
            "ix_quote_requests_vendor_status", ["vendor_id", "status", "created_at"]
        )
        # At most one open quote per organisation and solution: settles concurrent submits.
        batch_op.create_index(
            "uq_quote_requests_open",
            ["organization_id", "solution_id"],
            unique=True,
            sqlite_where=OPEN,
            postgresql_where=OPEN,
        )

    op.create_table(
        "quote_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("quote_events", "quote_id", "quote_requests", "CASCADE"),
        _fk("quote_events", "actor_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quote_events")),
    )
    with op.batch_alter_table("quote_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quote_events_quote_id"), ["quote_id"])

    op.create_table(
        "quote_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("side", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("side IN ('enterprise', 'vendor')", name=op.f("ck_quote_messages_side")),
        _fk("quote_messages", "quote_id", "quote_requests", "CASCADE"),
        _fk("quote_messages", "author_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quote_messages")),
    )
    with op.batch_alter_table("quote_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quote_messages_quote_id"), ["quote_id"])

    op.create_table(
        "offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("subtotal_vnd", sa.BigInteger(), nullable=False),
        sa.Column("vat_vnd", sa.BigInteger(), nullable=False),
        sa.Column("total_vnd", sa.BigInteger(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('current', 'replaced', 'retracted', 'accepted', 'declined', 'expired')",
            name=op.f("ck_offers_status"),
        ),
        sa.CheckConstraint("total_vnd >= 0", name=op.f("ck_offers_total")),
        _fk("offers", "quote_id", "quote_requests", "CASCADE"),
        _fk("offers", "created_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offers")),
        sa.UniqueConstraint("quote_id", "number", name=op.f("uq_offers_quote_id_number")),
    )

    op.create_table(
        "offer_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price_vnd", sa.BigInteger(), nullable=False),
        sa.Column("vat", sa.String(length=10), nullable=False),
        sa.Column("amount_vnd", sa.BigInteger(), nullable=False),
        sa.Column("vat_vnd", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("quantity >= 1", name=op.f("ck_offer_lines_quantity")),
        sa.CheckConstraint("unit_price_vnd >= 1", name=op.f("ck_offer_lines_unit_price")),
        sa.CheckConstraint(
            "vat IN ('exempt', '0', '5', '8', '10')", name=op.f("ck_offer_lines_vat")
        ),
        _fk("offer_lines", "offer_id", "offers", "CASCADE"),
        _fk("offer_lines", "plan_id", "plans", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer_lines")),
    )
    with op.batch_alter_table("offer_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offer_lines_offer_id"), ["offer_id"])

    # The insights counters learn the quote funnel: requested, first offer, accepted.
    _metric_check(NEW_METRICS)


def downgrade():
    op.execute(
        "DELETE FROM daily_counters WHERE metric IN ('quote_request', 'quote_offer', 'quote_accept')"
    )
    _metric_check(OLD_METRICS)
    op.drop_table("offer_lines")
    op.drop_table("offers")
    op.drop_table("quote_messages")
    op.drop_table("quote_events")
    with op.batch_alter_table("quote_requests", schema=None) as batch_op:
        batch_op.drop_index("uq_quote_requests_open")
    op.drop_table("quote_requests")
    op.drop_table("vendor_profiles")
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_organizations_slug"), type_="unique")
        batch_op.drop_column("slug")
