"""Database helpers: SQLite pragmas, UTC timestamps, the current time, a session that
survives a lost connection."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app
from sqlalchemy import (
    JSON,
    ColumnElement,
    DateTime,
    Select,
    event,
    exc,
    inspect,
    literal_column,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

from marketplace.extensions import db

log = logging.getLogger(__name__)

# Errors that mean the database cannot be used right now (not a bug in a query): lost or
# refused connections, a pool with no free connection, a session left broken by one.
UNAVAILABLE_ERRORS: tuple[type[Exception], ...] = (
    exc.OperationalError,
    exc.InterfaceError,
    exc.DisconnectionError,
    exc.TimeoutError,
    exc.PendingRollbackError,
)


def utcnow() -> dt.datetime:
    """Return the current time in UTC (timezone-aware)."""
    return dt.datetime.now(dt.UTC)


def as_utc(value: dt.datetime | str) -> dt.datetime:
    """Make a timestamp read as a raw column aware UTC: a subquery's column skips the UTC
    type on some backends (naive on PostgreSQL, text on SQLite)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


class UTCDateTime(TypeDecorator):
    """Store naive UTC on every backend and give back aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC)


class json_rows(FunctionElement):  # noqa: N801 - used as a SQL function, like func.*
    """Aggregate every row's columns into one JSON array of arrays (`[[a, b], …]`), so one
    statement can carry a set of rows as a single column. No rows gives None on PostgreSQL
    and `[]` on SQLite. Inside the array a date or timestamp is its ISO text, a boolean may
    be 0 or 1."""

    type = JSON()
    inherit_cache = True
    name = "json_rows"


@compiles(json_rows, "sqlite")
def _json_rows_sqlite(element, compiler, **kw):
    return f"json_group_array(json_array({compiler.process(element.clauses, **kw)}))"


@compiles(json_rows, "postgresql")
def _json_rows_postgresql(element, compiler, **kw):
    return f"json_agg(json_build_array({compiler.process(element.clauses, **kw)}))"


def json_rows_of(query, limit: int):
    """A scalar subquery of `query`'s first `limit` + 1 rows as one JSON array of arrays
    (`json_rows`; the extra row tells that more were cut off). A select inside `query` that
    refers to the enclosing statement's tables says so with `.correlate(…)`: it sits in a
    subquery's FROM, where nothing is correlated by itself."""
    rows = query.limit(limit + 1).subquery()
    return select(json_rows(*rows.c)).scalar_subquery()


_CONSTANT = re.compile(r"[a-z_]{1,40}")


def written(column, *values: str) -> ColumnElement[bool]:
    """`column` equal to one of `values`, written into the SQL when the statement is
    compiled instead of bound, for a statement asked on every signed-in page:

    - SQLite prepares a statement again at every execution when a column that a partial
      index filters on (`payments.status`, `trial_requests.status`, …) is compared with a
      bound parameter, to see whether the index applies to the value: 0.17 of the 0.2 ms
      the signed-in user's statement took;
    - a list of bound values (`IN`) is rendered into the statement's text at every
      execution.

    The values must be the code's constants (short lowercase words), never a visitor's."""
    if not values or not all(_CONSTANT.fullmatch(value) for value in values):
        raise ValueError(f"not constants to write into SQL: {values!r}")
    constants = [literal_column(f"'{value}'", type_=column.type) for value in values]
    return column == constants[0] if len(constants) == 1 else column.in_(constants)


_TEXT_READS = "marketplace.text_reads"


class TextRead:
    """A read asked on every signed-in page, compiled once per database and sent as its
    SQL text (`Connection.exec_driver_sql`), its values converted by the columns' own types.

    SQLAlchemy walks a statement at every execution to find its compiled form (its cache
    key), then builds the ORM's loading context: for the signed-in user's statement (six
    subqueries) that cost 0.6 of the 0.8 ms the read took on SQLite, the database 0.2. The
    statement is still the ORM's, and the engine's events (statement counts, the commit of
    a read-only request) see it as any other. Only plain binds: a statement that renders
    values at execution (an `IN` list, a literal limit) is refused when first compiled.
    """

    def __init__(self, build: Callable[[], Select]) -> None:
        self._build = build  # called once per app and database (within the app)

    def rows(self, parameters: dict[str, Any]) -> list[tuple]:
        """Every row, as tuples of the columns' values, in the session's transaction."""
        connection = db.session.connection()
        sql, binds, positions, results = self._for(connection.dialect)
        values = binds.construct_params(parameters)
        for name, process in binds.processors:
            values[name] = process(values[name])
        arguments = tuple(values[name] for name in positions) if positions else values
        return [
            tuple(
                value if process is None else process(value)
                for process, value in zip(results, row, strict=True)
            )
            for row in connection.exec_driver_sql(sql, arguments)
        ]

    def _for(self, dialect) -> tuple:
        kept = current_app.extensions.setdefault(_TEXT_READS, {})
        built = kept.get((self, dialect.name))
        if built is None:
            statement = self._build()
            compiled = statement.compile(dialect=dialect)
            if "POSTCOMPILE" in compiled.string:
                raise ValueError("a statement that renders values at execution")
            binds = _Binds(compiled, dialect)
            results = tuple(
                column.type.dialect_impl(dialect).result_processor(dialect, None)
                for column in statement.selected_columns
            )
            positions = tuple(compiled.positiontup) if compiled.positional else ()
            built = kept[self, dialect.name] = (compiled.string, binds, positions, results)
        return built


class _Binds:
    """A compiled statement's parameters: their values with defaults, and their types'
    conversions for the database."""

    def __init__(self, compiled, dialect) -> None:
        self.construct_params = compiled.construct_params
        self.processors = tuple(
            (name, process)
            for bind, name in compiled.bind_names.items()
            if (process := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None
        )


def loaded(mapped: type, values: dict[str, Any]) -> Any:
    """The instance of `mapped` these column values (by attribute) describe, in the
    session as if read from the database (no query): the one the session holds already,
    else a new one given the values as loaded (without its `__init__` and
    `Session.merge`, which walk every attribute)."""
    mapper, identity = _identity(mapped)
    key = mapper.identity_key_from_primary_key(tuple(values[name] for name in identity))
    held = db.session.identity_map.get(key)
    if held is not None:
        return held
    instance = mapper.class_manager.new_instance()
    inspect(instance).dict.update(values)
    make_transient_to_detached(instance)
    db.session.add(instance)
    return instance


@functools.cache
def _identity(mapped: type) -> tuple[Any, tuple[str, ...]]:
    mapper = inspect(mapped)
    return mapper, tuple(mapper.get_property_by_column(column).key for column in mapper.primary_key)


def _engine_once(app: Flask, dialect: str, mark: str):
    """The app's engine when it talks to `dialect` and `mark` was not yet set on it (so
    its listeners are installed once per engine), else None."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith(dialect):
        return None
    with app.app_context():
        engine = db.engine
    if getattr(engine, mark, False):
        return None
    setattr(engine, mark, True)
    return engine


def install_sqlite_pragmas(app: Flask) -> None:
    """Turn on WAL, a busy timeout and foreign keys for every SQLite connection."""
    engine = _engine_once(app, "sqlite", "_marketplace_pragmas")
    if engine is None:
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised through every query
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=5000")
        if ":memory:" not in app.config["SQLALCHEMY_DATABASE_URI"]:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()


# A transaction that only read ends with COMMIT instead of ROLLBACK on PostgreSQL: the same
# for the database, but psycopg forgets every prepared statement at a ROLLBACK (in case it
# undid a schema change), so statements were planned anew at every request.
_WROTE = "marketplace_wrote"


def install_read_only_commit(app: Flask) -> None:
    """End each PostgreSQL transaction that ran only SELECT statements with COMMIT, so the
    connection keeps its prepared statements (psycopg prepares a statement asked five
    times; the server then skips parsing and planning it)."""
    engine = _engine_once(app, "postgresql", "_marketplace_read_only_commit")
    if engine is None:
        return

    @event.listens_for(engine, "before_cursor_execute")
    def _note_write(conn, _cursor, statement, _parameters, _context, _executemany):
        if not conn.info.get(_WROTE) and statement.lstrip()[:6].upper() != "SELECT":
            conn.info[_WROTE] = True

    from psycopg.pq import TransactionStatus

    @event.listens_for(engine, "rollback")
    def _commit_reads(conn):
        wrote = conn.info.pop(_WROTE, False)
        if wrote or conn.invalidated or conn.closed:
            return
        raw = conn.connection.dbapi_connection
        # Only a transaction in progress and sound (a failed statement leaves it INERROR).
        if raw is None or raw.closed or raw.info.transaction_status != TransactionStatus.INTRANS:
            return
        try:
            raw.commit()  # the ROLLBACK that follows then finds nothing to undo
        except Exception:  # a lost connection: the ROLLBACK that follows reports it
            log.debug("Committing a read-only transaction failed", exc_info=True)

    @event.listens_for(engine, "commit")
    def _forget_writes(conn):
        conn.info.pop(_WROTE, None)


# When a pooled connection was last given back (`time.monotonic()`), in its record's info.
_RETURNED_AT = "marketplace_returned_at"


def install_rested_ping(app: Flask) -> None:
    """Ping a pooled connection as it is handed out only when it rested in the pool longer
    than `DATABASE_PING_AFTER_SECONDS` (0: at every checkout, as SQLAlchemy's pre-ping).

    A connection given back a moment ago is alive but for a server restarted in that
    moment; pinging it at every request cost PostgreSQL a round trip per request. A ping
    that fails raises `DisconnectionError`: the pool replaces the connection and tries
    again. A connection the server ended within the pause is found by the request's first
    statement: that request gets the 503 page (`core.errors`) and the pool is renewed.
    """
    engine = _engine_once(app, "", "_marketplace_rested_ping")
    if engine is None:
        return
    after = float(app.config.get("DATABASE_PING_AFTER_SECONDS", 1.0))

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_conn, record):
        record.info[_RETURNED_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_rested(dbapi_conn, record, _proxy):
        returned = record.info.get(_RETURNED_AT)
        if returned is not None and time.monotonic() - returned <= after:
            return  # given back a moment ago (a new connection has no mark: just opened)
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as error:  # a dead connection: the pool opens another
            raise exc.DisconnectionError("the pooled connection did not answer") from error


@contextmanager
def statements_alone() -> Iterator[None]:
    """Run the block's statements on PostgreSQL as transactions of their own (autocommit)
    when the session's connection has none in progress yet: a read a request begins with
    then costs one round trip instead of three (BEGIN, the read, the COMMIT that ends the
    request). For reads only, at READ COMMITTED (the default), where each statement sees
    what was committed when it began either way; the statements after the block run in
    the request's transaction as before. Elsewhere (SQLite, a transaction already under
    way) the block runs as it is."""
    if dialect_name() != "postgresql":
        yield
        return
    from psycopg.pq import TransactionStatus

    raw = db.session.connection().connection.dbapi_connection
    if raw is None or raw.autocommit or raw.info.transaction_status != TransactionStatus.IDLE:
        yield
        return
    raw.autocommit = True
    try:
        yield
    finally:
        if not raw.closed:
            raw.autocommit = False


def _invalidate_session() -> None:
    """Close the session invalidating its connections, then forget it; never raise."""
    registry = db.session.registry
    try:
        if registry.has():
            registry().invalidate()
    except Exception:
        log.warning("Invalidating the session's connections failed", exc_info=True)
    registry.clear()


def rollback_session() -> None:
    """Roll back the current transaction, keeping the session; never raise.

    If the connection is gone, the session is invalidated and dropped instead (the next
    use of `db.session` starts a new one).
    """
    try:
        db.session.rollback()
    except Exception:  # the driver's error when the connection is gone
        log.warning("Rollback failed; invalidating the session's connections", exc_info=True)
        _invalidate_session()


def discard_session() -> None:
    """Roll back and drop the current session without ever raising.

    With the connection gone, the rollback itself fails: the session's connections are
    then invalidated, so the pool opens new ones (after its pre-ping) for the next request
    instead of handing the dead one out again.
    """
    try:
        db.session.rollback()
        db.session.remove()
    except Exception:  # the driver's error when the connection is gone
        log.warning("Rollback failed; invalidating the session's connections", exc_info=True)
        _invalidate_session()


def install_session_teardown(app: Flask) -> None:
    """End each app context's session without raising.

    Registered after Flask-SQLAlchemy's teardown, so it runs first: a close that fails
    (the rollback on a lost connection) would otherwise escape the request as the server's
    bare 500. Flask-SQLAlchemy's own teardown then finds no session to close.
    """

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        try:
            db.session.remove()
        except Exception:
            log.warning("Closing the session failed; invalidating it", exc_info=True)
            _invalidate_session()


def dialect_name() -> str:
    """The database the session talks to: "sqlite" or "postgresql"."""
    return db.session.get_bind().dialect.name


def ping_database() -> bool:
    """Return whether the database answers a trivial query."""
    try:
        db.session.execute(db.text("SELECT 1")).scalar_one()
        return True
    except Exception:  # any driver error means unreachable
        discard_session()
        return False


__all__ = [
    "UNAVAILABLE_ERRORS",
    "UTCDateTime",
    "dialect_name",
    "discard_session",
    "install_read_only_commit",
    "install_rested_ping",
    "install_session_teardown",
    "install_sqlite_pragmas",
    "json_rows",
    "json_rows_of",
    "ping_database",
    "rollback_session",
    "statements_alone",
    "utcnow",
    "written",
]
