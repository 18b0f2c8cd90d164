"""Cross-domain plumbing: extensions, i18n, formatting, errors, health and home page."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("core", __name__)


def init_app(app: Flask) -> None:
    """Bind extensions, register every domain's blueprint and CLI, install error handlers."""
    from marketplace.core import (  # noqa: F401
        database,
        errors,
        i18n,
        pagecache,
        security,
        templating,
        views,
    )
    from marketplace.extensions import bootstrap, csrf, db, login_manager, migrate

    db.init_app(app)
    database.install_session_teardown(app)
    database.install_sqlite_pragmas(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()), render_as_batch=True)
    csrf.init_app(app)
    bootstrap.init_app(app)
    i18n.init_app(app)
    login_manager.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    security.init_app(app)

    from marketplace import (
        accounts,
        api,
        billing,
        catalog,
        compare,
        demo,
        insights,
        moderation,
        notifications,
        reviews,
        trials,
    )

    app.register_blueprint(bp)
    accounts.init_app(app)
    catalog.init_app(app)
    compare.init_app(app)
    api.init_app(app)
    moderation.init_app(app)
    notifications.init_app(app)
    trials.init_app(app)
    billing.init_app(app)
    reviews.init_app(app)
    insights.init_app(app)
    demo.init_app(app)
    # Pages kept for anonymous visitors are served before Flask runs.
    pagecache.init_app(app)
    # Outermost: behind a reverse proxy, the client's address, scheme and host.
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)


def _migrations_dir():
    from marketplace import PROJECT_ROOT

    return PROJECT_ROOT / "migrations"
