"""The public pages every user can read: terms of use, privacy policy, about, contact; and
the question asked again of a signed-in user when a document's version changes."""

from __future__ import annotations

import datetime as dt

from flask import redirect, render_template, request, session, url_for
from flask_login import current_user

from marketplace.accounts import legal_bp
from marketplace.accounts.legal import current_versions, outdated_documents, versions_key
from marketplace.core import site_settings


def _shown(version: str) -> str:
    # Versions are effective dates; pages show them as dd/mm/yyyy.
    return dt.date.fromisoformat(version).strftime("%d/%m/%Y")


@legal_bp.get("/terms")
def terms():
    return render_template("legal/terms.html", version=_shown(current_versions()["terms"]))


@legal_bp.get("/privacy")
def privacy():
    return render_template("legal/privacy.html", version=_shown(current_versions()["privacy"]))


@legal_bp.get("/about")
def about():
    return render_template("legal/about.html")


@legal_bp.get("/contact")
def contact():
    return render_template("legal/contact.html", settings=site_settings.current())


# Pages a user who has not yet accepted the new versions may still open.
_CONSENT_FREE_BLUEPRINTS = {"legal", "api", "media", "static", "billing"}
_CONSENT_FREE_ENDPOINTS = {
    "account.consent",
    # A person who does not accept the new versions may still take their data and leave.
    "account.export_data",
    "account.delete_account",
    "auth.logout",
    "auth.login",
    "core.healthz",
    "core.readyz",
    "static",
}
_SESSION_KEY = "consented_versions"


def remember_consent() -> None:
    """Note in the session that the versions in force are accepted (no check per page)."""
    session[_SESSION_KEY] = versions_key()


def ask_consent_again():
    """Send a signed-in user who accepted an older terms or privacy version to /account/consent.

    Asked on pages (GET), not on form posts or the API. Once the versions in force are known to
    be accepted, the session says so and no further query is made until they change.
    """
    if request.method != "GET" or not current_user.is_authenticated:
        return None
    if request.blueprint in _CONSENT_FREE_BLUEPRINTS or request.endpoint in (
        _CONSENT_FREE_ENDPOINTS | {None}
    ):
        return None
    key = versions_key()
    if session.get(_SESSION_KEY) == key:
        return None
    if outdated_documents(current_user):
        return redirect(url_for("account.consent", next=request.full_path.rstrip("?")))
    session[_SESSION_KEY] = key
    return None
