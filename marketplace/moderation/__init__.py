"""Moderation: queues over the other domains, decisions and the audit log."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("moderation", __name__, url_prefix="/moderation")


def init_app(app: Flask) -> None:
    from marketplace.moderation import views  # noqa: F401
    from marketplace.moderation.services import action_label

    app.jinja_env.globals["audit_action_label"] = action_label
    app.register_blueprint(bp)
