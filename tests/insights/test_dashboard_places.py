"""The dashboard by 2025 units: commune, former area, unit type and "chưa cập nhật địa chỉ"."""

from __future__ import annotations

import pytest

from marketplace.core import geography
from marketplace.extensions import db
from marketplace.insights import dashboard
from tests import factories
from tests.insights.conftest import add_trial

# Commune code (None: an old district not replaced yet) → organisations with a trial.
PLACES = {
    "10525": 4,  # Phường Hải Dương, former Hải Dương, phường
    "10813": 3,  # Xã Thanh Hà, former Hải Dương, xã
    "11311": 2,  # Phường Hồng Bàng, former Hải Phòng, phường
    "11914": 1,  # Đặc khu Cát Hải, former Hải Phòng, đặc khu
    None: 3,  # migrated with a former district, commune not chosen yet
}
TOTAL = sum(PLACES.values())


@pytest.fixture
def places(app, solution):
    for code, n in PLACES.items():
        for _ in range(n):
            fields = {"commune_code": code}
            if code is None:
                fields.update(province_code="31", former_district="cam-giang")
            add_trial(factories.make_org("enterprise", **fields), solution)
    # An enterprise without activity is not counted anywhere.
    factories.make_org("enterprise", commune_code="10525")
    db.session.commit()


def _cells(board, key):
    (breakdown,) = [b for b in board.breakdowns if b.key == key]
    return {c.label: c.orgs for c in breakdown.cells}


def test_every_place_breakdown_adds_up_to_the_total(places):
    communes, areas, kinds = dashboard.place_counts(dashboard.enterprises_by_commune())
    assert sum(communes.values()) == sum(areas.values()) == sum(kinds.values()) == TOTAL
    assert areas == {"30": 7, "31": 3, None: 3}
    assert kinds == {"phường": 6, "xã": 3, "đặc khu": 1, None: 3}
    assert communes == PLACES


def test_small_cells_are_suppressed_after_summing(places):
    board = dashboard.build_dashboard()
    # Every commune is under 5, and so is "chưa cập nhật địa chỉ"...
    assert set(_cells(board, "commune").values()) == {None}
    assert "Chưa cập nhật địa chỉ" in _cells(board, "commune")
    # ...but the former Hải Dương area (4 + 3) and the phường (4 + 2) pass the threshold.
    assert _cells(board, "former_area") == {
        "Khu vực Hải Dương cũ": 7,
        "Khu vực Hải Phòng cũ": None,
        "Chưa cập nhật địa chỉ": None,
    }
    assert _cells(board, "unit_type") == {
        "Phường": 6,
        "Xã": None,
        "Đặc khu": None,
        "Chưa cập nhật địa chỉ": None,
    }


def test_dashboard_page_and_csv_show_the_new_units(places, client):
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Khu vực Hải Dương cũ" in html and "Chưa cập nhật địa chỉ" in html
    assert "Thành phố Hải Phòng" in html and "Tỉnh Hải Dương" not in html
    text = client.get("/dashboard.csv").get_data(as_text=True)
    assert "Khu vực Hải Dương cũ" in text and "Phường Hồng Bàng" in text


def test_a_commune_of_another_province_counts_as_not_updated(app, solution):
    for _ in range(5):
        add_trial(factories.make_org("enterprise", commune_code="00004"), solution)
    db.session.commit()
    board = dashboard.build_dashboard()
    assert _cells(board, "commune") == {"Chưa cập nhật địa chỉ": 5}
    assert geography.commune("00004").province_code == "01"


def test_the_dashboard_filters_by_former_area(places, client):
    board = dashboard.build_dashboard(area="31")
    assert _cells(board, "former_area") == {"Khu vực Hải Phòng cũ": None}
    assert _cells(board, "unit_type") == {"Phường": None, "Đặc khu": None}
    communes, _areas, _kinds = dashboard.place_counts(dashboard.enterprises_by_commune(), "30")
    assert communes == {"10525": 4, "10813": 3}
    html = client.get("/dashboard?area=30").get_data(as_text=True)
    assert '<option value="30" selected>Khu vực Hải Dương cũ</option>' in html
    assert "Phường Hồng Bàng" not in client.get("/dashboard.csv?area=30").get_data(as_text=True)


@pytest.mark.parametrize("area", ["", "01", "99", "x" * 500, "30\x00", "-1"])
def test_an_unknown_area_shows_the_whole_province(places, client, area):
    assert dashboard.dashboard_area(area) is None
    response = client.get("/dashboard", query_string={"area": area})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert "Phường Hồng Bàng" in client.get("/dashboard.csv").get_data(as_text=True)
