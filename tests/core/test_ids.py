"""The strict id parser every form and query field uses."""

from __future__ import annotations

import pytest

from marketplace.core.ids import MAX_ID, parse_id, parse_id_list


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", 1),
        (" 42 ", 42),
        ("007", 7),
        (str(MAX_ID), MAX_ID),
        (5, 5),
        ("", None),
        ("0", None),
        ("-1", None),
        ("+1", None),
        ("1.0", None),
        ("1e3", None),
        ("²", None),
        ("1²", None),
        ("٣", None),
        ("①", None),
        ("１", None),  # full-width digit
        (str(MAX_ID + 1), None),
        (str(10**20), None),
        ("9" * 5000, None),
        (None, None),
        (True, None),
        (0, None),
        (2**63, None),
        (["1"], None),
    ],
)
def test_parse_id(raw, expected):
    assert parse_id(raw) == expected


def test_parse_id_list_keeps_order_drops_repeats_and_refuses_a_bad_item():
    assert parse_id_list("4,4") == [4]
    assert parse_id_list("5, 4,,5,") == [5, 4]
    assert parse_id_list("") == []
    assert parse_id_list(None) == []
    assert parse_id_list("4,²") is None
    assert parse_id_list(f"4,{2**63}") is None


def test_a_narrower_maximum_for_integer_keys():
    from marketplace.core.ids import MAX_ROW_ID

    assert parse_id(str(MAX_ROW_ID), maximum=MAX_ROW_ID) == MAX_ROW_ID
    assert parse_id(str(2**31), maximum=MAX_ROW_ID) is None
    assert parse_id_list(f"1,{2**31}", maximum=MAX_ROW_ID) is None
    assert parse_id("5", maximum=2**70) == 5  # never wider than 2⁶³−1
    assert parse_id(str(2**63), maximum=2**70) is None
