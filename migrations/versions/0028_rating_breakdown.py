"""Each listing keeps the rating summary its page shows.

A solution page's reviews section showed the published reviews per star and the averages
of their sub-ratings, counted from the reviews at each first showing: one statement
beside the listing's, on a page whose first showing runs nine. The listing's row already
kept the count, average and score of its published reviews (written by the reviews
domain under the listing's lock at every change of what is published);
`solutions.rating_breakdown` keeps the rest of that summary beside them: the count per
star and the sums of the four sub-ratings, as JSON
(`{"stars": {"1": n, …, "5": n}, "aspects": {"ease_of_use": sum, …}}`).

The upgrade fills it for every listing from its published reviews (a listing without
any gets zeros); the downgrade drops the column, the pages then count again.

Revision ID: 0028_rating_breakdown
Revises: 0027_moderation_order
Create Date: 2026-12-06 17:40:00

"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0028_rating_breakdown"
down_revision = "0027_moderation_order"
branch_labels = None
depends_on = None

ASPECTS = ("ease_of_use", "features", "support", "value")
BATCH = 1000


def _empty() -> dict:
    return {"stars": {str(n): 0 for n in range(1, 6)}, "aspects": dict.fromkeys(ASPECTS, 0)}


def upgrade():
    op.add_column("solutions", sa.Column("rating_breakdown", sa.JSON(), nullable=True))
    conn = op.get_bind()
    kept: dict[int, dict] = {
        solution_id: _empty()
        for (solution_id,) in conn.execute(sa.text("SELECT id FROM solutions"))
    }
    sums = ", ".join(f"COALESCE(SUM({a}), 0)" for a in ASPECTS)
    rows = conn.execute(
        sa.text(
            f"SELECT solution_id, overall, COUNT(id), {sums} FROM reviews"
            " WHERE status = 'published' GROUP BY solution_id, overall"
        )
    )
    for solution_id, overall, count, *totals in rows:
        breakdown = kept.get(solution_id)
        if breakdown is None:
            continue
        breakdown["stars"][str(overall)] = int(count)
        for aspect, total in zip(ASPECTS, totals, strict=True):
            breakdown["aspects"][aspect] += int(total)
    update = sa.text("UPDATE solutions SET rating_breakdown = :kept WHERE id = :id")
    items = list(kept.items())
    for start in range(0, len(items), BATCH):
        conn.execute(
            update,
            [{"id": i, "kept": json.dumps(b)} for i, b in items[start : start + BATCH]],
        )


def downgrade():
    # A plain DROP COLUMN (SQLite 3.35 and later have it): the table and its indexes stay.
    op.drop_column("solutions", "rating_breakdown")
