"""Notifications: notifying, the notification centre, the header bell and the e-mail outbox."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

import pytest
from flask import render_template, render_template_string
from flask_login import login_user
from sqlalchemy import func, select
from werkzeug.exceptions import NotFound

from marketplace.core.database import utcnow
from marketplace.extensions import db
from marketplace.notifications import services
from marketplace.notifications.models import EmailOutbox, Notification
from marketplace.notifications.views import inject_unread_count
from tests import factories

TITLE = "Yêu cầu dùng thử “Hóa đơn điện tử An Phát” đã được chấp nhận"


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _notifications(user) -> list[Notification]:
    return db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    ).all()


def _make(user, n: int = 1, **fields) -> list[Notification]:
    made = [
        services.notify(user, kind="test", title=f"Thông báo số {i:02d}", email=False, **fields)
        for i in range(1, n + 1)
    ]
    db.session.commit()
    return made


# ---------------------------------------------------------------- notify


def test_notify_creates_a_notification_and_queues_an_email(app, enterprise):
    notification = services.notify(
        enterprise,
        kind="trial.accepted",
        title=TITLE,
        body="Nhà cung cấp sẽ liên hệ với bạn trong hôm nay.",
        link="/account/trials/7",
    )
    db.session.commit()

    assert notification.id is not None and notification.read_at is None
    assert (notification.user_id, notification.kind) == (enterprise.id, "trial.accepted")
    mail = db.session.scalar(select(EmailOutbox))
    assert (mail.to_email, mail.subject, mail.status, mail.attempts) == (
        enterprise.email,
        TITLE,
        "queued",
        0,
    )
    assert mail.body_text == (
        f"Xin chào {enterprise.name},\n\n"
        "Nhà cung cấp sẽ liên hệ với bạn trong hôm nay.\n\n"
        "Xem chi tiết: http://127.0.0.1:5000/account/trials/7\n\n"
        "— Chợ Giải Pháp Số"
    )


def test_notify_uses_site_url_and_only_flushes(app, enterprise):
    app.config["SITE_URL"] = "https://chogiaiphapso.haiduong.gov.vn/"
    services.notify(enterprise, kind="k", title="Tiêu đề", link="/solutions/ke-toan")
    mail = db.session.scalar(select(EmailOutbox))
    assert "Xem chi tiết: https://chogiaiphapso.haiduong.gov.vn/solutions/ke-toan" in (
        mail.body_text
    )
    db.session.rollback()  # nothing was committed by the service
    assert _count(Notification) == 0 and _count(EmailOutbox) == 0


def test_notify_keeps_the_subject_on_one_line(app, enterprise):
    services.notify(enterprise, kind="k", title="Dòng một\r\nBcc: ai@do.vn")
    db.session.commit()
    assert db.session.scalar(select(EmailOutbox.subject)) == "Dòng một Bcc: ai@do.vn"


def test_notify_without_email_queues_nothing(app, enterprise):
    assert services.notify(enterprise, kind="k", title="Chỉ trong ứng dụng", email=False)
    db.session.commit()
    assert _count(Notification) == 1 and _count(EmailOutbox) == 0


def test_dedupe_key_makes_notify_idempotent(app, enterprise):
    first = services.notify(enterprise, kind="trial.reminder", title=TITLE, dedupe_key="trial:7:d3")
    second = services.notify(
        enterprise, kind="trial.reminder", title=TITLE, dedupe_key="trial:7:d3"
    )
    db.session.commit()
    assert first is not None and second is None
    assert _count(Notification) == 1 and _count(EmailOutbox) == 1
    assert db.session.scalar(select(EmailOutbox.dedupe_key)) == "trial:7:d3"
    # Another key is another event.
    assert services.notify(enterprise, kind="trial.reminder", title=TITLE, dedupe_key="trial:7:d1")


def test_dedupe_key_also_holds_without_email(app, enterprise):
    kwargs = {"kind": "moderation.queue", "title": "Chờ duyệt", "link": "/moderation/"}
    assert services.notify(enterprise, email=False, dedupe_key="queue:1", **kwargs)
    assert services.notify(enterprise, email=False, dedupe_key="queue:1", **kwargs) is None
    db.session.commit()
    assert _count(Notification) == 1 and _count(EmailOutbox) == 0


def test_inactive_user_gets_no_email(app):
    sleeper = factories.make_user("enterprise", active=False)
    assert services.notify(sleeper, kind="k", title="Tài khoản đã khóa") is not None
    db.session.commit()
    assert _count(Notification, Notification.user_id == sleeper.id) == 1
    assert _count(EmailOutbox) == 0


def test_notify_organization_reaches_its_active_members_only(app, vendor, other_vendor):
    colleague = factories.make_user("vendor", org=vendor.organization)
    former = factories.make_user("vendor", org=vendor.organization, active=False)

    created = services.notify_organization(
        vendor.organization,
        kind="solution.approved",
        title="Giải pháp đã được phê duyệt",
        dedupe_key="solution:3:approved",
    )
    db.session.commit()

    assert sorted(n.user_id for n in created) == sorted([vendor.id, colleague.id])
    assert _notifications(other_vendor) == [] and _notifications(former) == []
    assert set(db.session.scalars(select(EmailOutbox.to_email))) == {vendor.email, colleague.email}
    assert set(db.session.scalars(select(EmailOutbox.dedupe_key))) == {
        f"solution:3:approved:user:{vendor.id}",
        f"solution:3:approved:user:{colleague.id}",
    }
    again = services.notify_organization(
        vendor.organization,
        kind="solution.approved",
        title="Giải pháp đã được phê duyệt",
        dedupe_key="solution:3:approved",
    )
    assert again == [] and _count(Notification) == 2


def test_notify_staff_reaches_moderators_and_admins(app, moderator, admin, vendor):
    retired = factories.make_user("moderator", active=False)
    created = services.notify_staff(
        kind="moderation.queue", title="Giải pháp mới chờ duyệt", link="/moderation/", email=False
    )
    db.session.commit()
    assert {n.user_id for n in created} == {moderator.id, admin.id}
    assert _notifications(vendor) == [] and _notifications(retired) == []


# ---------------------------------------------------------------- read state


def test_unread_count_mark_read_and_mark_all(app, enterprise, other_enterprise):
    mine = _make(enterprise, 3)
    _make(other_enterprise, 2)
    assert services.unread_count(enterprise) == 3

    services.mark_read(enterprise, mine[0].id)
    db.session.commit()
    assert services.unread_count(enterprise) == 2
    assert services.mark_all_read(enterprise) == 2
    db.session.commit()
    assert services.unread_count(enterprise) == 0
    assert services.unread_count(other_enterprise) == 2


def test_mark_read_refuses_someone_elses_notification(app, enterprise, other_enterprise):
    (theirs,) = _make(other_enterprise)
    with pytest.raises(NotFound):
        services.mark_read(enterprise, theirs.id)
    with pytest.raises(NotFound):
        services.mark_read(enterprise, theirs.id + 1000)


# ---------------------------------------------------------------- pages


def test_list_shows_only_own_notifications_newest_first(client_for, enterprise, other_enterprise):
    services.notify(enterprise, kind="k", title="Cũ hơn", email=False)
    services.notify(enterprise, kind="k", title="Mới hơn", body="Nội dung <b>thô</b>", email=False)
    services.notify(other_enterprise, kind="k", title="Bí mật của người khác", email=False)
    db.session.commit()

    html = client_for(enterprise).get("/notifications/").get_data(as_text=True)
    assert "Mới hơn" in html and "Cũ hơn" in html
    assert html.index("Mới hơn") < html.index("Cũ hơn")
    assert "Bí mật của người khác" not in html
    assert "Nội dung &lt;b&gt;thô&lt;/b&gt;" in html
    assert "Đánh dấu tất cả là đã đọc" in html
    assert 'name="csrf_token"' in html


def test_list_highlights_unread_and_paginates(client_for, enterprise):
    made = _make(enterprise, 25)
    services.mark_read(enterprise, made[-1].id)  # the newest one
    db.session.commit()
    c = client_for(enterprise)

    first = c.get("/notifications/").get_data(as_text=True)
    assert first.count("list-group-item ") + first.count('list-group-item"') == 20
    assert "Thông báo số 25" in first and "Thông báo số 05" not in first
    assert first.count(">Mới<") == 19
    second = c.get("/notifications/?page=2").get_data(as_text=True)
    assert "Thông báo số 05" in second and "Thông báo số 25" not in second


def test_empty_list_says_so(client_for, enterprise):
    html = client_for(enterprise).get("/notifications/").get_data(as_text=True)
    assert "Bạn chưa có thông báo nào." in html
    assert "Đánh dấu tất cả là đã đọc" not in html


def test_reading_someone_elses_notification_is_404_and_changes_nothing(
    client_for, enterprise, other_enterprise
):
    (theirs,) = _make(other_enterprise, link="/account/trials/1")
    response = client_for(enterprise).post(f"/notifications/{theirs.id}/read")
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Notification, theirs.id).read_at is None


def test_read_marks_read_and_follows_a_local_link(client_for, enterprise):
    (mine,) = _make(enterprise, link="/account/trials/9")
    response = client_for(enterprise).post(f"/notifications/{mine.id}/read")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/trials/9"
    db.session.expire_all()
    assert db.session.get(Notification, mine.id).read_at is not None


@pytest.mark.parametrize(
    "link", ["https://evil.example/dang-nhap", "//evil.example/x", "/\\evil.example", None]
)
def test_read_refuses_off_site_links(client_for, enterprise, link):
    (mine,) = _make(enterprise, link=link)
    response = client_for(enterprise).post(f"/notifications/{mine.id}/read")
    assert response.status_code == 302
    assert response.headers["Location"] == "/notifications/"


def test_read_all(client_for, enterprise, other_enterprise):
    _make(enterprise, 3)
    _make(other_enterprise, 1)
    c = client_for(enterprise)
    response = c.post("/notifications/read-all")
    assert response.status_code == 302 and response.headers["Location"] == "/notifications/"
    db.session.expire_all()
    assert services.unread_count(enterprise) == 0
    assert services.unread_count(other_enterprise) == 1
    assert "Đã đánh dấu tất cả thông báo là đã đọc." in c.get("/notifications/").get_data(
        as_text=True
    )


def test_anonymous_users_are_sent_to_sign_in(client, enterprise):
    (mine,) = _make(enterprise)
    for response in (
        client.get("/notifications/"),
        client.post(f"/notifications/{mine.id}/read"),
        client.post("/notifications/read-all"),
    ):
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/auth/login")
    db.session.expire_all()
    assert db.session.get(Notification, mine.id).read_at is None


def test_posts_need_a_csrf_token(client_for, enterprise):
    (mine,) = _make(enterprise)
    c = client_for(enterprise)  # signed in while the test config has CSRF off
    c.application.config["WTF_CSRF_ENABLED"] = True
    assert c.post(f"/notifications/{mine.id}/read").status_code == 400
    assert c.post("/notifications/read-all").status_code == 400
    db.session.expire_all()
    assert db.session.get(Notification, mine.id).read_at is None


# ---------------------------------------------------------------- the bell


def test_unread_count_costs_no_query_for_guests(app, count_queries):
    with app.test_request_context("/"):
        with count_queries() as q:
            assert inject_unread_count() == {}
            html = render_template("notifications/_bell.html")
        assert q.count == 0
    assert "badge" not in html


def test_unread_count_costs_one_query_per_page_when_signed_in(app, enterprise, count_queries):
    _make(enterprise, 3)
    page = (
        '{% extends "base.html" %}{% block content %}'
        '<ul>{% include "notifications/_bell.html" %}</ul>{% endblock %}'
    )
    with app.test_request_context("/"):
        login_user(enterprise)
        with count_queries() as q:
            html = render_template_string(page)
            assert inject_unread_count() == {"unread_notifications": 3}
        assert q.count == 1, q.statements
    assert "3 thông báo chưa đọc" in html
    assert 'href="/notifications/"' in html and 'aria-hidden="true"' in html
    assert '<span class="visually-hidden">Thông báo</span>' in html


# ---------------------------------------------------------------- the outbox


def _queue(user, title: str = TITLE) -> Notification:
    notification = services.notify(user, kind="k", title=title, body="Nội dung", link="/x")
    db.session.commit()
    return notification


def _mails() -> list[EmailOutbox]:
    db.session.expire_all()
    return db.session.scalars(select(EmailOutbox).order_by(EmailOutbox.id)).all()


def test_outbox_send_without_mail_server_logs_and_marks_sent(app, enterprise, vendor, caplog):
    caplog.set_level(logging.INFO, logger=app.logger.name)
    _queue(enterprise, "Thư thứ nhất")
    _queue(vendor, "Thư thứ hai")
    runner = app.test_cli_runner()

    first = runner.invoke(args=["outbox", "send"])
    assert first.exit_code == 0, first.output
    assert "Sent 2, failed 0" in first.output
    assert all(m.status == "sent" and m.sent_at is not None for m in _mails())
    assert "Thư thứ nhất" in caplog.text and vendor.email in caplog.text

    second = runner.invoke(args=["outbox", "send"])
    assert "Sent 0, failed 0" in second.output


def test_outbox_send_takes_the_oldest_first(app, enterprise):
    _queue(enterprise, "Cũ")
    _queue(enterprise, "Mới")
    older, newer = _mails()
    older.created_at = utcnow() - dt.timedelta(hours=1)
    newer.created_at = utcnow() - dt.timedelta(hours=2)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["outbox", "send", "--limit", "1"])
    assert "Sent 1, failed 0" in result.output
    by_subject = {m.subject: m.status for m in _mails()}
    assert by_subject == {"Cũ": "queued", "Mới": "sent"}


class FakeSMTP:
    """Stands in for smtplib.SMTP and records what would have gone out."""

    sent: list = []
    calls: list = []
    fail_with: Exception | None = None

    def __init__(self, host, port, timeout=None):
        FakeSMTP.calls.append(("connect", host, port))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        FakeSMTP.calls.append(("quit",))

    def starttls(self, context=None):
        FakeSMTP.calls.append(("starttls",))

    def login(self, user, password):
        FakeSMTP.calls.append(("login", user, password))

    def send_message(self, message):
        if FakeSMTP.fail_with is not None:
            raise FakeSMTP.fail_with
        FakeSMTP.sent.append(message)


@pytest.fixture
def smtp(app, monkeypatch):
    FakeSMTP.sent, FakeSMTP.calls, FakeSMTP.fail_with = [], [], None
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    app.config.update(
        MAIL_SERVER="smtp.example.vn",
        MAIL_PORT=2525,
        MAIL_USE_TLS=True,
        MAIL_USERNAME="cho",
        MAIL_PASSWORD="bi-mat",
        MAIL_DEFAULT_SENDER="no-reply@chogiaiphapso.vn",
    )
    return FakeSMTP


def test_outbox_send_goes_through_smtp_in_utf8(app, enterprise, smtp):
    _queue(enterprise)
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert "Sent 1, failed 0" in result.output
    assert smtp.calls[:3] == [
        ("connect", "smtp.example.vn", 2525),
        ("starttls",),
        ("login", "cho", "bi-mat"),
    ]
    (message,) = smtp.sent
    assert message["Subject"] == TITLE
    assert message["To"] == enterprise.email
    assert message["From"] == "no-reply@chogiaiphapso.vn"
    assert message.get_content_charset() == "utf-8"
    assert f"Xin chào {enterprise.name}," in message.get_content()
    raw = message.as_bytes()
    assert b"=?utf-8?" in raw  # the Vietnamese subject is encoded, not mangled
    assert _mails()[0].status == "sent"
    assert "Sent 0, failed 0" in app.test_cli_runner().invoke(args=["outbox", "send"]).output
    assert len(smtp.sent) == 1


def test_failing_smtp_retries_then_marks_failed(app, enterprise, smtp):
    smtp.fail_with = smtplib.SMTPServerDisconnected("máy chủ ngắt kết nối")
    _queue(enterprise)
    runner = app.test_cli_runner()
    for attempt in range(1, services.MAX_ATTEMPTS):
        assert "Sent 0, failed 1" in runner.invoke(args=["outbox", "send"]).output
        (mail,) = _mails()
        assert (mail.status, mail.attempts) == ("queued", attempt)
        assert "máy chủ ngắt kết nối" in mail.last_error

    assert "Sent 0, failed 1" in runner.invoke(args=["outbox", "send"]).output
    (mail,) = _mails()
    assert (mail.status, mail.attempts, mail.sent_at) == ("failed", services.MAX_ATTEMPTS, None)
    # A failed e-mail is not tried again.
    assert "Sent 0, failed 0" in runner.invoke(args=["outbox", "send"]).output
    assert smtp.sent == []


def test_replace_unread_moves_the_notification_to_the_top(app, enterprise):
    old = services.notify(enterprise, kind="k", title="Cũ", link="/x", email=False)
    other = services.notify(enterprise, kind="k", title="Khác", link="/y", email=False)
    before = utcnow()
    again = services.notify(
        enterprise, kind="k", title="Mới", link="/x", email=False, replace_unread=True
    )
    assert again.id == old.id and again.title == "Mới" and again.created_at >= before
    newest = db.session.scalars(services.notifications_for(enterprise)).first()
    assert newest.id == old.id and other.id != old.id
