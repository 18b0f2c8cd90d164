"""`flask backup` and `flask restore`: a consistent copy of the database and its way back.

SQLite: the copy is made with sqlite3's online-backup API (`Connection.backup`), which reads
a consistent snapshot of the live database (WAL included) while the app keeps serving; it is
written beside the target and renamed into place, so a half-written file never carries the
backup's name. `flask restore` copies a backup back into the configured database with the
same API (stop the web servers and the job runner first).

PostgreSQL: the commands print the `pg_dump` / `pg_restore` lines to run (the server's own
tools make consistent dumps; the app does not reimplement them). Uploaded images live in
UPLOAD_FOLDER: back that folder up beside the database.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from marketplace.extensions import db


def _sqlite_path() -> Path | None:
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if not url.get_backend_name().startswith("sqlite"):
        return None
    if not url.database or url.database == ":memory:":
        raise click.ClickException("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _libpq_url() -> str:
    """The database URL as pg_dump reads it (no driver suffix; the password left out)."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    return url.render_as_string(hide_password=True).replace(":***@", "@")


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy the SQLite database `source` into `target` with the online-backup API."""
    temporary = target.with_name(f".{target.name}.partial")
    temporary.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(temporary)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    os.replace(temporary, target)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@with_appcontext
def backup_command(path: Path, force: bool) -> None:
    """Write a consistent copy of the database to PATH (SQLite), or print the pg_dump line."""
    source = _sqlite_path()
    if source is None:
        click.echo(
            "PostgreSQL: run\n"
            f"  pg_dump --format=custom --no-owner --file {path} '{_libpq_url()}'\n"
            "(PGPASSWORD or ~/.pgpass gives the password)"
        )
        return
    if path.exists() and not force:
        raise click.ClickException(f"{path} exists (use --force to replace it)")
    if not source.exists():
        raise click.ClickException(f"no database at {source}")
    path.parent.mkdir(parents=True, exist_ok=True)
    copy_sqlite(source, path)
    click.echo(f"Backed up {source} to {path} ({path.stat().st_size} bytes)")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask: the current data is replaced.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace the database with the backup at PATH (stop the servers and job runner first)."""
    target = _sqlite_path()
    if target is None:
        click.echo(
            "PostgreSQL: run\n"
            f"  pg_restore --clean --if-exists --no-owner --dbname '{_libpq_url()}' {path}"
        )
        return
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as check:
        verdict = check.execute("PRAGMA integrity_check").fetchone()[0]
        tables = {row[0] for row in check.execute("SELECT name FROM sqlite_master")}
    if verdict != "ok" or "alembic_version" not in tables:
        raise click.ClickException(f"{path} is not a backup of this application's database")
    if not yes:
        click.confirm(f"Replace every row of {target} with {path}?", abort=True)
    db.session.remove()
    db.engine.dispose()
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    click.echo(f"Restored {target} from {path}; run `flask db upgrade` if the code is newer")


def init_app(app) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
