"""The dashboard's readiness figures: latest completed assessment per enterprise, cells under
five organisations suppressed, on the page and in the API."""

from __future__ import annotations

import datetime as dt

from marketplace.assessment import figures
from marketplace.assessment.models import Assessment
from marketplace.core.database import utcnow
from marketplace.extensions import db
from tests import factories

KEYS = ("customer", "strategy", "technology", "operations", "culture", "data")


def _assessed(score: int, *, size_band="small", industry="retail", when=None, status="completed"):
    org = factories.make_org("enterprise", size_band=size_band, industry=industry)
    return _attempt(org, score, when=when, status=status)


def _attempt(org, score: int, *, when=None, status="completed"):
    row = Assessment(
        organization_id=org.id,
        version="2026.1",
        status=status,
        step=6,
        answers={},
        pillar_scores=dict.fromkeys(KEYS, score) if status == "completed" else None,
        overall_score=score if status == "completed" else None,
        completed_at=(when or utcnow()) if status == "completed" else None,
    )
    db.session.add(row)
    db.session.commit()
    return org


def test_cells_under_five_are_suppressed(app):
    for _ in range(5):
        _assessed(250, size_band="small")
    for _ in range(2):
        _assessed(410, size_band="micro", industry="health")
    ready = figures.build_readiness()
    assert ready.organizations == 7
    by_size = {c.label: c for c in ready.breakdowns[0].cells}
    assert by_size["Nhỏ (dưới 50 lao động)"].orgs == 5
    assert by_size["Nhỏ (dưới 50 lao động)"].average == 2.5
    micro = by_size["Siêu nhỏ (dưới 10 lao động)"]
    assert micro.orgs is None and micro.average is None and micro.display == "<5"
    customer = ready.pillars[0]
    assert [c.orgs for c in customer.levels] == [None, None, 5, None, None, None]
    assert customer.average == round((5 * 250 + 2 * 410) / 7 / 100, 2)


def test_only_each_organisations_latest_completed_assessment_counts(app):
    earlier = utcnow() - dt.timedelta(days=60)
    orgs = [_assessed(100, when=earlier) for _ in range(5)]
    for org in orgs:
        _attempt(org, 320)  # a retake: level 3 now
        _attempt(org, 0, status="draft")  # an open draft does not count
    ready = figures.build_readiness()
    assert ready.organizations == 5
    assert [c.orgs for c in ready.overall] == [None, None, None, 5, None, None]


def test_too_few_assessed_shows_nothing_identifying(app, client):
    _assessed(300)
    ready = figures.build_readiness()
    assert ready.organizations is None and ready.pillars[0].average is None
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Mức độ sẵn sàng chuyển đổi số" in page and "chart-readiness-pillars" not in page
    body = client.get("/api/v1/stats?include=dashboard").get_json()
    assert body["readiness"]["organizations"] is None
    assert all(c["organizations"] is None for c in body["readiness"]["overall"])


def test_dashboard_page_and_api_show_the_figures(app, client):
    for _ in range(6):
        _assessed(230)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "chart-readiness-pillars" in page and "Điểm TB" in page
    body = client.get("/api/v1/stats?include=dashboard").get_json()
    ready = body["readiness"]
    assert ready["organizations"] == 6 and ready["version"] == "2026.1"
    assert [p["pillar"] for p in ready["pillars"]] == list(KEYS)
    assert ready["pillars"][0]["levels"][2] == {"level": 2, "organizations": 6}
    assert ready["breakdowns"]["size"][0]["average"] == 2.3
    # The plain counts stay as they were.
    assert "readiness" not in client.get("/api/v1/stats").get_json()


def test_the_dashboards_area_filter_narrows_the_readiness_figures(app, client):
    from marketplace.core import geography

    units = geography.served_communes()
    areas = sorted({u.former_province_code for u in units})
    first = next(u for u in units if u.former_province_code == areas[0])
    second = next(u for u in units if u.former_province_code == areas[1])
    for _ in range(5):
        _attempt(factories.make_org("enterprise", commune_code=first.code), 300)
    for _ in range(2):
        _attempt(factories.make_org("enterprise", commune_code=second.code), 100)
    whole = figures.build_readiness()
    assert whole.organizations == 7
    by_area = {c.label: c.orgs for c in whole.breakdowns[2].cells}
    assert sorted(by_area.values(), key=lambda v: v or 0) == [None, 5]
    narrowed = figures.build_readiness(area=areas[0])
    assert narrowed.organizations == 5 and narrowed.pillars[0].average == 3.0
    assert figures.build_readiness(area=areas[1]).organizations is None
    page = client.get(f"/dashboard?area={areas[0]}").get_data(as_text=True)
    assert "(5 doanh nghiệp)" in page
