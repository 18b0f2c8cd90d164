"""The notification centre: the list, marking read, and the unread count for the header bell."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError

from marketplace.core import fragments, stamps, user_reads
from marketplace.core.params import paginate
from marketplace.core.urls import safe_next
from marketplace.extensions import db
from marketplace.notifications import bp, services

PER_PAGE = 20


@bp.get("/")
@login_required
def index():
    pagination = paginate(services.notifications_for(current_user), per_page=PER_PAGE)
    return render_template("notifications/index.html", pagination=pagination)


@bp.post("/<int:notification_id>/read")
@login_required
def read(notification_id: int):
    notification = services.mark_read(current_user, notification_id)
    link = notification.link
    db.session.commit()
    return redirect(safe_next(link, url_for("notifications.index")))


@bp.post("/read-all")
@login_required
def read_all():
    services.mark_all_read(current_user)
    db.session.commit()
    flash(_("Đã đánh dấu tất cả thông báo là đã đọc."), "success")
    return redirect(url_for("notifications.index"))


_UNREAD = "unread"


def unread_for_request() -> int:
    """The signed-in user's unread count: one query per request, none for guests."""
    if not current_user.is_authenticated:
        return 0
    if "unread_notifications" not in g:
        user = current_user._get_current_object()
        try:
            # Read with the user's row (`keep_unread`), else kept until a commit writes a
            # notification (or a user): core/stamps.py.
            count = user_reads.recall((_UNREAD, user.id))
            if count is user_reads.MISSING:
                count = stamps.account_value(
                    (_UNREAD, user.id), lambda: services.unread_count(user)
                )
            g.unread_notifications = count
        except SQLAlchemyError:
            # Error pages render while the database may be down: show no badge then.
            current_app.logger.warning("Could not count unread notifications", exc_info=True)
            db.session.rollback()
            g.unread_notifications = 0
    return g.unread_notifications


def keep_unread(user: Any, count: int) -> None:
    """Keep the unread count read with the user's row as `unread_for_request` keeps its own:
    for the request (whose user this load is: Flask-Login's loader is its only caller; a
    session it refuses leaves an anonymous visitor, who shows no count) and per process."""
    user_reads.remember((_UNREAD, user.id), int(count or 0))


def inject_unread_count() -> dict[str, int]:
    """Give templates `unread_notifications` (signed-in users only)."""
    if not current_user.is_authenticated:
        return {}
    return {"unread_notifications": unread_for_request()}


def unread_badge() -> Markup:
    """The bell's badge (a slot of the layout, core/fragments.py)."""
    count = unread_for_request()
    if count <= 0:
        return Markup("")
    template = current_app.jinja_env.get_template("notifications/_badge.html")
    return Markup(template.render(unread_count=count))


fragments.register_slot("unread_badge", unread_badge)
