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
from marketplace.core.audit import AuditLog
from marketplace.extensions import db
from marketplace.reviews import queries as reviews_queries
from marketplace.reviews.models import ReviewReport

ACTION_LABELS = {
    "solution.create": _l("Tạo bản nháp"),
    "solution.submit": _l("Gửi duyệt"),
    "solution.withdraw": _l("Rút lại"),
    "solution.approve": _l("Phê duyệt và xuất bản"),
    "solution.reject": _l("Từ chối"),
    "solution.suspend": _l("Tạm ngưng"),
    "solution.restore": _l("Khôi phục"),
    "solution.archive": _l("Lưu trữ"),
    "revision.submit": _l("Gửi duyệt bản chỉnh sửa"),
    "revision.withdraw": _l("Rút lại bản chỉnh sửa"),
    "revision.approve": _l("Phê duyệt bản chỉnh sửa"),
    "revision.reject": _l("Từ chối bản chỉnh sửa"),
    "verification.request": _l("Yêu cầu xác thực"),
    "verification.approve": _l("Xác thực nhà cung cấp"),
    "verification.reject": _l("Từ chối xác thực"),
    "payment.checkout": _l("Tạo phiên thanh toán"),
    "payment.paid": _l("Thanh toán thành công"),
    "payment.failed": _l("Thanh toán thất bại"),
    "payment.expired": _l("Phiên thanh toán hết hạn"),
    "subscription.create": _l("Tạo gói đăng ký"),
    "subscription.update": _l("Cập nhật gói đăng ký"),
    "subscription.cancel_at_period_end": _l("Hủy gói khi hết kỳ"),
    "trial.request": _l("Đăng ký dùng thử"),
    "trial.accept": _l("Chấp nhận yêu cầu dùng thử"),
    "trial.decline": _l("Từ chối yêu cầu dùng thử"),
    "trial.start": _l("Bắt đầu dùng thử"),
    "trial.end": _l("Kết thúc dùng thử"),
    "trial.convert": _l("Chuyển sang trả phí"),
    "trial.cancel": _l("Hủy yêu cầu dùng thử"),
    "organization.rename": _l("Đổi tên tổ chức"),
    "organization_change.request": _l("Yêu cầu đổi tên / mã số thuế"),
    "organization_change.approve": _l("Phê duyệt đổi tên / mã số thuế"),
    "organization_change.reject": _l("Từ chối đổi tên / mã số thuế"),
    "organization_change.withdraw": _l("Rút lại yêu cầu đổi tên / mã số thuế"),
    "member.invite": _l("Mời thành viên"),
    "member.invitation_revoke": _l("Thu hồi lời mời"),
    "member.join": _l("Tham gia tổ chức"),
    "member.role_change": _l("Đổi vai trò thành viên"),
    "member.remove": _l("Xóa thành viên"),
    "member.leave": _l("Rời tổ chức"),
    "member.transfer_ownership": _l("Chuyển quyền sở hữu"),
    "member.join_request": _l("Yêu cầu tham gia tổ chức"),
    "member.join_accept": _l("Chấp nhận yêu cầu tham gia"),
    "member.join_refuse": _l("Từ chối yêu cầu tham gia"),
    "member.join_dispute": _l("Gửi tranh chấp quyền sở hữu"),
    "member.dispute_grant": _l("Trao quyền sở hữu tổ chức"),
    "member.dispute_dismiss": _l("Từ chối tranh chấp quyền sở hữu"),
    "review.hide": _l("Ẩn nhận xét"),
    "review.restore": _l("Hiển thị lại nhận xét"),
    "review.dismiss_reports": _l("Bỏ qua báo cáo vi phạm"),
    # The operator's console (marketplace/admin/).
    "admin.user_deactivate": _l("Khóa tài khoản"),
    "admin.user_reactivate": _l("Mở khóa tài khoản"),
    "admin.user_password_reset": _l("Gửi e-mail đặt lại mật khẩu"),
    "admin.user_resend_verification": _l("Gửi lại e-mail xác thực"),
    "admin.user_throttle_clear": _l("Xóa bộ đếm đăng nhập sai"),
    "admin.staff_role_change": _l("Đổi vai trò vận hành"),
    "admin.staff_invite": _l("Mời kiểm duyệt viên / quản trị viên"),
    "admin.staff_invite_resend": _l("Gửi lại lời mời vận hành"),
    "admin.staff_invite_accept": _l("Nhận lời mời vận hành"),
    "admin.organization_edit": _l("Sửa hồ sơ tổ chức (quản trị)"),
    "admin.organization_deactivate": _l("Ngừng hoạt động tổ chức"),
    "admin.organization_reactivate": _l("Cho tổ chức hoạt động trở lại"),
    "admin.organization_merge": _l("Gộp tổ chức trùng lặp"),
    "category.create": _l("Thêm danh mục"),
    "category.update": _l("Sửa danh mục"),
    "category.move": _l("Đổi thứ tự danh mục"),
    "category.retire": _l("Ngừng sử dụng danh mục"),
    "category.restore": _l("Khôi phục danh mục"),
    "category.delete": _l("Xóa danh mục"),
    "solution.category_move": _l("Chuyển giải pháp sang danh mục khác"),
    "feature.create": _l("Thêm tính năng so sánh"),
    "feature.update": _l("Sửa tính năng so sánh"),
    "feature.move": _l("Đổi thứ tự tính năng"),
    "feature.retire": _l("Ngừng sử dụng tính năng"),
    "feature.restore": _l("Khôi phục tính năng"),
    "settings.contact": _l("Sửa thông tin liên hệ"),
    "settings.banner": _l("Sửa thông báo trên toàn trang"),
    "settings.terms_version": _l("Công bố phiên bản điều khoản"),
    "settings.privacy_version": _l("Công bố phiên bản chính sách dữ liệu"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


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


# What each audited table is, in words (the log's object filter and rows), and where a
# moderator reads the object (an endpoint and its argument), when there is such a page.
OBJECT_KINDS: dict[str, Any] = {
    "solutions": _l("Giải pháp"),
    "solution_revisions": _l("Bản chỉnh sửa giải pháp"),
    "trial_requests": _l("Yêu cầu dùng thử"),
    "payments": _l("Thanh toán"),
    "subscriptions": _l("Gói thuê bao"),
    "reviews": _l("Nhận xét"),
    "review_reports": _l("Báo cáo nhận xét"),
    "organizations": _l("Tổ chức"),
    "organization_changes": _l("Đổi tên / mã số thuế"),
    "verification_requests": _l("Yêu cầu xác thực"),
    "users": _l("Tài khoản"),
    "categories": _l("Danh mục"),
    "feature_definitions": _l("Tính năng so sánh"),
    "site_settings": _l("Cài đặt trang"),
}
OBJECT_PAGES = {
    "solutions": ("moderation.solution", "solution_id"),
    "solution_revisions": ("moderation.revision", "revision_id"),
    "trial_requests": ("trials.staff_trial", "trial_id"),
    "reviews": ("reviews.moderation_review", "review_id"),
    "verification_requests": ("moderation.verification", "request_id"),
    "organization_changes": ("moderation.organization_change", "change_id"),
}
# Objects known by their number first ("Yêu cầu dùng thử #107 – Công ty …").
_NUMBERED = {"trial_requests", "payments", "subscriptions", "review_reports", "users"}


def object_kind(object_type: str) -> str:
    """The Vietnamese (or English) name of an audited table; the table name if unknown."""
    kind = OBJECT_KINDS.get(object_type)
    return str(kind) if kind is not None else object_type


def audit_object_text(entry: AuditLog) -> str:
    """ "Giải pháp: SaoKhuê VPS", "Yêu cầu dùng thử #107 – Công ty …"."""
    kind = object_kind(entry.object_type)
    label = entry.object_label or ""
    if entry.object_type in _NUMBERED or not label:
        return f"{kind} #{entry.object_id}" + (f" – {label}" if label else "")
    return f"{kind}: {label}"


def audit_object_page(entry: AuditLog) -> tuple[str, dict[str, int]] | None:
    """(endpoint, arguments) of the page that shows the object to staff, or None."""
    page = OBJECT_PAGES.get(entry.object_type)
    if page is None:
        return None
    endpoint, argument = page
    return endpoint, {argument: entry.object_id}


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
