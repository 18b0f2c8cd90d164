"""Moderator pages."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from marketplace.accounts.models import Organization
from marketplace.core.permissions import role_required
from marketplace.extensions import db
from marketplace.moderation import bp


@bp.get("/")
@role_required("moderator", "admin")
def index():
    newest = db.session.scalars(
        select(Organization)
        .order_by(Organization.created_at.desc(), Organization.id.desc())
        .limit(20)
    ).all()
    return render_template("moderation/index.html", organizations=newest)
