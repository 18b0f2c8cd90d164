"""Catalogue: solutions, plans and the vendor workspace."""

from __future__ import annotations

from flask import Blueprint, Flask

vendor_bp = Blueprint("vendor", __name__, url_prefix="/vendor")


def init_app(app: Flask) -> None:
    from marketplace.catalog import vendor_views  # noqa: F401

    app.register_blueprint(vendor_bp)
