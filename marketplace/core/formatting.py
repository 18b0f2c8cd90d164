"""Display formats fixed by the glossary: money in VND, dates as dd/mm/yyyy in Hà Nội time.

Every number goes through Babel's locale data (`format_decimal`, `format_percent`,
`format_currency`): "4,3", "77,8%" and "1.200.000 ₫" in Vietnamese, "4.3", "77.8%" and
"1,200,000 ₫" in English. Outside a request (commands, e-mails queued by the tick) the
language is Vietnamese.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

from babel.numbers import format_currency, format_decimal, format_percent
from flask import has_request_context
from flask_babel import to_user_timezone

from marketplace.core.i18n import locale_name

DEFAULT_LOCALE = "vi"
# The amount, a space and the symbol, whole đồng: `1.200.000 ₫` (the glossary's form).
_VND_PATTERN = "#,##0 ¤"


def current_locale() -> str:
    """The language numbers are written in: the page's, else Vietnamese."""
    if has_request_context():
        return locale_name(DEFAULT_LOCALE)
    return DEFAULT_LOCALE


def format_vnd(amount: int | None) -> str:
    """Format an integer amount of đồng as `1.200.000 ₫` (`1,200,000 ₫` in English)."""
    if amount is None:
        return ""
    return _vnd(int(amount), current_locale())


@functools.lru_cache(maxsize=8192)
def _vnd(amount: int, locale: str) -> str:
    # Kept: a catalogue page formats about forty prices, mostly the same few hundred.
    return format_currency(amount, "VND", format=_VND_PATTERN, locale=locale, currency_digits=True)


def format_number(value: float | int | None, digits: int = 0) -> str:
    """Format a count or a measure: `12.345`, `4,3` (digits=1) in Vietnamese."""
    if value is None:
        return ""
    return _decimal(value, digits, current_locale())


@functools.lru_cache(maxsize=8192, typed=True)
def _decimal(value: float | int, digits: int, locale: str) -> str:
    # Kept: ratings and counts repeat (4,3 stars on many cards); typed: a Decimal and a
    # float of one value are kept apart.
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=locale)


def format_rating(value: float | None) -> str:
    """Format an average of stars with one decimal: `4,3` in Vietnamese, `4.3` in English."""
    return format_number(value or 0, 1)


def format_share(value: float | None, digits: int = 1) -> str:
    """Format a share (0.778) as a percentage: `77,8%` in Vietnamese, `77.8%` in English."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "#" * digits if digits else "") + "%"
    return format_percent(value, format=pattern, locale=current_locale())


def format_percent_points(value: float | int | str | None) -> str:
    """Format a rate given in percent points (50, "10", 7.5): `50%`, `7,5%` in Vietnamese.

    Support rates and VAT rates are stored as whole percents; a share (0.778) goes through
    `format_share` instead.
    """
    if value is None or value == "":
        return ""
    return format_share(Decimal(str(value)) / 100, digits=2)


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
