"""`flask trials tick`: end expired trials and remind those about to end (run it from cron)."""

from __future__ import annotations

import datetime as dt

import click
from flask.cli import AppGroup

from marketplace.extensions import db

trials_cli = AppGroup("trials", help="Free trials: expiry and reminders.")


@trials_cli.command("tick")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Act as if today were this date (YYYY-MM-DD); default: today in Asia/Ho_Chi_Minh.",
)
def tick_command(today: dt.datetime | None) -> None:
    """End active trials past their end date and queue reminders 3 days before the end."""
    from marketplace.trials import reminders

    result = reminders.tick(today=today.date() if today else None)
    db.session.commit()
    click.echo(
        f"{result.today:%Y-%m-%d}: ended {len(result.ended)} trial(s)"
        f"{_ids(result.ended)}, reminded {len(result.reminded)} trial(s){_ids(result.reminded)}"
    )


def tick_task() -> str:
    """The scheduled trials tick (core/jobs.py): hourly, so a day's change is seen soon."""
    from marketplace.trials import reminders

    result = reminders.tick()
    if not (result.ended or result.reminded):
        return ""
    return f"ended {len(result.ended)}, reminded {len(result.reminded)}"


def _ids(ids: list[int]) -> str:
    return " [" + ", ".join(f"#{i}" for i in ids) + "]" if ids else ""
