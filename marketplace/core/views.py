"""Home page, health check and language switch."""

from __future__ import annotations

from flask import current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user

from marketplace.core import bp, metrics, panels, readiness
from marketplace.core.database import ping_database
from marketplace.core.fragments import keep_page
from marketplace.core.pagecache import cache_page
from marketplace.core.security import preference_post
from marketplace.core.urls import safe_next
from marketplace.extensions import csrf, db


@bp.get("/")
@cache_page
@keep_page
def home():
    # The sections (counts, listings) come from the domains that own them.
    return render_template("core/home.html", **panels.collect(panels.HOME))


@bp.get("/healthz")
@csrf.exempt
def healthz():
    if ping_database():
        return jsonify(status="ok", database="ok")
    return jsonify(status="error", database="unreachable"), 503


@bp.get("/readyz")
@csrf.exempt
def readyz():
    """Ready to serve? The database, Redis when configured, and no migration pending."""
    checks = readiness.check_all(current_app)
    ready = all(value in ("ok", "not configured") for value in checks.values())
    response = jsonify(status="ok" if ready else "error", **checks)
    response.headers["Cache-Control"] = "no-store"
    return response, 200 if ready else 503


@bp.get("/metrics")
@csrf.exempt
def metrics_page():
    """Prometheus metrics: from loopback (no proxy) or with the METRICS_TOKEN bearer."""
    metrics.allowed()
    return metrics.render()


@bp.post("/lang")
@preference_post
def set_language():
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
            db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for("core.home")))


@bp.post("/banner/dismiss")
@preference_post
def dismiss_banner():
    """Hide the announcement banner for this visitor until its text changes."""
    from marketplace.core import site_settings

    session["banner_dismissed"] = site_settings.current().banner_revision
    return redirect(safe_next(request.form.get("next"), url_for("core.home")))
