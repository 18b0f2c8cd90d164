"""`flask uploads purge`: remove uploaded images nothing uses (run it daily, from cron)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from marketplace.extensions import db

uploads_cli = AppGroup("uploads", help="Uploaded images: upkeep.")


def purge_task() -> str:
    """The scheduled purge of unused uploads (core/jobs.py)."""
    from marketplace.catalog import uploads

    removed = uploads.purge_orphan_uploads()
    db.session.commit()
    stray = uploads.sweep_stray_files()
    return f"removed {removed} upload(s), {stray} stray file(s)" if removed or stray else ""


@uploads_cli.command("purge")
def purge_command() -> None:
    """Remove uploads attached to nothing after UPLOAD_ORPHAN_HOURS, and stray files."""
    from marketplace.catalog import uploads

    removed = uploads.purge_orphan_uploads()
    db.session.commit()
    stray = uploads.sweep_stray_files()
    click.echo(f"removed {removed} unused upload(s) and {stray} stray file(s)")
