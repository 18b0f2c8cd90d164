"""Notifications: the in-app notification centre and the e-mail outbox."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def init_app(app: Flask) -> None:
    from marketplace.notifications import models  # noqa: F401

    app.register_blueprint(bp)
