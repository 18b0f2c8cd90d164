"""Insights: event counters, the vendor's figures and the province dashboard."""

from __future__ import annotations

import datetime as dt

import click
from flask import Blueprint, Flask
from flask.cli import AppGroup, with_appcontext

from marketplace.core import panels

# Its pages live where they belong: /dashboard (public) and /vendor/insights.
bp = Blueprint("insights", __name__)

insights_cli = AppGroup("insights", help="Insights maintenance.")


@insights_cli.command("purge")
@click.option("--days", default=2, show_default=True, help="Keep view marks of this many days.")
@with_appcontext
def purge_command(days: int) -> None:
    """Delete the per-visitor view marks older than --days days."""
    from marketplace.extensions import db
    from marketplace.insights import services

    removed = services.purge_view_marks(days)
    db.session.commit()
    click.echo(f"Deleted {removed} view marks.")


def purge_task() -> str:
    """The scheduled clean-up of view marks older than two days (core/jobs.py)."""
    from marketplace.insights import services

    removed = services.purge_view_marks(2)
    return f"deleted {removed} view marks" if removed else ""


def init_app(app: Flask) -> None:
    from marketplace.core import jobs
    from marketplace.insights import models, moderation_figures, views  # noqa: F401

    jobs.register(app, "insights.purge", every=dt.timedelta(days=1), func=purge_task)

    app.register_blueprint(bp)
    app.cli.add_command(insights_cli)
    panels.contribute(app, panels.MODERATION_DESK, "figures", moderation_figures.moderation_figures)

    from marketplace.insights import receivers

    receivers.connect()
