"""Dates as people here write them: dd/mm/yyyy text boxes, read on the server."""

from __future__ import annotations

import datetime as dt

import pytest
from werkzeug.datastructures import MultiDict

from marketplace.core.forms import DayField, Form


class _DayForm(Form):
    class Meta:
        csrf = False

    day = DayField("Ngày")


@pytest.mark.parametrize(
    ("typed", "day", "error"),
    [
        ("05/03/2026", dt.date(2026, 3, 5), None),
        ("5/3/2026", dt.date(2026, 3, 5), None),
        ("2026-03-05", dt.date(2026, 3, 5), None),  # what a date picker sends
        ("31/02/2026", None, "Ngày 31/02/2026 không có trên lịch"),
        ("29/02/2027", None, "không có trên lịch"),
        ("03-05-2026", None, "nhập theo dạng dd/mm/yyyy"),
        ("hôm nay", None, "nhập theo dạng dd/mm/yyyy"),
        ("01/01/1200", None, "Ngày phải từ"),
    ],
)
def test_the_server_reads_dd_mm_yyyy_and_says_what_is_wrong(app, typed, day, error):
    with app.test_request_context("/", method="POST"):
        form = _DayForm(formdata=MultiDict({"day": typed}))
        assert form.validate() is (error is None)
        assert form.day.data == day
        if error:
            assert error in form.day.errors[0]
            assert f'value="{typed}"' in str(form.day())  # what was typed stays


def test_the_box_is_text_with_a_pattern_and_shows_dd_mm_yyyy(app):
    with app.test_request_context("/"):
        form = _DayForm(data={"day": dt.date(2026, 3, 5)})
        html = str(form.day())
    assert 'type="text"' in html and 'value="05/03/2026"' in html
    assert 'inputmode="numeric"' in html and 'placeholder="dd/mm/yyyy"' in html
    assert 'pattern="\\d{1,2}/\\d{1,2}/\\d{4}"' in html
