"""The vendor inbox, its CSV export, response times, and the pages' query counts."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.trials import queries
from marketplace.trials.models import TrialRequest
from tests import factories
from tests.trials.conftest import PLANS


def _enterprises(n: int):
    return [factories.make_user("enterprise") for _ in range(n)]


def test_inbox_lists_own_trials_newest_first_with_counts(
    client_for, make_trial, vendor, other_vendor
):
    users = _enterprises(3)
    first = make_trial("requested", user=users[0])
    second = make_trial("accepted", user=users[1])
    third = make_trial("requested", user=users[2])
    foreign_solution = factories.make_solution(
        other_vendor, name="Giải pháp của người khác", plans=[PLANS[0]]
    )
    make_trial("requested", user=users[0], sol=foreign_solution, vendor_user=other_vendor)

    html = client_for(vendor).get("/vendor/trials").get_data(as_text=True)
    positions = [html.index(f'/vendor/trials/{t.id}"') for t in (third, second, first)]
    assert positions == sorted(positions)
    assert "Giải pháp của người khác" not in html
    counts = queries.inbox_counts(vendor.organization_id)
    assert (counts["requested"], counts["accepted"], counts["ended"]) == (2, 1, 0)

    only_requested = (
        client_for(vendor).get("/vendor/trials?status=requested").get_data(as_text=True)
    )
    assert f'/vendor/trials/{second.id}"' not in only_requested
    assert f'/vendor/trials/{first.id}"' in only_requested


def test_inbox_filters_by_own_solutions_only(
    client_for, make_trial, vendor, other_vendor, solution
):
    mine_too = factories.make_solution(vendor, name="Kế toán Sông Hồng", plans=[PLANS[0]])
    foreign = factories.make_solution(other_vendor, name="Ngoài", plans=[PLANS[0]])
    a = make_trial("requested")
    b = make_trial("requested", sol=mine_too)
    c = client_for(vendor)
    html = c.get(f"/vendor/trials?solution={mine_too.id}").get_data(as_text=True)
    assert f'/vendor/trials/{b.id}"' in html and f'/vendor/trials/{a.id}"' not in html
    # Another vendor's solution id is ignored, not an oracle.
    html = c.get(f"/vendor/trials?solution={foreign.id}&status=bogus").get_data(as_text=True)
    assert f'/vendor/trials/{a.id}"' in html and f'/vendor/trials/{b.id}"' in html
    assert "Ngoài</option>" not in html


def test_inbox_paginates(client_for, make_trial, vendor):
    for user in _enterprises(22):
        make_trial("requested", user=user)
    c = client_for(vendor)
    first = c.get("/vendor/trials").get_data(as_text=True)
    second = c.get("/vendor/trials?page=2").get_data(as_text=True)
    assert first.count('class="list-group-item list-group-item-action') == 20
    assert second.count('class="list-group-item list-group-item-action') == 2
    assert c.get("/vendor/trials?page=99").status_code == 200


@pytest.mark.parametrize("role", ["enterprise", "moderator"])
def test_inbox_and_export_are_for_vendors(client, client_for, request, role):
    user = request.getfixturevalue(role)
    assert client_for(user).get("/vendor/trials").status_code == 403
    assert client_for(user).get("/vendor/trials.csv").status_code == 403
    assert client.get("/vendor/trials.csv").status_code == 302


def _csv(response) -> list[list[str]]:
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_csv_export_has_bom_vietnamese_dates_and_only_own_trials(
    client_for, make_trial, vendor, other_vendor, app
):
    users = _enterprises(2)
    active = make_trial("active", user=users[0], today=dt.date(2026, 3, 10))
    declined = make_trial("declined", user=users[1])
    foreign_solution = factories.make_solution(
        other_vendor, name="Không phải của tôi", plans=[PLANS[0]]
    )
    make_trial("requested", user=users[0], sol=foreign_solution, vendor_user=other_vendor)
    # 23:30 UTC is already the next day in Hà Nội.
    active.created_at = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)
    db.session.commit()

    response = client_for(vendor).get("/vendor/trials.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _csv(response)
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Mã yêu cầu", "Ngày gửi", "Trạng thái"]
    assert len(body) == 2
    by_id = {int(r[0]): dict(zip(header, r, strict=True)) for r in body}
    row = by_id[active.id]
    assert row["Ngày gửi"] == "02/03/2026"
    assert row["Trạng thái"] == "Đang dùng thử"
    assert (row["Ngày bắt đầu"], row["Ngày kết thúc"]) == ("10/03/2026", "24/03/2026")
    assert row["Doanh nghiệp"] == users[0].organization.name
    assert by_id[declined.id]["Lý do"] == "Hết suất dùng thử."
    assert "Không phải của tôi" not in response.get_data(as_text=True)

    filtered = _csv(client_for(vendor).get("/vendor/trials.csv?status=declined"))
    assert [int(r[0]) for r in filtered[1:]] == [declined.id]


def test_csv_cells_cannot_become_formulas(client_for, make_trial, vendor, enterprise, solution):
    trial = make_trial("requested")
    trial.contact_name = '=HYPERLINK("http://evil")'
    db.session.commit()
    rows = _csv(client_for(vendor).get("/vendor/trials.csv"))
    assert rows[1][rows[0].index("Người liên hệ")].startswith("'=")


# ---------------------------------------------------------------- response times


def _answered(make_trial, user, hours: float, sol=None, vendor_user=None):
    trial = make_trial("accepted", user=user, sol=sol, vendor_user=vendor_user)
    trial.first_response_at = trial.created_at + dt.timedelta(hours=hours)
    db.session.commit()
    return trial


def test_median_response_time_per_vendor(app, make_trial, vendor, other_vendor, count_queries):
    foreign_solution = factories.make_solution(other_vendor, name="Khác", plans=[PLANS[0]])
    for hours in (1, 3, 50):
        _answered(make_trial, factories.make_user("enterprise"), hours)
    _answered(
        make_trial,
        factories.make_user("enterprise"),
        30,
        sol=foreign_solution,
        vendor_user=other_vendor,
    )
    make_trial("requested", user=factories.make_user("enterprise"))  # not answered: ignored
    lonely = factories.make_org("vendor")
    ids = [vendor.organization_id, other_vendor.organization_id, lonely.id]
    with count_queries() as q:
        result = queries.median_response_time(ids)
    assert q.count == 1
    assert result == {
        vendor.organization_id: dt.timedelta(hours=3),
        other_vendor.organization_id: dt.timedelta(hours=30),
        lonely.id: None,
    }
    assert queries.median_response_time([]) == {}


def test_median_uses_the_latest_answers_only(app, make_trial, vendor, monkeypatch):
    monkeypatch.setattr(queries, "RESPONSE_SAMPLE", 2)
    old = _answered(make_trial, factories.make_user("enterprise"), 100)
    old.first_response_at = old.created_at - dt.timedelta(days=30) + dt.timedelta(hours=100)
    old.created_at -= dt.timedelta(days=30)
    db.session.commit()
    for hours in (2, 4):
        _answered(make_trial, factories.make_user("enterprise"), hours)
    assert queries.median_response_time([vendor.organization_id])[
        vendor.organization_id
    ] == dt.timedelta(hours=3)


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (dt.timedelta(minutes=10), "1 giờ"),
        (dt.timedelta(hours=3, minutes=10), "3 giờ"),
        (dt.timedelta(hours=23), "23 giờ"),
        (dt.timedelta(hours=40), "2 ngày"),
        (dt.timedelta(days=5), "5 ngày"),
    ],
)
def test_response_time_reads_naturally(app, delta, text):
    from marketplace.trials import format_response_time

    with app.test_request_context():
        assert format_response_time(delta) == text
        assert format_response_time(None) == ""


def test_solution_and_compare_pages_show_the_vendor_response_time(
    client, make_trial, vendor, solution, other_vendor
):
    for hours in (2, 3, 4):
        _answered(make_trial, factories.make_user("enterprise"), hours)
    page = client.get(f"/solutions/{solution.slug}").get_data(as_text=True)
    assert "Thường phản hồi trong 3 giờ" in page
    other = factories.make_solution(other_vendor, name="Hóa đơn Bạch Đằng", plans=[PLANS[0]])
    compare = client.get(f"/compare?s={solution.slug},{other.slug}").get_data(as_text=True)
    assert "Thời gian phản hồi dùng thử" in compare
    assert "Thường phản hồi trong 3 giờ" in compare and "Chưa có dữ liệu" in compare


def test_vendor_home_links_to_the_inbox_with_the_new_count(client_for, make_trial, vendor):
    for user in _enterprises(2):
        make_trial("requested", user=user)
    html = client_for(vendor).get("/vendor/").get_data(as_text=True)
    assert "/vendor/trials?status=requested" in html and "2 mới" in html


# ---------------------------------------------------------------- query counts


def _grow(make_trial, n: int, states=("requested", "accepted", "active", "ended", "declined")):
    made = []
    for i in range(n):
        made.append(make_trial(states[i % len(states)], user=factories.make_user("enterprise")))
    return made


def test_inbox_runs_a_constant_number_of_queries(client_for, make_trial, vendor, count_queries):
    c = client_for(vendor)
    _grow(make_trial, 5)
    urls = ["/vendor/trials", "/vendor/trials?status=requested", "/vendor/trials.csv"]
    small = {}
    for url in urls:
        with count_queries() as q:
            assert c.get(url).status_code == 200
        small[url] = q.count
    _grow(make_trial, 25)
    for url in urls:
        with count_queries() as q:
            assert c.get(url).status_code == 200
        assert q.count == small[url], (url, small[url], q.count)


def test_my_trials_runs_a_constant_number_of_queries(
    client_for, make_trial, vendor, enterprise, count_queries
):
    c = client_for(enterprise)
    solutions = [
        factories.make_solution(vendor, name=f"Giải pháp số {i}", plans=[PLANS[0]])
        for i in range(30)
    ]
    states = ("requested", "accepted", "active", "ended", "declined", "cancelled")
    for i, sol in enumerate(solutions[:5]):
        make_trial(states[i % len(states)], sol=sol)
    with count_queries() as small:
        assert c.get("/account/trials").status_code == 200
    for i, sol in enumerate(solutions[5:]):
        make_trial(states[i % len(states)], sol=sol)
    assert db.session.scalar(select(db.func.count(TrialRequest.id))) == 30
    with count_queries() as large:
        assert c.get("/account/trials").status_code == 200
    assert large.count == small.count, (small.statements, large.statements)
