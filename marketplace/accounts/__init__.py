"""Accounts: organisations, users, sign-up and sign-in, profiles."""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify, redirect, request, url_for
from flask_babel import lazy_gettext as _l

auth_bp = Blueprint("auth", __name__, url_prefix="/auth")
account_bp = Blueprint("account", __name__, url_prefix="/account")
# Public pages: terms of use, privacy policy, about, contact.
legal_bp = Blueprint("legal", __name__)
# Invitation links: /invitations/<token>.
invitations_bp = Blueprint("invitations", __name__, url_prefix="/invitations")


def init_app(app: Flask) -> None:
    from marketplace.accounts import audit_labels
    from marketplace.core import audit

    audit.describe(app, audit_labels.ACTIONS, audit_labels.OBJECTS)

    from marketplace.accounts import (  # noqa: F401
        cli,
        data_views,
        email_verification,
        email_views,
        legal_views,
        personal_data,
        roles,
        services,
        settings_views,
        team_views,
        teams,
        throttle,
        views,
    )
    from marketplace.core.errors import wants_json
    from marketplace.extensions import login_manager

    throttle.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(services.load_user)

    @login_manager.unauthorized_handler
    def _unauthorized():
        if wants_json():
            return jsonify(
                {"error": {"code": "unauthorized", "message": "Authentication required."}}
            ), 401
        from flask import flash

        flash(login_manager.login_message, "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    from marketplace.accounts import choices

    app.jinja_env.globals.update(
        address_label=choices.address_label,
        former_district_label=choices.former_district_label,
        industry_label=lambda code: choices.label(choices.INDUSTRIES, code),
        size_label=lambda code: choices.label(choices.SIZE_BANDS, code),
        kind_label=lambda code: choices.label(choices.ORG_KINDS, code),
        email_verified=roles.email_verified,
        needs_verification=email_verification.needs_verification,
    )

    @app.errorhandler(roles.ActionRefused)
    def _refused(err: roles.ActionRefused):
        # A service refused an action for the user's role or unverified e-mail: say why
        # (with the resend button for the latter) instead of an error without explanation.
        from flask import render_template

        from marketplace.core.database import rollback_session
        from marketplace.core.errors import render_error

        rollback_session()
        if wants_json():
            return render_error(err.status, err.message)
        return render_template("accounts/refused.html", message=err.message), err.status

    app.jinja_env.filters["org_role_label"] = teams.role_label
    app.jinja_env.globals["can_act"] = roles.allows
    from marketplace.core import panels

    panels.contribute(app, panels.HOME, "counts", services.public_counts)
    from marketplace.accounts import console

    panels.contribute(app, panels.ADMIN_OVERVIEW, "accounts", console.overview_figures)
    personal_data.contribute_own_sections(app)
    app.register_blueprint(auth_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(legal_bp)
    app.register_blueprint(invitations_bp)
    app.register_blueprint(settings_views.bp)
    panels.contribute(
        app,
        panels.ADMIN_NAV,
        "site_settings",
        lambda: panels.NavItem(_l("Cài đặt trang"), "site_settings.index", 60),
    )
    app.before_request(team_views.require_membership)
    app.before_request(legal_views.ask_consent_again)

    app.cli.add_command(cli.users)
