"""A signed-in user's row and unread count kept per process (ACCOUNT_CACHE_SECONDS,
core/pagecache.py `account_value`): a page then reads neither, and every commit that writes a
user or a notification, in any process sharing the stamp, is seen on the next request —
a password change or a closed account signs the old session out at once."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from marketplace.accounts import services as account_services
from marketplace.accounts.models import User
from marketplace.core import stamps
from marketplace.extensions import db
from marketplace.notifications import services as notification_services
from tests import factories


@pytest.fixture
def hosts(app_factory, tmp_path):
    """Two processes keeping users, sharing one host's stamps; the first keeps pages too."""
    stamp = str(tmp_path / "content.stamp")
    web = app_factory(ACCOUNT_CACHE_SECONDS=60, FRAGMENT_CACHE_SECONDS=60, PAGE_CACHE_STAMP=stamp)
    other = app_factory(ACCOUNT_CACHE_SECONDS=60, PAGE_CACHE_STAMP=stamp)
    return web, other


@pytest.fixture
def signed_in(hosts, login, app):
    web, _other = hosts
    user = factories.make_user("enterprise", name="Trần Văn Tuấn")
    db.session.commit()
    client = login(web.test_client(), user)
    client.get("/")  # the welcome message is shown and gone
    return client, user.id


def _in_other(other, change) -> None:
    with other.app_context():
        change()
        db.session.commit()
        db.session.remove()


def _menu_name(response) -> str | None:
    node = BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one(
        ".user-menu-name"
    )
    return None if node is None else node.text


def test_a_kept_signed_in_page_reads_no_row(signed_in, count_queries):
    client, _user_id = signed_in
    client.get("/solutions")
    with count_queries() as hit:
        response = client.get("/solutions")
    assert _menu_name(response) == "Trần Văn Tuấn"
    assert hit.count == 0, hit.statements


def test_a_password_changed_elsewhere_signs_the_old_session_out(hosts, signed_in):
    _web, other = hosts
    client, user_id = signed_in
    assert _menu_name(client.get("/solutions")) == "Trần Văn Tuấn"
    _in_other(other, lambda: account_services.end_all_sessions(db.session.get(User, user_id)))
    assert _menu_name(client.get("/solutions")) is None
    assert client.get("/account/profile").status_code == 302  # to the sign-in page


def test_a_closed_account_is_signed_out_and_a_rename_shows_at_once(hosts, signed_in):
    _web, other = hosts
    client, user_id = signed_in
    client.get("/solutions")

    def rename():
        db.session.get(User, user_id).name = "Trần Văn Tuấn Anh"

    _in_other(other, rename)
    assert _menu_name(client.get("/solutions")) == "Trần Văn Tuấn Anh"

    def close():
        db.session.get(User, user_id).active = False

    _in_other(other, close)
    assert _menu_name(client.get("/solutions")) is None


def test_the_unread_count_follows_every_notification(hosts, signed_in):
    _web, other = hosts
    client, user_id = signed_in

    def badge() -> str:
        soup = BeautifulSoup(client.get("/solutions").get_data(as_text=True), "html.parser")
        node = soup.select_one('a[href^="/notifications"] .badge span[aria-hidden]')
        return node.text if node is not None else ""

    assert badge() == ""

    def notify():
        notification_services.notify(
            db.session.get(User, user_id), kind="test", title="Có báo giá mới", email=False
        )

    _in_other(other, notify)
    assert badge() == "1"
    _in_other(other, lambda: notification_services.mark_all_read(db.session.get(User, user_id)))
    assert badge() == ""


def test_the_unread_count_is_read_with_the_users_row(hosts, signed_in, count_queries):
    """A user not kept is read in one statement with their membership and their unread
    count (core/user_reads.py): the bell's badge then reads nothing more, kept or not."""
    web, other = hosts
    client, user_id = signed_in

    def notify():
        for title in ("Có báo giá mới", "Có đơn hàng mới"):
            notification_services.notify(
                db.session.get(User, user_id), kind="test", title=title, email=False
            )

    _in_other(other, notify)  # renews the accounts stamp: the user is read again
    with count_queries() as q:
        html = client.get("/solutions").get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    node = soup.select_one('a[href^="/notifications"] .badge span[aria-hidden]')
    assert node is not None and node.text == "2"
    unread = [s for s in q.statements if "read_at IS NULL" in s]
    assert len(unread) == 1 and "FROM users" in unread[0], q.statements
    # Read again after the process forgot its users: the same one statement.
    with web.app_context():
        stamps.forget_account_values()
    with count_queries() as q:
        html = client.get("/solutions").get_data(as_text=True)
    unread = [s for s in q.statements if "read_at IS NULL" in s]
    assert len(unread) == 1 and "FROM users" in unread[0], q.statements


def test_a_kept_user_is_the_sessions_as_if_read(hosts, signed_in):
    """The user rebuilt from kept columns is persistent in the request's session: nothing
    to write until changed, relationships load, a change is committed; and a user the
    session holds already is the one given."""
    web, _other = hosts
    _client, user_id = signed_in
    token = f"{user_id}:1"
    with web.test_request_context("/"):
        account_services.load_user(token)  # read and kept
        db.session.remove()
    with web.test_request_context("/"):
        user = account_services.load_user(token)
        assert user in db.session and not db.session.dirty and not db.session.new
        assert user.name == "Trần Văn Tuấn" and user.organization.id == user.organization_id
        assert account_services.load_user(token) is user
        user.name = "Trần Văn Tuấn Anh"
        db.session.commit()
        db.session.remove()
    with web.app_context():
        assert db.session.get(User, user_id).name == "Trần Văn Tuấn Anh"
