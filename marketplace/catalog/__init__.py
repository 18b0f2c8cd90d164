"""Catalogue: solutions, plans, uploads and the vendor workspace."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

vendor_bp = Blueprint("vendor", __name__, url_prefix="/vendor")
media_bp = Blueprint("media", __name__, url_prefix="/media")
catalog_bp = Blueprint("catalog", __name__, url_prefix="/solutions")
vendors_bp = Blueprint("vendors", __name__, url_prefix="/vendors")


def init_app(app: Flask) -> None:
    from marketplace.catalog import audit_labels
    from marketplace.core import audit

    audit.describe(app, audit_labels.ACTIONS, audit_labels.OBJECTS)

    from marketplace.catalog import (  # noqa: F401
        category_admin_views,
        media_views,
        models,
        public_views,
        search_index,
        vendor_pages,
        vendor_views,
    )
    from marketplace.catalog.cli import purge_task, uploads_cli
    from marketplace.core import jobs

    jobs.register(app, "uploads.purge", every=dt.timedelta(hours=6), func=purge_task)

    app.register_blueprint(vendor_bp)
    app.register_blueprint(media_bp)
    app.register_blueprint(catalog_bp)
    app.register_blueprint(vendors_bp)
    app.register_blueprint(category_admin_views.bp)
    app.cli.add_command(search_index.search_cli)
    app.cli.add_command(uploads_cli)

    from marketplace.catalog import services
    from marketplace.core import events

    events.solution_changed.connect(services.reindex_solution)
    events.vendor_changed.connect(services.reindex_vendor)

    from marketplace.catalog import cards, presenters, public_queries
    from marketplace.core import panels

    app.jinja_env.globals["catalog_url"] = presenters.catalog_url
    app.jinja_env.globals["card"] = cards.card

    panels.contribute(app, panels.HOME, "sections", public_queries.home_sections)
    from marketplace.catalog import console

    panels.contribute(app, panels.ADMIN_OVERVIEW, "catalog", console.overview_figures)
    panels.contribute(
        app,
        panels.ADMIN_NAV,
        "categories",
        lambda: panels.NavItem(_l("Danh mục"), "category_admin.index", 50),
    )
