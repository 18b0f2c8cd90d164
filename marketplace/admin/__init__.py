"""The operator's console at /admin/: for the `admin` role only.

Server-rendered with the app's own templates, forms (Flask-WTF, CSRF), permission gate
(`admin_required`), services that take the actor and the audit log: no generic admin
generator. People (`people.py`), organisations (`organizations.py`) and merging duplicates
(`merge.py`) are this package's; other domains add their own console pages (categories,
site settings, the programme's rules) as blueprints under /admin/… guarded by
`admin_required`, list them in the console's navigation with
`panels.contribute(app, panels.ADMIN_NAV, name, lambda: NavItem(...))`, and give the
overview its figures with `panels.ADMIN_OVERVIEW`.
"""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from marketplace.core import panels

bp = Blueprint("admin", __name__, url_prefix="/admin")


def init_app(app: Flask) -> None:
    from marketplace.admin import audit_labels
    from marketplace.core import audit

    audit.describe(app, audit_labels.ACTIONS)

    from marketplace.admin import organization_views, people_views, views  # noqa: F401

    app.register_blueprint(bp)
    app.register_blueprint(people_views.invitation_bp)
    for name, label, endpoint, order in (
        ("overview", _l("Tổng quan"), "admin.index", 0),
        ("people", _l("Người dùng"), "admin.users", 10),
        ("organizations", _l("Tổ chức"), "admin.organizations_list", 20),
    ):
        panels.contribute(
            app,
            panels.ADMIN_NAV,
            name,
            lambda label=label, endpoint=endpoint, order=order: panels.NavItem(
                label, endpoint, order
            ),
        )
    app.jinja_env.globals["admin_nav"] = lambda: panels.ordered(panels.ADMIN_NAV)
