"""Round trips a request spends around its statements (core/database.py): a pooled
connection is pinged only after resting in the pool, and on PostgreSQL a request's first
read (the signed-in user's) runs without a BEGIN and a COMMIT of its own."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select, text

from marketplace.accounts import services
from marketplace.accounts.models import Organization
from marketplace.core import database
from marketplace.extensions import db
from tests import factories
from tests.conftest import IS_POSTGRES


def _served(app_factory, monkeypatch, ping_after: float):
    """An app pinging connections rested longer than `ping_after`, and its pings."""
    served = app_factory(DATABASE_PING_AFTER_SECONDS=ping_after)
    pings: list[int] = []
    with served.app_context():
        dialect = db.engine.dialect
    real = dialect.do_ping
    monkeypatch.setattr(dialect, "do_ping", lambda conn: pings.append(1) or real(conn))
    return served, pings


def _pooled_records(app):
    """The records of the connections resting in the app's pool."""
    with app.app_context():
        return list(db.engine.pool._pool.queue)


def _checkout_and_read(app) -> int:
    with app.app_context():
        value = db.session.execute(text("SELECT 7")).scalar_one()
        db.session.remove()
    return value


@pytest.mark.parametrize(
    ("ping_after", "pings_expected"),
    [(60, 0), (0, 3)],  # 0: each checkout pinged (the app's first read opened the connection)
    ids=["given back a moment ago: not pinged", "zero: pinged at every checkout"],
)
def test_connections_are_pinged_by_their_rest(app_factory, monkeypatch, ping_after, pings_expected):
    served, pings = _served(app_factory, monkeypatch, ping_after)
    for _ in range(3):
        assert _checkout_and_read(served) == 7
    assert len(pings) == pings_expected


def test_a_connection_that_rested_is_pinged(app_factory, monkeypatch):
    served, pings = _served(app_factory, monkeypatch, 60)
    assert _checkout_and_read(served) == 7  # given back by the app's first read: no ping
    (record,) = _pooled_records(served)
    record.info[database._RETURNED_AT] -= 61
    assert _checkout_and_read(served) == 7
    assert pings == [1]


def _end_pooled_connection(app, database_url) -> None:
    """End the connection resting in the pool, as a server restart does."""
    (record,) = _pooled_records(app)
    if not IS_POSTGRES:
        record.dbapi_connection.close()
        return
    pid = record.dbapi_connection.info.backend_pid
    from sqlalchemy import create_engine

    killer = create_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        with killer.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        killer.dispose()


def test_a_rested_connection_that_died_is_replaced_before_the_request_uses_it(
    app_factory, database_url
):
    served = app_factory(DATABASE_PING_AFTER_SECONDS=60)
    assert _checkout_and_read(served) == 7
    _end_pooled_connection(served, database_url)
    (record,) = _pooled_records(served)
    record.info[database._RETURNED_AT] -= 61
    assert _checkout_and_read(served) == 7  # the ping failed: a new connection answered
    client = served.test_client()
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}


@pytest.mark.skipif(not IS_POSTGRES, reason="a server that ends connections")
def test_a_connection_that_died_a_moment_ago_costs_one_503_then_requests_work(
    app_factory, database_url
):
    """The price of not pinging a connection given back a moment ago: a server restarted
    within that moment is found by the next request's first statement (a SQLite file has
    no server to lose)."""
    served = app_factory(DATABASE_PING_AFTER_SECONDS=60)
    client = served.test_client()
    assert client.get("/healthz").status_code == 200
    _end_pooled_connection(served, database_url)
    assert client.get("/").status_code == 503
    assert client.get("/").status_code == 200
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}


# ---------------------------------------------------------------- PostgreSQL: reads alone

postgres_only = pytest.mark.skipif(not IS_POSTGRES, reason="psycopg transactions")


def _raw():
    return db.session.connection().connection.dbapi_connection


def _status() -> str:
    return _raw().info.transaction_status.name


def _sent() -> list[str]:
    """The statements the engine sends from now on (BEGIN is the driver's: not listed)."""
    sent: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: sent.append(args[2].split()[0]))
    return sent


@postgres_only
def test_a_read_alone_opens_no_transaction_and_what_follows_is_in_one(app):
    before = db.session.scalar(select(func.count(Organization.id)))
    db.session.remove()
    with database.statements_alone():
        assert db.session.scalar(select(func.count(Organization.id))) == before
    assert _status() == "IDLE" and _raw().autocommit is False
    db.session.add(
        Organization(kind="vendor", name="Không được lưu", tax_code=factories.next_tax_code())
    )
    db.session.flush()
    assert _status() == "INTRANS"  # the write after the block is in a transaction
    db.session.rollback()
    assert db.session.scalar(select(func.count(Organization.id))) == before


@postgres_only
def test_a_transaction_under_way_is_kept_by_the_block(app):
    db.session.remove()
    before = db.session.scalar(select(func.count(Organization.id)))
    db.session.add(Organization(kind="vendor", name="Chưa lưu", tax_code=factories.next_tax_code()))
    db.session.flush()
    with database.statements_alone():
        # Inside the request's transaction: its own write is seen.
        assert db.session.scalar(select(func.count(Organization.id))) == before + 1
    assert _status() == "INTRANS"
    db.session.rollback()
    assert db.session.scalar(select(func.count(Organization.id))) == before


@postgres_only
def test_an_error_in_the_block_gives_the_connection_back_to_transactions(app):
    db.session.remove()
    with pytest.raises(Exception, match="division by zero"), database.statements_alone():
        db.session.execute(text("SELECT 1 / 0"))
    assert _raw().autocommit is False
    db.session.rollback()
    assert db.session.execute(text("SELECT 3")).scalar_one() == 3


@postgres_only
def test_loading_a_signed_in_user_opens_no_transaction(app, enterprise):
    token = f"{enterprise.id}:{enterprise.session_version}"
    db.session.remove()
    with app.test_request_context("/"):
        user = services.load_user(token)
        assert user is not None and user.id == enterprise.id
        assert _status() == "IDLE"  # no BEGIN was sent: nothing to end
        db.session.remove()


def test_loading_a_user_reads_the_same_on_every_database(app, enterprise):
    """Through `statements_alone` (on PostgreSQL) or as it is (SQLite), the same user."""
    token = f"{enterprise.id}:{enterprise.session_version}"
    db.session.remove()
    with app.test_request_context("/"):
        sent = _sent()
        user = services.load_user(token)
        assert (user.id, user.email, user.organization_id) == (
            enterprise.id,
            enterprise.email,
            enterprise.organization_id,
        )
        assert sent == ["SELECT"]
        db.session.remove()
