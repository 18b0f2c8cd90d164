"""Reads of listings for the vendor's editor and the moderators: open revisions, the content
being edited, history, categories and vocabulary, counts by status.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from marketplace.catalog.content import (
    ListingContent,
    content_of,
)
from marketplace.catalog.models import (
    Category,
    FeatureDefinition,
    RevisionStatus,
    Solution,
    SolutionRevision,
)
from marketplace.core.audit import AuditLog
from marketplace.extensions import db


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
    has_children = select(Category.parent_id).where(
        Category.parent_id.is_not(None), Category.active.is_(True)
    )
    return list(
        db.session.scalars(
            select(Category)
            .where(Category.id.not_in(has_children), Category.active.is_(True))
            .order_by(Category.position)
        )
    )


def vocabulary(
    category_id: int | None, *, include_retired: bool = False
) -> list[FeatureDefinition]:
    """Return a category's features in order; retired ones only when asked (see rules)."""
    if category_id is None:
        return []
    query = select(FeatureDefinition).where(FeatureDefinition.category_id == category_id)
    if not include_retired:
        query = query.where(FeatureDefinition.retired_at.is_(None))
    return list(db.session.scalars(query.order_by(FeatureDefinition.position)))


def count_by_status(org_id: int) -> dict[str, int]:
    rows = db.session.execute(
        select(Solution.status, func.count(Solution.id))
        .where(Solution.vendor_id == org_id)
        .group_by(Solution.status)
    ).all()
    return dict(rows)
