"""What billing gives the operator's overview (/admin/)."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from marketplace.billing import tasks
from marketplace.core.database import utcnow
from marketplace.core.panels import Figure
from marketplace.extensions import db


def overview_figures() -> list[Figure]:
    """Paid orders still without an e-invoice 3 days later (one query)."""
    late = db.session.scalar(
        select(func.count()).select_from(tasks.orders_missing_invoice(utcnow()).subquery())
    )
    return [
        Figure(
            _l("Đơn hàng chờ hóa đơn điện tử"),
            late or 0,
            url_for("billing.moderation_missing_invoices"),
            60,
        )
    ]
