"""The operator's changes to each category's feature vocabulary.

A feature taken out of a vocabulary is retired (its values stay on the listings, hidden and no
longer compared or asked), never deleted; its key never changes, since listings hold their
values by it. A changed label re-indexes the category's published listings.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.catalog.category_admin import (
    CategoryError,
    apply_changes,
    clean_value,
    move_among,
    reindex_categories,
)
from marketplace.catalog.models import (
    Category,
    FeatureDefinition,
    FeatureKind,
    Solution,
    SolutionFeature,
)
from marketplace.core.audit import record_audit
from marketplace.core.database import utcnow
from marketplace.core.permissions import require_admin
from marketplace.extensions import db

KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def value_counts(category_id: int) -> dict[str, int]:
    """Return feature key → listings of the category that hold a value for it."""
    return dict(
        db.session.execute(
            select(SolutionFeature.key, func.count(SolutionFeature.id))
            .join(Solution, Solution.id == SolutionFeature.solution_id)
            .where(Solution.category_id == category_id)
            .group_by(SolutionFeature.key)
        ).all()
    )


def _feature_values(
    values: dict[str, Any], category: Category, definition: FeatureDefinition | None
) -> dict[str, Any]:
    label_vi = clean_value(values.get("label_vi"))
    label_en = clean_value(values.get("label_en"))
    kind = values.get("kind")
    if not label_vi or len(label_vi) > 120:
        raise CategoryError(_("Tên tiếng Việt cần từ 1 đến 120 ký tự."), "label_vi")
    if len(label_en) > 120:
        raise CategoryError(_("Tối đa %(n)d ký tự.", n=120), "label_en")
    if kind not in (FeatureKind.BOOL, FeatureKind.TEXT):
        raise CategoryError(_("Lựa chọn không hợp lệ."), "kind")
    cleaned: dict[str, Any] = {"label_vi": label_vi, "label_en": label_en, "kind": str(kind)}
    if definition is None:
        key = clean_value(values.get("key")).lower()
        if not key or len(key) > 60 or not KEY_RE.match(key):
            raise CategoryError(
                _("Mã chỉ gồm chữ thường không dấu, số và dấu gạch dưới, bắt đầu bằng chữ."),
                "key",
            )
        exists = db.session.scalar(
            select(FeatureDefinition.id).where(
                FeatureDefinition.category_id == category.id, FeatureDefinition.key == key
            )
        )
        if exists is not None:
            raise CategoryError(
                _("Danh mục đã có tính năng với mã này (kể cả tính năng đã ngừng)."), "key"
            )
        cleaned["key"] = key
    elif kind != definition.kind and value_counts(category.id).get(definition.key):
        raise CategoryError(
            _("Đã có giải pháp nhập giá trị cho tính năng này: không thể đổi kiểu."), "kind"
        )
    return cleaned


def add_feature(actor: User, category: Category, values: dict[str, Any]) -> FeatureDefinition:
    """Add a feature at the end of a category's vocabulary."""
    require_admin(actor)
    if not category.active:
        raise CategoryError(_("Danh mục đã ngừng sử dụng."))
    cleaned = _feature_values(values, category, None)
    position = (
        db.session.scalar(
            select(func.max(FeatureDefinition.position)).where(
                FeatureDefinition.category_id == category.id
            )
        )
        or 0
    ) + 1
    definition = FeatureDefinition(category_id=category.id, position=position, **cleaned)
    db.session.add(definition)
    db.session.flush()
    record_audit(
        actor,
        "feature.create",
        definition,
        label=_feature_label(category, definition),
        data={"after": cleaned},
    )
    return definition


def _feature_label(category: Category, definition: FeatureDefinition) -> str:
    return f"{category.name_vi} › {definition.label_vi}"


def update_feature(actor: User, definition: FeatureDefinition, values: dict[str, Any]) -> bool:
    """Change a feature's labels or type (its key never changes: listings hold values by it)."""
    require_admin(actor)
    category = definition.category
    before, changed = apply_changes(definition, _feature_values(values, category, definition))
    if not changed:
        return False
    db.session.flush()
    record_audit(
        actor,
        "feature.update",
        definition,
        label=_feature_label(category, definition),
        data={"before": before, "after": changed},
    )
    if not definition.retired and {"label_vi", "label_en"} & changed.keys():
        reindex_categories([category.id])
    return True


def retire_feature(actor: User, definition: FeatureDefinition) -> None:
    """Take a feature out of the vocabulary; the listings' values for it are kept."""
    require_admin(actor)
    if definition.retired:
        raise CategoryError(_("Tính năng đã ngừng sử dụng."))
    _set_retired(actor, definition, utcnow())


def restore_feature(actor: User, definition: FeatureDefinition) -> None:
    """Put a retired feature back into the vocabulary (the values kept show again)."""
    require_admin(actor)
    if not definition.retired:
        raise CategoryError(_("Tính năng đang được sử dụng."))
    if not definition.category.active:
        raise CategoryError(_("Danh mục đã ngừng sử dụng."))
    _set_retired(actor, definition, None)


def _set_retired(
    actor: User, definition: FeatureDefinition, retired_at: dt.datetime | None
) -> None:
    """Retire (a time) or restore (None) a feature, audited; its listings are re-indexed."""
    retired = retired_at is not None
    definition.retired_at = retired_at
    db.session.flush()
    record_audit(
        actor,
        "feature.retire" if retired else "feature.restore",
        definition,
        label=_feature_label(definition.category, definition),
        data={"before": {"retired": not retired}, "after": {"retired": retired}},
    )
    reindex_categories([definition.category_id])


def move_feature(actor: User, definition: FeatureDefinition, direction: str) -> bool:
    """Move a feature one place up or down in its vocabulary (the comparison's row order)."""
    require_admin(actor)
    siblings = list(
        db.session.scalars(
            select(FeatureDefinition)
            .where(FeatureDefinition.category_id == definition.category_id)
            .order_by(FeatureDefinition.position, FeatureDefinition.id)
        )
    )
    return move_among(
        actor,
        "feature.move",
        definition,
        siblings,
        direction,
        _feature_label(definition.category, definition),
    )
