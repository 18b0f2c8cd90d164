"""Moderator decisions on listings: approve or reject a submission or a revision, suspend,
restore; each tells the vendor.
"""

from __future__ import annotations

from flask_babel import gettext as _

from marketplace.accounts.models import User
from marketplace.catalog import permissions
from marketplace.catalog.content import (
    ListingContent,
    apply_content,
    content_of,
)
from marketplace.catalog.models import (
    RevisionStatus,
    Solution,
    SolutionRevision,
    SolutionStatus,
)
from marketplace.catalog.rules import (
    ListingError,
    TransitionError,
    check_version,
    lock_listing,
    revision_version,
    solution_version,
)
from marketplace.catalog.services import move_listing
from marketplace.core import events
from marketplace.core.audit import record_audit
from marketplace.core.database import utcnow
from marketplace.core.text import clean_reason
from marketplace.core.urls import path_for
from marketplace.extensions import db
from marketplace.notifications import services as notifications


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
    lock_listing(solution)
    check_version(version, solution_version(solution))
    reason = _clean_reason(reason, required=reason_required)
    move_listing(solution, allowed, target)
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
    lock_listing(revision.solution, revision)
    check_version(version, revision_version(revision))
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
    lock_listing(revision.solution, revision)
    check_version(version, revision_version(revision))
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
