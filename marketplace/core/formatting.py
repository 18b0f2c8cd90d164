"""Display formats fixed by the glossary: money in VND, dates as dd/mm/yyyy in Hà Nội time."""

from __future__ import annotations

import datetime as dt

from flask_babel import to_user_timezone


def format_vnd(amount: int | None) -> str:
    """Format an integer amount of đồng as `1.200.000 ₫`."""
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(int(amount)):,}".replace(",", ".") + " ₫"


def format_date(value: dt.date | dt.datetime | None) -> str:
    """Format a date (or an aware datetime, in the user's zone) as `26/03/2026`."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = to_user_timezone(value)
    return value.strftime("%d/%m/%Y")


def format_datetime(value: dt.datetime | None) -> str:
    """Format an aware datetime in the user's zone as `26/03/2026 14:05`."""
    if value is None:
        return ""
    return to_user_timezone(value).strftime("%d/%m/%Y %H:%M")
