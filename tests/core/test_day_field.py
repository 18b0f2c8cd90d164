"""Dates as people here write them: dd/mm/yyyy text boxes, read on the server."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from marketplace.core.forms import DayField, Form, day_required


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
    assert "data-datepicker" in html  # static/js/datepicker.js adds its calendar to it


class _RequiredDayForm(Form):
    class Meta:
        csrf = False

    day = DayField("Ngày", validators=[day_required])


@pytest.mark.parametrize(
    ("typed", "error"),
    [("", "Vui lòng nhập"), ("31/02/2026", "không có trên lịch"), ("05/03/2026", None)],
)
def test_a_required_day_asks_for_it_and_keeps_the_reading_error(app, typed, error):
    with app.test_request_context("/", method="POST"):
        form = _RequiredDayForm(formdata=MultiDict({"day": typed}))
        assert form.validate() is (error is None)
        if error:
            assert form.day.errors == [form.day.errors[0]] and error in form.day.errors[0]
        assert "required" in str(form.day())


TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_every_date_box_is_the_shared_one():
    """No native date input (mm/dd/yyyy in an English browser) and no hand-made dd/mm/yyyy
    box: forms use DayField, GET filters the `day_input` macro (both carry the calendar)."""
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"type=[\"']?date\b", text), path
        if path.name != "_forms.html":
            assert "dd/mm/yyyy" not in text, f"{path}: use DayField or day_input"
    forms = Path(__file__).resolve().parents[2] / "marketplace"
    for path in forms.rglob("forms.py"):
        text = path.read_text(encoding="utf-8")
        assert "DateField" not in text, path
