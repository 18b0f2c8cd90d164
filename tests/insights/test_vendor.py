"""The vendor's figures: only its own solutions, the date range, rates, CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

from marketplace.extensions import db
from marketplace.insights import services, vendor_figures
from marketplace.insights.models import Metric
from tests import factories
from tests.insights.conftest import add_trial

TODAY = dt.date(2026, 3, 10)


def seed_counters(solution, other_solution):
    for metric, n in (
        (Metric.VIEW, 100),
        (Metric.COMPARE_ADD, 10),
        (Metric.TRIAL_REQUEST, 8),
        (Metric.TRIAL_ACCEPT, 6),
        (Metric.TRIAL_CONVERT, 3),
    ):
        services.increment_counter(solution.id, metric, day=TODAY - dt.timedelta(days=3), by=n)
    # Outside the default 90 days: left out.
    services.increment_counter(
        solution.id, Metric.VIEW, day=TODAY - dt.timedelta(days=200), by=1000
    )
    services.increment_counter(other_solution.id, Metric.VIEW, day=TODAY, by=48613)
    db.session.commit()


def test_figures_cover_the_range_and_only_own_solutions(app, vendor, solution, other_solution):
    seed_counters(solution, other_solution)
    data = vendor_figures.build_vendor_insights(vendor, {}, today=TODAY)
    assert data.period.start == TODAY - dt.timedelta(days=89) and data.period.end == TODAY
    assert [r.solution_id for r in data.rows] == [solution.id]
    t = data.total
    assert (t.views, t.compare_adds, t.trial_requests, t.accepts, t.converts) == (100, 10, 8, 6, 3)
    assert t.acceptance_rate == 75.0 and t.conversion_rate == 50.0
    assert data.series_unit == "week" and sum(p.views for p in data.series) == 100
    wide = vendor_figures.build_vendor_insights(
        vendor, {"from": "2025-08-01", "to": "2026-03-10"}, today=TODAY
    )
    assert wide.total.views == 1100


def test_short_ranges_are_daily_and_reversed_dates_are_swapped(app, vendor, solution):
    data = vendor_figures.build_vendor_insights(
        vendor, {"from": "10/03/2026", "to": "2026-03-01"}, today=TODAY
    )
    assert (data.period.start, data.period.end) == (dt.date(2026, 3, 1), dt.date(2026, 3, 10))
    assert data.series_unit == "day" and len(data.series) == 10


def test_another_vendors_solution_in_the_query_is_a_404(
    client_for, vendor, solution, other_solution
):
    client = client_for(vendor)
    assert client.get(f"/vendor/insights?solution={solution.id}").status_code == 200
    assert client.get(f"/vendor/insights?solution={other_solution.id}").status_code == 404
    assert client.get(f"/vendor/insights.csv?solution={other_solution.id}").status_code == 404
    assert client.get("/vendor/insights?solution=abc").status_code == 404


def test_page_never_shows_another_vendors_figures(client_for, vendor, solution, other_solution):
    seed_counters(solution, other_solution)
    html = client_for(vendor).get("/vendor/insights").get_data(as_text=True)
    assert solution.name in html
    # As the page would show it (a number no id, name or token of the page could hold).
    assert other_solution.name not in html and "48.613" not in html and "48613" not in html
    assert "<svg" in html and 'role="img"' in html


def test_median_first_response_per_solution(app, vendor, solution, enterprise):
    base = dt.datetime(2026, 3, 1, 2, 0, tzinfo=dt.UTC)
    for hours in (2, 4, 30):
        add_trial(
            factories.make_org("enterprise"),
            solution,
            when=base,
            first_response_at=base + dt.timedelta(hours=hours),
        )
    db.session.commit()
    data = vendor_figures.build_vendor_insights(vendor, {}, today=TODAY)
    assert data.rows[0].response == dt.timedelta(hours=4)
    assert data.total.response == dt.timedelta(hours=4)


def test_csv_lists_each_solution_and_the_total(client_for, vendor, solution, other_solution):
    seed_counters(solution, other_solution)
    response = client_for(vendor).get(
        "/vendor/insights.csv", query_string={"from": "2026-01-01", "to": "2026-03-10"}
    )
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data(as_text=True)
    table = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert table[0][:4] == ["Giải pháp", "Từ ngày", "Đến ngày", "Lượt xem"]
    assert [r[0] for r in table[1:]] == [solution.name, "Tổng cộng"]
    assert table[1][1:9] == ["01/01/2026", "10/03/2026", "100", "10", "8", "6", "3", "75,0"]
    assert other_solution.name not in body


def test_enterprises_and_staff_cannot_open_it(client_for, enterprise, moderator):
    assert client_for(enterprise).get("/vendor/insights").status_code == 403
    assert client_for(moderator).get("/vendor/insights.csv").status_code == 403


def test_vendor_home_links_to_the_figures(client_for, vendor):
    html = client_for(vendor).get("/vendor/").get_data(as_text=True)
    assert 'href="/vendor/insights"' in html
