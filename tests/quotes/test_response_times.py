"""A vendor's response times of every kind (trials, quotes) read in one statement, kept for
the request and, in production, as a public value (core/response_times.py)."""

from __future__ import annotations

import datetime as dt

from marketplace.core import response_times
from marketplace.extensions import db
from marketplace.quotes import queries as quote_queries
from marketplace.trials import queries as trial_queries
from tests import factories
from tests.insights.conftest import add_trial


def _answer_quote(make_quote, hours: int):
    quote = make_quote(user=factories.make_user("enterprise"))
    quote.first_response_at = quote.created_at + dt.timedelta(hours=hours)
    db.session.commit()


def _answer_trial(solution, hours: int):
    trial = add_trial(factories.make_org("enterprise"), solution)
    trial.first_response_at = trial.created_at + dt.timedelta(hours=hours)
    db.session.commit()


def test_every_kind_of_a_vendors_response_times_is_one_statement(
    app, make_quote, solution, vendor, other_vendor, count_queries
):
    for hours in (1, 5, 9):
        _answer_quote(make_quote, hours)
    for hours in (2, 4):
        _answer_trial(solution, hours)
    make_quote(user=factories.make_user("enterprise"))  # not answered: not counted
    vendor_id = vendor.organization_id
    with app.test_request_context():
        with count_queries() as q:
            quotes = quote_queries.vendor_response_time(vendor_id)
            trials = trial_queries.vendor_response_time(vendor_id)
            assert quote_queries.vendor_response_time(vendor_id) == quotes  # kept: no query
        assert q.count == 1, q.statements
        assert quotes == dt.timedelta(hours=5)
        assert trials == dt.timedelta(hours=3)
        # The same medians as each domain's own reading of many vendors.
        assert quote_queries.median_response_time([vendor_id])[vendor_id] == quotes
        assert trial_queries.median_response_time([vendor_id])[vendor_id] == trials
        # A vendor that never answered, and no vendor at all.
        other = other_vendor.organization_id
        assert quote_queries.vendor_response_time(other) is None
        assert trial_queries.vendor_response_time(other) is None
        assert quote_queries.vendor_response_time(None) is None
    # Each request reads again (without the public values kept, as in the tests).
    _answer_quote(make_quote, 13)
    with app.test_request_context():
        assert quote_queries.vendor_response_time(vendor_id) == dt.timedelta(hours=7)
    assert set(app.extensions[response_times.EXTENSION_KEY]) == {"trials", "quotes"}
