"""The result page: the two weakest pillars, and the solutions suggested for them from the
categories the questionnaire maps each pillar to."""

from __future__ import annotations

import re

from markupsafe import escape
from sqlalchemy import select

from marketplace.assessment import queries, questionnaire
from marketplace.assessment.models import Assessment
from marketplace.extensions import db
from tests import factories
from tests.assessment.conftest import take

SUGGESTIONS = "Gợi ý giải pháp cho các trụ cột cần ưu tiên"


def _levels(**by_pillar: int) -> dict[str, int]:
    """Every question answered at its pillar's level (4 for the pillars not named)."""
    form = questionnaire.load("2026.1")
    return {q.id: by_pillar.get(p.key, 4) for p in form.pillars for q in p.questions}


def _section(page: str, heading: str, end: str) -> str:
    start = page.index(heading)
    return page[start : page.index(end, start)]


def test_the_two_weakest_pillars_and_the_solutions_suggested_for_them(
    client_for, enterprise, vendor
):
    form = questionnaire.load("2026.1")
    assert list(form.pillar("data").categories) == ["luu-tru-dam-may", "an-toan-thong-tin", "crm"]
    assert list(form.pillar("operations").categories) == [
        "hoa-don-dien-tu",
        "ke-toan",
        "hop-dong-dien-tu",
    ]
    crm = factories.make_solution(
        vendor, name="CRM Đồ Sơn", category_id=factories.category("crm").id, features=[]
    )
    einvoice = factories.make_solution(vendor, name="Hóa đơn Kiến An")  # hoa-don-dien-tu
    shop = factories.make_solution(
        vendor,
        name="Sàn Bạch Long Vĩ",
        category_id=factories.category("thuong-mai-dien-tu").id,
        features=[],
    )
    factories.make_solution(
        vendor,
        name="CRM Nháp",
        status="draft",
        category_id=factories.category("crm").id,
        features=[],
    )
    # data 0 and operations 1 are the lowest; technology 2 is third and not named.
    browser = client_for(enterprise)
    last = take(browser, _levels(data=0, operations=1, technology=2))
    row = db.session.scalar(select(Assessment))
    result = queries.result_of(row)
    assert [p.key for p in result.weakest] == ["data", "operations"]
    page = browser.get(last.headers["Location"]).get_data(as_text=True)

    weakest = _section(page, "Trụ cột cần ưu tiên", "</ul>")
    assert re.findall(r"<strong>([^<]+)</strong>", weakest) == [
        form.pillar("data").label,
        form.pillar("operations").label,
    ]
    suggested = _section(page, SUGGESTIONS, "</section>")
    # The pillars in order, the weakest first, each with its mapped categories.
    headings = re.findall(r'<h3 class="h5 mt-3">([^<]+)</h3>', suggested)
    assert headings == [form.pillar("data").label, form.pillar("operations").label]
    data_part, operations_part = suggested.split('<h3 class="h5 mt-3">')[1:]
    for slug in form.pillar("data").categories:
        assert (
            f"category={slug}" in data_part and escape(factories.category(slug).name) in data_part
        )
    for slug in form.pillar("operations").categories:
        assert f"category={slug}" in operations_part
        assert escape(factories.category(slug).name) in operations_part
    # Their published solutions, each under its category's pillar; nothing from other pillars.
    assert f"/solutions/{crm.slug}" in data_part and crm.name in data_part
    assert f"/solutions/{einvoice.slug}" in operations_part
    assert shop.name not in suggested and "category=thuong-mai-dien-tu" not in suggested
    assert "CRM Nháp" not in suggested
    assert "chưa có giải pháp nào đang xuất bản" in data_part  # cloud storage has none


def test_pillars_at_the_top_level_are_never_the_weakest(client_for, enterprise):
    browser = client_for(enterprise)
    take(browser, _levels(customer=5, strategy=5, technology=5, operations=5, culture=5, data=3))
    row = db.session.scalar(select(Assessment).order_by(Assessment.id.desc()))
    assert [p.key for p in queries.result_of(row).weakest] == ["data"]
    last = take(browser, 5)
    page = browser.get(last.headers["Location"]).get_data(as_text=True)
    assert "Mọi trụ cột đều ở mức cao nhất." in page and SUGGESTIONS not in page


def test_equal_pillars_are_taken_in_the_questionnaires_order(app, enterprise):
    row = Assessment(
        organization_id=enterprise.organization_id,
        version="2026.1",
        status="completed",
        answers={},
        pillar_scores=dict.fromkeys(questionnaire.PILLAR_KEYS, 200),
        overall_score=200,
    )
    db.session.add(row)
    db.session.commit()
    assert [p.key for p in queries.result_of(row).weakest] == ["customer", "strategy"]
