"""CSV files for spreadsheets: UTF-8 with a byte-order mark, CRLF, formula-safe cells."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Response

# A cell starting with one of these is a formula (or hides one) to a spreadsheet.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_writer() -> tuple[io.StringIO, Any]:
    """Return a buffer and a CSV writer on it; the buffer starts with the byte-order mark."""
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads the file as UTF-8 only with the byte-order mark.
    return out, csv.writer(out, lineterminator="\r\n")


def safe_cell(text: str) -> str:
    """Return `text` so that a spreadsheet shows it as text, never runs it as a formula."""
    return "'" + text if text[:1] in _FORMULA_STARTS else text


def csv_download(body: str, filename: str, *, public: bool = False) -> Response:
    """Answer a CSV file as a download named `filename`: not kept anywhere (`no-store`), as
    an export holds an organisation's own data, unless it is `public` (the dashboard's
    figures: five minutes)."""
    return Response(
        body.encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "public, max-age=300" if public else "no-store",
        },
    )
