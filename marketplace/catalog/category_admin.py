"""The operator's changes to the category tree (the vocabularies are in feature_admin.py).

Listings stay valid through every change: a feature taken out of a vocabulary is retired (its
values stay on the listings, hidden and no longer compared or asked), never deleted; a category
that holds listings is never deleted, only retired and merged into another (its listings and
open revisions move there, each move audited). The search index follows: the listings whose
indexed text changed (category and parent names, feature labels) are indexed again through
`search_index.sync_solution`, and the content stamp is renewed after the commit so the search's
category intents and the kept pages read the new names.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.catalog import search_index
from marketplace.catalog.content import EXTRA_PREFIX
from marketplace.catalog.models import (
    Category,
    FeatureKind,
    RevisionStatus,
    Solution,
    SolutionRevision,
    SolutionStatus,
)
from marketplace.core.audit import record_audit
from marketplace.core.errors import DomainError
from marketplace.core.permissions import require_admin
from marketplace.extensions import db

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_POSITION = 10_000
YES_NO_TEXT = {"yes": "Có", "no": "Không"}


class CategoryError(DomainError):
    """A change of the tree or a vocabulary that would break a rule (shown by its field)."""


# ---------------------------------------------------------------- reads


def solution_count(category_id: int) -> int:
    """Count the listings (any status) filed under a category."""
    return db.session.scalar(
        select(func.count(Solution.id)).where(Solution.category_id == category_id)
    )


def counts_by_category() -> dict[int, int]:
    """Return category id → listings (any status) filed under it."""
    return dict(
        db.session.execute(
            select(Solution.category_id, func.count(Solution.id))
            .where(Solution.category_id.is_not(None))
            .group_by(Solution.category_id)
        ).all()
    )


def tree() -> list[tuple[Category, list[Category]]]:
    """Return every category (active or retired) as (top level, its children), in order."""
    categories = db.session.scalars(select(Category).order_by(Category.position, Category.id)).all()
    roots = [c for c in categories if c.parent_id is None]
    return [(root, [c for c in categories if c.parent_id == root.id]) for root in roots]


def merge_targets(category: Category) -> list[Category]:
    """Return the categories a category's listings may move to: active, without children."""
    with_children = select(Category.parent_id).where(
        Category.parent_id.is_not(None), Category.active.is_(True)
    )
    return list(
        db.session.scalars(
            select(Category)
            .where(
                Category.active.is_(True),
                Category.id != category.id,
                Category.id.not_in(with_children),
            )
            .order_by(Category.position, Category.id)
        )
    )


def parent_choices(category: Category | None) -> list[Category]:
    """Return the categories that may be a parent: active top-level ones holding no listing."""
    counts = counts_by_category()
    return [
        c
        for c in db.session.scalars(
            select(Category)
            .where(Category.parent_id.is_(None), Category.active.is_(True))
            .order_by(Category.position, Category.id)
        )
        if (category is None or c.id != category.id) and not counts.get(c.id)
    ]


# ---------------------------------------------------------------- re-indexing


def reindex_categories(category_ids: list[int]) -> int:
    """Index again the published listings of these categories (and of their children)."""
    children = db.session.scalars(
        select(Category.id).where(Category.parent_id.in_(category_ids))
    ).all()
    db.session.flush()
    ids = db.session.scalars(
        select(Solution.id).where(
            Solution.category_id.in_([*category_ids, *children]),
            Solution.status == SolutionStatus.PUBLISHED,
        )
    ).all()
    return search_index.reindex_solutions(ids)


# ---------------------------------------------------------------- categories


def clean_value(value: Any) -> str:
    """A form value as stripped text (None → "")."""
    return (value or "").strip() if isinstance(value, str) or value is None else str(value)


def _category_values(values: dict[str, Any], category: Category | None) -> dict[str, Any]:
    name_vi = clean_value(values.get("name_vi"))
    name_en = clean_value(values.get("name_en"))
    slug = clean_value(values.get("slug")).lower()
    description_vi = clean_value(values.get("description_vi"))
    description_en = clean_value(values.get("description_en"))
    if not name_vi or len(name_vi) > 120:
        raise CategoryError(_("Tên tiếng Việt cần từ 1 đến 120 ký tự."), "name_vi")
    if len(name_en) > 120:
        raise CategoryError(_("Tối đa %(n)d ký tự.", n=120), "name_en")
    if not slug or len(slug) > 80 or not SLUG_RE.match(slug):
        raise CategoryError(
            _("Đường dẫn chỉ gồm chữ thường không dấu, số và dấu gạch ngang (tối đa 80)."),
            "slug",
        )
    taken = db.session.scalar(
        select(Category.id).where(
            Category.slug == slug, Category.id != (category.id if category else -1)
        )
    )
    if taken is not None:
        raise CategoryError(_("Đường dẫn này đã được dùng cho danh mục khác."), "slug")
    for field, text in (("description_vi", description_vi), ("description_en", description_en)):
        if len(text) > 1000:
            raise CategoryError(_("Tối đa %(n)d ký tự.", n=1000), field)
    position = values.get("position")
    if position is None:
        position = category.position if category is not None else _next_category_position()
    if not isinstance(position, int) or not 0 <= position <= MAX_POSITION:
        raise CategoryError(_("Thứ tự từ 0 đến %(n)d.", n=MAX_POSITION), "position")
    parent_id = values.get("parent_id")
    if parent_id is not None:
        parent = db.session.get(Category, parent_id)
        if parent is None or parent.id not in {c.id for c in parent_choices(category)}:
            raise CategoryError(
                _("Danh mục cha phải là danh mục cấp trên đang dùng và chưa có giải pháp."),
                "parent_id",
            )
        if category is not None and any(c.active for c in category.children):
            raise CategoryError(
                _("Danh mục có danh mục con không thể nằm dưới danh mục khác."), "parent_id"
            )
    return {
        "name_vi": name_vi,
        "name_en": name_en,
        "slug": slug,
        "description_vi": description_vi,
        "description_en": description_en,
        "position": position,
        "parent_id": parent_id,
    }


def _next_category_position() -> int:
    return (db.session.scalar(select(func.max(Category.position))) or 0) + 1


def create_category(actor: User, values: dict[str, Any]) -> Category:
    """Add a category (top level, or under an active top-level one)."""
    require_admin(actor)
    cleaned = _category_values(values, None)
    category = Category(**cleaned, active=True)
    db.session.add(category)
    db.session.flush()
    record_audit(
        actor, "category.create", category, label=category.name_vi, data={"after": cleaned}
    )
    return category


def apply_changes(item: Any, cleaned: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Set on `item` the cleaned values that differ; return (before, changed), empty if none."""
    changed = {k: v for k, v in cleaned.items() if getattr(item, k) != v}
    before = {k: getattr(item, k) for k in changed}
    for key, value in changed.items():
        setattr(item, key, value)
    return before, changed


def update_category(actor: User, category: Category, values: dict[str, Any]) -> bool:
    """Change a category's names, slug, description, parent or order; False if unchanged."""
    require_admin(actor)
    before, changed = apply_changes(category, _category_values(values, category))
    if not changed:
        return False
    db.session.flush()
    record_audit(
        actor,
        "category.update",
        category,
        label=category.name_vi,
        data={"before": before, "after": changed},
    )
    if {"name_vi", "name_en", "parent_id"} & changed.keys():
        db.session.expire(category, ["parent", "children"])
        reindex_categories([category.id])
    return True


def move_category(actor: User, category: Category, direction: str) -> bool:
    """Move a category one place up or down among its siblings."""
    require_admin(actor)
    siblings = list(
        db.session.scalars(
            select(Category)
            .where(
                Category.parent_id.is_(None)
                if category.parent_id is None
                else Category.parent_id == category.parent_id
            )
            .order_by(Category.position, Category.id)
        )
    )
    return move_among(actor, "category.move", category, siblings, direction, category.name_vi)


def move_among(
    actor: User, action: str, item: Any, siblings: list, direction: str, label: str
) -> bool:
    """Move `item` one place up or down among `siblings` (renumbered), audited as `action`."""
    if direction not in ("up", "down"):
        raise CategoryError(_("Lựa chọn không hợp lệ."))
    at = siblings.index(item)
    to = at - 1 if direction == "up" else at + 1
    if not 0 <= to < len(siblings):
        return False
    siblings[at], siblings[to] = siblings[to], siblings[at]
    before = item.position
    for position, sibling in enumerate(siblings):
        sibling.position = position
    db.session.flush()
    record_audit(
        actor,
        action,
        item,
        label=label,
        data={"before": {"position": before}, "after": {"position": item.position}},
    )
    return True


def _open_revisions_in(category_id: int) -> list[SolutionRevision]:
    revisions = db.session.scalars(
        select(SolutionRevision).where(
            SolutionRevision.status.in_([RevisionStatus.DRAFT, RevisionStatus.PENDING])
        )
    )
    return [r for r in revisions if (r.content or {}).get("category_id") == category_id]


def retire_category(actor: User, category: Category, target: Category | None) -> int:
    """Take a category out of the catalogue; its listings (if any) move to `target`.

    Returns how many listings moved. A category with active subcategories is refused (they
    are retired or moved first); a category with listings needs a target: an active category
    without subcategories. Features the target's vocabulary lacks become the listing's own
    extra features (label and value kept), so nothing a vendor entered is lost.
    """
    require_admin(actor)
    if not category.active:
        raise CategoryError(_("Danh mục đã ngừng sử dụng."))
    if any(c.active for c in category.children):
        raise CategoryError(_("Hãy chuyển hoặc ngừng các danh mục con trước."), "target_id")
    solutions = list(
        db.session.scalars(
            select(Solution).where(Solution.category_id == category.id).order_by(Solution.id)
        )
    )
    revisions = _open_revisions_in(category.id)
    if (solutions or revisions) and target is None:
        raise CategoryError(
            _("Danh mục còn giải pháp: chọn danh mục để chuyển các giải pháp sang."),
            "target_id",
        )
    if target is not None and target.id not in {c.id for c in merge_targets(category)}:
        raise CategoryError(_("Chọn một danh mục đang dùng, không có danh mục con."), "target_id")
    moved = []
    if target is not None:
        converter = _FeatureConverter(category, target)
        for solution in solutions:
            converter.move_rows(solution)
            solution.category_id = target.id
            moved.append(solution)
            record_audit(
                actor,
                "solution.category_move",
                solution,
                data={
                    "before": {"category": category.slug},
                    "after": {"category": target.slug},
                },
            )
        for revision in revisions:
            content = dict(revision.content)
            content["features"] = converter.move_content(content.get("features") or [])
            content["category_id"] = target.id
            revision.content = content
    category.active = False
    category.merged_into_id = target.id if target is not None else None
    db.session.flush()
    record_audit(
        actor,
        "category.retire",
        category,
        label=category.name_vi,
        data={
            "before": {"active": True},
            "after": {
                "active": False,
                "merged_into": target.slug if target is not None else None,
                "solutions": [s.id for s in moved],
                "revisions": [r.id for r in revisions],
            },
        },
    )
    search_index.reindex_solutions([s.id for s in moved if s.status == SolutionStatus.PUBLISHED])
    return len(moved)


def restore_category(actor: User, category: Category) -> None:
    """Bring a retired category back into the catalogue (empty: its listings stay moved)."""
    require_admin(actor)
    if category.active:
        raise CategoryError(_("Danh mục đang được sử dụng."))
    if category.parent is not None and not category.parent.active:
        raise CategoryError(_("Hãy khôi phục danh mục cha trước."))
    before = category.merged_into_id
    category.active = True
    category.merged_into_id = None
    db.session.flush()
    record_audit(
        actor,
        "category.restore",
        category,
        label=category.name_vi,
        data={"before": {"active": False, "merged_into_id": before}, "after": {"active": True}},
    )


def delete_category(actor: User, category: Category) -> None:
    """Delete a category that never held anything: no listing, revision or subcategory."""
    require_admin(actor)
    if solution_count(category.id) or _open_revisions_in(category.id):
        raise CategoryError(
            _("Danh mục có giải pháp không thể xóa: hãy ngừng sử dụng và chuyển giải pháp.")
        )
    if category.children:
        raise CategoryError(_("Danh mục có danh mục con không thể xóa."))
    data = {
        "before": {
            "slug": category.slug,
            "name_vi": category.name_vi,
            "name_en": category.name_en,
            "features": [d.key for d in category.features],
        }
    }
    record_audit(actor, "category.delete", category, label=category.name_vi, data=data)
    for definition in list(category.features):
        db.session.delete(definition)
    db.session.execute(
        Category.__table__.update()
        .where(Category.merged_into_id == category.id)
        .values(merged_into_id=None)
    )
    db.session.delete(category)
    db.session.flush()


class _FeatureConverter:
    """Carry a listing's feature values from one category's vocabulary to another's."""

    def __init__(self, source: Category, target: Category) -> None:
        self.source = {d.key: d for d in source.features}
        self.target = {d.key: d for d in target.features}

    def keeps(self, key: str, value: str) -> bool:
        definition = self.target.get(key)
        if definition is None:
            return False
        return definition.kind != FeatureKind.BOOL or value in ("yes", "no")

    def as_extra(self, key: str, value: str) -> tuple[str, str]:
        definition = self.source.get(key)
        label = definition.label_vi if definition is not None else key
        if definition is not None and definition.kind == FeatureKind.BOOL:
            value = YES_NO_TEXT.get(value, value)
        return label[:120], value[:200]

    @staticmethod
    def _next_extra(keys: list[str]) -> int:
        numbers = [
            int(k[len(EXTRA_PREFIX) :])
            for k in keys
            if k.startswith(EXTRA_PREFIX) and k[len(EXTRA_PREFIX) :].isdigit()
        ]
        return max(numbers, default=0) + 1

    def move_rows(self, solution: Solution) -> None:
        n = self._next_extra([f.key for f in solution.features])
        for feature in solution.features:
            if feature.key.startswith(EXTRA_PREFIX) or self.keeps(feature.key, feature.value):
                continue
            feature.label, feature.value = self.as_extra(feature.key, feature.value)
            feature.key = f"{EXTRA_PREFIX}{n}"
            n += 1

    def move_content(self, features: list[dict[str, Any]]) -> list[dict[str, Any]]:
        n = self._next_extra([str(f.get("key", "")) for f in features])
        out = []
        for feature in features:
            key, value = str(feature.get("key", "")), str(feature.get("value", ""))
            if key.startswith(EXTRA_PREFIX) or self.keeps(key, value):
                out.append(feature)
                continue
            label, value = self.as_extra(key, value)
            out.append({"key": f"{EXTRA_PREFIX}{n}", "label": label, "value": value})
            n += 1
        return out
