"""What notifications give the operator's overview (/admin/)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from marketplace.core.panels import Figure
from marketplace.extensions import db
from marketplace.notifications.models import EmailOutbox


def overview_figures() -> list[Figure]:
    """The e-mails the outbox gave up sending (one query)."""
    failed = db.session.scalar(
        select(func.count(EmailOutbox.id)).where(EmailOutbox.status == "failed")
    )
    return [Figure(_l("E-mail gửi thất bại"), failed or 0, None, 70)]
