"""The operator's console at /admin/: for the `admin` role only.

Other domains add their own console pages (categories, site settings, the programme's rules)
as blueprints under /admin/… guarded by `admin_required`, and list them in the console's
navigation with `panels.contribute(app, panels.ADMIN_NAV, name, lambda: NavItem(...))`.
"""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from marketplace.core import panels

bp = Blueprint("admin", __name__, url_prefix="/admin")


def init_app(app: Flask) -> None:
    from marketplace.admin import views  # noqa: F401

    app.register_blueprint(bp)
    panels.contribute(
        app, panels.ADMIN_NAV, "overview", lambda: panels.NavItem(_l("Tổng quan"), "admin.index", 0)
    )
    app.jinja_env.globals["admin_nav"] = lambda: panels.ordered(panels.ADMIN_NAV)
