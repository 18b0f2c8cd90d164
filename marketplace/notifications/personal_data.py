"""What notifications hold about a person: their notifications and e-mails (export, erasure)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, or_, select

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.notifications.models import EmailOutbox, Notification

# What replaces an erased person's name or address in other people's notifications.
ERASED = "Người dùng đã xoá"


def export_section(user: User) -> dict[str, list[dict[str, Any]]]:
    """Return the person's notifications and the e-mails sent (or queued) to their address."""
    notes = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    )
    emails = db.session.scalars(
        select(EmailOutbox).where(EmailOutbox.to_email == user.email).order_by(EmailOutbox.id)
    )
    return {
        "in_app": [
            {
                "kind": n.kind,
                "title": n.title,
                "body": n.body,
                "link": n.link,
                "read_at": n.read_at.isoformat() if n.read_at else None,
                "created_at": n.created_at.isoformat(),
            }
            for n in notes
        ],
        # Subjects only: bodies carry single-use links (tokens), never exported.
        "emails": [
            {
                "subject": e.subject,
                "status": e.status,
                "created_at": e.created_at.isoformat(),
                "sent_at": e.sent_at.isoformat() if e.sent_at else None,
            }
            for e in emails
        ],
    }


def forget_person(user: User, *, old_email: str, old_name: str, **_details) -> None:
    """Delete the erased person's notifications and e-mails; take them out of others'.

    A vendor's notification of a trial request names the contact, a reply names the
    reviewer's organisation...: wherever the person's name or address appears in another
    user's notification or e-mail, it is replaced.
    """
    db.session.execute(
        delete(Notification)
        .where(Notification.user_id == user.id)
        .execution_options(synchronize_session="fetch")
    )
    db.session.execute(
        delete(EmailOutbox)
        .where(EmailOutbox.to_email == old_email)
        .execution_options(synchronize_session="fetch")
    )
    needles = [text for text in (old_name, old_email) if text and len(text) >= 3]
    if not needles:
        return
    for note in db.session.scalars(
        select(Notification).where(
            or_(
                *(Notification.title.contains(n, autoescape=True) for n in needles),
                *(Notification.body.contains(n, autoescape=True) for n in needles),
            )
        )
    ):
        note.title = _replace(note.title, needles)
        note.body = _replace(note.body, needles)
    for email in db.session.scalars(
        select(EmailOutbox).where(
            or_(
                *(EmailOutbox.subject.contains(n, autoescape=True) for n in needles),
                *(EmailOutbox.body_text.contains(n, autoescape=True) for n in needles),
            )
        )
    ):
        email.subject = _replace(email.subject, needles)
        email.body_text = _replace(email.body_text, needles)
    db.session.flush()


def _replace(text: str | None, needles: list[str]) -> str | None:
    if not text:
        return text
    for needle in needles:
        text = text.replace(needle, ERASED)
    return text
