"""The demo catalogue read from its data files: the same catalogue as before, and checked."""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import Organization, User
from marketplace.catalog.models import Category, Solution
from marketplace.core.database import utcnow
from marketplace.demo import catalog_data, seed
from marketplace.demo.catalog_seed import seed_catalog, vocabulary
from marketplace.demo.settings_seed import seed_subcategory
from marketplace.extensions import db

ROOT = Path(__file__).resolve().parents[2]

# Measured from the seed of the Python literals (marketplace/demo/catalog_data.py) before
# the catalogue moved to marketplace/demo/data/: the data files must give the same catalogue.
EXPECTED_COUNTS = {
    "vendors": 6,
    # 9, then the demo vendor's team: manager@demo.vn and sales@demo.vn (teams).
    "vendor_users": 11,
    "solutions": 47,
    "published": 41,
    "pending": 4,
    "draft": 2,
    "plans": 112,
    "features": 356,
    "categories": 11,
    "revisions": 1,
}
# Measured on the Python-literal catalogue (c83b6d7e…7702), then again once the demo
# organisations' tax codes were given valid check digits (demo/legacy.py lists the changes)
# and their addresses became 2025 communes (street, province and commune in the checksum),
# then once SaoKhuê VPS's plans stated VAT 10 % before tax (plans carry their VAT),
# and the demo vendor's team (manager@demo.vn, sales@demo.vn) joined its users, then once
# three descriptions stopped naming district-level units ("huyện", "thị trấn"), gone since
# 1 July 2025.
EXPECTED_CHECKSUM = "701d1f731bfd92311de5217e7f791cb6cfe8e5ec9ec11f2d6b5777d98cd96e17"


# Listings added to the data files after the move (the statuses the moved data lacked).
ADDED = {
    "saokhue-ke-toan-ho-kinh-doanh": "rejected",
    "con-son-zalo-tin-nhan-hang-loat": "suspended",
    "saokhue-ke-toan-desktop-2019": "archived",
    # In the subcategory the console's demo settings add (demo/settings_seed.py).
    "hong-ha-eoffice": "published",
}


def catalogue_fingerprint() -> tuple[dict[str, int], str]:
    """Return the seeded catalogue's counts and a checksum of everything it holds.

    The listings of ADDED are left out: the numbers stay those measured before the move.
    """
    vendors = db.session.scalars(
        select(Organization).where(Organization.kind == "vendor").order_by(Organization.tax_code)
    ).all()
    solutions = db.session.scalars(
        select(Solution).where(Solution.slug.not_in(ADDED)).order_by(Solution.slug)
    ).all()
    now = utcnow()

    def days_ago(moment):
        return None if moment is None else round((now - moment).total_seconds() / 86400)

    content = {
        "vendors": [
            [
                o.name,
                o.tax_code,
                o.street_address,
                o.province_code,
                o.commune_code,
                o.industry,
                o.size_band,
                o.phone,
                o.website,
                o.verified_at is not None,
                sorted(
                    [u.email, u.name, u.role]
                    for u in db.session.scalars(select(User).where(User.organization_id == o.id))
                ),
            ]
            for o in vendors
        ],
        "solutions": [
            [
                s.slug,
                s.vendor.tax_code,
                s.status,
                s.name,
                s.tagline,
                s.description,
                s.category.slug if s.category else None,
                s.deployment,
                s.website,
                s.min_price_vnd,
                s.max_trial_days,
                days_ago(s.published_at),
                days_ago(s.submitted_at),
                [[f.key, f.label, f.value, f.position] for f in s.features],
                [
                    [p.name, p.price_vnd, p.period, p.trial_days, p.limits, p.active, p.position]
                    for p in s.plans
                ],
                [
                    [r.status, _without_ids(r.content), r.author.email if r.author else None]
                    for r in s.revisions
                ],
            ]
            for s in solutions
        ],
    }
    counts = {
        "vendors": len(vendors),
        "vendor_users": db.session.scalar(
            select(func.count(User.id))
            .join(Organization, User.organization_id == Organization.id)
            .where(Organization.kind == "vendor")
        ),
        "solutions": len(solutions),
        "published": sum(s.status == "published" for s in solutions),
        "pending": sum(s.status == "pending" for s in solutions),
        "draft": sum(s.status == "draft" for s in solutions),
        "plans": sum(len(s.plans) for s in solutions),
        "features": sum(len(s.features) for s in solutions),
        "categories": len({s.category_id for s in solutions}),
        "revisions": sum(len(s.revisions) for s in solutions),
    }
    text = json.dumps(content, ensure_ascii=False, sort_keys=True)
    return counts, hashlib.sha256(text.encode()).hexdigest()


def _without_ids(content: dict) -> dict:
    """Drop database ids from a revision's content (they depend on insertion order)."""
    content = dict(content)
    content["category_id"] = db.session.get(Category, content["category_id"]).slug
    content["plans"] = [{k: v for k, v in p.items() if k != "id"} for p in content["plans"]]
    return content


def _seed_catalogue() -> None:
    password_hash = "demo-hash"
    seed.seed_accounts(password_hash)
    seed_catalog(password_hash)
    db.session.commit()


def test_the_seed_gives_the_same_catalogue_as_before_and_again_nothing_more(app):
    _seed_catalogue()
    counts, checksum = catalogue_fingerprint()
    assert counts == EXPECTED_COUNTS
    assert checksum == EXPECTED_CHECKSUM
    # Seeding again adds nothing.
    assert seed_catalog("demo-hash") == 0
    db.session.commit()
    assert catalogue_fingerprint() == (counts, checksum)


def test_the_seed_gives_listings_in_the_moderation_statuses_with_their_reasons(app):
    _seed_catalogue()
    added = db.session.scalars(select(Solution).where(Solution.slug.in_(ADDED))).all()
    assert {s.slug: s.status for s in added} == ADDED
    for solution in added:
        assert bool(solution.status_reason) == (solution.status in ("rejected", "suspended"))
    # The demo vendor account sees a rejected and an archived listing of its own.
    vendor = db.session.scalar(select(User).where(User.email == "vendor@demo.vn"))
    own = {s.status for s in added if s.vendor_id == vendor.organization_id}
    assert own == {"rejected", "archived"}
    statuses = set(db.session.scalars(select(Solution.status).distinct()))
    assert statuses == {"draft", "pending", "published", "rejected", "suspended", "archived"}


def test_the_package_data_files_are_declared_for_installation():
    """A wheel (or a non-editable install) must carry the data files the seed reads."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["marketplace.demo"]
    files = sorted(catalog_data.DATA_DIR.iterdir())
    assert files and all(any(f.match(p) for p in patterns) for f in files)


# A small valid catalogue; each broken case below changes one thing in it.
VENDORS = """\
- key: sao-khue
  organisation:
    name: Công ty Thử nghiệm Sao Khuê
    tax_code: "0107654321"
    commune_code: null
    industry: ict
    size_band: small
    phone: "0912345678"
    verified: true
  users:
  - email: a@sao-khue.vn
    name: Nguyễn Văn A
"""
ENTERPRISES = """\
- organisation:
    name: Nhà thuốc Thử nghiệm
    tax_code: "0801100104"
    commune_code: "10546"
    industry: health
    size_band: household
    phone: "0912104104"
  users:
  - email: b@nhathuoc.vn
    name: Lê Thị B
"""
SOLUTIONS = """\
- vendor: sao-khue
  slug: ke-toan-thu
  name: Kế toán Thử
  tagline: Kế toán trực tuyến.
  description: |-
    Dòng một.

    Dòng hai.
  category: ke-toan
  deployment: cloud
  features:
    tt133: "yes"
    users_included: 3 người dùng
  extras:
  - label: Đào tạo
    value: Miễn phí
  plans:
  - name: Cơ bản
    price_vnd: 1500000
    period: year
    trial_days: 30
    limits: 1 người dùng
  status: published
  published_days_ago: 10
"""
PLANS = SOLUTIONS[SOLUTIONS.index("  plans:") : SOLUTIONS.index("  status:")]
REVISIONS = """\
- slug: ke-toan-thu
  changes:
    tagline: Kế toán trực tuyến, mới.
"""


def _write(
    directory, vendors=VENDORS, enterprises=ENTERPRISES, solutions=SOLUTIONS, revisions=REVISIONS
):
    for name, text in (
        ("vendors.yaml", vendors),
        ("enterprises.yaml", enterprises),
        ("solutions.yaml", solutions),
        ("revisions.yaml", revisions),
    ):
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def test_a_small_valid_fixture_loads(tmp_path):
    data = catalog_data.load_catalogue(_write(tmp_path))
    (vendor,) = data.vendors
    assert vendor.org.tax_code == "0107654321" and vendor.org.commune_code is None
    assert vendor.org.kind == "vendor" and vendor.org.website is None
    assert [u.email for u in vendor.users] == ["a@sao-khue.vn"]
    (enterprise,) = data.enterprises
    assert enterprise.org.kind == "enterprise" and enterprise.org.website is None
    assert [(u.email, u.role) for u in enterprise.users] == [("b@nhathuoc.vn", "enterprise")]
    assert data.organisation("enterprise", "0801100104") is enterprise.org
    (solution,) = data.solutions
    assert solution["vendor_tax_code"] == "0107654321"
    assert solution["description"] == "Dòng một.\n\nDòng hai."
    assert solution["extras"] == [("Đào tạo", "Miễn phí")]
    assert solution["plans"][0]["price_vnd"] == 1500000 and solution["website"] is None
    assert data.revisions[0]["changes"] == {"tagline": "Kế toán trực tuyến, mới."}


BROKEN = [
    # (file, text replaced, replacement, words the error must contain)
    ("solutions", "price_vnd: 1500000", "price_vnd: -1", ["plan 1", "price_vnd", "at least 0"]),
    ("solutions", "price_vnd: 1500000", "price_vnd: 1.500.000", ["price_vnd", "whole number"]),
    ("solutions", "price_vnd: 1500000", "price_vnd: 1500000.5", ["price_vnd", "whole number"]),
    ("solutions", "period: year", "period: week", ["period", "month, year, once", "'week'"]),
    ("solutions", "trial_days: 30", "trial_days: 91", ["trial_days", "between 0 and 90"]),
    ("solutions", "trial_days: 30", "trial_days: -1", ["trial_days", "between 0 and 90"]),
    ("solutions", "  name: Kế toán Thử\n", "", ["missing field “name”"]),
    ("solutions", "  category: ke-toan\n", "", ["missing field “category”"]),
    ("solutions", "  tagline:", "  taglin:", ["unknown field taglin"]),
    ("solutions", "vendor: sao-khue", "vendor: hong-ha", ["“vendor” 'hong-ha'", "vendors.yaml"]),
    ("solutions", "status: published", "status: live", ["status", "'live'"]),
    ("solutions", "status: published", "status: rejected", ["needs a “status_reason”"]),
    ("solutions", "  status: published", "  status_reason: Vì\n  status: published", ["only for"]),
    ("solutions", "deployment: cloud", "deployment: saas", ["deployment", "'saas'"]),
    ("solutions", "slug: ke-toan-thu", "slug: Kế Toán", ["slug", "lower-case"]),
    ("solutions", PLANS, "  plans: Cơ bản\n", ["“plans” must be a list"]),
    ("solutions", "tagline: Kế toán trực tuyến.", "tagline: 12", ["“tagline” must be text"]),
    # Unquoted, a tax code of octal digits reads as a number.
    ("vendors", 'tax_code: "0107654321"', "tax_code: 0107654321", ["tax_code", "quotes"]),
    ("vendors", "    name: Công ty", "    nam: Công ty", ["vendor 1 (“sao-khue”)", "nam"]),
    ("vendors", "verified: true", "verified: có", ["verified", "true or false"]),
    ("vendors", "  - email: a@sao-khue.vn\n", "  - mail: a@sao-khue.vn\n", ["user 1", "mail"]),
    (
        "enterprises",
        '    tax_code: "0801100104"\n',
        "",
        ["enterprise 1", "missing field “tax_code”"],
    ),
    ("enterprises", "size_band: household", "size_band: 3", ["enterprise 1", "size_band"]),
    ("enterprises", "  users:\n", "  key: x\n  users:\n", ["enterprise 1", "unknown field key"]),
    ("revisions", "slug: ke-toan-thu", "slug: khong-co", ["revision 1", "'khong-co'"]),
    ("revisions", "    tagline:", "    category:", ["revision 1", "unknown field category"]),
    (
        "revisions",
        "    tagline: Kế toán trực tuyến, mới.",
        "    plans:\n    - name: A",
        ["price_vnd"],
    ),
    ("solutions", "- vendor", "- vendor: [", ["not valid YAML", "line"]),
]


@pytest.mark.parametrize(("file", "old", "new", "words"), BROKEN)
def test_a_broken_data_file_names_the_file_and_the_item(tmp_path, file, old, new, words):
    texts = {
        "vendors": VENDORS,
        "enterprises": ENTERPRISES,
        "solutions": SOLUTIONS,
        "revisions": REVISIONS,
    }
    assert old in texts[file]
    texts[file] = texts[file].replace(old, new, 1)
    _write(tmp_path, **texts)
    with pytest.raises(catalog_data.DemoDataError) as error:
        catalog_data.load_catalogue(tmp_path)
    message = str(error.value)
    assert str(tmp_path / f"{file}.yaml") in message
    for word in words:
        assert word in message, message
    item = f"{file.removesuffix('s')} 1"  # e.g. "solution 1"
    assert item in message or "YAML" in message


def test_duplicate_slugs_and_vendor_keys_are_refused(tmp_path):
    _write(tmp_path, solutions=SOLUTIONS + SOLUTIONS)
    with pytest.raises(catalog_data.DemoDataError, match="same slug 'ke-toan-thu'"):
        catalog_data.load_catalogue(tmp_path)
    _write(tmp_path, vendors=VENDORS + VENDORS.replace("a@sao", "b@sao"))
    with pytest.raises(catalog_data.DemoDataError, match="same key 'sao-khue'"):
        catalog_data.load_catalogue(tmp_path)
    # One e-mail for a vendor's user and an enterprise's member.
    _write(tmp_path, enterprises=ENTERPRISES.replace("b@nhathuoc.vn", "a@sao-khue.vn"))
    with pytest.raises(catalog_data.DemoDataError, match="same user e-mail 'a@sao-khue.vn'"):
        catalog_data.load_catalogue(tmp_path)


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("category: ke-toan", "category: ke-toan-x", ["unknown category “ke-toan-x”"]),
        ('tt133: "yes"', 'tt999: "yes"', ["feature “tt999”", "category “ke-toan”"]),
        ('tt133: "yes"', "tt133: có", ["yes/no feature “tt133”", "'có'"]),
    ],
)
def test_categories_and_features_are_checked_against_the_vocabulary(app, tmp_path, old, new, words):
    data = catalog_data.load_catalogue(_write(tmp_path, solutions=SOLUTIONS.replace(old, new)))
    with pytest.raises(catalog_data.DemoDataError) as error:
        catalog_data.check_vocabulary(data, vocabulary())
    message = str(error.value)
    assert str(tmp_path / "solutions.yaml") in message and "solution 1 (“ke-toan-thu”)" in message
    for word in words:
        assert word in message, message


def test_the_real_data_files_fit_the_vocabulary(app):
    seed.seed_accounts("demo-hash")
    seed_subcategory()  # the data files list a solution in it
    catalog_data.check_vocabulary(catalog_data.catalogue(), vocabulary())


def test_seed_demo_stops_on_a_broken_data_file_before_writing(app, tmp_path, monkeypatch):
    _write(tmp_path, solutions=SOLUTIONS.replace("period: year", "period: week"))
    monkeypatch.setattr(catalog_data, "DATA_DIR", tmp_path)
    catalog_data.catalogue.cache_clear()
    try:
        result = app.test_cli_runner().invoke(args=["seed-demo"])
    finally:
        catalog_data.catalogue.cache_clear()
    assert result.exit_code == 1
    assert "Demo data file is broken" in result.output
    assert "solutions.yaml: solution 1 (“ke-toan-thu”), plan 1" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_the_demo_accounts_organisations_come_from_the_data_files(app, tmp_path, monkeypatch):
    """Editing an organisation in the data files changes what the seed creates."""
    for path in catalog_data.DATA_DIR.iterdir():
        text = path.read_text(encoding="utf-8")
        text = text.replace('phone: "0912345678"', 'phone: "0999000111"')  # Sao Khuê
        text = text.replace('phone: "02203852123"', 'phone: "0999000222"')  # Bánh Gai Tứ Kỳ
        (tmp_path / path.name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(catalog_data, "DATA_DIR", tmp_path)
    catalog_data.catalogue.cache_clear()
    try:
        seed.seed_accounts("demo-hash")
    finally:
        catalog_data.catalogue.cache_clear()
    phones = {
        u.email: u.organization.phone
        for u in db.session.scalars(select(User).where(User.organization_id.is_not(None)))
    }
    # The demo teams act for the same two organisations.
    assert phones == {
        "enterprise@demo.vn": "0999000222",
        "ketoan@demo.vn": "0999000222",
        "vendor@demo.vn": "0999000111",
        "manager@demo.vn": "0999000111",
        "sales@demo.vn": "0999000111",
    }


def test_the_demo_texts_name_no_district_level_unit():
    """Since 1 July 2025 Vietnam has provinces and communes only: the demo data speaks of
    wards and communes, or of "khu vực Hải Dương cũ", never of districts or towns."""
    district_level = re.compile(r"\b(huyện|quận|thị xã|thị trấn)\b", re.IGNORECASE)
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "marketplace" / "demo").rglob("*"))
        if path.suffix in {".yaml", ".py"}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if district_level.search(line) and not line.lstrip().startswith("#")
    ]
    assert found == []
