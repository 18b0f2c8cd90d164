"""Migration 0028_rating_breakdown: every listing gets the rating summary its page shows,
counted from its published reviews; the downgrade drops the column."""

from __future__ import annotations

import json

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from marketplace.extensions import db
from marketplace.reviews.queries import RatingSummary
from tests.core.test_migrations import _fresh_app

BEFORE = "0027_moderation_order"
AFTER = "0028_rating_breakdown"


def _run(conn, sql: str, **params) -> None:
    conn.execute(text(sql), params)


def test_each_listing_keeps_the_summary_of_its_published_reviews(tmp_path):
    app = _fresh_app(tmp_path)
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            for oid, kind in [
                (1, "vendor"),
                (2, "enterprise"),
                (3, "enterprise"),
                (4, "enterprise"),
            ]:
                _run(
                    conn,
                    "INSERT INTO organizations (id, kind, name, tax_code, active, created_at)"
                    " VALUES (:id, :kind, 'Tổ chức', :tax, TRUE, CURRENT_TIMESTAMP)",
                    id=oid,
                    kind=kind,
                    tax=f"010000000{oid}",
                )
            for sid in (1, 2):
                _run(
                    conn,
                    "INSERT INTO solutions (id, vendor_id, slug, status, name, tagline,"
                    " description, deployment, created_at, updated_at) VALUES (:id, 1, :slug,"
                    " 'published', 'Giải pháp', '', '', 'cloud', CURRENT_TIMESTAMP,"
                    " CURRENT_TIMESTAMP)",
                    id=sid,
                    slug=f"giai-phap-{sid}",
                )
            # Listing 1: 5★ and 3★ published, 1★ hidden; listing 2: none.
            for rid, org, stars, status in [
                (1, 2, 5, "published"),
                (2, 3, 3, "published"),
                (3, 4, 1, "hidden"),
            ]:
                _run(
                    conn,
                    "INSERT INTO reviews (id, solution_id, organization_id, overall, ease_of_use,"
                    " features, support, value, title, body, verified, status, helpful_count,"
                    " created_at, updated_at) VALUES (:id, 1, :org, :stars, :stars, 2, 4,"
                    " :stars, 'Tiêu đề', 'Nội dung', TRUE, :status, 0, CURRENT_TIMESTAMP,"
                    " CURRENT_TIMESTAMP)",
                    id=rid,
                    org=org,
                    stars=stars,
                    status=status,
                )
        upgrade(revision=AFTER)
        with db.engine.connect() as conn:
            kept = {
                sid: value if isinstance(value, dict) else json.loads(value)
                for sid, value in conn.execute(
                    text("SELECT id, rating_breakdown FROM solutions ORDER BY id")
                )
            }
        assert kept[1] == {
            "stars": {"1": 0, "2": 0, "3": 1, "4": 0, "5": 1},
            "aspects": {"ease_of_use": 8, "features": 4, "support": 8, "value": 8},
        }
        assert kept[2] == {
            "stars": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0},
            "aspects": {"ease_of_use": 0, "features": 0, "support": 0, "value": 0},
        }
        summary = RatingSummary.from_breakdown(kept[1])
        assert (summary.count, summary.total, summary.average) == (2, 8, 4.0)
        assert summary.aspects == {
            "ease_of_use": 4.0,
            "features": 2.0,
            "support": 4.0,
            "value": 4.0,
        }
        downgrade(revision=BEFORE)
        columns = {c["name"] for c in inspect(db.engine).get_columns("solutions")}
        assert "rating_breakdown" not in columns and "rating_count" in columns
        indexes = {i["name"] for i in inspect(db.engine).get_indexes("solutions")}
        assert "ix_solutions_updated_at" in indexes
        upgrade(revision=AFTER)
        db.engine.dispose()
