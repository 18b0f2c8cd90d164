"""The console's overview."""

from __future__ import annotations

from flask import render_template

from marketplace.admin import bp
from marketplace.core import panels
from marketplace.core.permissions import admin_required


@bp.get("/")
@admin_required
def index():
    return render_template("admin/index.html", figures=panels.ordered(panels.ADMIN_OVERVIEW))
