"""Notification rules: tell users in the app and by e-mail, and deliver the e-mail outbox."""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from collections.abc import Iterable, Sequence
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, exists, func, select, update

from marketplace.accounts.models import STAFF_ROLES, Membership, Organization, User
from marketplace.core.database import utcnow
from marketplace.core.permissions import require
from marketplace.extensions import db
from marketplace.notifications.models import EmailOutbox, Notification

DEFAULT_SITE_URL = "http://127.0.0.1:5000"
# After this many failed attempts an e-mail is marked failed and no longer retried.
MAX_ATTEMPTS = 5
SMTP_TIMEOUT = 30


# ---------------------------------------------------------------- notifying


def notify(
    user: User,
    *,
    kind: str,
    title: str,
    body: str = "",
    link: str | None = None,
    email: bool = True,
    dedupe_key: str | None = None,
    replace_unread: bool = False,
) -> Notification | None:
    """Notify a user in the app and, if `email` and the user is active, queue an e-mail.

    With a `dedupe_key`, a second call for the same key creates nothing and returns None.
    The key is stored on the queued e-mail (unique there); when no e-mail is queued, an
    existing notification of the same kind and link for the user counts as the duplicate.

    With `replace_unread`, the user's unread notification of the same kind and link (the
    same object) is rewritten and moved to the top instead of adding another, so repeated
    changes leave at most one unread notification per object; once read, the next change
    notifies afresh.
    """
    title = _one_line(title)[:200]
    send_email = bool(email and user.active and user.email)
    if dedupe_key is not None and _already_notified(user, kind, link, dedupe_key, send_email):
        return None
    notification = _unread_for(user, kind, link) if replace_unread else None
    if notification is None:
        notification = Notification(user_id=user.id, kind=kind, title=title, body=body, link=link)
        db.session.add(notification)
    else:
        notification.title, notification.body = title, body
        notification.created_at = utcnow()
    if send_email:
        db.session.add(
            EmailOutbox(
                to_email=user.email,
                subject=title,
                body_text=_email_text(user, body, link),
                dedupe_key=dedupe_key,
            )
        )
    db.session.flush()
    return notification


def queue_email(
    user: User,
    *,
    subject: str,
    body: str,
    link: str | None = None,
    link_label: str | None = None,
    to_email: str | None = None,
) -> EmailOutbox:
    """Queue an e-mail to a user without an in-app notification (reset links, verification).

    `to_email` sends it to another address than the account's (a new address to verify,
    the old one told of a change). The e-mail goes out right after the request that queued
    it commits; see `delivery`.
    """
    outbox = EmailOutbox(
        to_email=to_email or user.email,
        subject=_one_line(subject)[:200],
        body_text=_email_text(user, body, link, link_label),
    )
    db.session.add(outbox)
    db.session.flush()
    return outbox


def notify_organization(org: Organization, **kwargs) -> list[Notification]:
    """Notify every active member of an organisation (see `notify` for the arguments)."""
    members = db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organization_id == org.id, User.active.is_(True))
        .order_by(User.id)
    ).all()
    return _notify_each(members, **kwargs)


def notify_staff(**kwargs) -> list[Notification]:
    """Notify every active moderator and administrator (see `notify` for the arguments)."""
    staff = db.session.scalars(
        select(User).where(User.role.in_(STAFF_ROLES), User.active.is_(True)).order_by(User.id)
    ).all()
    return _notify_each(staff, **kwargs)


def _notify_each(users: Sequence[User], **kwargs) -> list[Notification]:
    dedupe_key = kwargs.pop("dedupe_key", None)
    created = []
    for user in users:
        # One key per recipient: the outbox key is unique across all e-mails.
        key = f"{dedupe_key}:user:{user.id}" if dedupe_key is not None else None
        notification = notify(user, dedupe_key=key, **kwargs)
        if notification is not None:
            created.append(notification)
    return created


def _already_notified(
    user: User, kind: str, link: str | None, dedupe_key: str, send_email: bool
) -> bool:
    if db.session.scalar(select(exists().where(EmailOutbox.dedupe_key == dedupe_key))):
        return True
    if send_email:
        return False
    # No e-mail will carry the key: fall back to the notification itself.
    same_link = Notification.link.is_(None) if link is None else Notification.link == link
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Notification.user_id == user.id, Notification.kind == kind, same_link
                )
            )
        )
    )


def _unread_for(user: User, kind: str, link: str | None) -> Notification | None:
    same_link = Notification.link.is_(None) if link is None else Notification.link == link
    return db.session.scalar(
        select(Notification)
        .where(
            Notification.user_id == user.id,
            Notification.kind == kind,
            same_link,
            Notification.read_at.is_(None),
        )
        .order_by(Notification.id.desc())
        .limit(1)
    )


def _one_line(text: str) -> str:
    # Titles become e-mail subjects, where a line break would be a header injection.
    return " ".join((text or "").split())


def absolute_url(link: str) -> str:
    """Turn a site path into a full address under the configured SITE_URL."""
    if link.startswith(("http://", "https://")):
        return link
    # Never the request's Host: a forged Host would put the attacker's site in reset links.
    site = (current_app.config.get("SITE_URL") or DEFAULT_SITE_URL).rstrip("/")
    return f"{site}/{link.lstrip('/')}"


def _email_text(user: User, body: str, link: str | None, link_label: str | None = None) -> str:
    # Greeting and signature follow the recipient's language, not the actor's.
    with force_locale(user.locale or "vi"):
        parts = [_("Xin chào %(name)s,", name=user.name)]
        if body:
            parts.append(body)
        if link and link_label:
            parts.append(f"{link_label}: {absolute_url(link)}")
        elif link:
            parts.append(_("Xem chi tiết: %(url)s", url=absolute_url(link)))
        parts.append("— " + _("Chợ Giải Pháp Số"))
    return "\n\n".join(parts)


# ---------------------------------------------------------------- reading


def notifications_for(user: User) -> Select[tuple[Notification]]:
    """Return the query of a user's notifications, newest first."""
    return (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


_NOTIFICATIONS = Notification.__table__


def _unread(user_id: Any) -> Select:
    """Count the unread notifications of `user_id` (a bound parameter, or the users' id
    column of an enclosing statement)."""
    return select(func.count(_NOTIFICATIONS.c.id)).where(
        _NOTIFICATIONS.c.user_id == user_id, _NOTIFICATIONS.c.read_at.is_(None)
    )


# On the table, not the mapped class: asked on every signed-in page, and a Core statement
# skips the ORM's work for a single number.
_UNREAD_COUNT = _unread(bindparam("user_id"))


def unread_count_of(users: Any) -> Any:
    """The unread count as a column of the statement that loads a user (core/user_reads.py):
    `users` is that statement's users."""
    return _unread(users.id).scalar_subquery()


def unread_count(user: User) -> int:
    """Count the user's unread notifications."""
    return db.session.execute(_UNREAD_COUNT, {"user_id": user.id}).scalar_one()


def mark_read(user: User, notification_id: int) -> Notification:
    """Mark one of the user's notifications read; 404 if it is not theirs."""
    notification = db.session.get(Notification, notification_id)
    require(notification is not None and notification.user_id == user.id, hide=True)
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()
    return notification


def mark_all_read(user: User) -> int:
    """Mark all the user's notifications read; return how many were unread."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount or 0


# ---------------------------------------------------------------- the outbox


def send_outbox(limit: int = 100, *, ids: Iterable[int] | None = None) -> tuple[int, int]:
    """Send up to `limit` queued e-mails, oldest first (or only `ids`); return (sent, failed).

    `failed` counts the attempts that raised in this run: an e-mail stays queued for
    another run until its fifth failure, then it is marked failed. Each e-mail is
    committed as soon as it is handled, and locked while it is (on PostgreSQL), so
    neither a second run nor a crash sends an already recorded e-mail again.
    """
    query = select(EmailOutbox.id).where(EmailOutbox.status == "queued")
    if ids is not None:
        query = query.where(EmailOutbox.id.in_(sorted(set(ids))))
    ids = db.session.scalars(
        query.order_by(EmailOutbox.created_at, EmailOutbox.id).limit(limit)
    ).all()
    db.session.commit()
    sent = failed = 0
    for outbox_id in ids:
        message = db.session.scalar(
            select(EmailOutbox)
            .where(EmailOutbox.id == outbox_id, EmailOutbox.status == "queued")
            .with_for_update(skip_locked=True)
        )
        if message is None:  # taken by a concurrent run meanwhile
            db.session.rollback()
            continue
        message.attempts = (message.attempts or 0) + 1
        try:
            _deliver(message)
        except Exception as err:  # any SMTP, socket or encoding error: retry later
            message.last_error = f"{type(err).__name__}: {err}"[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = "failed"
            current_app.logger.warning(
                "E-mail %s to %s failed (attempt %s): %s",
                message.id,
                message.to_email,
                message.attempts,
                message.last_error,
            )
            failed += 1
        else:
            message.status = "sent"
            message.sent_at = utcnow()
            message.last_error = None
            sent += 1
        db.session.commit()
    return sent, failed


def build_message(outbox: EmailOutbox) -> EmailMessage:
    """Build the UTF-8 e-mail for an outbox row."""
    sender = current_app.config.get("MAIL_DEFAULT_SENDER") or "no-reply@localhost"
    domain = sender.rpartition("@")[2].strip("> ") or "localhost"
    message = EmailMessage()
    message["Subject"] = outbox.subject
    message["From"] = sender
    message["To"] = outbox.to_email
    message["Date"] = formatdate(localtime=False)
    # Stable per outbox row, so a receiver can spot a repeat after a crash.
    message["Message-ID"] = f"<outbox-{outbox.id}@{domain}>"
    message.set_content(outbox.body_text, charset="utf-8")
    return message


_LINK_RE = re.compile(r"https?://[^\s<>\"']+")


def mail_file_dir() -> Path:
    """Return the folder e-mails are written to when no MAIL_SERVER is configured."""
    configured = current_app.config.get("MAIL_FILE_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "mail"


def _write_file(outbox: EmailOutbox, message: EmailMessage) -> Path:
    # One RFC 5322 file per e-mail, written whole then renamed, so a reader (or a test, or
    # a mail client opening the folder) never sees half a message.
    folder = mail_file_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S")
    path = folder / f"{stamp}-{outbox.id}.eml"
    tmp = folder / f".{path.name}.{os.getpid()}.tmp"
    tmp.write_bytes(message.as_bytes())
    os.replace(tmp, path)
    return path


def _deliver(outbox: EmailOutbox) -> None:
    config = current_app.config
    message = build_message(outbox)
    if not config.get("MAIL_SERVER"):
        path = _write_file(outbox, message)
        links = " ".join(_LINK_RE.findall(outbox.body_text)) or "-"
        current_app.logger.info(
            "E-mail (MAIL_SERVER unset, written to %s) to %s: %s\nLinks: %s\n%s",
            path,
            outbox.to_email,
            outbox.subject,
            links,
            outbox.body_text,
        )
        return
    with smtplib.SMTP(
        config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25), timeout=SMTP_TIMEOUT
    ) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)
