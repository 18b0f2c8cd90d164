"""Health check, secret key, SQLite settings and the CSRF guard."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text

from marketplace import create_app
from marketplace.config import Config, instance_secret_key, normalise_database_url
from marketplace.extensions import db
from tests.conftest import IS_POSTGRES


def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_is_unreachable(app_factory, tmp_path):
    broken = app_factory(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing-dir/nope/x.db")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path):
    first = instance_secret_key(str(tmp_path))
    second = instance_secret_key(str(tmp_path))
    assert first == second and len(first) >= 64
    other = instance_secret_key(str(tmp_path / "elsewhere"))
    assert other != first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_secret_key_from_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert Config(str(tmp_path)).SECRET_KEY == "from-the-environment"
    monkeypatch.delenv("SECRET_KEY")
    assert Config(str(tmp_path)).SECRET_KEY == (tmp_path / "secret_key").read_text()


def test_database_url_defaults_to_sqlite_in_instance_and_accepts_postgres(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert Config(str(tmp_path)).SQLALCHEMY_DATABASE_URI == f"sqlite:///{tmp_path}/marketplace.db"
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    assert Config(str(tmp_path)).SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql://h/db") == "postgresql+psycopg://h/db"


def test_create_app_accepts_a_mapping_of_overrides(database_url):
    application = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True})
    assert application.config["TESTING"] is True
    assert application.config["BABEL_DEFAULT_LOCALE"] == "vi"


@pytest.mark.skipif(IS_POSTGRES, reason="SQLite pragmas only apply to SQLite")
def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(app):
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_csrf_is_enforced_when_enabled(app_factory):
    application = app_factory(WTF_CSRF_ENABLED=True)
    c = application.test_client()
    response = c.post("/auth/login", data={"email": "a@b.vn", "password": "x" * 12})
    assert response.status_code == 400
    assert "biểu mẫu không hợp lệ" in response.get_data(as_text=True)
    page = c.get("/auth/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = c.post(
        "/auth/login", data={"email": "a@b.vn", "password": "x" * 12, "csrf_token": token}
    )
    assert response.status_code == 400  # now a normal failed sign-in, not a CSRF error
    assert "E-mail hoặc mật khẩu không đúng." in response.get_data(as_text=True)
    assert c.post("/lang", data={"lang": "en"}).status_code == 400


def test_static_bootstrap_is_served_locally(client):
    html = client.get("/").get_data(as_text=True)
    assert "cdn" not in html.lower()
    assert client.get("/static/css/app.css").status_code == 200
    assert client.get("/bootstrap/static/css/bootstrap.min.css").status_code == 200


def test_production_configuration_runs_without_debug(database_url, monkeypatch):
    """The configuration gunicorn gets (`wsgi:app`): no debugger, no traceback in answers."""
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    application = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    assert application.debug is False and application.testing is False
    assert application.config["PROPAGATE_EXCEPTIONS"] is None
    assert application.config["PAGE_CACHE_SECONDS"] > 0  # the production defaults apply

    @application.get("/_boom")
    def boom():
        raise RuntimeError("secret detail: /etc/passwd")

    response = application.test_client().get("/_boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret detail" not in body and "Traceback" not in body


def test_the_wsgi_entry_freezes_what_the_app_made_at_start(database_url, tmp_path):
    """`wsgi:app` collects once and freezes the start-up objects (gc.freeze), so a full
    collection in a worker does not walk them; the app still serves."""
    import subprocess
    import sys

    code = (
        "import gc, wsgi; "
        "print(gc.get_freeze_count()); "
        "print(wsgi.app.test_client().get('/healthz').status_code)"
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(tmp_path),
        "SECRET_KEY": "k" * 40,
    }
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        timeout=120,
        check=True,
    ).stdout.split()
    assert int(out[0]) > 10_000
    assert out[1] == "200"
