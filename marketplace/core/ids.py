"""Row ids typed by users: one strict parser for every form and query field."""

from __future__ import annotations

from marketplace.core.params import parse_int

# The largest id any backend stores (a signed 64-bit integer); a bigger number would
# overflow the driver (SQLite raises OverflowError) instead of simply finding nothing.
MAX_ID = 2**63 - 1
# The largest id of a row whose primary key is an INTEGER column: 32 bits on PostgreSQL,
# which refuses to even compare a bigger parameter ("integer out of range").
MAX_ROW_ID = 2**31 - 1


def parse_id(raw: object, *, maximum: int = MAX_ID) -> int | None:
    """Return the id written in `raw` (ASCII digits, 1 ≤ id ≤ maximum ≤ 2⁶³−1), else None.

    Surrounding spaces are ignored; signs, leading "+", decimal points, other scripts'
    digits and anything out of range are not ids. Pass `maximum=MAX_ROW_ID` for ids that
    are looked up in an INTEGER primary key.
    """
    maximum = min(maximum, MAX_ID)
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw if 1 <= raw <= maximum else None
    if not isinstance(raw, str):
        return None
    # ASCII digits only (core.params): str.isdigit() also accepts "²", "٣" or "①".
    return parse_int(raw, low=1, high=maximum)


def parse_id_list(
    raw: str | None, *, separator: str = ",", maximum: int = MAX_ID
) -> list[int] | None:
    """Return the ids of a separated list in order without repeats; None if one is not an id.

    Empty items (``"4,,5"`` or a trailing separator) are skipped.
    """
    ids: list[int] = []
    for item in (raw or "").split(separator):
        if not item.strip():
            continue
        value = parse_id(item, maximum=maximum)
        if value is None:
            return None
        if value not in ids:
            ids.append(value)
    return ids


__all__ = ["MAX_ID", "MAX_ROW_ID", "parse_id", "parse_id_list"]
