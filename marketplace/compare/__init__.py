"""Side-by-side comparison of 2 to 4 solutions, and the comparison tray."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("compare", __name__, url_prefix="/compare")


def init_app(app: Flask) -> None:
    from marketplace.compare import presenters, services, views  # noqa: F401

    app.context_processor(views.inject_tray)
    app.jinja_env.globals["compare_form"] = presenters.compare_form
    app.register_blueprint(bp)
