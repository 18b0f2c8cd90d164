"""Reviews that mean use: the badge says which use ("Đã dùng thử 14 ngày", "Khách hàng đã
mua"), and reviews written before real use lose it (not the review).

A review keeps its badge when its organisation bought the solution here (a subscription that
is or was live, or a paid one-time payment: use_kind "purchase"), or had a trial of it that
ended, was converted, or has been active for at least 7 days (use_kind "trial", use_days the
days used). Every other verified review (a trial only accepted, or active for fewer days)
becomes unverified. The downgrade drops the columns and gives the old badge back to the
reviews the old rule verified (a trial accepted, active, ended or converted, or a purchase).

Revision ID: 0022_review_use
Revises: 0021_quotes
Create Date: 2026-12-02 15:00:00

"""

import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0022_review_use"
down_revision = "0021_quotes"
branch_labels = None
depends_on = None

MIN_TRIAL_DAYS = 7
_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")

_PURCHASED = sa.text(
    "SELECT 1 FROM subscriptions WHERE organization_id = :org AND solution_id = :sol "
    "AND status IN ('active', 'past_due', 'canceled') "
    "UNION ALL SELECT 1 FROM payments WHERE organization_id = :org AND solution_id = :sol "
    "AND mode = 'payment' AND status = 'paid'"
)
_TRIALS = sa.text(
    "SELECT status, start_date, end_date, updated_at FROM trial_requests "
    "WHERE organization_id = :org AND solution_id = :sol"
)


def _date(value):
    if value is None or isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if " " in value or "T" in value else value
        if isinstance(value, str):
            return dt.date.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(_ZONE).date()


def _trial_days(status, start, end, updated, today):
    """The days a trial was used (None when it never ran): the rule of reviews/permissions."""
    start, end = _date(start), _date(end)
    if start is None or status not in ("active", "ended", "converted"):
        return None
    last = today if status == "active" or updated is None else _date(updated)
    if end is not None:
        last = min(last, end)
    return max(0, (last - start).days)


def _use(conn, org, sol, today):
    if conn.execute(_PURCHASED, {"org": org, "sol": sol}).first() is not None:
        return "purchase", None
    best = None
    for status, start, end, updated in conn.execute(_TRIALS, {"org": org, "sol": sol}):
        days = _trial_days(status, start, end, updated, today)
        counts = status in ("ended", "converted") or (days is not None and days >= MIN_TRIAL_DAYS)
        if counts and (best is None or (days or 0) > (best[1] or 0)):
            best = ("trial", days)
    return best


def upgrade():
    with op.batch_alter_table("reviews") as batch:
        batch.add_column(sa.Column("use_kind", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("use_days", sa.Integer(), nullable=True))
    conn = op.get_bind()
    today = dt.datetime.now(dt.UTC).astimezone(_ZONE).date()
    rows = conn.execute(
        sa.text("SELECT id, organization_id, solution_id FROM reviews WHERE verified = :yes"),
        {"yes": True},
    ).all()
    for review_id, org, sol in rows:
        use = _use(conn, org, sol, today)
        if use is None:
            conn.execute(
                sa.text("UPDATE reviews SET verified = :no WHERE id = :id"),
                {"no": False, "id": review_id},
            )
        else:
            conn.execute(
                sa.text("UPDATE reviews SET use_kind = :kind, use_days = :days WHERE id = :id"),
                {"kind": use[0], "days": use[1], "id": review_id},
            )


def downgrade():
    conn = op.get_bind()
    conn.execute(
        sa.text(
            "UPDATE reviews SET verified = :yes WHERE verified = :no AND ("
            "EXISTS (SELECT 1 FROM trial_requests t WHERE t.organization_id = "
            "reviews.organization_id AND t.solution_id = reviews.solution_id AND t.status IN "
            "('accepted', 'active', 'ended', 'converted')) "
            "OR EXISTS (SELECT 1 FROM subscriptions s WHERE s.organization_id = "
            "reviews.organization_id AND s.solution_id = reviews.solution_id AND s.status IN "
            "('active', 'past_due', 'canceled')) "
            "OR EXISTS (SELECT 1 FROM payments p WHERE p.organization_id = "
            "reviews.organization_id AND p.solution_id = reviews.solution_id "
            "AND p.mode = 'payment' AND p.status = 'paid'))"
        ),
        {"yes": True, "no": False},
    )
    with op.batch_alter_table("reviews") as batch:
        batch.drop_column("use_days")
        batch.drop_column("use_kind")
