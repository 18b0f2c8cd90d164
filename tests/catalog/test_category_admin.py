"""The operator's catalogue settings (/admin/categories): every change of the tree or of a
vocabulary keeps each published listing rendering, searchable and comparable; features are
retired, not deleted; a category with listings is retired and merged, never deleted."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.catalog.content import FeatureInput, PlanInput
from marketplace.catalog.models import Category, FeatureDefinition, Solution, SolutionFeature
from marketplace.core.audit import AuditLog
from marketplace.extensions import db
from tests import factories

INVOICE = "hoa-don-dien-tu"
ACCOUNTING = "ke-toan"


@pytest.fixture
def listings(app, vendor, other_vendor):
    """Two e-invoice listings and an accounting one, all published."""
    return {
        "a": factories.make_solution(
            vendor,
            name="Hóa đơn Sao Mai",
            features=[
                FeatureInput("decree_123", "yes"),
                FeatureInput("invoices_included", "500 hóa đơn"),
                FeatureInput("mobile_app", "yes"),
            ],
        ),
        "b": factories.make_solution(
            other_vendor,
            name="Hóa đơn Bình Minh",
            features=[FeatureInput("decree_123", "no"), FeatureInput("api", "yes")],
            plans=[PlanInput(name="Gói", price_vnd=300_000, period="once")],
        ),
        "c": factories.make_solution(
            other_vendor,
            name="Kế toán Hoàng Hôn",
            category_id=factories.category(ACCOUNTING).id,
            features=[FeatureInput("tt133", "yes"), FeatureInput("mobile_app", "no")],
        ),
    }


def _definition(slug: str, key: str) -> FeatureDefinition:
    return db.session.scalar(
        select(FeatureDefinition)
        .join(Category)
        .where(Category.slug == slug, FeatureDefinition.key == key)
    )


def _audits(action: str) -> list[AuditLog]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action)))


# ---------------------------------------------------------------- the changes


def rename(c, ids):
    response = c.post(
        f"/admin/categories/{ids['invoice']}",
        data={
            "name_vi": "Hóa đơn số hóa",
            "name_en": "Digital invoices",
            "slug": INVOICE,
            "parent_id": str(ids["parent"]),
            "position": "1",
            "description_vi": "Mô tả mới",
        },
    )
    assert response.status_code == 302, response.text[:2000]
    return {"search": {"hóa đơn số hóa": ["a", "b"], "digital invoices": ["a", "b"]}}


def retire_feature(c, ids):
    feature = _definition(INVOICE, "decree_123")
    response = c.post(f"/admin/categories/{ids['invoice']}/features/{feature.id}/retire")
    assert response.status_code == 302
    db.session.expire_all()
    assert _definition(INVOICE, "decree_123").retired
    # The listing keeps its value: the feature is hidden, nothing is lost.
    assert (
        db.session.scalar(
            select(SolutionFeature.value).where(
                SolutionFeature.solution_id == ids["a"], SolutionFeature.key == "decree_123"
            )
        )
        == "yes"
    )
    return {"hidden_features": ["Theo Nghị định 123/2020/NĐ-CP"]}


def add_feature(c, ids):
    response = c.post(
        f"/admin/categories/{ids['invoice']}/features",
        data={
            "key": "qr_lookup",
            "label_vi": "Tra cứu bằng mã QR",
            "label_en": "QR look-up",
            "kind": "bool",
        },
    )
    assert response.status_code == 302
    return {"editor_features": ["Tra cứu bằng mã QR"]}


def merge(c, ids):
    response = c.post(
        f"/admin/categories/{ids['invoice']}/retire", data={"target_id": str(ids["accounting"])}
    )
    assert response.status_code == 302
    db.session.expire_all()
    invoice = db.session.get(Category, ids["invoice"])
    assert not invoice.active and invoice.merged_into_id == ids["accounting"]
    for key in ("a", "b"):
        assert db.session.get(Solution, ids[key]).category_id == ids["accounting"]
    moves = _audits("solution.category_move")
    assert sorted(m.object_id for m in moves) == sorted([ids["a"], ids["b"]])
    assert moves[0].data["after"] == {"category": ACCOUNTING}
    return {
        "search": {"kế toán": ["a", "b", "c"]},
        # A feature the new vocabulary lacks is kept as the listing's own extra.
        "shown_features": {"a": ["Theo Nghị định 123/2020/NĐ-CP", "Số hóa đơn"]},
        "old_link": ["a", "b"],
    }


def reorder(c, ids):
    feature = _definition(INVOICE, "invoices_included")
    before = [d.key for d in _vocabulary(INVOICE)]
    response = c.post(
        f"/admin/categories/{ids['invoice']}/features/{feature.id}/move", data={"direction": "up"}
    )
    assert response.status_code == 302
    after = [d.key for d in _vocabulary(INVOICE)]
    i = before.index("invoices_included")
    assert after[i - 1] == "invoices_included" and after[i] == before[i - 1]
    category = c.post(f"/admin/categories/{ids['accounting']}/move", data={"direction": "up"})
    assert category.status_code == 302
    return {"compare_order": ("invoices_included", before[i - 1])}


def _vocabulary(slug: str) -> list[FeatureDefinition]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(FeatureDefinition)
            .join(Category)
            .where(Category.slug == slug)
            .order_by(FeatureDefinition.position)
        )
    )


CHANGES = {
    "rename": rename,
    "retire_feature": retire_feature,
    "add_feature": add_feature,
    "retire_and_merge": merge,
    "reorder": reorder,
}


def _slugs_found(client, query: str) -> str:
    return client.get("/solutions", query_string={"q": query}).text


@pytest.mark.parametrize("change", list(CHANGES))
def test_changes_keep_every_published_listing_rendering_searchable_and_comparable(
    change, listings, client, client_for, admin, vendor
):
    ids = {key: s.id for key, s in listings.items()}
    invoice = factories.category(INVOICE)
    ids |= {
        "invoice": invoice.id,
        "parent": invoice.parent_id,
        "accounting": factories.category(ACCOUNTING).id,
    }
    slugs = {key: s.slug for key, s in listings.items()}
    names = {key: s.name for key, s in listings.items()}
    expect = CHANGES[change](client_for(admin), ids)

    for key, slug in slugs.items():
        page = client.get(f"/solutions/{slug}")
        assert page.status_code == 200 and names[key] in page.text, (change, key)
        for label in expect.get("hidden_features", []):
            assert label not in page.text
        for label in expect.get("shown_features", {}).get(key, []):
            assert label in page.text, (change, key, label)
        # Found by its name, and by its category's (current) name.
        assert f"/solutions/{slug}" in _slugs_found(client, names[key])
    for query, keys in expect.get("search", {}).items():
        found = _slugs_found(client, query)
        for key in keys:
            assert f"/solutions/{slugs[key]}" in found, (change, query, key)
    if "old_link" in expect:
        old = client.get(f"/solutions?category={INVOICE}&sort=price_asc")
        assert old.status_code == 301
        assert old.headers["Location"] == f"/solutions?category={ACCOUNTING}&sort=price_asc"
        moved = client.get(old.headers["Location"]).text
        for key in expect["old_link"]:
            assert f"/solutions/{slugs[key]}" in moved

    pairs = [(slugs["a"], slugs["b"]), (slugs["a"], slugs["c"])]
    for pair in pairs:
        html = client.get("/compare", query_string={"s": ",".join(pair)})
        assert html.status_code == 200 and names["a"] in html.text
        api = client.get("/api/v1/compare", query_string={"s": ",".join(pair)})
        assert api.status_code == 200
        keys = [f["key"] for f in api.json["features"]]
        if change == "retire_feature":
            assert "decree_123" not in keys
        if change == "reorder" and pair == pairs[0]:
            first, second = expect["compare_order"]
            if first in keys and second in keys:
                assert keys.index(first) < keys.index(second)
    for label in expect.get("editor_features", []):
        assert label in client_for(vendor).get(f"/vendor/solutions/{ids['a']}/edit").text


def test_a_category_with_listings_cannot_be_deleted_or_retired_without_a_target(
    listings, client_for, admin
):
    c = client_for(admin)
    invoice = factories.category(INVOICE)
    deleted = c.post(f"/admin/categories/{invoice.id}/delete")
    assert deleted.status_code == 302
    assert db.session.get(Category, invoice.id) is not None
    retired = c.post(f"/admin/categories/{invoice.id}/retire", data={"target_id": ""})
    assert retired.status_code == 400 and "chọn danh mục để chuyển" in retired.text
    db.session.expire_all()
    assert db.session.get(Category, invoice.id).active
    # Not into itself, a retired category, nor a group that has subcategories.
    group = invoice.parent
    for target in (invoice.id, group.id):
        refused = c.post(f"/admin/categories/{invoice.id}/retire", data={"target_id": str(target)})
        assert refused.status_code == 400
    assert not _audits("category.retire")


def test_an_empty_category_is_created_edited_and_deleted_audited(client, client_for, admin):
    c = client_for(admin)
    made = c.post(
        "/admin/categories/new",
        data={"name_vi": "Chuyển đổi số giáo dục", "name_en": "Education", "slug": "giao-duc"},
    )
    assert made.status_code == 302
    category = db.session.scalar(select(Category).where(Category.slug == "giao-duc"))
    assert category.active and category.parent_id is None
    category_id = category.id
    assert "Chuyển đổi số giáo dục" in client.get("/solutions").text
    duplicate = c.post("/admin/categories/new", data={"name_vi": "Trùng", "slug": "giao-duc"})
    assert duplicate.status_code == 400 and "đã được dùng" in duplicate.text
    assert "Trùng" in duplicate.text  # what was typed is kept
    deleted = c.post(f"/admin/categories/{category_id}/delete")
    assert deleted.status_code == 302 and deleted.headers["Location"].endswith("/admin/categories/")
    db.session.expire_all()
    assert db.session.get(Category, category_id) is None
    assert [a.action for a in _audits("category.create")] == ["category.create"]
    [deleted] = _audits("category.delete")
    assert deleted.data["before"]["slug"] == "giao-duc"


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"name_vi": "", "slug": "x"}, "Vui lòng nhập"),
        ({"name_vi": "A", "slug": "Có Dấu"}, "Đường dẫn chỉ gồm"),
        ({"name_vi": "A", "slug": "a", "position": "99999999999999999999"}, "Thứ tự"),
        ({"name_vi": "A", "slug": "a", "parent_id": "2147483647"}, "Lựa chọn không hợp lệ"),
        ({"name_vi": "A" * 121, "slug": "a"}, "120"),
    ],
)
def test_bad_category_input_is_refused_by_the_field(client_for, admin, data, field_error):
    response = client_for(admin).post("/admin/categories/new", data=data)
    assert response.status_code == 400 and field_error in response.text
    assert not _audits("category.create")


def test_a_category_holding_listings_cannot_become_a_parent(listings, client_for, admin):
    c = client_for(admin)
    accounting = factories.category(ACCOUNTING)
    refused = c.post(
        "/admin/categories/new",
        data={"name_vi": "Con", "slug": "con", "parent_id": str(accounting.id)},
    )
    assert refused.status_code == 400


def test_feature_rules_key_is_unique_and_kind_is_kept_once_values_exist(
    listings, client_for, admin
):
    c = client_for(admin)
    invoice = factories.category(INVOICE)
    again = c.post(
        f"/admin/categories/{invoice.id}/features",
        data={"key": "decree_123", "label_vi": "Lặp", "kind": "bool"},
    )
    assert again.status_code == 400 and "đã có tính năng" in again.text
    bad_key = c.post(
        f"/admin/categories/{invoice.id}/features",
        data={"key": "Mã có dấu", "label_vi": "X", "kind": "bool"},
    )
    assert bad_key.status_code == 400
    feature = _definition(INVOICE, "decree_123")
    kind = c.post(
        f"/admin/categories/{invoice.id}/features/{feature.id}",
        data={"label_vi": "Nghị định 123", "kind": "text"},
    )
    assert kind.status_code == 400 and "không thể đổi kiểu" in kind.text
    renamed = c.post(
        f"/admin/categories/{invoice.id}/features/{feature.id}",
        data={"label_vi": "Đáp ứng Nghị định 123", "label_en": "Decree 123", "kind": "bool"},
    )
    assert renamed.status_code == 302
    [entry] = _audits("feature.update")
    assert entry.data["before"]["label_vi"] == "Theo Nghị định 123/2020/NĐ-CP"
    assert entry.data["after"]["label_vi"] == "Đáp ứng Nghị định 123"
    # Another category's feature under this category's URL: not found.
    other = _definition(ACCOUNTING, "tt133")
    assert c.get(f"/admin/categories/{invoice.id}/features/{other.id}").status_code == 404
    assert c.post(f"/admin/categories/{invoice.id}/features/{other.id}/retire").status_code == 404


def test_a_retired_feature_is_no_longer_asked_but_listings_holding_it_stay_valid(
    listings, client_for, admin, vendor
):
    from marketplace.catalog import services
    from marketplace.catalog.content import content_of

    invoice = factories.category(INVOICE)
    feature = _definition(INVOICE, "decree_123")
    client_for(admin).post(f"/admin/categories/{invoice.id}/features/{feature.id}/retire")
    db.session.expire_all()
    editor = client_for(vendor).get(f"/vendor/solutions/{listings['a'].id}/edit").text
    assert "Theo Nghị định 123/2020/NĐ-CP" not in editor
    # An edit from the editor (which no longer shows the feature) keeps the stored value,
    # and the listing rules accept it (a revision of the live listing).
    solution = db.session.get(Solution, listings["a"].id)
    content = content_of(solution)
    content.tagline = "Khẩu hiệu mới"
    content.features = [f for f in content.features if f.key != "decree_123"]
    with db.session.no_autoflush:
        revision = services.save_solution(vendor, solution, content)
    db.session.commit()
    kept = {f["key"]: f["value"] for f in revision.content["features"]}
    assert kept["decree_123"] == "yes"
    # Restored, it shows again with the value kept.
    client_for(admin).post(f"/admin/categories/{invoice.id}/features/{feature.id}/restore")
    assert (
        "Theo Nghị định 123/2020/NĐ-CP"
        in client_for(vendor).get(f"/solutions/{listings['a'].slug}").text
    )
    assert [a.action for a in _audits("feature.retire")] == ["feature.retire"]
    assert [a.action for a in _audits("feature.restore")] == ["feature.restore"]


def test_the_console_pages_show_the_tree_and_the_vocabulary(client_for, admin, listings):
    c = client_for(admin)
    page = c.get("/admin/categories/")
    assert page.status_code == 200
    assert "Hóa đơn điện tử" in page.text and "Quản trị doanh nghiệp" in page.text
    invoice = factories.category(INVOICE)
    edit = c.get(f"/admin/categories/{invoice.id}")
    assert edit.status_code == 200 and "decree_123" in edit.text
    assert c.get("/admin/categories/2147483647").status_code == 404


def test_moderators_and_vendors_cannot_change_categories(client_for, moderator, vendor):
    invoice = factories.category(INVOICE)
    for user in (moderator, vendor):
        c = client_for(user)
        assert c.get("/admin/categories/").status_code == 403
        assert (
            c.post(
                f"/admin/categories/{invoice.id}", data={"name_vi": "X", "slug": "x"}
            ).status_code
            == 403
        )
    db.session.expire_all()
    assert factories.category(INVOICE).name_vi == "Hóa đơn điện tử"


def test_the_audit_log_names_and_filters_the_console_actions(
    listings, client_for, admin, moderator
):
    invoice = factories.category(INVOICE)
    accounting = factories.category(ACCOUNTING)
    client_for(admin).post(
        f"/admin/categories/{invoice.id}/retire", data={"target_id": str(accounting.id)}
    )
    page = client_for(moderator).get(
        "/moderation/audit", query_string={"action": "category.retire"}
    )
    assert page.status_code == 200
    assert "Ngừng sử dụng danh mục" in page.text and "Danh mục: Hóa đơn điện tử" in page.text
    assert "merged_into" in page.text and ACCOUNTING in page.text  # the change, before → after
    moves = client_for(moderator).get(
        "/moderation/audit", query_string={"action": "solution.category_move"}
    )
    assert "Chuyển giải pháp sang danh mục khác" in moves.text
    assert listings["a"].name in moves.text


def test_the_bulk_reindex_writes_what_the_single_sync_writes(listings):
    from sqlalchemy import text

    from marketplace.catalog import search, search_index

    query = (
        "SELECT solution_id, folded::text, accented::text FROM solution_search ORDER BY 1"
        if search.is_postgres()
        else "SELECT rowid, name, tagline, taxonomy, body, name_accented, tagline_accented, "
        "taxonomy_accented, body_accented FROM solution_search ORDER BY rowid"
    )
    synced = db.session.execute(text(query)).all()  # written by sync_solution (factories)
    assert len(synced) == 3
    assert search_index.reindex_solutions([s.id for s in listings.values()]) == 3
    db.session.commit()
    assert db.session.execute(text(query)).all() == synced
