"""The page that tells a user why an action is refused (with the resend button when the
reason is an unverified e-mail). Views of every domain answer with it after `roles.allows`."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from marketplace.accounts import roles


def refusal_page(action: str, back_url: str, status: int | None = None):
    """Answer a refused `action`: the page with its reason; 200 to look, 403 to a POST
    (or `status`, for a page that answers 403 to a look too)."""
    try:
        roles.require_action(current_user, action)
        message = None
    except roles.ActionRefused as err:
        message = err.message
    status = status or (403 if request.method == "POST" else 200)
    return render_template("accounts/refused.html", message=message, back_url=back_url), status
