"""The database connection lost in the middle of a request: the app's 503, then recovery."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from marketplace.extensions import db
from tests.conftest import IS_POSTGRES


def _lost(*_args, **_kwargs):
    raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))


@pytest.fixture
def failing(web_app, monkeypatch):
    """Add routes whose connection dies mid-request; the rollback and close then fail too."""

    @web_app.get("/_test/lost-connection")
    @web_app.get("/api/v1/_test/lost-connection", endpoint="api_lost_connection")
    def lost_connection():
        db.session.execute(text("SELECT 1"))
        monkeypatch.setattr(Session, "rollback", _lost)
        monkeypatch.setattr(Session, "close", _lost)
        return _lost()

    @web_app.get("/_test/lost-at-teardown")
    def lost_at_teardown():
        db.session.execute(text("SELECT 1"))
        monkeypatch.setattr(Session, "close", _lost)
        return "ok"

    return monkeypatch


def _assert_recovers(client) -> None:
    """The next requests are served normally (the pool hands out a live connection)."""
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}
    assert client.get("/").status_code == 200


def test_a_lost_connection_gives_the_503_page_and_the_next_request_works(client, failing):
    response = client.get("/_test/lost-connection", headers={"X-Request-ID": "ho-tro-503"})
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "Dịch vụ tạm thời gián đoạn" in html and '<html lang="vi">' in html
    assert "Traceback" not in html and "server closed" not in html
    assert response.headers["Retry-After"] == "30"
    # The id a user can quote to support, in the page and in the header.
    assert "Mã yêu cầu" in html and "ho-tro-503" in html
    assert response.headers["X-Request-ID"] == "ho-tro-503"
    failing.undo()
    _assert_recovers(client)


def test_a_signed_in_user_gets_the_page_in_their_language(client_for, enterprise, failing):
    enterprise.locale = "en"
    db.session.commit()
    client = client_for(enterprise)
    response = client.get("/_test/lost-connection")
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "Service temporarily unavailable" in html and '<html lang="en">' in html
    failing.undo()
    assert client.get("/account/").status_code == 200


def test_a_json_client_gets_a_json_503(client, failing):
    response = client.get("/_test/lost-connection", headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "unavailable"
    failing.undo()
    _assert_recovers(client)


def test_the_api_answers_its_json_error(client, failing):
    response = client.get("/api/v1/_test/lost-connection")
    assert response.status_code == 503
    assert response.get_json() == {
        "error": {"code": "unavailable", "message": "Vui lòng thử lại sau ít phút."}
    }
    failing.undo()
    assert client.get("/api/v1/categories").status_code == 200


def test_a_close_failing_at_teardown_does_not_escape_the_request(client, failing):
    response = client.get("/_test/lost-at-teardown")
    assert response.status_code == 200 and response.get_data(as_text=True) == "ok"
    failing.undo()
    _assert_recovers(client)


@pytest.mark.skipif(not IS_POSTGRES, reason="needs PostgreSQL to end a server connection")
def test_a_connection_ended_by_the_server_gives_503_then_recovers(web_app, client, database_url):
    """The server ends the request's connection for real (as a restart or failover does)."""
    killer = create_engine(database_url, isolation_level="AUTOCOMMIT")

    @web_app.get("/_test/killed")
    def killed():
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with killer.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        db.session.execute(text("SELECT 1"))
        return "unreachable"

    try:
        response = client.get("/_test/killed")
        assert response.status_code == 503
        assert "Dịch vụ tạm thời gián đoạn" in response.get_data(as_text=True)
        _assert_recovers(client)
    finally:
        killer.dispose()
