"""Bounded numbers and dates from URLs and query strings: one parser for each.

Ids are `integer` columns (32-bit on PostgreSQL), so a number beyond 2³¹−1 can never name
a row; it is refused before any query (PostgreSQL would raise on it, SQLite beyond 2⁶³).
Only ASCII digits count as digits: `str.isdigit` and `int()` also take "²" or "٣".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from flask import request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from marketplace.extensions import db

MAX_ID = 2**31 - 1
MAX_PAGE = 10_000
MIN_DATE = dt.date(2020, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)
# Longer digit strings are refused before `int()` (which itself stops at 4,300 digits).
_MAX_DIGITS = 19


class ParamError(BadRequest):
    """A query-string value that cannot be used; answered with 400 and its message."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.param = name
        self.public_message = message


class BoundedIntegerConverter(IntegerConverter):
    """The `int` URL converter for ids: ASCII digits, 1..2³¹−1, else the route does not match."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def install_converters(app: Any) -> None:
    """Make every `<int:…>` route bounded (call before any route is registered)."""
    app.url_map.converters["int"] = BoundedIntegerConverter


def parse_int(raw: Any, *, low: int, high: int) -> int | None:
    """Return the whole number in `raw` if it is ASCII digits within low..high, else None."""
    text = str(raw).strip() if raw is not None else ""
    if not text or len(text) > _MAX_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if low <= value <= high else None


def parse_id(raw: Any) -> int | None:
    """Return `raw` as a row id (1..2³¹−1), or None."""
    return parse_int(raw, low=1, high=MAX_ID)


def int_arg(
    name: str,
    *,
    low: int,
    high: int,
    default: int | None = None,
    args: Mapping[str, str] | None = None,
) -> int | None:
    """Read a whole-number filter from the query string; 400 when it is given but unusable."""
    raw = (args if args is not None else request.args).get(name)
    if raw is None or not str(raw).strip():
        return default
    value = parse_int(raw, low=low, high=high)
    if value is None:
        raise ParamError(
            name,
            _(
                "Tham số “%(name)s” phải là số nguyên từ %(low)s đến %(high)s.",
                name=name,
                low=low,
                high=high,
            ),
        )
    return value


def id_arg(name: str, *, args: Mapping[str, str] | None = None) -> int | None:
    """Read an optional id from the query string; 400 when it is given but not an id."""
    return int_arg(name, low=1, high=MAX_ID, args=args)


def page_arg(
    name: str = "page", *, args: Mapping[str, str] | None = None, max_page: int = MAX_PAGE
) -> int:
    """Read a page number leniently: not a number → 1, too large → `max_page`."""
    raw = (args if args is not None else request.args).get(name)
    text = str(raw).strip() if raw is not None else ""
    if not text or not (text.isascii() and text.isdigit()):
        return 1
    if len(text) > _MAX_DIGITS:
        return max_page
    return min(max(1, int(text)), max_page)


def paginate(query: Any, *, per_page: int, page: int | None = None) -> Any:
    """Paginate `query` at the page in the query string; past the end, show the last page."""
    page = page_arg() if page is None else min(max(1, page), MAX_PAGE)
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False)
    if page > 1 and not pagination.items and pagination.pages:
        pagination = db.paginate(
            query, page=min(pagination.pages, MAX_PAGE), per_page=per_page, error_out=False
        )
    return pagination


# ---------------------------------------------------------------- dates


class DateError(ValueError):
    """A date that is not one, or is outside MIN_DATE..MAX_DATE; the message says which."""


# The shape of a day written as people here write it: 5/3/2026 or 05/03/2026.
_DMY = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")
DATE_PATTERN = r"\d{1,2}/\d{1,2}/\d{4}"


def parse_date(raw: Any) -> dt.date | None:
    """Read a date typed as yyyy-mm-dd or dd/mm/yyyy; None when empty, DateError when unusable."""
    text = str(raw).strip() if raw is not None else ""
    if not text:
        return None
    day = None
    if text.isascii() and len(text) <= 10:
        for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                day = dt.datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
    if day is None:
        if _DMY.fullmatch(text):
            raise DateError(
                _(
                    "Ngày %(date)s không có trên lịch: kiểm tra lại ngày và tháng (dd/mm/yyyy).",
                    date=text,
                )
            )
        raise DateError(_("Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy."))
    if not MIN_DATE <= day <= MAX_DATE:
        raise DateError(
            _(
                "Ngày phải từ %(low)s đến %(high)s.",
                low=MIN_DATE.strftime("%d/%m/%Y"),
                high=MAX_DATE.strftime("%d/%m/%Y"),
            )
        )
    return day


def date_args(
    *names: str, args: Mapping[str, str] | None = None
) -> tuple[dict[str, dt.date | None], dict[str, str]]:
    """Read the named date params; return the dates and, by name, the errors to show."""
    source = args if args is not None else request.args
    dates: dict[str, dt.date | None] = {}
    errors: dict[str, str] = {}
    for name in names:
        try:
            dates[name] = parse_date(source.get(name))
        except DateError as err:
            dates[name] = None
            errors[name] = str(err)
    return dates, errors
