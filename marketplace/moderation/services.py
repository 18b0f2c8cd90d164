"""Moderation queues, revision diffs and the audit log browser."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from marketplace.accounts import join_requests, organizations
from marketplace.accounts.models import (
    JoinRequest,
    Organization,
    OrganizationChange,
    User,
    VerificationRequest,
)
from marketplace.catalog.content import ListingContent, content_of
from marketplace.catalog.models import (
    RevisionStatus,
    Solution,
    SolutionRevision,
    SolutionStatus,
)
from marketplace.catalog.presenters import describe
from marketplace.core import audit
from marketplace.core.audit import AuditLog
from marketplace.extensions import db
from marketplace.reviews import queries as reviews_queries
from marketplace.reviews.models import ReviewReport


def action_label(action: str) -> str:
    """The words for an audit action, as its domain described it; the raw action if unknown."""
    label = audit.action_labels().get(action)
    return str(label) if label is not None else action


def action_choices() -> list[tuple[str, str]]:
    """The audit log's action filter: every described action, by its words."""
    return sorted(
        ((action, str(label)) for action, label in audit.action_labels().items()),
        key=lambda item: item[1].casefold(),
    )


@dataclass
class Queues:
    solutions: list[Solution]
    revisions: list[SolutionRevision]
    verifications: list[VerificationRequest]
    reports: list[ReviewReport]
    organization_changes: list[OrganizationChange] = field(default_factory=list)
    join_disputes: list[JoinRequest] = field(default_factory=list)

    @property
    def total(self) -> int:
        return (
            len(self.solutions)
            + len(self.revisions)
            + len(self.verifications)
            + len(self.reports)
            + len(self.organization_changes)
            + len(self.join_disputes)
        )


def queues(limit: int = 100) -> Queues:
    """Return what waits for a decision, oldest first, in five queries."""
    solutions = db.session.scalars(
        select(Solution)
        .options(joinedload(Solution.vendor), joinedload(Solution.category))
        .where(Solution.status == SolutionStatus.PENDING)
        .order_by(Solution.submitted_at.asc(), Solution.id.asc())
        .limit(limit)
    ).all()
    revisions = db.session.scalars(
        select(SolutionRevision)
        .options(joinedload(SolutionRevision.solution).joinedload(Solution.vendor))
        .where(SolutionRevision.status == RevisionStatus.PENDING)
        .order_by(SolutionRevision.submitted_at.asc(), SolutionRevision.id.asc())
        .limit(limit)
    ).all()
    verifications = db.session.scalars(
        select(VerificationRequest)
        .options(joinedload(VerificationRequest.organization))
        .where(VerificationRequest.status == "pending")
        .order_by(VerificationRequest.created_at.asc(), VerificationRequest.id.asc())
        .limit(limit)
    ).all()
    reports = reviews_queries.open_reports(limit)
    return Queues(
        list(solutions),
        list(revisions),
        list(verifications),
        reports,
        organizations.pending_changes(limit),
        join_requests.open_disputes(limit),
    )


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class RevisionDiff:
    fields: list[FieldChange]
    description: list[tuple[str, str]]  # (marker, line): "+", "-" or " "
    plans_before: list[Any]
    plans_after: list[Any]
    features: list[FieldChange]
    images_changed: bool
    # The description word by word: (op, text), op "=", "+" or "-".
    description_words: list[tuple[str, str]] = field(default_factory=list)

    @property
    def plan_rows(self) -> list[PlanRow]:
        return plan_rows(self.plans_before, self.plans_after)

    @property
    def plans_changed(self) -> bool:
        return _plan_rows(self.plans_before) != _plan_rows(self.plans_after)

    @property
    def empty(self) -> bool:
        return not (
            self.fields
            or any(m != " " for m, _line in self.description)
            or self.plans_changed
            or self.features
            or self.images_changed
        )


def _plan_rows(plans) -> list[tuple]:
    return [
        (
            p.name,
            p.price_vnd,
            p.period,
            p.trial_days,
            p.limits,
            p.vat_treatment,
            p.price_includes_vat,
        )
        for p in plans
    ]


@dataclass
class PlanCell:
    before: Any
    after: Any

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass
class PlanRow:
    """One plan, live beside proposed: "added", "removed", "changed" or "same"."""

    state: str
    name: PlanCell
    price_vnd: PlanCell
    period: PlanCell
    trial_days: PlanCell
    limits: PlanCell


PLAN_FIELDS = ("name", "price_vnd", "period", "trial_days", "limits")


def plan_rows(before: list[Any], after: list[Any]) -> list[PlanRow]:
    """Pair the live and proposed plans (by id, else by name, else by position), row by row."""
    remaining = list(before)
    pairs: list[tuple[Any, Any]] = []
    for plan in after:
        match = next(
            (p for p in remaining if getattr(p, "id", None) and p.id == getattr(plan, "id", None)),
            None,
        ) or next((p for p in remaining if p.name == plan.name), None)
        if match is not None:
            remaining.remove(match)
        pairs.append((match, plan))
    pairs.extend((plan, None) for plan in remaining)
    rows = []
    for old, new in pairs:
        cells = {
            name: PlanCell(
                getattr(old, name) if old is not None else None,
                getattr(new, name) if new is not None else None,
            )
            for name in PLAN_FIELDS
        }
        if old is None:
            state = "added"
        elif new is None:
            state = "removed"
        else:
            state = "changed" if any(c.changed for c in cells.values()) else "same"
        rows.append(PlanRow(state, **cells))
    return rows


_WORDS = re.compile(r"\S+\s*|\s+")


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """A word-level diff: (op, text) with op "=", "+" or "-", spaces kept."""
    old, new = _WORDS.findall(before), _WORDS.findall(after)
    out: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(("=", "".join(old[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            out.append(("-", "".join(old[i1:i2])))
        if tag in ("insert", "replace"):
            out.append(("+", "".join(new[j1:j2])))
    return out


def revision_diff(revision: SolutionRevision) -> RevisionDiff:
    """Compare a revision with the live version, field by field."""
    live = content_of(revision.solution)
    proposed = ListingContent.from_json(revision.content)
    live_view, new_view = describe(live), describe(proposed)
    fields = []
    for label, a, b in [
        (_l("Tên giải pháp"), live.name, proposed.name),
        (_l("Khẩu hiệu"), live.tagline, proposed.tagline),
        (
            _l("Danh mục"),
            live_view.category.full_name if live_view.category else "",
            new_view.category.full_name if new_view.category else "",
        ),
        (_l("Hình thức triển khai"), live.deployment, proposed.deployment),
        (_l("Trang giới thiệu sản phẩm"), live.website or "", proposed.website or ""),
    ]:
        if a != b:
            fields.append(FieldChange(str(label), a, b))
    description = [
        (line[0], line[2:])
        for line in difflib.ndiff(live.description.splitlines(), proposed.description.splitlines())
        if line[:1] in ("+", "-", " ")
    ]
    before = {r.key: r for r in live_view.features}
    after = {r.key: r for r in new_view.features}
    features = []
    for key in list(before) + [k for k in after if k not in before]:
        a, b = before.get(key), after.get(key)
        if (a.value if a else None) != (b.value if b else None):
            features.append(
                FieldChange((b or a).label, a.value if a else "—", b.value if b else "—")
            )
    return RevisionDiff(
        fields=fields,
        description=description,
        plans_before=live.plans,
        plans_after=proposed.plans,
        features=features,
        images_changed=(live.logo_id, live.screenshot_ids)
        != (proposed.logo_id, proposed.screenshot_ids),
        description_words=word_diff(live.description, proposed.description),
    )


# ---------------------------------------------------------------- audit log browsing


# What each audited table is called and which staff page shows it: each domain describes
# its own (core/audit.py's `describe`, in the domain's `audit_labels.py`).


def object_kind(object_type: str) -> str:
    """The Vietnamese (or English) name of an audited table; the table name if unknown."""
    kind = audit.object_kinds().get(object_type)
    return str(kind.label) if kind is not None else object_type


def object_choices(object_types: list[str]) -> list[tuple[str, str]]:
    """The audit log's object filter: the tables in the log, by their words."""
    return sorted(((t, object_kind(t)) for t in object_types), key=lambda item: item[1].casefold())


def audit_object_text(entry: AuditLog) -> str:
    """ "Giải pháp: SaoKhuê VPS", "Yêu cầu dùng thử #107 – Công ty …"."""
    kind = audit.object_kinds().get(entry.object_type)
    name = str(kind.label) if kind is not None else entry.object_type
    label = entry.object_label or ""
    if re.fullmatch(rf"[\w ]*#{entry.object_id}", label):
        label = ""  # "user #5": the number alone, already said
    if kind is None or kind.numbered or not label:
        return f"{name} #{entry.object_id}" + (f" – {label}" if label else "")
    return f"{name}: {label}"


def audit_object_page(entry: AuditLog, viewer: Any) -> tuple[str, dict[str, int]] | None:
    """(endpoint, arguments) of the page that shows the object to `viewer`, or None."""
    kind = audit.object_kinds().get(entry.object_type)
    if kind is None or kind.endpoint is None or getattr(viewer, "role", None) not in kind.roles:
        return None
    return kind.endpoint, ({kind.argument: entry.object_id} if kind.argument else {})


@dataclass
class AuditFilter:
    action: str = ""
    object_type: str = ""
    actor: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def audit_query(filters: AuditFilter) -> Select:
    """Build the audit-log query for these filters, newest first."""
    query = select(AuditLog).options(selectinload(AuditLog.actor))
    if filters.action:
        query = query.where(AuditLog.action == filters.action)
    if filters.object_type:
        query = query.where(AuditLog.object_type == filters.object_type)
    if filters.actor:
        query = query.join(User, AuditLog.actor_id == User.id).where(
            User.email == filters.actor.strip().lower()
        )
    if filters.date_from:
        start = dt.datetime.combine(filters.date_from, dt.time.min, tzinfo=_VN_TZ)
        query = query.where(AuditLog.created_at >= start.astimezone(dt.UTC))
    if filters.date_to:
        end = dt.datetime.combine(
            filters.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=_VN_TZ
        )
        query = query.where(AuditLog.created_at < end.astimezone(dt.UTC))
    return query.order_by(AuditLog.created_at.desc(), AuditLog.id.desc())


_VN_TZ = dt.timezone(dt.timedelta(hours=7), "Asia/Ho_Chi_Minh")


def solutions_query(status: str | None, q: str | None) -> Select:
    """List solutions for moderators, optionally by status and name."""
    query = select(Solution).options(joinedload(Solution.vendor), joinedload(Solution.category))
    if status:
        query = query.where(Solution.status == status)
    if q:
        query = query.where(Solution.name.ilike(f"%{q.strip()[:100]}%"))
    return query.order_by(Solution.updated_at.desc(), Solution.id.desc())


def organization_label(org: Organization) -> str:
    return org.name
