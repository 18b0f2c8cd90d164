"""One number format, through Babel, in the page's language."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from marketplace.core.formatting import format_number, format_rating, format_share, format_vnd


@pytest.mark.parametrize(
    ("locale", "rating", "share", "count", "money"),
    [
        ("vi", "4,3", "77,8%", "12.345", "1.200.000 ₫"),
        ("en", "4.3", "77.8%", "12,345", "1,200,000 ₫"),
    ],
)
def test_numbers_follow_the_language(app, locale, rating, share, count, money):
    with app.test_request_context("/"), force_locale(locale):
        assert format_rating(4.26) == rating
        assert format_share(0.7778) == share
        assert format_number(12345) == count
        assert format_vnd(1_200_000) == money


def test_outside_a_request_numbers_are_vietnamese():
    assert format_rating(4.3) == "4,3" and format_vnd(-50_000) == "-50.000 ₫"


def test_a_card_and_the_dashboard_write_ratings_alike(client, vendor):
    from tests import factories
    from tests.reviews.conftest import quick_reviews

    solution = factories.make_solution(vendor, name="Điểm Babel")
    quick_reviews(solution, [5, 4, 4])
    html = client.get("/solutions").get_data(as_text=True)
    assert "4,3" in html and "4.3" not in html
    client.post("/lang", data={"lang": "en"})
    html = client.get("/solutions").get_data(as_text=True)
    assert "4.3" in html


@pytest.mark.parametrize(
    ("locale", "half", "fraction", "users"),
    [("vi", "50%", "7,5%", "100.000"), ("en", "50%", "7.5%", "100,000")],
)
def test_rates_and_limits_follow_the_language(app, vendor, locale, half, fraction, users):
    """Support and VAT rates (percent points) and the limits quoted in errors use Babel."""
    import datetime as dt
    from types import SimpleNamespace

    from flask import render_template_string
    from wtforms import Form as PlainForm

    from marketplace.core.formatting import format_percent_points
    from marketplace.core.vat import TREATMENT_LABELS, VatTreatment
    from marketplace.programme.forms import AmountField
    from marketplace.quotes.rules import QuoteInput, validate_request
    from tests import factories

    solution = factories.make_solution(vendor, name="Giới hạn báo giá")

    class Amount(PlainForm):
        amount = AmountField()

    with app.test_request_context("/"), force_locale(locale):
        assert format_percent_points(50) == half and format_percent_points("7.5") == fraction
        assert format_percent_points(None) == ""
        assert str(TREATMENT_LABELS[VatTreatment.TEN]).endswith(" 10%")
        line = SimpleNamespace(vat_treatment="8", vat_rate=8)
        rendered = render_template_string(
            '{% from "billing/_macros.html" import vat_rate_label %}{{ vat_rate_label(line) }}',
            line=line,
        )
        assert rendered.strip() == "8%"
        errors = validate_request(
            solution, QuoteInput(plan_id=None, users_count=0), today=dt.date.today()
        )
        assert errors["users_count"].endswith(f" {users}.")
        assert Amount(data={"amount": 100_000}).amount._value() == users


def test_a_rate_out_of_range_says_its_bounds_in_percents(app):
    from werkzeug.datastructures import MultiDict
    from wtforms import Form as PlainForm

    from marketplace.programme.forms import _rate_field

    class Rates(PlainForm):
        rate = _rate_field("rate")

    with app.test_request_context("/"), force_locale("en"):
        form = Rates(MultiDict({"rate": "101"}))
        assert not form.validate()
        assert form.rate.errors == ["The support rate is between 0% and 100%."]
