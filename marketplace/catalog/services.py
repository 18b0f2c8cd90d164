"""Vendor actions on listings: create and edit drafts, revisions of live listings, submit,
withdraw, discard, archive; re-indexing when a listing or its vendor changes.

The rules and content versions are in `rules`, moderator decisions in `decisions`.
"""

from __future__ import annotations

import itertools

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.accounts import roles
from marketplace.accounts.models import User
from marketplace.accounts.roles import require_action
from marketplace.catalog import permissions, search_index
from marketplace.catalog.content import (
    FeatureInput,
    ListingContent,
    apply_content,
)
from marketplace.catalog.listing_queries import open_revision, vocabulary, working_content
from marketplace.catalog.models import (
    RevisionStatus,
    Solution,
    SolutionRevision,
    SolutionStatus,
)
from marketplace.catalog.rules import ListingError, TransitionError, lock_listing, validate_content
from marketplace.core import events
from marketplace.core.audit import record_audit
from marketplace.core.database import utcnow
from marketplace.core.permissions import deny
from marketplace.core.text import slugify
from marketplace.core.urls import path_for
from marketplace.extensions import db
from marketplace.notifications import services as notifications

SLUG_ATTEMPTS = 5


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
    require_action(actor, "listing.edit")
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
    require_action(actor, "listing.edit")
    lock_listing(solution)
    _keep_retired_values(solution, content)
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


def _keep_retired_values(solution: Solution, content: ListingContent) -> None:
    """Carry over the values of retired features: the editor no longer shows them, and an
    edit must not lose what the listing holds (they return if the feature is restored)."""
    retired = {d.key for d in vocabulary(content.category_id, include_retired=True) if d.retired}
    if not retired:
        return
    current, _revision = working_content(solution)
    if current.category_id != content.category_id:
        return
    present = {f.key for f in content.features}
    for feature in current.features:
        if feature.key in retired and feature.key not in present:
            content.features.append(FeatureInput(key=feature.key, value=feature.value))


def submit_solution(actor: User, solution: Solution) -> SolutionRevision | None:
    """Send a draft (or the open revision of a live listing) to the moderators."""
    permissions.require_edit_solution(actor, solution)
    roles.require_action(actor, "listing.submit")
    lock_listing(solution)
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
    require_action(actor, "listing.submit")
    lock_listing(solution)
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
    require_action(actor, "listing.edit")
    lock_listing(solution)
    revision = open_revision(solution)
    if revision is None or revision.status != RevisionStatus.DRAFT:
        raise TransitionError(_("Không có bản chỉnh sửa nháp để hủy."))
    db.session.delete(revision)
    db.session.flush()


def archive_solution(actor: User, solution: Solution) -> None:
    """Take the vendor's own published listing off the marketplace for good."""
    permissions.require_edit_solution(actor, solution)
    require_action(actor, "listing.submit")
    lock_listing(solution)
    move_listing(solution, {SolutionStatus.PUBLISHED}, SolutionStatus.ARCHIVED)
    revision = open_revision(solution)
    if revision is not None:
        db.session.delete(revision)
    db.session.flush()
    events.solution_changed.send(solution)
    record_audit(actor, "solution.archive", solution)


def move_listing(solution: Solution, allowed: set[str], target: str) -> None:
    if solution.status not in allowed:
        raise TransitionError(_("Thao tác không hợp lệ với trạng thái hiện tại của giải pháp."))
    solution.status = target


def _tell_staff(solution: Solution, title: str) -> None:
    notifications.notify_staff(
        kind="moderation.queue", title=title, link=path_for("moderation.index"), email=False
    )


def reindex_solution(solution: Solution, **_details) -> None:
    """Re-index a listing whose public face changed (receiver of `solution_changed`)."""
    search_index.sync_solution(solution)


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
        search_index.sync_solution(solution)
