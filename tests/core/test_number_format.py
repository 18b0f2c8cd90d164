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
