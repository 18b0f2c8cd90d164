"""A PostgreSQL transaction that only read ends with COMMIT (core/database.py): psycopg
forgets its prepared statements at every ROLLBACK, so each request's statements were parsed
and planned again. Whatever wrote is still rolled back."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from marketplace.accounts.models import Organization
from marketplace.extensions import db
from tests import factories
from tests.conftest import IS_POSTGRES

pytestmark = pytest.mark.skipif(not IS_POSTGRES, reason="psycopg's prepared statements")

_ASKED = text("SELECT CAST(:n AS INTEGER) AS read_only_commit_marker")
_PREPARED = text(
    "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%read_only_commit_marker%'"
    " AND statement NOT LIKE '%pg_prepared_statements%'"
)


def test_a_statement_asked_in_read_only_transactions_stays_prepared(app):
    with app.app_context(), db.engine.connect() as conn:
        for n in range(7):  # psycopg prepares a statement at its sixth asking
            assert conn.execute(_ASKED, {"n": n}).scalar_one() == n
            conn.rollback()  # as every request's session ends
        assert conn.execute(_PREPARED).scalar_one() == 1
        conn.rollback()


def test_a_write_is_still_rolled_back(app):
    with app.app_context():
        org_id = factories.make_org(name="Tên cũ").id  # committed
        before = db.session.scalar(select(func.count(Organization.id)))
        db.session.add(
            Organization(kind="vendor", name="Không được lưu", tax_code=factories.next_tax_code())
        )
        db.session.flush()  # written, never committed
        assert db.session.scalar(select(func.count(Organization.id))) == before + 1
        db.session.rollback()
        assert db.session.scalar(select(func.count(Organization.id))) == before
    with app.app_context(), db.engine.connect() as conn:
        conn.execute(
            text("UPDATE organizations SET name = 'Tên mới' WHERE id = :id"), {"id": org_id}
        )
        conn.execute(text("SELECT 1"))  # a read after the write does not make it read-only
        conn.rollback()
        name = text("SELECT name FROM organizations WHERE id = :id")
        assert conn.execute(name, {"id": org_id}).scalar_one() == "Tên cũ"
        conn.rollback()


def test_a_failed_statement_then_reads_go_on(app):
    with app.app_context(), db.engine.connect() as conn:
        with pytest.raises(Exception, match="division by zero"):
            conn.execute(text("SELECT 1 / 0"))
        conn.rollback()
        assert conn.execute(text("SELECT 2")).scalar_one() == 2
        conn.rollback()


def test_a_commit_forgets_the_write_it_committed(app):
    """After a committed write, the next transaction that only reads ends with COMMIT."""
    with app.app_context(), db.engine.connect() as conn:
        conn.execute(text("UPDATE organizations SET name = name WHERE id = -1"))  # no row
        conn.commit()
        for n in range(7):
            conn.execute(_ASKED, {"n": n})
            conn.rollback()
        assert conn.execute(_PREPARED).scalar_one() == 1
        conn.rollback()
