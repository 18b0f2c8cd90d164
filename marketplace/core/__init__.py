"""What every domain uses: extensions, i18n, formatting, errors, the audit log, events, the
view action helper, panels, clock, CSV; the health check and the home page's frame.

Core imports no domain: `marketplace.create_app` registers the domains after `init_app`
and calls `finish_app` once they are in place."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("core", __name__)


def init_app(app: Flask) -> None:
    """Bind extensions, install error handlers and register core's own pages."""
    from marketplace.core import (  # noqa: F401
        audit,
        cli,
        database,
        errors,
        fragments,
        i18n,
        jobs,
        metrics,
        pagecache,
        security,
        templating,
        views,
    )
    from marketplace.core import logging as logs
    from marketplace.extensions import bootstrap, csrf, db, login_manager, migrate

    logs.init_app(app)
    metrics.init_app(app)
    db.init_app(app)
    database.install_session_teardown(app)
    database.install_sqlite_pragmas(app)
    database.install_read_only_commit(app)
    database.install_rested_ping(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()), render_as_batch=True)
    csrf.init_app(app)
    bootstrap.init_app(app)
    i18n.init_app(app)
    login_manager.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    fragments.init_app(app)
    jobs.init_app(app)
    cli.init_app(app)
    from marketplace.core import site_settings

    audit.describe(app, site_settings.AUDIT_ACTIONS, site_settings.AUDIT_OBJECTS)
    app.register_blueprint(bp)


def finish_app(app: Flask) -> None:
    """Wrap the application once every domain is registered: page cache, bodies closed
    when sent, then proxies."""
    from marketplace.core import fragments, pagecache
    from marketplace.core.background import CloseWhenSent

    fragments.finish_app(app)
    # Pages kept for anonymous visitors are served before Flask runs.
    pagecache.init_app(app)
    # Work left for after the answer runs even when a server forgets to close the body.
    app.wsgi_app = CloseWhenSent(app.wsgi_app)
    # Outermost: behind a reverse proxy, the client's address, scheme and host.
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)


def _migrations_dir():
    from marketplace import PROJECT_ROOT

    return PROJECT_ROOT / "migrations"
