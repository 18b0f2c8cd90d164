"""Listing rules: create and edit drafts, revisions of live listings, every status change."""

from __future__ import annotations

import hashlib
import itertools
import json

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User
from marketplace.catalog import permissions, search
from marketplace.catalog.content import (
    EXTRA_PREFIX,
    ListingContent,
    apply_content,
    content_of,
)
from marketplace.catalog.models import (
    BillingPeriod,
    Category,
    Deployment,
    FeatureDefinition,
    FeatureKind,
    RevisionStatus,
    Solution,
    SolutionRevision,
    SolutionStatus,
    Upload,
)
from marketplace.core import events
from marketplace.core.audit import AuditLog, record_audit
from marketplace.core.database import utcnow
from marketplace.core.errors import DomainError
from marketplace.core.ids import MAX_ROW_ID
from marketplace.core.permissions import deny
from marketplace.core.text import clean_reason, slugify
from marketplace.core.urls import path_for
from marketplace.extensions import db
from marketplace.notifications import services as notifications

MAX_PLANS = 5
MAX_SCREENSHOTS = 6
MAX_TRIAL_DAYS = 90
MAX_PRICE_VND = 10_000_000_000  # 10 tỷ đồng: a typo guard, not a business limit
SLUG_ATTEMPTS = 5


class ListingError(DomainError):
    """A rule was broken; `field` names the form field the message belongs to (or None)."""


class TransitionError(ListingError):
    """The listing is not in a state that allows this action."""


class StaleContentError(TransitionError):
    """The listing or revision changed after the moderator opened it: nothing was decided."""

    def __init__(self) -> None:
        super().__init__(_("Nội dung đã thay đổi, vui lòng xem lại."))


# ---------------------------------------------------------------- reading


def open_revision(solution: Solution) -> SolutionRevision | None:
    """Return the solution's draft or pending revision, if any."""
    return db.session.scalar(
        select(SolutionRevision).where(
            SolutionRevision.solution_id == solution.id,
            SolutionRevision.status.in_([RevisionStatus.DRAFT, RevisionStatus.PENDING]),
        )
    )


def working_content(solution: Solution) -> tuple[ListingContent, SolutionRevision | None]:
    """Return what the vendor is editing: the open revision's content, else the rows."""
    revision = open_revision(solution) if solution.published_at is not None else None
    if revision is not None:
        return ListingContent.from_json(revision.content), revision
    return content_of(solution), None


def open_revisions_for(solutions: list[Solution]) -> dict[int, SolutionRevision]:
    """Return the open revision of each of these solutions, by solution id, in one query."""
    ids = [s.id for s in solutions]
    if not ids:
        return {}
    rows = db.session.scalars(
        select(SolutionRevision).where(
            SolutionRevision.solution_id.in_(ids),
            SolutionRevision.status.in_([RevisionStatus.DRAFT, RevisionStatus.PENDING]),
        )
    )
    return {r.solution_id: r for r in rows}


def history(solution: Solution, limit: int = 50) -> list:
    """Return the audit entries about this solution, newest first."""
    return list(
        db.session.scalars(
            select(AuditLog)
            .options(selectinload(AuditLog.actor))
            .where(
                AuditLog.object_type == Solution.__tablename__, AuditLog.object_id == solution.id
            )
            .order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
            .limit(limit)
        )
    )


def leaf_categories() -> list[Category]:
    """Return the categories a solution may be filed under (those without children)."""
    has_children = select(Category.parent_id).where(Category.parent_id.is_not(None))
    return list(
        db.session.scalars(
            select(Category).where(Category.id.not_in(has_children)).order_by(Category.position)
        )
    )


def vocabulary(category_id: int | None) -> list[FeatureDefinition]:
    if category_id is None:
        return []
    return list(
        db.session.scalars(
            select(FeatureDefinition)
            .where(FeatureDefinition.category_id == category_id)
            .order_by(FeatureDefinition.position)
        )
    )


# ---------------------------------------------------------------- content versions


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


def _lock(solution: Solution, revision: SolutionRevision | None = None) -> None:
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


def _check_version(seen: str | None, current: str) -> None:
    # None: a caller that does not act from a page it showed (seed data, the command line).
    if seen is not None and seen != current:
        raise StaleContentError()


# ---------------------------------------------------------------- validation


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
    definitions = {d.key: d for d in vocabulary(content.category_id)}
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


# ---------------------------------------------------------------- vendor actions


def _taken_slugs(base: str) -> set[str]:
    return set(
        db.session.scalars(
            select(Solution.slug).where((Solution.slug == base) | Solution.slug.like(f"{base}-%"))
        )
    )


def _unique_slug(name: str) -> str:
    base = slugify(name, max_length=80)
    taken = _taken_slugs(base)
    if base not in taken:
        return base
    for n in itertools.count(2):
        candidate = f"{base}-{n}"
        if candidate not in taken:
            return candidate
    raise AssertionError("unreachable")


def create_solution(actor: User, content: ListingContent) -> Solution:
    """Start a new listing as a draft of the actor's vendor organisation."""
    if actor.role != "vendor" or actor.organization_id is None:
        deny()
    validate_content(actor, content, for_submission=False)
    for _attempt in range(SLUG_ATTEMPTS):
        solution = Solution(
            vendor_id=actor.organization_id,
            slug=_unique_slug(content.name),
            status=SolutionStatus.DRAFT,
            name=content.name,
        )
        try:
            with db.session.begin_nested():
                db.session.add(solution)
                db.session.flush()
        except IntegrityError:
            # A concurrent create took the slug between the look-up and the insert: the
            # savepoint undid only this insert; look again and take the next free one.
            continue
        break
    else:
        raise ListingError(_("Hệ thống đang bận, vui lòng lưu lại sau giây lát."), "name")
    apply_content(solution, content)
    record_audit(actor, "solution.create", solution)
    return solution


def save_solution(
    actor: User, solution: Solution, content: ListingContent
) -> SolutionRevision | None:
    """Save an edit: drafts change in place; a live listing gets a revision to review."""
    permissions.require_edit_solution(actor, solution)
    _lock(solution)
    validate_content(actor, content, for_submission=False)
    if solution.status in (SolutionStatus.DRAFT, SolutionStatus.REJECTED):
        apply_content(solution, content)
        return None
    if solution.status in (SolutionStatus.PUBLISHED, SolutionStatus.SUSPENDED):
        revision = open_revision(solution)
        if revision is not None and revision.status == RevisionStatus.PENDING:
            raise TransitionError(
                _("Bản chỉnh sửa đang chờ duyệt. Hãy rút lại trước khi sửa tiếp.")
            )
        if revision is None:
            revision = SolutionRevision(
                solution_id=solution.id, author_id=actor.id, content=content.to_json()
            )
            try:
                with db.session.begin_nested():
                    db.session.add(revision)
                    db.session.flush()
            except IntegrityError:
                # Another save opened the revision first (one open revision per listing).
                revision = open_revision(solution)
                if revision is None:
                    raise
                if revision.status == RevisionStatus.PENDING:
                    raise TransitionError(
                        _("Bản chỉnh sửa đang chờ duyệt. Hãy rút lại trước khi sửa tiếp.")
                    ) from None
        revision.content = content.to_json()
        revision.author_id = actor.id
        db.session.flush()
        return revision
    if solution.status == SolutionStatus.PENDING:
        raise TransitionError(_("Giải pháp đang chờ duyệt. Hãy rút lại trước khi sửa."))
    raise TransitionError(_("Giải pháp đã lưu trữ không thể chỉnh sửa."))


def submit_solution(actor: User, solution: Solution) -> SolutionRevision | None:
    """Send a draft (or the open revision of a live listing) to the moderators."""
    permissions.require_edit_solution(actor, solution)
    _lock(solution)
    content, revision = working_content(solution)
    if revision is not None:
        if revision.status != RevisionStatus.DRAFT:
            raise TransitionError(_("Bản chỉnh sửa này đã được gửi duyệt."))
        validate_content(actor, content, for_submission=True)
        revision.status = RevisionStatus.PENDING
        revision.submitted_at = utcnow()
        db.session.flush()
        record_audit(actor, "revision.submit", solution, data={"revision_id": revision.id})
        _tell_staff(solution, _("Bản chỉnh sửa mới chờ duyệt: %(name)s", name=solution.name))
        return revision
    if solution.status not in (SolutionStatus.DRAFT, SolutionStatus.REJECTED):
        raise TransitionError(_("Chỉ bản nháp hoặc giải pháp bị từ chối mới gửi duyệt được."))
    validate_content(actor, content, for_submission=True)
    solution.status = SolutionStatus.PENDING
    solution.submitted_at = utcnow()
    db.session.flush()
    record_audit(actor, "solution.submit", solution)
    _tell_staff(solution, _("Giải pháp mới chờ duyệt: %(name)s", name=solution.name))
    return None


def withdraw_submission(actor: User, solution: Solution) -> None:
    """Take a pending listing or revision back to draft so it can be edited again."""
    permissions.require_edit_solution(actor, solution)
    _lock(solution)
    revision = open_revision(solution)
    if revision is not None and revision.status == RevisionStatus.PENDING:
        revision.status = RevisionStatus.DRAFT
        revision.submitted_at = None
        db.session.flush()
        record_audit(actor, "revision.withdraw", solution, data={"revision_id": revision.id})
        return
    if solution.status != SolutionStatus.PENDING:
        raise TransitionError(_("Không có gì đang chờ duyệt để rút lại."))
    solution.status = SolutionStatus.DRAFT
    solution.submitted_at = None
    db.session.flush()
    record_audit(actor, "solution.withdraw", solution)


def discard_revision(actor: User, solution: Solution) -> None:
    """Drop the draft edit of a live listing; the live version stays as it is."""
    permissions.require_edit_solution(actor, solution)
    _lock(solution)
    revision = open_revision(solution)
    if revision is None or revision.status != RevisionStatus.DRAFT:
        raise TransitionError(_("Không có bản chỉnh sửa nháp để hủy."))
    db.session.delete(revision)
    db.session.flush()


def archive_solution(actor: User, solution: Solution) -> None:
    """Take the vendor's own published listing off the marketplace for good."""
    permissions.require_edit_solution(actor, solution)
    _lock(solution)
    _move(solution, {SolutionStatus.PUBLISHED}, SolutionStatus.ARCHIVED)
    revision = open_revision(solution)
    if revision is not None:
        db.session.delete(revision)
    db.session.flush()
    events.solution_changed.send(solution)
    record_audit(actor, "solution.archive", solution)


# ---------------------------------------------------------------- moderator decisions


def _move(solution: Solution, allowed: set[str], target: str) -> None:
    if solution.status not in allowed:
        raise TransitionError(_("Thao tác không hợp lệ với trạng thái hiện tại của giải pháp."))
    solution.status = target


def _clean_reason(reason: str | None, *, required: bool) -> str | None:
    return clean_reason(reason, required=required, error=ListingError)


def _decide(
    moderator: User,
    solution: Solution,
    reason: str | None,
    *,
    allowed: set[str],
    target: str,
    reason_required: bool,
    keep_reason: bool,
    action: str,
    kind: str,
    title: str,
    version: str | None,
) -> None:
    """Apply one moderator decision on a listing: check, move, re-index, audit, tell the vendor.

    `version` is the solution_version of the page the moderator decided on; a listing
    changed since then raises StaleContentError and nothing is decided.
    """
    permissions.require_moderator(moderator)
    _lock(solution)
    _check_version(version, solution_version(solution))
    reason = _clean_reason(reason, required=reason_required)
    _move(solution, allowed, target)
    if target == SolutionStatus.PUBLISHED:
        solution.published_at = solution.published_at or utcnow()
    solution.status_reason = reason if keep_reason else None
    db.session.flush()
    events.solution_changed.send(solution)
    record_audit(moderator, action, solution, reason=reason)
    _tell_vendor(solution, kind, title, reason)


def approve_solution(
    moderator: User, solution: Solution, reason: str | None = None, *, version: str | None = None
) -> None:
    """Publish a pending listing."""
    _decide(
        moderator,
        solution,
        reason,
        allowed={SolutionStatus.PENDING},
        target=SolutionStatus.PUBLISHED,
        reason_required=False,
        keep_reason=False,
        action="solution.approve",
        kind="solution.approved",
        title=_("Giải pháp “%(name)s” đã được phê duyệt và xuất bản.", name=solution.name),
        version=version,
    )


def reject_solution(
    moderator: User, solution: Solution, reason: str | None, *, version: str | None = None
) -> None:
    """Send a pending listing back to its vendor with the reason."""
    _decide(
        moderator,
        solution,
        reason,
        allowed={SolutionStatus.PENDING},
        target=SolutionStatus.REJECTED,
        reason_required=True,
        keep_reason=True,
        action="solution.reject",
        kind="solution.rejected",
        title=_("Giải pháp “%(name)s” bị từ chối.", name=solution.name),
        version=version,
    )


def approve_revision(
    moderator: User,
    revision: SolutionRevision,
    reason: str | None = None,
    *,
    version: str | None = None,
) -> None:
    """Replace the live version with the revision, all in the caller's transaction."""
    permissions.require_moderator(moderator)
    _lock(revision.solution, revision)
    _check_version(version, revision_version(revision))
    reason = _clean_reason(reason, required=False)
    if revision.status != RevisionStatus.PENDING:
        raise TransitionError(_("Bản chỉnh sửa này không ở trạng thái chờ duyệt."))
    solution = revision.solution
    before = content_of(solution).to_json()
    apply_content(solution, ListingContent.from_json(revision.content))
    revision.status = RevisionStatus.APPROVED
    revision.decided_at = utcnow()
    revision.decided_by_id = moderator.id
    revision.reason = reason
    db.session.flush()
    events.solution_changed.send(solution)
    record_audit(
        moderator,
        "revision.approve",
        solution,
        reason=reason,
        data={"revision_id": revision.id, "before": before},
    )
    _tell_vendor(
        solution,
        "revision.approved",
        _("Bản chỉnh sửa của “%(name)s” đã được phê duyệt.", name=solution.name),
        reason,
    )


def reject_revision(
    moderator: User, revision: SolutionRevision, reason: str | None, *, version: str | None = None
) -> None:
    """Refuse a revision; the live version is untouched."""
    permissions.require_moderator(moderator)
    _lock(revision.solution, revision)
    _check_version(version, revision_version(revision))
    reason = _clean_reason(reason, required=True)
    if revision.status != RevisionStatus.PENDING:
        raise TransitionError(_("Bản chỉnh sửa này không ở trạng thái chờ duyệt."))
    revision.status = RevisionStatus.REJECTED
    revision.decided_at = utcnow()
    revision.decided_by_id = moderator.id
    revision.reason = reason
    db.session.flush()
    solution = revision.solution
    record_audit(
        moderator, "revision.reject", solution, reason=reason, data={"revision_id": revision.id}
    )
    _tell_vendor(
        solution,
        "revision.rejected",
        _("Bản chỉnh sửa của “%(name)s” bị từ chối.", name=solution.name),
        reason,
    )


def suspend_solution(
    moderator: User, solution: Solution, reason: str | None, *, version: str | None = None
) -> None:
    """Hide a published listing from the public, with the reason."""
    _decide(
        moderator,
        solution,
        reason,
        allowed={SolutionStatus.PUBLISHED},
        target=SolutionStatus.SUSPENDED,
        reason_required=True,
        keep_reason=True,
        action="solution.suspend",
        kind="solution.suspended",
        title=_("Giải pháp “%(name)s” bị tạm ngưng.", name=solution.name),
        version=version,
    )


def restore_solution(
    moderator: User, solution: Solution, reason: str | None, *, version: str | None = None
) -> None:
    """Put a suspended listing back on the marketplace, with the reason."""
    _decide(
        moderator,
        solution,
        reason,
        allowed={SolutionStatus.SUSPENDED},
        target=SolutionStatus.PUBLISHED,
        reason_required=True,
        keep_reason=False,
        action="solution.restore",
        kind="solution.restored",
        title=_("Giải pháp “%(name)s” đã được khôi phục.", name=solution.name),
        version=version,
    )


def _tell_vendor(solution: Solution, kind: str, title: str, reason: str | None) -> None:
    body = _("Lý do: %(reason)s", reason=reason) if reason else ""
    notifications.notify_organization(
        solution.vendor,
        kind=kind,
        title=title,
        body=body,
        link=path_for("vendor.solution_detail", solution_id=solution.id),
    )


def _tell_staff(solution: Solution, title: str) -> None:
    notifications.notify_staff(
        kind="moderation.queue", title=title, link=path_for("moderation.index"), email=False
    )


def count_by_status(org_id: int) -> dict[str, int]:
    rows = db.session.execute(
        select(Solution.status, func.count(Solution.id))
        .where(Solution.vendor_id == org_id)
        .group_by(Solution.status)
    ).all()
    return dict(rows)


def reindex_solution(solution: Solution, **_details) -> None:
    """Re-index a listing whose public face changed (receiver of `solution_changed`)."""
    search.sync_solution(solution)


def reindex_vendor(organization, **_details) -> None:
    """Re-index a vendor's public listings (receiver of `vendor_changed`)."""
    resync_vendor(organization.id)


def resync_vendor(org_id: int) -> None:
    """Re-index a vendor's public listings after its name or status changed."""
    for solution in db.session.scalars(
        select(Solution).where(
            Solution.vendor_id == org_id, Solution.status == SolutionStatus.PUBLISHED
        )
    ):
        search.sync_solution(solution)
