"""The plan editor's VAT fields: saved on the plan, carried by a revision's snapshot and
shown in the moderator's comparison; bad values are refused next to the field."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy import select

from marketplace.catalog import services
from marketplace.catalog.content import ListingContent, PlanInput, content_of
from marketplace.catalog.models import Solution
from marketplace.extensions import db
from marketplace.moderation.services import revision_diff
from tests import factories
from tests.catalog.test_listing_editor import editor_form
from tests.compare.test_compare import rows


def test_the_editor_saves_the_vat_of_each_plan(client_for, vendor):
    c = client_for(vendor)
    form = editor_form(**{"plans-0-vat_treatment": "8", "plans-0-price_includes_vat": "0"})
    assert c.post("/vendor/solutions/new", data=form).status_code == 302
    plan = db.session.scalar(select(Solution)).plans[0]
    assert (plan.vat_treatment, plan.price_includes_vat) == ("8", False)
    page = c.get(f"/vendor/solutions/{plan.solution_id}/edit").get_data(as_text=True)
    assert '<option selected value="8">' in page and '<option selected value="0">' in page


def test_an_unknown_vat_treatment_is_refused(client_for, vendor):
    c = client_for(vendor)
    response = c.post("/vendor/solutions/new", data=editor_form(**{"plans-0-vat_treatment": "12"}))
    assert response.status_code == 400
    assert "Lựa chọn không hợp lệ." in response.get_data(as_text=True)


def test_a_revision_carries_the_vat_and_the_moderator_sees_the_change(app, vendor):
    solution = factories.make_solution(vendor)
    content = content_of(solution)
    content.plans[0].vat_treatment = "10"
    content.plans[0].price_includes_vat = False
    with app.test_request_context():
        services.save_solution(vendor, solution, content)
        revision = services.submit_solution(vendor, solution)
    db.session.commit()
    snapshot = ListingContent.from_json(revision.content)
    assert (snapshot.plans[0].vat_treatment, snapshot.plans[0].price_includes_vat) == ("10", False)
    assert revision_diff(revision).plans_changed
    # The live plan keeps its VAT until the revision is approved.
    assert solution.plans[0].vat_treatment == "exempt"


def test_the_solution_page_and_the_comparison_say_whether_vat_is_included(client, vendor):
    excluded = factories.make_solution(
        vendor,
        name="Kế toán Đồ Sơn",
        plans=[
            PlanInput(
                name="Năm",
                price_vnd=2_000_000,
                period="year",
                vat_treatment="10",
                price_includes_vat=False,
            )
        ],
    )
    included = factories.make_solution(
        vendor,
        name="Bán hàng Cát Bà",
        plans=[
            PlanInput(
                name="Tháng",
                price_vnd=150_000,
                period="month",
                vat_treatment="8",
                price_includes_vat=True,
            )
        ],
    )
    for solution, note, other in (
        (excluded, "Chưa gồm VAT 10%", "Đã gồm VAT"),
        (included, "Đã gồm VAT 8%", "Chưa gồm VAT"),
    ):
        page = BeautifulSoup(client.get(f"/solutions/{solution.slug}").data, "html.parser")
        price_cell = page.select_one("#plans tbody td.text-end").get_text(" ", strip=True)
        assert note in price_cell and other not in price_cell, solution.name

    response = client.get(f"/compare?s={excluded.slug},{included.slug}")
    assert response.status_code == 200
    assert rows(response)["Gói 1"] == [
        "Năm 2.000.000 ₫/năm Chưa gồm VAT 10%",
        "Tháng 150.000 ₫/tháng Đã gồm VAT 8%",
    ]
