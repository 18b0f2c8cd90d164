"""Chợ Giải Pháp Số: the application factory."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from marketplace.config import Config

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Config | Mapping[str, Any] | None = None) -> Flask:
    """Create the application: configuration, extensions, blueprints, CLI, error handlers."""
    instance_path = os.environ.get("INSTANCE_PATH") or str(PROJECT_ROOT / "instance")
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    if config is None or isinstance(config, Mapping):
        app.config.from_object(Config(app.instance_path))
        if config:
            app.config.update(config)
    else:
        app.config.from_object(config)

    from marketplace import (
        accounts,
        admin,
        api,
        assessment,
        billing,
        catalog,
        compare,
        core,
        demo,
        insights,
        moderation,
        needs,
        notifications,
        programme,
        quotes,
        reviews,
        trials,
    )
    from marketplace.core.params import install_converters

    # The composition root: core first, then every domain, each wiring its own blueprints,
    # event receivers and page panels. Before any blueprint adds its routes: every `<int:…>`
    # is then a bounded id.
    install_converters(app)
    core.init_app(app)
    accounts.init_app(app)
    catalog.init_app(app)
    compare.init_app(app)
    api.init_app(app)
    moderation.init_app(app)
    notifications.init_app(app)
    trials.init_app(app)
    quotes.init_app(app)
    needs.init_app(app)
    billing.init_app(app)
    reviews.init_app(app)
    insights.init_app(app)
    assessment.init_app(app)
    programme.init_app(app)
    admin.init_app(app)
    demo.init_app(app)
    core.finish_app(app)
    return app
