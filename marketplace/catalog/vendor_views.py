"""The vendor workspace."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from marketplace.catalog import vendor_bp
from marketplace.core.permissions import role_required


@vendor_bp.get("/")
@role_required("vendor")
def index():
    return render_template("vendor/index.html", org=current_user.organization)
