"""The public pages every user can read: terms of use, privacy policy, about, contact."""

from __future__ import annotations

import datetime as dt

from flask import render_template

from marketplace.accounts import legal_bp
from marketplace.accounts.legal import PRIVACY_VERSION, TERMS_VERSION


def _shown(version: str) -> str:
    # Versions are effective dates; pages show them as dd/mm/yyyy.
    return dt.date.fromisoformat(version).strftime("%d/%m/%Y")


@legal_bp.get("/terms")
def terms():
    return render_template("legal/terms.html", version=_shown(TERMS_VERSION))


@legal_bp.get("/privacy")
def privacy():
    return render_template("legal/privacy.html", version=_shown(PRIVACY_VERSION))


@legal_bp.get("/about")
def about():
    return render_template("legal/about.html")


@legal_bp.get("/contact")
def contact():
    return render_template("legal/contact.html")
