"""The public province dashboard: totals equal the records, small cells hidden, CSV, API."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import func, select

from marketplace.billing.models import Payment, PaymentStatus
from marketplace.core.database import utcnow
from marketplace.extensions import db
from marketplace.insights import dashboard, periods, services
from marketplace.insights.models import Metric
from marketplace.reviews.models import Review
from marketplace.trials.models import TrialRequest
from tests import factories
from tests.insights.conftest import add_payment, add_trial


def enterprises(n: int, **fields):
    return [factories.make_org("enterprise", **fields) for _ in range(n)]


@pytest.fixture
def activity(solution, other_solution):
    """Six organisations of one commune and two of another; trials and purchases."""
    now = utcnow()
    many = enterprises(6, commune_code="10903", industry="manufacturing", size_band="small")
    few = enterprises(2, commune_code="10813", industry="agriculture", size_band="micro")
    for i, org in enumerate(many + few):
        add_trial(org, solution, when=now - dt.timedelta(days=40 * (i % 3)))
    for org in many[:3]:
        add_payment(org, solution, when=now - dt.timedelta(days=5))
    add_payment(few[0], other_solution, when=now)
    add_payment(few[1], other_solution, status=PaymentStatus.FAILED)
    # An old trial, outside the 12 months: in the all-time total, not in the monthly series.
    add_trial(few[1], other_solution, when=now - dt.timedelta(days=500))
    services.increment_counter(solution.id, Metric.VIEW, by=40)
    db.session.commit()
    return {"many": many, "few": few}


def rows(csv_text: str) -> list[list[str]]:
    assert csv_text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(csv_text.lstrip("\ufeff"))))


def test_dashboard_totals_equal_the_records(app, activity, client):
    board = dashboard.build_dashboard()
    trials = db.session.scalar(select(func.count(TrialRequest.id)))
    paid = db.session.scalar(
        select(func.count(Payment.id)).where(Payment.status == PaymentStatus.PAID)
    )
    assert board.trials_total == trials == 9
    assert board.purchases_total == paid == 4
    assert sum(p.trials for p in board.months) == 8  # the 500-day-old one is older
    assert sum(p.purchases for p in board.months) == 4
    assert board.funnel == {"viewed": 40, "trial": 8, "paid": 4}
    totals = dashboard.marketplace_totals()
    assert (totals.solutions, totals.vendors) == (2, 2)
    # 8 enterprises above plus the two fixtures' vendors' orgs are vendors, not counted.
    assert totals.enterprises == 8
    page = client.get("/dashboard")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Bảng theo dõi chuyển đổi số của Thành phố Hải Phòng" in html
    assert "<svg" in html and "<title" in html and "<desc" in html


def test_months_run_oldest_first_and_end_this_month(app):
    months = periods.month_starts(12, today=dt.date(2026, 3, 10))
    assert months[0] == dt.date(2025, 4, 1) and months[-1] == dt.date(2026, 3, 1)


def test_a_trial_late_in_the_local_day_counts_in_the_local_month(app, solution):
    org = factories.make_org("enterprise")
    # 31/01 20:00 UTC is 01/02 03:00 in Hà Nội.
    add_trial(org, solution, when=dt.datetime(2026, 1, 31, 20, 0, tzinfo=dt.UTC))
    db.session.commit()
    board = dashboard.build_dashboard(today=dt.date(2026, 3, 10))
    by_month = {p.month: p.trials for p in board.months}
    assert by_month[dt.date(2026, 2, 1)] == 1 and by_month[dt.date(2026, 1, 1)] == 0


def test_small_cells_are_suppressed(app, activity, client):
    board = dashboard.build_dashboard()
    commune = {c.label: c for c in board.breakdowns[0].cells}
    assert commune["Xã Cẩm Giàng"].orgs == 6
    assert commune["Xã Thanh Hà"].orgs is None
    assert commune["Xã Thanh Hà"].display == "<5"
    cells = [c for b in board.breakdowns for c in b.cells]
    assert all(c.orgs is None or c.orgs >= 5 for c in cells)
    assert {c.display for c in cells} <= {"<5", "6", "7", "8"}
    html = client.get("/dashboard").get_data(as_text=True)
    assert "&lt;5" in html


def test_csv_has_the_figures_and_never_a_small_number(app, activity, client):
    response = client.get("/dashboard.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    table = rows(response.get_data(as_text=True))
    assert table[0] == ["Mục", "Chỉ tiêu", "Giá trị"]
    by_item = {(r[0], r[1]): r[2] for r in table[1:]}
    assert by_item[("Tổng quan", "Giải pháp")] == "2"
    assert by_item[("Tổng quan", "Yêu cầu dùng thử (từ trước đến nay)")] == "9"
    assert by_item[("Tổng quan", "Lượt mua (từ trước đến nay)")] == "4"
    assert by_item[("Phễu chuyển đổi (12 tháng)", "Lượt xem")] == "40"
    breakdown_values = [r[2] for r in table if r[0].startswith("Doanh nghiệp theo")]
    assert "6" in breakdown_values and "<5" in breakdown_values
    for value in breakdown_values:
        assert value == "<5" or int(value) >= 5


def test_category_ratings_need_five_organisations(app, solution, other_solution):
    def review(org, sol, overall):
        author = factories.make_user("enterprise", org=org)
        db.session.add(
            Review(
                solution_id=sol.id,
                organization_id=org.id,
                author_id=author.id,
                overall=overall,
                ease_of_use=overall,
                features=overall,
                support=overall,
                value=overall,
                title="Tốt",
                body="Dùng ổn định.",
            )
        )

    for i, org in enumerate(enterprises(5)):
        review(org, solution, 4 + i % 2)
    review(factories.make_org("enterprise"), other_solution, 1)
    solution.category_id = factories.category("hoa-don-dien-tu").id
    other_solution.category_id = factories.category("may-chu-dam-may").id
    db.session.commit()
    ratings = dashboard.build_dashboard().ratings
    shown = [r for r in ratings if r.average is not None]
    hidden = [r for r in ratings if r.average is None]
    assert len(shown) == 1 and shown[0].average == pytest.approx(4.4) and shown[0].reviews == 5
    assert len(hidden) == 1 and hidden[0].reviews is None


def test_dashboard_runs_a_constant_number_of_queries(app, client, count_queries, solution):
    client.get("/dashboard")
    with count_queries() as small:
        assert client.get("/dashboard").status_code == 200
    now = utcnow()
    for i, org in enumerate(enterprises(12, commune_code="11203")):
        add_trial(org, solution, when=now - dt.timedelta(days=30 * i))
        add_payment(org, solution, when=now - dt.timedelta(days=30 * i))
    db.session.commit()
    with count_queries() as large:
        assert client.get("/dashboard").status_code == 200
    assert small.count == large.count, (small.statements, large.statements)
    assert large.count <= 16


def test_stats_api_carries_the_dashboard_totals(app, activity, client):
    from tests.api.test_api import conforms

    assert conforms("/stats", client.get("/api/v1/stats")) == {
        "solutions": 2,
        "vendors": 2,
        "enterprises": 8,
    }
    body = conforms("/stats", client.get("/api/v1/stats?include=dashboard"))
    assert body["solutions"] == 2 and body["vendors"] == 2 and body["enterprises"] == 8
    assert body["trials"] == 9 and body["purchases"] == 4
    assert body["funnel"] == {"viewed": 40, "trial": 8, "paid": 4}
    assert len(body["months"]) == 12
    assert sum(m["trials"] for m in body["months"]) == 8
    commune = {c["label"]: c["organizations"] for c in body["breakdowns"]["commune"]}
    assert commune == {"Xã Cẩm Giàng": 6, "Xã Thanh Hà": None}
    assert body["breakdowns"]["former_area"] == [
        {"label": "Khu vực Hải Dương cũ", "organizations": 8}
    ]


def test_bar_chart_is_an_accessible_svg_and_draws_no_bar_for_a_hidden_cell():
    from marketplace.insights import charts

    svg = str(
        charts.bar_chart(
            [("Cẩm Giàng", 6), ("Thanh Hà <b>", None)],
            chart_id="c1",
            title="Theo địa bàn",
            desc="Mô tả",
        )
    )
    assert 'role="img"' in svg and 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">Theo địa bàn</title>' in svg
    assert svg.count("<rect") == 1 and "&lt;5" in svg and "&lt;b&gt;" in svg


def test_the_public_dashboard_is_counted_at_most_every_few_minutes_per_language(
    app, web_app, activity, client, solution, monkeypatch
):
    """Counting the dashboard reads every review, trial and payment; the public page, its
    CSV and the API show figures counted at most DASHBOARD_CACHE_SECONDS ago, in the
    visitor's language, and the page says when they were counted."""
    from marketplace.core import cache

    clock = [1000.0]
    monkeypatch.setattr(cache, "clock", lambda: clock[0])
    for application in (app, web_app):  # the test's context, and the one serving the client
        application.config["DASHBOARD_CACHE_SECONDS"] = 60
    first = client.get("/dashboard").get_data(as_text=True)
    assert "số liệu lúc" in first
    served = web_app.extensions[dashboard.STORE_KEY]
    assert len(served) == 1
    api = client.get("/api/v1/stats?include=dashboard").get_json()
    before_csv = client.get("/dashboard.csv").get_data(as_text=True)
    assert dashboard.kept_dashboard().trials_total == 9
    add_trial(activity["few"][0], solution)
    db.session.commit()
    clock[0] += 30
    # Within the minute: the kept count, on every route.
    assert dashboard.kept_dashboard().trials_total == 9
    assert client.get("/dashboard.csv").get_data(as_text=True) == before_csv
    assert client.get("/api/v1/stats?include=dashboard").get_json() == api
    # Another area and another language are counted on their own.
    client.get("/dashboard?area=30")
    client.post(
        "/lang", data={"lang": "en", "next": "/"}, headers={"Sec-Fetch-Site": "same-origin"}
    )
    english = client.get("/dashboard").get_data(as_text=True)
    assert "figures as of" in english and "Company size" in english
    assert {(key[1], key[2]) for key in served.kept_keys()} == {
        (None, "vi"),
        ("30", "vi"),
        (None, "en"),
    }
    clock[0] += 31  # past the minute: counted again
    assert dashboard.kept_dashboard().trials_total == 10
    assert client.get("/dashboard.csv").get_data(as_text=True) != before_csv
    app.config["DASHBOARD_CACHE_SECONDS"] = 0  # off: counted for each request
    add_trial(activity["few"][1], solution)
    db.session.commit()
    assert dashboard.kept_dashboard().trials_total == 11
