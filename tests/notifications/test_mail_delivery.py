"""E-mail without any set-up: .eml files, sending right after the response, SITE_URL."""

from __future__ import annotations

import email
import logging
import smtplib
import socket
import struct
import threading
import time
from email import policy
from pathlib import Path

from sqlalchemy import select

from marketplace.config import default_site_url
from marketplace.extensions import db
from marketplace.notifications import services
from marketplace.notifications.models import EmailOutbox
from tests import factories
from tests.serving import serving

SUBJECT = "Đặt lại mật khẩu trên Chợ Giải Pháp Số"


def _files(app) -> list[Path]:
    return sorted(Path(app.config["MAIL_FILE_DIR"]).glob("*.eml"))


def _statuses() -> list[tuple[str, int]]:
    db.session.expire_all()
    return [(m.status, m.attempts) for m in db.session.scalars(select(EmailOutbox))]


def test_without_mail_server_each_email_is_an_rfc5322_file_and_logged(app, caplog):
    caplog.set_level(logging.INFO, logger=app.logger.name)
    app.config["SITE_URL"] = "http://127.0.0.1:8123"
    user = factories.make_user("enterprise", name="Nguyễn Thị Hoa")
    services.queue_email(user, subject=SUBJECT, body="Nhấn vào liên kết.", link="/auth/reset/abc")
    db.session.commit()

    assert services.send_outbox() == (1, 0)
    (path,) = _files(app)
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["Subject"] == SUBJECT
    assert message["To"] == user.email
    assert message["From"] and message["Date"] and message["Message-ID"]
    body = message.get_content()
    assert "Xin chào Nguyễn Thị Hoa," in body
    assert "http://127.0.0.1:8123/auth/reset/abc" in body
    # The log names the subject and the link, so a `make run` user can follow it.
    assert SUBJECT in caplog.text and "http://127.0.0.1:8123/auth/reset/abc" in caplog.text
    assert _statuses() == [("sent", 1)]


def _mail_route(application):
    """Add a page that queues one e-mail, and commits or rolls back as asked."""

    def queue():
        from flask import request

        from marketplace.accounts.models import User

        user = db.session.scalar(select(User).where(User.email == request.args["to"]))
        services.queue_email(user, subject=SUBJECT, body="Nội dung", link="/x")
        if request.args.get("savepoint"):
            # Later work of the same request fails inside a savepoint (a race on a unique
            # key, say): the e-mail queued before it is still part of the transaction.
            try:
                with db.session.begin_nested():
                    services.queue_email(user, subject="Bỏ", body="Bỏ", link="/y")
                    db.session.flush()
                    raise ValueError
            except ValueError:
                pass
            with db.session.begin_nested():
                pass
        if request.args.get("rollback"):
            db.session.rollback()
        else:
            db.session.commit()
        return "ok"

    application.add_url_rule("/_test/mail", "test_mail", queue)
    return application


def test_an_email_is_sent_once_the_response_is_closed_without_a_command(app, app_factory):
    web = _mail_route(app_factory(MAIL_SEND_AFTER_REQUEST=True))
    user = factories.make_user("enterprise")
    response = web.test_client().get(f"/_test/mail?to={user.email}")
    assert response.status_code == 200
    # Nothing is sent while the response is still being written ...
    assert _statuses() == [("queued", 0)] and _files(web) == []
    # ... and the server closing it (after the last byte) sends the e-mail.
    response.close()
    assert _statuses() == [("sent", 1)]
    assert len(_files(web)) == 1


def test_the_email_is_sent_when_the_browser_resets_the_connection_after_the_head(app, app_factory):
    """Werkzeug's server (make run, the browser tests) skips the body's close() when the
    client resets the connection while it drains the socket, as a browser following a
    redirect without reading its body may: the body closes itself once the server took it."""
    web = _mail_route(app_factory(MAIL_SEND_AFTER_REQUEST=True))
    user = factories.make_user("enterprise")
    db.session.commit()
    with serving(web) as base_url:
        port = int(base_url.rpartition(":")[2])
        for _ in range(3):
            with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
                request = f"GET /_test/mail?to={user.email} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                conn.sendall(request.encode())
                assert conn.recv(12) == b"HTTP/1.1 200"  # the head only; the rest unread
                # Close with a reset (as a browser does with unread bytes), not a FIN.
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        deadline = time.monotonic() + 15
        while len(_files(web)) < 3 and time.monotonic() < deadline:
            threading.Event().wait(0.02)
    assert len(_files(web)) == 3
    assert _statuses() == [("sent", 1)] * 3


def test_a_savepoint_rolled_back_later_does_not_hold_back_the_email(app, app_factory):
    web = _mail_route(app_factory(MAIL_SEND_AFTER_REQUEST=True))
    user = factories.make_user("enterprise")
    response = web.test_client().get(f"/_test/mail?to={user.email}&savepoint=1")
    response.close()
    assert _statuses() == [("sent", 1)]
    assert len(_files(web)) == 1


def test_a_rolled_back_request_sends_nothing(app, app_factory):
    web = _mail_route(app_factory(MAIL_SEND_AFTER_REQUEST=True))
    user = factories.make_user("enterprise")
    response = web.test_client().get(f"/_test/mail?to={user.email}&rollback=1")
    response.close()
    assert _statuses() == [] and _files(web) == []


def test_a_failed_delivery_stays_queued_for_the_command(app, app_factory, monkeypatch):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPConnectError(421, "bận")

    monkeypatch.setattr(smtplib, "SMTP", refuse)
    web = _mail_route(app_factory(MAIL_SEND_AFTER_REQUEST=True, MAIL_SERVER="smtp.example.vn"))
    user = factories.make_user("enterprise")
    response = web.test_client().get(f"/_test/mail?to={user.email}")
    response.close()
    assert response.status_code == 200
    assert _statuses() == [("queued", 1)]

    monkeypatch.undo()
    app.config["MAIL_SERVER"] = ""
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert "Sent 1, failed 0" in result.output
    assert _statuses() == [("sent", 2)]


def test_site_url_follows_the_served_host_and_port_never_the_request():
    assert default_site_url({}) == "http://127.0.0.1:5000"
    assert default_site_url({"FLASK_RUN_PORT": "8000"}) == "http://127.0.0.1:8000"
    assert default_site_url({"PORT": "8080"}) == "http://127.0.0.1:8080"
    assert (
        default_site_url({"FLASK_RUN_HOST": "0.0.0.0", "FLASK_RUN_PORT": "8000"})
        == "http://127.0.0.1:8000"
    )
    assert default_site_url({"FLASK_RUN_HOST": "192.168.1.5"}) == "http://192.168.1.5:5000"


def test_email_links_ignore_a_forged_host_header(app, app_factory):
    web = app_factory(MAIL_SEND_AFTER_REQUEST=False, SITE_URL="http://127.0.0.1:5000")
    web.add_url_rule("/_test/url", "test_url", lambda: services.absolute_url("/auth/reset/t"))
    body = web.test_client().get("/_test/url", headers={"Host": "evil.example"}).text
    assert body == "http://127.0.0.1:5000/auth/reset/t"
