"""The pieces of HTML every list repeats (core/snippets.py), in each language, escaped."""

from __future__ import annotations

import pytest
from flask import render_template_string
from flask_babel import force_locale
from markupsafe import Markup

from marketplace.core.snippets import deployment_label, price, stars

METER = (
    '<span class="stars-meter" role="img" aria-label="{label}"><span class="stars-meter-fill"'
    ' style="width: {width}%" aria-hidden="true">★★★★★</span><span aria-hidden="true">★★★★★'
    '</span></span> <span class="fw-semibold">{shown}</span>'
)


@pytest.mark.parametrize(
    ("locale", "value", "label", "width", "shown"),
    [
        ("vi", 4.26, "4,3 trên 5 sao", "85.2", "4,3"),
        ("en", 4.26, "4.3 out of 5 stars", "85.2", "4.3"),
        ("vi", None, "0,0 trên 5 sao", "0", "0,0"),
        ("vi", 5, "5,0 trên 5 sao", "100", "5,0"),
    ],
)
def test_the_star_meter_says_its_figure_in_the_page_language(
    app, locale, value, label, width, shown
):
    with app.test_request_context("/"), force_locale(locale):
        assert stars(value) == METER.format(label=label, width=width, shown=shown)
        assert isinstance(stars(value), Markup)


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("vi", ["Điện toán đám mây", "Tại chỗ", "Kết hợp"]),
        ("en", ["Cloud", "On-premise", "Hybrid"]),
    ],
)
def test_deployments_are_named_in_the_page_language(app, locale, expected):
    with app.test_request_context("/"), force_locale(locale):
        assert [deployment_label(v) for v in ("cloud", "on_premise", "hybrid")] == expected


@pytest.mark.parametrize(
    ("locale", "month", "year", "once", "free"),
    [
        ("vi", "1.200.000 ₫/tháng", "12.000.000 ₫/năm", "500.000 ₫ một lần", "Miễn phí"),
        ("en", "1,200,000 ₫/month", "12,000,000 ₫/year", "500,000 ₫ one-time", "Free"),
    ],
)
def test_every_price_says_its_period(app, locale, month, year, once, free):
    with app.test_request_context("/"), force_locale(locale):
        assert price(1_200_000, "month") == f'<strong class="text-nowrap">{month}</strong>'
        assert price(12_000_000, "year", strong=False) == f'<span class="text-nowrap">{year}</span>'
        assert price(500_000, "once") == f'<strong class="text-nowrap">{once}</strong>'
        assert price(0, "month") == free
        assert price(250_000, None) == price(250_000, "other")


def test_templates_call_them_and_escape_what_is_not_theirs(app):
    with app.test_request_context("/"), force_locale("vi"):
        html = render_template_string(
            "{{ deployment_label(d) }}|{{ price(p, 'month', strong=false) }}|{{ stars(4) }}",
            d="<script>x</script>",
            p=99_000,
        )
    assert html.startswith("&lt;script&gt;x&lt;/script&gt;|")
    assert '<span class="text-nowrap">99.000 ₫/tháng</span>' in html
    assert 'aria-label="4,0 trên 5 sao"' in html
