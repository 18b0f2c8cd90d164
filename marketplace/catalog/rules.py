"""The rules of listings: limits, validation of the content, content versions and the listing's
lock, and the domain's errors.
"""

from __future__ import annotations

import hashlib
import json

from flask_babel import gettext as _
from sqlalchemy import select, update

from marketplace.accounts.models import User
from marketplace.catalog.content import (
    EXTRA_PREFIX,
    ListingContent,
    content_of,
)
from marketplace.catalog.listing_queries import leaf_categories, vocabulary
from marketplace.catalog.models import (
    BillingPeriod,
    Deployment,
    FeatureKind,
    Solution,
    SolutionRevision,
    Upload,
)
from marketplace.core import vat
from marketplace.core.database import utcnow
from marketplace.core.errors import DomainError
from marketplace.core.ids import MAX_ROW_ID
from marketplace.extensions import db

MAX_PLANS = 5
MAX_SCREENSHOTS = 6
MAX_TRIAL_DAYS = 90
MAX_PRICE_VND = 10_000_000_000  # 10 tỷ đồng: a typo guard, not a business limit


class ListingError(DomainError):
    """A rule was broken; `field` names the form field the message belongs to (or None)."""


class TransitionError(ListingError):
    """The listing is not in a state that allows this action."""


class StaleContentError(TransitionError):
    """The listing or revision changed after the moderator opened it: nothing was decided."""

    def __init__(self) -> None:
        super().__init__(_("Nội dung đã thay đổi, vui lòng xem lại."))


def _digest(*parts: object) -> str:
    raw = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def solution_version(solution: Solution) -> str:
    """Return a fingerprint of the content a moderator sees on the listing's page."""
    return _digest("solution", solution.id, content_of(solution).to_json())


def revision_version(revision: SolutionRevision) -> str:
    """Return a fingerprint of a revision and the live version it is compared with."""
    proposed = ListingContent.from_json(revision.content).to_json()
    return _digest("revision", revision.id, proposed, content_of(revision.solution).to_json())


def lock_listing(solution: Solution, revision: SolutionRevision | None = None) -> None:
    """Hold the listing until the transaction ends, then re-read it (and its revision).

    Every change of a listing (its rows, plans, screenshots, revision, status) and every
    decision on it starts here, so concurrent ones run one after the other and each sees
    what the other committed. An UPDATE takes the row lock on PostgreSQL and the write
    lock on SQLite (where SELECT … FOR UPDATE does not exist).
    """
    db.session.execute(
        update(Solution)
        .where(Solution.id == solution.id)
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(solution)
    if revision is not None:
        db.session.refresh(revision)


def check_version(seen: str | None, current: str) -> None:
    # None: a caller that does not act from a page it showed (seed data, the command line).
    if seen is not None and seen != current:
        raise StaleContentError()


def validate_content(actor: User, content: ListingContent, *, for_submission: bool) -> None:
    """Check a listing's content; drafts may be incomplete, submissions may not."""
    if not content.name or len(content.name) > 120:
        raise ListingError(_("Tên giải pháp cần từ 1 đến 120 ký tự."), "name")
    if len(content.tagline) > 200:
        raise ListingError(_("Khẩu hiệu tối đa 200 ký tự."), "tagline")
    if len(content.description) > 20_000:
        raise ListingError(_("Mô tả tối đa 20.000 ký tự."), "description")
    if content.deployment not in {d.value for d in Deployment}:
        raise ListingError(_("Hình thức triển khai không hợp lệ."), "deployment")
    if content.category_id is not None and content.category_id not in {
        c.id for c in leaf_categories()
    }:
        raise ListingError(_("Vui lòng chọn một danh mục cụ thể."), "category_id")
    _validate_features(content)
    _validate_plans(content)
    _validate_uploads(actor, content)
    if for_submission:
        if content.category_id is None:
            raise ListingError(_("Vui lòng chọn danh mục trước khi gửi duyệt."), "category_id")
        if not content.tagline.strip():
            raise ListingError(_("Vui lòng nhập khẩu hiệu trước khi gửi duyệt."), "tagline")
        if len(content.description.strip()) < 50:
            raise ListingError(_("Mô tả cần ít nhất 50 ký tự trước khi gửi duyệt."), "description")
        if not content.plans:
            raise ListingError(_("Cần ít nhất một gói dịch vụ trước khi gửi duyệt."), "plans")


def _validate_features(content: ListingContent) -> None:
    # A retired feature's value stays valid: listings that hold one are not refused.
    definitions = {d.key: d for d in vocabulary(content.category_id, include_retired=True)}
    seen: set[str] = set()
    for feature in content.features:
        if feature.key in seen:
            raise ListingError(_("Tính năng bị trùng."), "features")
        seen.add(feature.key)
        if len(feature.value) > 200:
            raise ListingError(_("Giá trị tính năng tối đa 200 ký tự."), "features")
        if feature.key.startswith(EXTRA_PREFIX):
            if not feature.label or len(feature.label) > 120:
                raise ListingError(_("Tính năng bổ sung cần tên (tối đa 120 ký tự)."), "features")
            continue
        definition = definitions.get(feature.key)
        if definition is None:
            raise ListingError(_("Tính năng không thuộc danh mục đã chọn."), "features")
        if definition.kind == FeatureKind.BOOL and feature.value not in ("yes", "no"):
            raise ListingError(_("Tính năng có/không chỉ nhận Có hoặc Không."), "features")


def _validate_plans(content: ListingContent) -> None:
    if len(content.plans) > MAX_PLANS:
        raise ListingError(_("Tối đa %(n)d gói dịch vụ.", n=MAX_PLANS), "plans")
    periods = {p.value for p in BillingPeriod}
    plan_ids = [p.id for p in content.plans if p.id is not None]
    if len(plan_ids) != len(set(plan_ids)):
        raise ListingError(_("Hai gói dịch vụ trùng nhau, vui lòng tải lại trang."), "plans")
    for plan in content.plans:
        if not plan.name or len(plan.name) > 80:
            raise ListingError(_("Tên gói cần từ 1 đến 80 ký tự."), "plans")
        if not isinstance(plan.price_vnd, int) or not 0 <= plan.price_vnd <= MAX_PRICE_VND:
            raise ListingError(_("Giá phải là số nguyên đồng, từ 0 trở lên."), "plans")
        if plan.period not in periods:
            raise ListingError(_("Chu kỳ thanh toán không hợp lệ."), "plans")
        if not isinstance(plan.trial_days, int) or not 0 <= plan.trial_days <= MAX_TRIAL_DAYS:
            raise ListingError(_("Số ngày dùng thử từ 0 đến 90."), "plans")
        if len(plan.limits) > 500:
            raise ListingError(_("Giới hạn của gói tối đa 500 ký tự."), "plans")
        if plan.vat_treatment not in vat.TREATMENTS or not isinstance(
            plan.price_includes_vat, bool
        ):
            raise ListingError(_("Thuế GTGT của gói không hợp lệ."), "plans")


def _validate_uploads(actor: User, content: ListingContent) -> None:
    if len(set(content.screenshot_ids)) > MAX_SCREENSHOTS:
        raise ListingError(_("Tối đa %(n)d ảnh chụp màn hình.", n=MAX_SCREENSHOTS), "screenshots")
    ids = [i for i in [content.logo_id, *content.screenshot_ids] if i is not None]
    if not ids:
        return
    if any(not isinstance(i, int) or not 1 <= i <= MAX_ROW_ID for i in ids):
        raise ListingError(_("Ảnh không hợp lệ."), "screenshots")
    owned = set(
        db.session.scalars(
            select(Upload.id).where(Upload.id.in_(ids), Upload.org_id == actor.organization_id)
        )
    )
    if set(ids) - owned:
        # An id from another organisation, or none at all: never link someone else's file.
        raise ListingError(_("Ảnh không hợp lệ."), "screenshots")
