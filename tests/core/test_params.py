"""The one parser for query-string numbers, pages and dates, and the pages that use it."""

from __future__ import annotations

import datetime as dt

import pytest

from marketplace.core import params
from tests import factories


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("7", 7),
        (" 7 ", 7),
        ("0", None),
        ("-1", None),
        ("²", None),
        ("٣", None),
        ("1²", None),
        ("3.0", None),
        (str(2**31), None),
        (str(10**20), None),
        ("9" * 5000, None),
        ("", None),
        (None, None),
    ],
)
def test_parse_id_accepts_only_ascii_digits_in_range(raw, expected):
    assert params.parse_id(raw) == expected


def test_page_arg_clamps_and_ignores_what_is_not_a_number():
    assert params.page_arg(args={}) == 1
    assert params.page_arg(args={"page": "0"}) == 1
    assert params.page_arg(args={"page": "-5"}) == 1
    assert params.page_arg(args={"page": "²"}) == 1
    assert params.page_arg(args={"page": "4"}) == 4
    assert params.page_arg(args={"page": str(10**20)}) == params.MAX_PAGE
    assert params.page_arg(args={"page": "9" * 5000}) == params.MAX_PAGE


def test_int_arg_is_a_400_with_a_message_for_an_unusable_filter(app):
    with app.test_request_context("/?min_rating=9"), pytest.raises(params.ParamError) as caught:
        params.int_arg("min_rating", low=1, high=5)
    assert caught.value.code == 400 and "min_rating" in caught.value.public_message
    with app.test_request_context("/?min_rating=4"):
        assert params.int_arg("min_rating", low=1, high=5) == 4
    with app.test_request_context("/"):
        assert params.int_arg("min_rating", low=1, high=5, default=2) == 2


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-03-10", dt.date(2026, 3, 10)),
        ("10/03/2026", dt.date(2026, 3, 10)),
        ("2020-01-01", dt.date(2020, 1, 1)),
        ("31/12/2100", dt.date(2100, 12, 31)),
        ("", None),
    ],
)
def test_parse_date_reads_iso_and_vietnamese_dates(app, raw, expected):
    assert params.parse_date(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["0001-01-01", "9999-12-31", "2019-12-31", "2101-01-01", "abc", "2026-02-30", "٢٠٢٦-٠١-٠١"],
)
def test_parse_date_refuses_other_dates_with_a_message(app, raw):
    with pytest.raises(params.DateError) as caught:
        params.parse_date(raw)
    assert str(caught.value)


BAD_DATES = [
    {"from": "0001-01-01"},
    {"to": "9999-12-31"},
    {"from": "abc"},
    {"from": "0001-01-01", "to": "9999-12-31"},
    {"to": "31/12/9999"},
]


@pytest.mark.parametrize("query", BAD_DATES)
def test_audit_log_shows_a_field_error_for_an_unusable_date(client_for, moderator, query):
    response = client_for(moderator).get("/moderation/audit", query_string=query)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "is-invalid" in html and "invalid-feedback" in html
    for name, typed in query.items():
        # The typed text is kept in its field.
        assert f'name="{name}" value="{typed}"' in html


@pytest.mark.parametrize("query", BAD_DATES)
def test_vendor_insights_show_a_field_error_for_an_unusable_date(client_for, vendor, query):
    factories.make_solution(vendor)
    client = client_for(vendor)
    response = client.get("/vendor/insights", query_string=query)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "is-invalid" in html and "invalid-feedback" in html
    csv_response = client.get("/vendor/insights.csv", query_string=query)
    assert csv_response.status_code == 200


def test_vendor_insights_keep_a_good_date_beside_a_bad_one(app, vendor):
    from marketplace.insights import vendor_figures

    data = vendor_figures.build_vendor_insights(
        vendor, {"from": "01/03/2026", "to": "9999-12-31"}, today=dt.date(2026, 3, 10)
    )
    assert data.period.start == dt.date(2026, 3, 1)
    assert data.period.end == dt.date(2026, 3, 10)
    assert set(data.period.errors) == {"to"}


def test_vendor_trials_filter_that_is_not_an_id_is_a_400(client_for, vendor):
    client = client_for(vendor)
    for raw in ("²", "٣", str(2**31), "-1"):
        response = client.get("/vendor/trials", query_string={"solution": raw})
        assert response.status_code == 400, raw
        assert "solution" in response.get_data(as_text=True)
