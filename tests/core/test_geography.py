"""The administrative units of 2025 from the dataset, the served province and former areas."""

from __future__ import annotations

import json

import pytest
import vietnam_provinces

from marketplace.config import Config
from marketplace.core import geography


def _dataset_codes(province_code: int) -> set[str]:
    data = json.loads(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH.read_text(encoding="utf-8"))
    (province,) = [p for p in data if p["code"] == province_code]
    return {f"{w['code']:05d}" for w in province["wards"]}


def test_hai_phong_units_equal_the_dataset(app):
    with app.test_request_context():
        served = geography.served_province()
        assert (served.code, served.full_name) == ("31", "Thành phố Hải Phòng")
        units = geography.served_communes()
    assert len(units) == 114
    assert {u.code for u in units} == _dataset_codes(31)
    assert {u.kind for u in units} == {"phường", "xã", "đặc khu"}


def test_there_are_34_provinces_with_their_type():
    provinces = geography.provinces()
    assert len(provinces) == 34
    assert geography.province(1).full_name == "Thành phố Hà Nội"
    assert geography.province("24").full_name == "Tỉnh Bắc Ninh"
    assert geography.province("30") is None  # Hải Dương is no longer a province


def test_every_unit_of_every_province_has_a_former_area():
    for province in geography.provinces():
        for unit in geography.communes(province.code):
            assert unit.former_province_code and unit.former_province_name, unit


@pytest.mark.parametrize(
    ("name", "former"),
    [
        ("Phường Hải Dương", "Hải Dương"),
        ("Phường Chí Linh", "Hải Dương"),
        ("Xã Thanh Hà", "Hải Dương"),
        ("Phường Hồng Bàng", "Hải Phòng"),
        ("Đặc khu Cát Hải", "Hải Phòng"),
        ("Đặc khu Bạch Long Vĩ", "Hải Phòng"),  # a new code, placed by its neighbours
    ],
)
def test_known_units_of_hai_phong_know_their_former_province(name, former):
    (unit,) = [u for u in geography.communes("31") if u.name == name]
    assert unit.former_province_name == former


def test_hai_phong_is_made_of_two_former_areas(app):
    with app.test_request_context():
        areas = geography.former_areas("31")
    assert areas == [("30", "Khu vực Hải Dương cũ"), ("31", "Khu vực Hải Phòng cũ")]
    counts = {}
    for unit in geography.communes("31"):
        counts[unit.former_province_code] = counts.get(unit.former_province_code, 0) + 1
    assert counts == {"30": 64, "31": 50}


def test_another_province_code_serves_that_province_without_code_change(app_factory):
    hanoi = app_factory(PROVINCE_CODE="01")
    with hanoi.test_request_context():
        assert geography.served_province().full_name == "Thành phố Hà Nội"
        assert {u.code for u in geography.served_communes()} == _dataset_codes(1)
        groups = geography.commune_choices()
    assert sum(len(items) for _label, items in groups) == len(_dataset_codes(1))


def test_province_code_setting(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("PROVINCE_CODE", "1")
    assert Config(str(tmp_path)).PROVINCE_CODE == "01"
    monkeypatch.setenv("PROVINCE_CODE", "30")  # the former Hải Dương
    with pytest.raises(ValueError, match="PROVINCE_CODE"):
        Config(str(tmp_path))
    monkeypatch.delenv("PROVINCE_CODE")
    monkeypatch.setenv("PROVINCE_NAME", "Hải Dương")
    with pytest.warns(FutureWarning, match="PROVINCE_NAME is deprecated"):
        assert Config(str(tmp_path)).PROVINCE_CODE == "31"


def test_lookups_refuse_what_is_not_a_unit():
    assert geography.commune("10525").name == "Phường Hải Dương"
    assert geography.commune(10525).code == "10525"
    for bad in ("", None, "tp-hai-duong", "99999", "1e3", "105250", "-1"):
        assert geography.commune(bad) is None
    assert geography.province("tp-hai-duong") is None
