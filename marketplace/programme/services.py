"""Changes to the programme: rule versions, plan opt-ins, applications and their decisions.

Each function takes the acting user, checks who may act, changes the models and flushes;
the view commits once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from marketplace.accounts.models import User
from marketplace.accounts.roles import require_action
from marketplace.billing.models import Order, OrderStatus
from marketplace.catalog import uploads
from marketplace.catalog.models import Plan
from marketplace.core import events
from marketplace.core.audit import record_audit
from marketplace.core.clock import TIMEZONE, local_today
from marketplace.core.database import dialect_name, utcnow
from marketplace.core.formatting import format_percent_points
from marketplace.core.permissions import require
from marketplace.extensions import db
from marketplace.programme import permissions, queries
from marketplace.programme.models import (
    BANDS,
    Application,
    ApplicationStatus,
    OptInStatus,
    PlanOptIn,
    Programme,
    ProgrammeVersion,
)
from marketplace.programme.rules import (
    MAX_AMOUNT_VND,
    NotFoundError,
    ProgrammeError,
    Support,
    support_on,
)

MAX_REASON = 1000


# ---------------------------------------------------------------- rules


@dataclass
class VersionInput:
    effective_from: dt.date
    period_start: dt.date
    period_end: dt.date
    budget_vnd: int
    assessment_required: bool
    rates: dict[str, int]
    caps: dict[str, int]
    category_ids: list[int]
    note: str = ""


def ensure_programme(name: str) -> Programme:
    """Return the programme, creating it under `name` when there is none yet."""
    programme = queries.current_programme()
    if programme is None:
        programme = Programme(name=name)
        db.session.add(programme)
        db.session.flush()
    return programme


def add_version(
    actor: User, programme: Programme, data: VersionInput, *, today: dt.date | None = None
) -> ProgrammeVersion:
    """Add a version of the rules in force from `data.effective_from` (never in the past:
    what applied to earlier orders stays as it was)."""
    require(permissions.can_edit_rules(actor))
    today = today or local_today()
    if queries.versions(programme.id) and data.effective_from < today:
        raise ProgrammeError(
            _("Ngày áp dụng không được ở quá khứ: quy định cũ vẫn áp dụng cho đơn hàng cũ."),
            field="effective_from",
        )
    if data.period_end < data.period_start:
        raise ProgrammeError(_("Ngày kết thúc phải sau ngày bắt đầu."), field="period_end")
    if not 0 <= data.budget_vnd <= MAX_AMOUNT_VND:
        raise ProgrammeError(_("Ngân sách không hợp lệ."), field="budget_vnd")
    taken = db.session.scalar(
        select(ProgrammeVersion.id).where(
            ProgrammeVersion.programme_id == programme.id,
            ProgrammeVersion.effective_from == data.effective_from,
        )
    )
    if taken is not None:
        raise ProgrammeError(
            _("Đã có một phiên bản quy định áp dụng từ ngày này."), field="effective_from"
        )
    values = {}
    for band in BANDS:
        rate, cap = int(data.rates.get(band, 0)), int(data.caps.get(band, 0))
        if not 0 <= rate <= 100:
            raise ProgrammeError(
                _(
                    "Tỷ lệ hỗ trợ từ %(min)s đến %(max)s.",
                    min=format_percent_points(0),
                    max=format_percent_points(100),
                ),
                field=f"rate_{band}",
            )
        if not 0 <= cap <= MAX_AMOUNT_VND:
            raise ProgrammeError(_("Hạn mức không hợp lệ."), field=f"cap_{band}")
        values[f"rate_{band}"], values[f"cap_{band}"] = rate, cap
    version = ProgrammeVersion(
        programme_id=programme.id,
        effective_from=data.effective_from,
        period_start=data.period_start,
        period_end=data.period_end,
        budget_vnd=data.budget_vnd,
        assessment_required=data.assessment_required,
        category_ids=sorted({int(c) for c in data.category_ids}),
        note=(data.note or "").strip()[:2000],
        created_by_id=getattr(actor, "id", None),
        **values,
    )
    db.session.add(version)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as err:  # the same date added at the same moment
        raise ProgrammeError(
            _("Đã có một phiên bản quy định áp dụng từ ngày này."), field="effective_from"
        ) from err
    record_audit(
        actor,
        "programme.version_added",
        version,
        label=f"{programme.name} {data.effective_from.isoformat()}",
        data={"effective_from": data.effective_from.isoformat(), "budget_vnd": data.budget_vnd},
    )
    return version


# ---------------------------------------------------------------- plans


def request_opt_in(actor: User, plan: Plan) -> PlanOptIn:
    """Put a vendor's plan forward for the programme (again, after a refusal)."""
    if not permissions.owns_plan(actor, plan):
        raise NotFoundError(_("Không tìm thấy gói dịch vụ."))
    require_action(actor, "programme.opt_in")
    programme = queries.current_programme()
    if programme is None:
        raise ProgrammeError(_("Chưa có chương trình hỗ trợ nào."))
    if plan.price_vnd <= 0 or not plan.active:
        raise ProgrammeError(_("Chỉ gói trả phí đang bán mới tham gia chương trình."))
    opt_in = db.session.scalar(
        select(PlanOptIn).where(
            PlanOptIn.programme_id == programme.id, PlanOptIn.plan_id == plan.id
        )
    )
    if opt_in is not None and opt_in.status != OptInStatus.REJECTED:
        return opt_in  # already waiting or approved: nothing to do
    if opt_in is None:
        opt_in = PlanOptIn(
            programme_id=programme.id, plan_id=plan.id, vendor_id=actor.organization_id
        )
        db.session.add(opt_in)
    opt_in.status = OptInStatus.PENDING
    opt_in.requested_by_id = actor.id
    opt_in.requested_at = utcnow()
    opt_in.decided_at = opt_in.decided_by_id = opt_in.reason = None
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # a second click at the same moment made it
        return db.session.scalar(
            select(PlanOptIn).where(
                PlanOptIn.programme_id == programme.id, PlanOptIn.plan_id == plan.id
            )
        )
    record_audit(actor, "programme.opt_in_requested", opt_in, label=plan.name)
    return opt_in


def decide_opt_in(actor: User, opt_in: PlanOptIn, *, approve: bool, reason: str = "") -> None:
    """Approve or refuse (with a reason) a plan's opt-in; a staff decision."""
    require(permissions.can_review(actor))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ProgrammeError(_("Hãy ghi lý do từ chối."), field="reason")
    if opt_in.status != OptInStatus.PENDING:
        raise ProgrammeError(_("Yêu cầu này đã được xử lý."))
    opt_in.status = OptInStatus.APPROVED if approve else OptInStatus.REJECTED
    opt_in.decided_by_id = actor.id
    opt_in.decided_at = utcnow()
    opt_in.reason = reason[:MAX_REASON] or None
    db.session.flush()
    record_audit(
        actor,
        "programme.opt_in_approved" if approve else "programme.opt_in_rejected",
        opt_in,
        label=opt_in.plan.name,
        reason=opt_in.reason,
    )
    events.programme_changed.send(opt_in, what="opt_in", status=opt_in.status)


# ---------------------------------------------------------------- applying


def order_date(order: Order) -> dt.date:
    """Return the order's date in Asia/Ho_Chi_Minh: the date whose rules apply to it."""
    return order.created_at.astimezone(TIMEZONE).date()


def application_problem(order: Order) -> str | None:
    """Return why support cannot be asked for on this order now, or None."""
    if order.status != OrderStatus.PAID:
        return _("Chỉ đề nghị hỗ trợ cho đơn hàng đã thanh toán.")
    if not order.has_einvoice:
        return _("Đơn hàng cần có hóa đơn điện tử do nhà cung cấp ghi nhận.")
    programme = queries.current_programme()
    if programme is None or order.plan is None:
        return _("Gói dịch vụ của đơn hàng không thuộc chương trình hỗ trợ.")
    day = order_date(order)
    version = queries.version_for_day(programme.id, day)
    if version is None:
        return _("Đơn hàng không nằm trong thời gian của chương trình.")
    if order.plan.id not in queries.eligible_plan_ids(version, [order.plan.id]):
        return _("Gói dịch vụ của đơn hàng không thuộc chương trình hỗ trợ.")
    return queries.organization_refusal(version, order.organization)


def apply_for_support(
    actor: User,
    order: Order,
    *,
    note: str,
    invoice_file: FileStorage | None,
    payment_file: FileStorage | None,
) -> Application:
    """File the organisation's application for support on one of its orders."""
    if not permissions.is_buyer(actor, order):
        raise NotFoundError(_("Không tìm thấy đơn hàng."))
    require_action(actor, "programme.apply")
    if queries.application_for_order(order.id) is not None:
        raise ProgrammeError(_("Đơn hàng này đã có hồ sơ đề nghị hỗ trợ."))
    problem = application_problem(order)
    if problem:
        raise ProgrammeError(problem)
    if not _has_file(invoice_file):
        raise ProgrammeError(_("Hãy đính kèm ảnh hóa đơn điện tử."), field="invoice")
    if not _has_file(payment_file):
        raise ProgrammeError(_("Hãy đính kèm ảnh chứng từ thanh toán."), field="payment")
    try:
        invoice = uploads.store_evidence(order.organization_id, invoice_file)
    except uploads.UploadError as err:
        raise ProgrammeError(err.message, field="invoice") from err
    try:
        payment = uploads.store_evidence(order.organization_id, payment_file)
    except uploads.UploadError as err:
        raise ProgrammeError(err.message, field="payment") from err
    day = order_date(order)
    application = Application(
        programme_id=queries.current_programme().id,
        order_id=order.id,
        organization_id=order.organization_id,
        status=ApplicationStatus.SUBMITTED,
        submitted_by_id=actor.id,
        submitted_at=utcnow(),
        note=(note or "").strip()[:2000],
        invoice_upload_id=invoice.id,
        payment_upload_id=payment.id,
        order_date=day,
        support_year=day.year,
        order_amount_vnd=order.total_vnd,
    )
    db.session.add(application)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as err:  # one application per order, even when two arrive at once
        raise ProgrammeError(_("Đơn hàng này đã có hồ sơ đề nghị hỗ trợ.")) from err
    record_audit(actor, "programme.applied", application, label=order.number)
    events.programme_changed.send(application, what="application", status=application.status)
    return application


def _has_file(file: FileStorage | None) -> bool:
    return bool(file is not None and getattr(file, "filename", ""))


# ---------------------------------------------------------------- deciding


def lock_programme(programme_id: int) -> None:
    """Hold the programme's row until the transaction ends, so approvals go one at a time.

    PostgreSQL: SELECT … FOR NO KEY UPDATE. SQLite: a write to the row takes the database's
    write lock at once (later writers wait on the busy timeout), and the reads that follow
    see every approval committed before it.
    """
    if dialect_name() == "sqlite":
        db.session.execute(
            update(Programme).where(Programme.id == programme_id).values(name=Programme.name)
        )
    else:
        # FOR NO KEY UPDATE: approvals queue behind each other, while new applications
        # (whose foreign key only takes a KEY SHARE lock on the row) are never held up.
        db.session.execute(
            select(Programme.id).where(Programme.id == programme_id).with_for_update(key_share=True)
        )


def compute_support(application: Application, *, today: dt.date | None = None) -> Support:
    """Return the support due on an application under the rules at its order's date,
    capped by the organisation's yearly cap and the programme's budget left now."""
    version = queries.version_at(application.programme_id, application.order_date)
    if version is None:
        raise ProgrammeError(_("Không có quy định nào áp dụng cho ngày của đơn hàng."))
    band = application.organization.size_band
    current = queries.version_at(application.programme_id, today or local_today()) or version
    used = queries.committed_for(
        application.organization_id, application.support_year, application.programme_id
    )
    budget_left = current.budget_vnd - queries.committed_total(application.programme_id)
    return support_on(
        application.order_amount_vnd,
        version.rate(band),
        version.cap(band) - used,
        budget_left,
    )


def approve_application(actor: User, application: Application) -> Application:
    """Approve an application: compute its amount and commit it against the cap and the
    budget, under the programme's lock (two approvals never share the last đồng)."""
    require(permissions.can_review(actor))
    if permissions.is_own_organization(actor, application):
        raise ProgrammeError(_("Bạn không thể duyệt hồ sơ của chính tổ chức mình."), status=403)
    lock_programme(application.programme_id)
    db.session.refresh(application)
    if application.status != ApplicationStatus.SUBMITTED:
        raise ProgrammeError(_("Hồ sơ này đã được xử lý."), status=409)
    version = queries.version_at(application.programme_id, application.order_date)
    refusal = (
        None if version is None else queries.organization_refusal(version, application.organization)
    )
    if version is None or refusal:
        raise ProgrammeError(refusal or _("Không có quy định nào áp dụng cho ngày của đơn hàng."))
    support = compute_support(application)
    if support.support_vnd <= 0:
        if support.computed_vnd > 0 and support.cap_left_vnd <= 0:
            raise ProgrammeError(
                _(
                    "Tổ chức đã dùng hết hạn mức hỗ trợ năm %(year)d.",
                    year=application.support_year,
                ),
                status=409,
            )
        if support.computed_vnd > 0:
            raise ProgrammeError(_("Ngân sách của chương trình đã hết."), status=409)
        raise ProgrammeError(_("Số tiền hỗ trợ bằng 0: hãy từ chối hồ sơ kèm lý do."))
    application.status = ApplicationStatus.APPROVED
    application.version_id = version.id
    application.size_band = application.organization.size_band
    application.rate_percent = support.rate
    application.cap_vnd = version.cap(application.size_band)
    application.computed_vnd = support.computed_vnd
    application.amount_vnd = support.support_vnd
    application.reviewer_id = actor.id
    application.decided_at = utcnow()
    application.reason = None
    db.session.flush()
    record_audit(
        actor,
        "programme.application_approved",
        application,
        label=application.order.number,
        data={
            "amount_vnd": support.support_vnd,
            "computed_vnd": support.computed_vnd,
            "rate": support.rate,
            "version_id": version.id,
            "limited_by": support.limited_by,
        },
    )
    events.programme_changed.send(application, what="application", status=application.status)
    return application


def reject_application(actor: User, application: Application, *, reason: str) -> Application:
    """Refuse an application, with the reason the enterprise reads."""
    require(permissions.can_review(actor))
    if permissions.is_own_organization(actor, application):
        raise ProgrammeError(_("Bạn không thể duyệt hồ sơ của chính tổ chức mình."), status=403)
    reason = (reason or "").strip()
    if not reason:
        raise ProgrammeError(_("Hãy ghi lý do từ chối."), field="reason")
    _claim(application, ApplicationStatus.SUBMITTED, ApplicationStatus.REJECTED)
    application.reviewer_id = actor.id
    application.decided_at = utcnow()
    application.reason = reason[:MAX_REASON]
    db.session.flush()
    record_audit(
        actor,
        "programme.application_rejected",
        application,
        label=application.order.number,
        reason=application.reason,
    )
    events.programme_changed.send(application, what="application", status=application.status)
    return application


def record_disbursement(actor: User, application: Application, *, reference: str) -> Application:
    """Record that the approved amount was paid to the enterprise."""
    require(permissions.can_review(actor))
    if permissions.is_own_organization(actor, application):
        raise ProgrammeError(_("Bạn không thể duyệt hồ sơ của chính tổ chức mình."), status=403)
    reference = (reference or "").strip()
    if not reference:
        raise ProgrammeError(_("Hãy ghi số chứng từ chi."), field="reference")
    _claim(application, ApplicationStatus.APPROVED, ApplicationStatus.DISBURSED)
    application.disbursed_at = utcnow()
    application.disbursed_by_id = actor.id
    application.disbursement_reference = reference[:100]
    db.session.flush()
    record_audit(
        actor,
        "programme.disbursed",
        application,
        label=application.order.number,
        data={
            "amount_vnd": application.amount_vnd,
            "reference": application.disbursement_reference,
        },
    )
    events.programme_changed.send(application, what="application", status=application.status)
    return application


def _claim(application: Application, source: str, target: str) -> None:
    """Move the application from `source` to `target` once, even when two reviewers click."""
    moved = db.session.execute(
        update(Application)
        .where(Application.id == application.id, Application.status == source)
        .values(status=target, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise ProgrammeError(_("Hồ sơ này đã được xử lý."), status=409)
    application.status = target
