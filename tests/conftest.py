"""Fixtures: an isolated database per test, clients signed in as each role, a query counter.

SQLite (default): the migrations build a template database once per worker; each test
gets its own copy of the file. PostgreSQL (TEST_DATABASE_URL): each worker gets its own
database built by the migrations; tables are truncated after each test.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import event, make_url, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

os.environ.setdefault("INSTANCE_PATH", tempfile.mkdtemp(prefix="marketplace-test-instance-"))

from marketplace import create_app  # noqa: E402
from marketplace.config import TestConfig, normalise_database_url  # noqa: E402
from marketplace.core import site_settings  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from tests import factories  # noqa: E402

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
IS_POSTGRES = bool(TEST_DATABASE_URL)


def make_test_app(database_url: str, **overrides):
    """Build an app on `database_url` with the test configuration and `overrides`."""
    config = TestConfig(os.environ["INSTANCE_PATH"], database_url)
    for key, value in overrides.items():
        setattr(config, key, value)
    return create_app(config)


def upgrade_database(database_url: str) -> None:
    """Apply every migration to the database at `database_url`."""
    from flask_migrate import upgrade

    app = make_test_app(database_url)
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def worker_name(request) -> str:
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


def _recreate_postgres_database(url: str, suffix: str = "") -> str:
    """Create (again) an empty database beside the one in `url`; return its URL."""
    base = make_url(normalise_database_url(url))
    name = f"{base.database}_{os.getpid()}{suffix}"
    from sqlalchemy import create_engine

    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_template(tmp_path_factory, worker_name):
    """Build the schema once per worker with the migrations themselves."""
    if IS_POSTGRES:
        url = _recreate_postgres_database(TEST_DATABASE_URL)
        upgrade_database(url)
        _keep_reference_rows(url)
        yield url
        from sqlalchemy import create_engine

        base = make_url(normalise_database_url(TEST_DATABASE_URL))
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp(f"db-{worker_name}") / "template.db"
        upgrade_database(f"sqlite:///{path}")
        yield path


# Reference data the migrations insert (the console may change it: each PostgreSQL test
# starts again from the rows the migrations made, kept once per worker).
REFERENCE_TABLES = {"categories", "feature_definitions"}
_REFERENCE_ROWS: dict[str, list[dict]] = {}
# Tables the migrations create outside the models (the PostgreSQL search index).
EXTRA_TABLES = ["solution_search"]


def _reference_sum(conn, name: str) -> str:
    return conn.execute(
        text(f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY id), '')) FROM {name} t")
    ).scalar()


_REFERENCE_SUMS: dict[str, str] = {}


def _keep_reference_rows(url: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(normalise_database_url(url))
    with engine.connect() as conn:
        for name in ("categories", "feature_definitions"):
            rows = conn.execute(text(f"SELECT * FROM {name} ORDER BY id"))
            _REFERENCE_ROWS[name] = [dict(row._mapping) for row in rows]
            _REFERENCE_SUMS[name] = _reference_sum(conn, name)
    engine.dispose()


# One engine per worker database for emptying it between tests (building an app costs more
# than the emptying itself).
_CLEANERS: dict[str, Engine] = {}


def _truncate_all(url: str) -> None:
    """Empty the tables a test wrote to (only those: one query finds them), restart every id
    sequence, and put back the reference rows if the test changed them."""
    from sqlalchemy import create_engine

    engine = _CLEANERS.get(url)
    if engine is None:
        engine = _CLEANERS[url] = create_engine(normalise_database_url(url))
    names = [t.name for t in db.metadata.sorted_tables if t.name not in REFERENCE_TABLES]
    names += EXTRA_TABLES
    probe = " UNION ALL ".join(
        f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM \"{name}\")" for name in names
    )
    with engine.begin() as conn:
        written = set(conn.execute(text(probe)).scalars())
        changed = [
            name
            for name in ("categories", "feature_definitions")
            if _REFERENCE_ROWS and _reference_sum(conn, name) != _REFERENCE_SUMS[name]
        ]
        # A test leaves a few rows: DELETE takes milliseconds where TRUNCATE takes seconds
        # (new files for every table and index). Foreign keys are not checked meanwhile
        # (every table that could point at a deleted row is emptied too).
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        if changed:  # both go, then both come back as the migrations made them
            written |= {"categories", "feature_definitions"}
        for name in sorted(written):
            conn.execute(text(f'DELETE FROM "{name}"'))
        # Ids start again at 1, also where a rolled-back insert moved a sequence on.
        conn.execute(
            text(
                "SELECT setval(s, 1, false) FROM ("
                "SELECT pg_get_serial_sequence(quote_ident(t), 'id') AS s "
                "FROM unnest(CAST(:names AS text[])) AS t) q WHERE s IS NOT NULL"
            ),
            {"names": [n for n in names if "id" in getattr(db.metadata.tables.get(n), "c", ())]},
        )
        if changed:
            for name in ("categories", "feature_definitions"):
                conn.execute(db.metadata.tables[name].insert(), _REFERENCE_ROWS[name])
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT max(id) FROM {name}))"
                    )
                )


def _seed_demo(url: str) -> None:
    application = make_test_app(url)
    result = application.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def _drop_postgres_database(url: str) -> None:
    from sqlalchemy import create_engine

    base = make_url(normalise_database_url(TEST_DATABASE_URL))
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def demo_template(database_template, tmp_path_factory, worker_name):
    """The demo data, as `flask seed-demo` leaves it, seeded once per worker."""
    if IS_POSTGRES:
        url = _recreate_postgres_database(TEST_DATABASE_URL, "_demo")
        upgrade_database(url)
        _seed_demo(url)
        yield url
        _drop_postgres_database(url)
    else:
        path = tmp_path_factory.mktemp(f"demo-{worker_name}") / "demo.db"
        shutil.copyfile(database_template, path)
        _seed_demo(f"sqlite:///{path}")
        yield path


@pytest.fixture
def demo_data():
    """Ask for this fixture to start from a copy of the demo data instead of no rows.

    Seeding takes seconds; a copy of the database seeded once per worker takes milliseconds.
    Tests of seeding itself still run `seed-demo`.
    """


# PostgreSQL databases copied from the demo template: dropped after their test.
_DEMO_COPIES: set[str] = set()


@pytest.fixture
def database_url(request, database_template, tmp_path):
    """A database of this test's own, with every migration applied and no rows (or the demo
    data, when the test asks for `demo_data`)."""
    if "demo_data" in request.fixturenames:
        template = request.getfixturevalue("demo_template")
        if IS_POSTGRES:
            from sqlalchemy import create_engine

            base = make_url(normalise_database_url(TEST_DATABASE_URL))
            name = f"{make_url(template).database}_{len(_DEMO_COPIES) + 1}"
            admin = create_engine(base, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                conn.execute(
                    text(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(template).database}"')
                )
            admin.dispose()
            url = base.set(database=name).render_as_string(hide_password=False)
            _DEMO_COPIES.add(url)
            yield url
            _drop_postgres_database(url)
            return
        path = tmp_path / "test.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    if IS_POSTGRES:
        yield database_template
        return
    path = tmp_path / "test.db"
    shutil.copyfile(database_template, path)
    yield f"sqlite:///{path}"


@pytest.fixture
def app_factory(database_url):
    """Build apps on this test's database, with config overrides."""
    built = []

    def build(**overrides):
        application = make_test_app(database_url, **overrides)
        built.append(application)
        with application.app_context(), contextlib.suppress(SQLAlchemyError):
            # Read the site settings as a running server's first page does: kept until the
            # content stamp changes, so the pages' query counts are those of every later page.
            site_settings.current()
        return application

    yield build
    for application in built:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()
    if IS_POSTGRES and built and database_url not in _DEMO_COPIES:
        _truncate_all(database_url)


@pytest.fixture
def app(app_factory):
    """The app whose context the test code runs in (factories, assertions)."""
    application = app_factory()
    with application.app_context():
        yield application


@pytest.fixture
def web_app(app_factory, app):
    """A second app instance on the same database that serves the test clients.

    Requests then always get an app context (and `g`, and a session) of their own, as
    in production, instead of reusing the one the test code holds open.
    """
    return app_factory()


@pytest.fixture
def client(web_app):
    return web_app.test_client()


@pytest.fixture
def make_client(web_app):
    """Return a new, independent client (another browser)."""
    return web_app.test_client


@pytest.fixture
def login(app):
    """Sign a client in through the real sign-in form."""

    def do_login(client, user, password: str = factories.PASSWORD, **extra):
        response = client.post(
            "/auth/login", data={"email": user.email, "password": password, **extra}
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return do_login


@pytest.fixture
def enterprise(app):
    return factories.make_user("enterprise")


@pytest.fixture
def other_enterprise(app):
    return factories.make_user("enterprise")


@pytest.fixture
def vendor(app):
    return factories.make_user("vendor", verified=True)


@pytest.fixture
def other_vendor(app):
    return factories.make_user("vendor")


@pytest.fixture
def moderator(app):
    return factories.make_user("moderator")


@pytest.fixture
def admin(app):
    return factories.make_user("admin")


@pytest.fixture
def client_for(web_app, login):
    """Return a signed-in client for a user (a fresh browser each time)."""

    def make(user):
        return login(web_app.test_client(), user)

    return make


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """Count the SQL statements run inside a `with count_queries() as q:` block."""

    @contextlib.contextmanager
    def counting():
        counter = QueryCounter()

        def before(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith(("PRAGMA", "SAVEPOINT", "RELEASE")):
                counter.statements.append(statement)

        # Listen on every engine: test clients are served by their own app instance.
        event.listen(Engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(Engine, "before_cursor_execute", before)

    return counting


def pytest_report_header(config):
    return f"database: {'PostgreSQL' if IS_POSTGRES else 'SQLite'}"


__all__ = ["IS_POSTGRES", "Path", "make_test_app"]
