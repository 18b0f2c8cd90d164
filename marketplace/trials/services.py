"""Trial rules: requesting, the vendor's and the enterprise's decisions, expiry and reminders.

The life of a trial (see TRANSITIONS):

    requested → accepted → active → ended | converted
    requested → declined                 (vendor, a reason is required)
    requested | accepted → cancelled     (enterprise, a reason is optional)
    ended → converted                    (only through a payment: a late purchase)

Every change adds a TrialEvent to the trial's timeline, writes the audit log and tells
the other party. Dates are calendar days in Asia/Ho_Chi_Minh. Starting a trial (the
vendor's "start") sets start_date to the day the vendor starts it, whatever the preferred
date was: the vendor sees the preferred date in the inbox and starts when access is
ready; `end_date = start_date + trial_days` is the last day of the trial, where
trial_days is what the plan offered when the trial was requested.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from marketplace.accounts.choices import org_address
from marketplace.accounts.models import User
from marketplace.accounts.validation import normalise_phone
from marketplace.catalog.models import Plan, Solution, SolutionStatus
from marketplace.core import events
from marketplace.core.audit import record_audit
from marketplace.core.clock import TIMEZONE, local_today
from marketplace.core.csv_export import csv_writer, safe_cell
from marketplace.core.database import utcnow
from marketplace.core.errors import DomainError
from marketplace.core.formatting import format_date
from marketplace.core.params import id_arg
from marketplace.core.text import MAX_REASON, clean_text
from marketplace.core.urls import path_for
from marketplace.extensions import db
from marketplace.notifications import services as notifications
from marketplace.trials import permissions
from marketplace.trials.models import (
    OPEN_STATUSES,
    USED_STATUSES,
    TrialEvent,
    TrialRequest,
    TrialStatus,
)

MAX_START_AHEAD_DAYS = 90
MAX_USERS = 10_000
MAX_MESSAGE = 2000
MAX_CONTACT_NAME = 120
MAX_INSTRUCTIONS = 4000
REMINDER_DAYS = 3
# Median response time: the vendor's latest answered requests, at most this many.
RESPONSE_SAMPLE = 200
EXPORT_LIMIT = 20_000

S = TrialStatus

# (from, to) → the audit action of the move.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.REQUESTED, S.ACCEPTED): "trial.accept",
    (S.REQUESTED, S.DECLINED): "trial.decline",
    (S.REQUESTED, S.CANCELLED): "trial.cancel",
    (S.ACCEPTED, S.ACTIVE): "trial.start",
    (S.ACCEPTED, S.CANCELLED): "trial.cancel",
    (S.ACTIVE, S.ENDED): "trial.end",
    (S.ACTIVE, S.CONVERTED): "trial.convert",
}
# Moves only a payment makes: buying after the trial ended still counts as a conversion.
PAYMENT_TRANSITIONS: dict[tuple[str, str], str] = {(S.ENDED, S.CONVERTED): "trial.convert"}


class TrialError(DomainError):
    """A rule was broken; `field` names the form field the message belongs to (or None)."""


class TrialValidationError(TrialError):
    """The request's details are not acceptable; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        first_field, first = next(iter(errors.items()))
        super().__init__(first, first_field)
        self.errors = errors


class DuplicateTrialError(TrialError):
    """The organisation already has an open trial of this solution."""

    def __init__(self, existing: TrialRequest | None = None) -> None:
        super().__init__(
            _(
                "Doanh nghiệp của bạn đã có một yêu cầu dùng thử đang mở cho giải pháp này. "
                "Bạn có thể theo dõi yêu cầu trong mục “Dùng thử của tôi”."
            )
        )
        self.existing = existing


@dataclass
class TrialInput:
    """What the enterprise typed in the request form."""

    plan_id: int | None
    contact_name: str
    contact_phone: str
    preferred_start: dt.date | None
    users_count: int | None
    message: str = ""


# ---------------------------------------------------------------- the clock


# TIMEZONE and local_today come from core.clock (imported above).


# ---------------------------------------------------------------- field rules


def check_contact_name(value: str | None) -> str | None:
    """Return why the contact name is refused, or None."""
    value = (value or "").strip()
    if not value:
        return _("Vui lòng nhập tên người liên hệ.")
    if len(value) > MAX_CONTACT_NAME:
        return _("Tên người liên hệ không được dài quá %(n)d ký tự.", n=MAX_CONTACT_NAME)
    return None


def check_phone(value: str | None) -> str | None:
    """Return why the phone number is refused, or None."""
    if not (value or "").strip():
        return _("Vui lòng nhập số điện thoại liên hệ.")
    if normalise_phone(value or "") is None:
        return _("Số điện thoại không hợp lệ.")
    return None


def check_preferred_start(value: dt.date | None, today: dt.date) -> str | None:
    """Return why the preferred start date is refused, or None."""
    if value is None:
        return _("Vui lòng chọn ngày muốn bắt đầu dùng thử.")
    if value < today:
        return _("Ngày bắt đầu phải từ hôm nay (%(d)s) trở đi.", d=format_date(today))
    latest = today + dt.timedelta(days=MAX_START_AHEAD_DAYS)
    if value > latest:
        return _(
            "Ngày bắt đầu phải trong vòng %(n)d ngày tới (chậm nhất %(d)s).",
            n=MAX_START_AHEAD_DAYS,
            d=format_date(latest),
        )
    return None


def check_users_count(value: int | None) -> str | None:
    """Return why the number of users is refused, or None."""
    if value is None or not 1 <= value <= MAX_USERS:
        return _("Số người dùng là số nguyên từ 1 đến %(n)s.", n=f"{MAX_USERS:,}".replace(",", "."))
    return None


def check_message(value: str | None) -> str | None:
    """Return why the message is refused, or None."""
    if len(value or "") > MAX_MESSAGE:
        return _("Lời nhắn không được dài quá %(n)d ký tự.", n=MAX_MESSAGE)
    return None


def trial_plans(solution: Solution) -> list[Plan]:
    """Return the solution's plans that can be tried now: active, with trial days."""
    return [p for p in solution.plans if p.active and p.trial_days > 0]


def plan_problem(solution: Solution, plan_id: int | None) -> str | None:
    """Return why this plan cannot be tried on this solution, or None."""
    if plan_id is None:
        return _("Vui lòng chọn gói dịch vụ muốn dùng thử.")
    plan = db.session.get(Plan, plan_id)
    if plan is None or plan.solution_id != solution.id:
        return _("Gói dịch vụ này không thuộc giải pháp đang chọn.")
    if not plan.active:
        return _("Gói dịch vụ này không còn được cung cấp.")
    if plan.trial_days <= 0:
        return _("Gói dịch vụ này không có dùng thử miễn phí.")
    return None


def validate_request(
    solution: Solution, data: TrialInput, *, today: dt.date | None = None
) -> dict[str, str]:
    """Return the problems of a trial request, by form field (empty when it is acceptable)."""
    today = today or local_today()
    checks = {
        "plan": plan_problem(solution, data.plan_id),
        "contact_name": check_contact_name(data.contact_name),
        "contact_phone": check_phone(data.contact_phone),
        "preferred_start": check_preferred_start(data.preferred_start, today),
        "users_count": check_users_count(data.users_count),
        "message": check_message(data.message),
    }
    return {name: message for name, message in checks.items() if message}


# ---------------------------------------------------------------- reading


def open_trial_for(org_id: int, solution_id: int) -> TrialRequest | None:
    """Return the organisation's open (requested, accepted or active) trial of a solution."""
    return db.session.scalar(
        select(TrialRequest).where(
            TrialRequest.organization_id == org_id,
            TrialRequest.solution_id == solution_id,
            TrialRequest.status.in_(OPEN_STATUSES),
        )
    )


def org_has_used_solution(org_id: int, solution_id: int) -> bool:
    """Tell whether the organisation was let into a trial of the solution.

    True for a trial that is accepted, active, ended or converted: what makes a review
    "verified" on the trial side.
    """
    return bool(
        db.session.scalar(
            select(
                select(TrialRequest.id)
                .where(
                    TrialRequest.organization_id == org_id,
                    TrialRequest.solution_id == solution_id,
                    TrialRequest.status.in_(USED_STATUSES),
                )
                .exists()
            )
        )
    )


def active_trial_for(org_id: int, solution_id: int) -> TrialRequest | None:
    """Return the organisation's trial of a solution a payment would convert, if any.

    The active trial first, else the most recently ended one.
    """
    return db.session.scalar(
        select(TrialRequest)
        .where(
            TrialRequest.organization_id == org_id,
            TrialRequest.solution_id == solution_id,
            TrialRequest.status.in_([S.ACTIVE, S.ENDED]),
        )
        .order_by((TrialRequest.status == S.ACTIVE).desc(), TrialRequest.id.desc())
        .limit(1)
    )


def _with_details(query: Select) -> Select:
    return query.options(
        joinedload(TrialRequest.organization),
        joinedload(TrialRequest.solution),
        joinedload(TrialRequest.plan),
        joinedload(TrialRequest.vendor),
    )


def get_trial(trial_id: int, *, with_timeline: bool = True) -> TrialRequest | None:
    """Load a trial with its parties, plan and (optionally) its timeline."""
    query = _with_details(select(TrialRequest).where(TrialRequest.id == trial_id))
    if with_timeline:
        query = query.options(
            selectinload(TrialRequest.events).joinedload(TrialEvent.actor),
            joinedload(TrialRequest.requested_by),
        )
    return db.session.scalar(query)


@dataclass
class InboxFilters:
    status: str | None = None
    solution_id: int | None = None

    def to_args(self) -> dict[str, str | int]:
        args: dict[str, str | int] = {}
        if self.status:
            args["status"] = self.status
        if self.solution_id:
            args["solution"] = self.solution_id
        return args


def parse_inbox_filters(args, vendor_id: int) -> InboxFilters:
    """Read `status` and `solution` from the query string; an unknown status is ignored.

    A solution filter only keeps the vendor's own solutions; one that is not an id is a 400.
    """
    filters = InboxFilters()
    status = (args.get("status") or "").strip()
    if status in set(TrialStatus):
        filters.status = status
    wanted = id_arg("solution", args=args)
    if wanted is not None:
        owned = db.session.scalar(
            select(Solution.id).where(Solution.id == wanted, Solution.vendor_id == vendor_id)
        )
        filters.solution_id = owned
    return filters


def inbox_query(vendor_id: int, filters: InboxFilters | None = None) -> Select:
    """Return the vendor's trials under the filters, newest first, with their details."""
    filters = filters or InboxFilters()
    query = select(TrialRequest).where(TrialRequest.vendor_id == vendor_id)
    if filters.status:
        query = query.where(TrialRequest.status == filters.status)
    if filters.solution_id:
        query = query.where(TrialRequest.solution_id == filters.solution_id)
    return _with_details(query).order_by(TrialRequest.created_at.desc(), TrialRequest.id.desc())


def inbox_counts(vendor_id: int, *, solution_id: int | None = None) -> dict[str, int]:
    """Count the vendor's trials per status (under the solution filter), in one query."""
    query = (
        select(TrialRequest.status, func.count())
        .where(TrialRequest.vendor_id == vendor_id)
        .group_by(TrialRequest.status)
    )
    if solution_id:
        query = query.where(TrialRequest.solution_id == solution_id)
    counts = dict.fromkeys(TrialStatus, 0)
    counts.update(dict(db.session.execute(query).all()))
    return counts


def new_request_count(vendor_id: int | None) -> int:
    """Count the vendor's requests waiting for an answer."""
    if vendor_id is None:
        return 0
    return (
        db.session.scalar(
            select(func.count(TrialRequest.id)).where(
                TrialRequest.vendor_id == vendor_id, TrialRequest.status == S.REQUESTED
            )
        )
        or 0
    )


def my_trials_query(org_id: int) -> Select:
    """Return the enterprise's trials, newest first, with their timelines."""
    return (
        _with_details(select(TrialRequest).where(TrialRequest.organization_id == org_id))
        .options(selectinload(TrialRequest.events).joinedload(TrialEvent.actor))
        .order_by(TrialRequest.created_at.desc(), TrialRequest.id.desc())
    )


def allowed_actions(trial: TrialRequest) -> set[str]:
    """Return the actions the trial's status allows (`accept`, `cancel`…), for the pages."""
    return {
        action.removeprefix("trial.")
        for (src, _dst), action in TRANSITIONS.items()
        if src == trial.status
    }


def median_response_time(vendor_ids: Iterable[int]) -> dict[int, dt.timedelta | None]:
    """Return each vendor's median time from a trial request to its first answer.

    One query over at most the RESPONSE_SAMPLE latest answered requests per vendor;
    None for a vendor that never answered one.
    """
    ids = sorted({int(v) for v in vendor_ids if v is not None})
    result: dict[int, dt.timedelta | None] = dict.fromkeys(ids)
    if not ids:
        return result
    ranked = (
        select(
            TrialRequest.vendor_id.label("vendor_id"),
            TrialRequest.created_at.label("created_at"),
            TrialRequest.first_response_at.label("first_response_at"),
            func.row_number()
            .over(
                partition_by=TrialRequest.vendor_id,
                order_by=(TrialRequest.first_response_at.desc(), TrialRequest.id.desc()),
            )
            .label("n"),
        )
        .where(TrialRequest.vendor_id.in_(ids), TrialRequest.first_response_at.is_not(None))
        .subquery()
    )
    rows = db.session.execute(
        select(ranked.c.vendor_id, ranked.c.created_at, ranked.c.first_response_at).where(
            ranked.c.n <= RESPONSE_SAMPLE
        )
    ).all()
    seconds: dict[int, list[float]] = {}
    for vendor_id, created_at, responded_at in rows:
        # Raw columns from a subquery skip the UTC type on some backends: make them aware.
        created_at = _aware(created_at)
        responded_at = _aware(responded_at)
        seconds.setdefault(vendor_id, []).append(
            max(0.0, (responded_at - created_at).total_seconds())
        )
    for vendor_id, values in seconds.items():
        result[vendor_id] = dt.timedelta(seconds=round(statistics.median(values)))
    return result


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def vendor_response_time(vendor_id: int | None) -> dt.timedelta | None:
    """Return one vendor's median response time (see median_response_time)."""
    if vendor_id is None:
        return None
    return median_response_time([vendor_id]).get(vendor_id)


# ---------------------------------------------------------------- links and labels


def enterprise_link(trial: TrialRequest) -> str:
    return path_for("trials.my_trial", trial_id=trial.id)


def vendor_link(trial: TrialRequest) -> str:
    return path_for("trials.vendor_trial", trial_id=trial.id)


def _label(trial: TrialRequest) -> str:
    return f"{trial.solution.name} — {trial.organization.name}"[:200]


# ---------------------------------------------------------------- changing state


def _move(
    trial: TrialRequest,
    actor: User | None,
    target: str,
    *,
    note: str | None = None,
    via_payment: bool = False,
) -> None:
    """Move the trial to `target` if its status allows it; record the event and the audit."""
    key = (trial.status, target)
    action = TRANSITIONS.get(key) or (PAYMENT_TRANSITIONS.get(key) if via_payment else None)
    if action is None:
        raise TrialError(_illegal_message(trial, target))
    source = trial.status
    now = utcnow()
    # Move only if nobody moved it meanwhile (two vendor members, or the vendor and tick).
    moved = db.session.execute(
        update(TrialRequest)
        .where(TrialRequest.id == trial.id, TrialRequest.status == source)
        .values(status=target, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise TrialError(
            _("Yêu cầu dùng thử vừa được người khác xử lý. Vui lòng tải lại trang để xem.")
        )
    set_committed_value(trial, "status", target)
    set_committed_value(trial, "updated_at", now)
    _record(trial, actor, source, target, action=action, note=note)
    events.trial_moved.send(trial, status=target)


def _record(
    trial: TrialRequest,
    actor: User | None,
    source: str | None,
    target: str,
    *,
    action: str,
    note: str | None = None,
    data: dict | None = None,
) -> None:
    db.session.add(
        TrialEvent(
            trial=trial,
            actor_id=getattr(actor, "id", None),
            from_status=source,
            to_status=target,
            note=note,
        )
    )
    record_audit(
        actor,
        action,
        trial,
        reason=note,
        label=_label(trial),
        data={"from": source, "to": target, **(data or {})},
    )


def status_label(status: str) -> str:
    """Return the glossary word of a trial status."""
    return {
        S.REQUESTED: _("Đã gửi yêu cầu"),
        S.ACCEPTED: _("Đã chấp nhận"),
        S.ACTIVE: _("Đang dùng thử"),
        S.ENDED: _("Đã kết thúc"),
        S.CONVERTED: _("Đã chuyển sang trả phí"),
        # The same words as a rejected listing's, but English tells them apart.
        S.DECLINED: pgettext("trial status", "Bị từ chối"),
        S.CANCELLED: _("Đã hủy"),
    }.get(status, status)


def _illegal_message(trial: TrialRequest, target: str) -> str:
    verbs = {
        S.ACCEPTED: _("chấp nhận"),
        S.DECLINED: _("từ chối"),
        S.CANCELLED: _("hủy"),
        S.ACTIVE: _("bắt đầu"),
        S.ENDED: _("kết thúc"),
        S.CONVERTED: _("chuyển sang trả phí"),
    }
    return _(
        "Không thể %(verb)s yêu cầu dùng thử đang ở trạng thái “%(status)s”.",
        verb=verbs.get(target, target),
        status=status_label(trial.status),
    )


def _clean(text: str | None, *, limit: int, required: bool, missing: str, field: str) -> str | None:
    return clean_text(
        text, limit=limit, required=required, error=TrialError, field=field, missing=missing
    )


def request_trial(
    actor: User, solution: Solution, data: TrialInput, *, today: dt.date | None = None
) -> TrialRequest:
    """Record an enterprise's request to try a plan of a published solution.

    Raises TrialValidationError for bad details and DuplicateTrialError when the
    organisation already has an open trial of the solution. The database's partial
    unique index settles concurrent submits: the loser's transaction is rolled back
    (so nothing else may be pending in the session) and it gets DuplicateTrialError.
    """
    permissions.require_request_trial(actor)
    if solution.status != SolutionStatus.PUBLISHED or not solution.vendor.active:
        raise TrialError(_("Giải pháp này hiện không nhận đăng ký dùng thử."))
    errors = validate_request(solution, data, today=today)
    if errors:
        raise TrialValidationError(errors)
    existing = open_trial_for(actor.organization_id, solution.id)
    if existing is not None:
        raise DuplicateTrialError(existing)
    plan = db.session.get(Plan, data.plan_id)
    trial = TrialRequest(
        organization_id=actor.organization_id,
        requested_by_id=actor.id,
        solution_id=solution.id,
        plan_id=plan.id,
        vendor_id=solution.vendor_id,
        contact_name=data.contact_name.strip(),
        contact_phone=normalise_phone(data.contact_phone),
        preferred_start=data.preferred_start,
        users_count=data.users_count,
        message=(data.message or "").strip(),
        status=S.REQUESTED,
        trial_days=plan.trial_days,
    )
    db.session.add(trial)
    try:
        db.session.flush()
    except IntegrityError as exc:
        # A concurrent submit won the race for the open-trial slot.
        db.session.rollback()
        raise DuplicateTrialError() from exc
    _record(
        trial,
        actor,
        None,
        S.REQUESTED,
        action="trial.request",
        note=trial.message or None,
        data={"plan_id": plan.id},
    )
    events.trial_moved.send(trial, status=S.REQUESTED)
    notifications.notify_organization(
        solution.vendor,
        kind="trial.requested",
        title=_("Yêu cầu dùng thử mới: %(name)s", name=solution.name),
        body=_(
            "%(org)s đăng ký dùng thử gói %(plan)s (%(days)d ngày) cho %(users)d người dùng, "
            "muốn bắt đầu từ %(date)s. Người liên hệ: %(contact)s.",
            org=actor.organization.name,
            plan=plan.name,
            days=plan.trial_days,
            users=trial.users_count,
            date=format_date(trial.preferred_start),
            contact=trial.contact_name,
        ),
        link=vendor_link(trial),
        dedupe_key=f"trial:{trial.id}:requested",
    )
    return trial


def _mark_first_response(trial: TrialRequest) -> None:
    if trial.first_response_at is None:
        trial.first_response_at = utcnow()


def accept_trial(actor: User, trial: TrialRequest, *, instructions: str | None) -> None:
    """Accept a request, with the access instructions the enterprise will see (vendor)."""
    permissions.require_vendor_action(actor, trial)
    text = _clean(
        instructions,
        limit=MAX_INSTRUCTIONS,
        required=True,
        missing=_("Vui lòng nhập hướng dẫn truy cập cho doanh nghiệp."),
        field="instructions",
    )
    _move(trial, actor, S.ACCEPTED)
    trial.access_instructions = text
    _mark_first_response(trial)
    db.session.flush()
    _tell_enterprise(
        trial,
        "accepted",
        _("Yêu cầu dùng thử “%(name)s” đã được chấp nhận", name=trial.solution.name),
        _(
            "%(vendor)s đã chấp nhận yêu cầu dùng thử gói %(plan)s. Hướng dẫn truy cập có "
            "trong mục “Dùng thử của tôi”.",
            vendor=trial.vendor.name,
            plan=trial.plan.name,
        ),
    )


def decline_trial(actor: User, trial: TrialRequest, *, reason: str | None) -> None:
    """Decline a request; the reason is required and shown to the enterprise (vendor)."""
    permissions.require_vendor_action(actor, trial)
    text = _clean(
        reason,
        limit=MAX_REASON,
        required=True,
        missing=_("Vui lòng nêu lý do từ chối."),
        field="reason",
    )
    _move(trial, actor, S.DECLINED, note=text)
    trial.reason = text
    _mark_first_response(trial)
    db.session.flush()
    _tell_enterprise(
        trial,
        "declined",
        _("Yêu cầu dùng thử “%(name)s” bị từ chối", name=trial.solution.name),
        _("Lý do: %(reason)s", reason=text),
    )


def start_trial(actor: User, trial: TrialRequest, *, today: dt.date | None = None) -> None:
    """Start an accepted trial today; it lasts the plan's trial days (vendor)."""
    permissions.require_vendor_action(actor, trial)
    _move(trial, actor, S.ACTIVE)
    trial.start_date = today or local_today()
    trial.end_date = trial.start_date + dt.timedelta(days=trial.trial_days)
    db.session.flush()
    _tell_enterprise(
        trial,
        "started",
        _("Bắt đầu dùng thử “%(name)s”", name=trial.solution.name),
        _(
            "Thời gian dùng thử từ %(start)s đến hết ngày %(end)s.",
            start=format_date(trial.start_date),
            end=format_date(trial.end_date),
        ),
    )


def end_trial(actor: User, trial: TrialRequest, *, note: str | None = None) -> None:
    """End an active trial before its end date (vendor)."""
    permissions.require_vendor_action(actor, trial)
    text = _clean(note, limit=MAX_REASON, required=False, missing="", field="note")
    _end(trial, actor, text)


def _end(trial: TrialRequest, actor: User | None, note: str | None) -> None:
    _move(trial, actor, S.ENDED, note=note)
    db.session.flush()
    _tell_enterprise(
        trial,
        "ended",
        _("Đã kết thúc dùng thử “%(name)s”", name=trial.solution.name),
        _(
            "Thời gian dùng thử gói %(plan)s đã kết thúc. Nếu giải pháp phù hợp, bạn có thể "
            "mua gói để tiếp tục sử dụng.",
            plan=trial.plan.name,
        ),
    )


def convert_trial(
    actor: User | None,
    trial: TrialRequest,
    *,
    via: Literal["vendor", "payment"] = "vendor",
    note: str | None = None,
) -> None:
    """Mark a trial converted to a paid plan.

    via="vendor": a member of the vendor marks an active trial converted (say, a contract
    signed outside the marketplace). via="payment": billing calls this once a payment is
    confirmed (actor is the paying user, or None from a webhook); it converts an active
    trial, or one that already ended. Billing does its own checks, so none are made here.
    """
    if via == "vendor":
        permissions.require_vendor_action(actor, trial)
    elif via != "payment":
        raise ValueError(f"unknown conversion channel {via!r}")
    text = _clean(note, limit=MAX_REASON, required=False, missing="", field="note")
    source = trial.status
    _move(trial, actor, S.CONVERTED, note=text, via_payment=via == "payment")
    db.session.flush()
    _tell_enterprise(
        trial,
        "converted",
        _("“%(name)s”: đã chuyển sang trả phí", name=trial.solution.name),
        _("Cảm ơn bạn đã tin dùng %(name)s.", name=trial.solution.name),
    )
    if via == "payment":
        notifications.notify_organization(
            trial.vendor,
            kind="trial.converted",
            title=_(
                "%(org)s đã mua gói sau dùng thử “%(name)s”",
                org=trial.organization.name,
                name=trial.solution.name,
            ),
            body=_("Trạng thái trước đó: %(status)s.", status=status_label(source)),
            link=vendor_link(trial),
            dedupe_key=f"trial:{trial.id}:converted:vendor",
        )


def cancel_trial(actor: User, trial: TrialRequest, *, reason: str | None = None) -> None:
    """Cancel a request that is not yet running (enterprise)."""
    permissions.require_requester_action(actor, trial)
    text = _clean(reason, limit=MAX_REASON, required=False, missing="", field="reason")
    _move(trial, actor, S.CANCELLED, note=text)
    trial.reason = text
    db.session.flush()
    notifications.notify_organization(
        trial.vendor,
        kind="trial.cancelled",
        title=_(
            "%(org)s đã hủy yêu cầu dùng thử “%(name)s”",
            org=trial.organization.name,
            name=trial.solution.name,
        ),
        body=_("Lý do: %(reason)s", reason=text) if text else "",
        link=vendor_link(trial),
        dedupe_key=f"trial:{trial.id}:cancelled",
    )


def _tell_enterprise(trial: TrialRequest, event: str, title: str, body: str) -> None:
    notifications.notify_organization(
        trial.organization,
        kind=f"trial.{event}",
        title=title,
        body=body,
        link=enterprise_link(trial),
        dedupe_key=f"trial:{trial.id}:{event}",
    )


# ---------------------------------------------------------------- the daily tick


@dataclass
class TickResult:
    today: dt.date
    ended: list[int] = field(default_factory=list)
    reminded: list[int] = field(default_factory=list)


def tick(*, today: dt.date | None = None) -> TickResult:
    """End active trials past their end date and remind those ending within 3 days.

    Idempotent: an ended trial is no longer active, a reminded one has reminder_sent_at,
    and every notification carries a dedupe key. Rows are locked (skipping those a
    concurrent run holds) on PostgreSQL. The caller commits.
    """
    today = today or local_today()
    result = TickResult(today=today)
    expired = db.session.scalars(
        _with_details(
            select(TrialRequest).where(
                TrialRequest.status == S.ACTIVE, TrialRequest.end_date < today
            )
        )
        .order_by(TrialRequest.id)
        .with_for_update(skip_locked=True, of=TrialRequest)
    ).all()
    for trial in expired:
        _end(trial, None, _("Hết thời gian dùng thử (tự động)."))
        result.ended.append(trial.id)
    due = db.session.scalars(
        _with_details(
            select(TrialRequest).where(
                TrialRequest.status == S.ACTIVE,
                TrialRequest.reminder_sent_at.is_(None),
                TrialRequest.end_date >= today,
                TrialRequest.end_date <= today + dt.timedelta(days=REMINDER_DAYS),
            )
        )
        .order_by(TrialRequest.id)
        .with_for_update(skip_locked=True, of=TrialRequest)
    ).all()
    for trial in due:
        _remind(trial, today)
        result.reminded.append(trial.id)
    db.session.flush()
    return result


def _remind(trial: TrialRequest, today: dt.date) -> None:
    days = trial.days_left(today) or 0
    end = format_date(trial.end_date)
    if days == 0:
        when = _("hôm nay (%(date)s)", date=end)
    else:
        when = _("sau %(n)d ngày, hết ngày %(date)s", n=days, date=end)
    notifications.notify_organization(
        trial.organization,
        kind="trial.reminder",
        title=_("Dùng thử “%(name)s” sắp kết thúc", name=trial.solution.name),
        body=_(
            "Thời gian dùng thử gói %(plan)s sẽ kết thúc %(when)s. Hãy mua gói nếu bạn muốn "
            "tiếp tục sử dụng mà không bị gián đoạn.",
            plan=trial.plan.name,
            when=when,
        ),
        link=enterprise_link(trial),
        dedupe_key=f"trial:{trial.id}:reminder",
    )
    notifications.notify_organization(
        trial.vendor,
        kind="trial.reminder",
        title=_(
            "Dùng thử của %(org)s (“%(name)s”) sắp kết thúc",
            org=trial.organization.name,
            name=trial.solution.name,
        ),
        body=_("Thời gian dùng thử sẽ kết thúc %(when)s.", when=when),
        link=vendor_link(trial),
        dedupe_key=f"trial:{trial.id}:reminder:vendor",
    )
    trial.reminder_sent_at = utcnow()
    db.session.add(
        TrialEvent(
            trial=trial,
            actor_id=None,
            from_status=S.ACTIVE,
            to_status=S.ACTIVE,
            note=_("Đã gửi nhắc: dùng thử sắp kết thúc."),
        )
    )


# ---------------------------------------------------------------- CSV export


def export_csv(vendor_id: int, filters: InboxFilters | None = None) -> str:
    """Return the vendor's trials under the filters as CSV text (UTF-8 BOM, dd/mm/yyyy)."""
    trials = db.session.scalars(inbox_query(vendor_id, filters).limit(EXPORT_LIMIT)).unique()
    out, writer = csv_writer()
    writer.writerow(
        [
            _("Mã yêu cầu"),
            _("Ngày gửi"),
            _("Trạng thái"),
            _("Giải pháp"),
            _("Gói dịch vụ"),
            _("Số ngày dùng thử"),
            _("Doanh nghiệp"),
            _("Mã số thuế"),
            _("Địa chỉ"),
            _("Người liên hệ"),
            _("Điện thoại"),
            _("Số người dùng"),
            _("Ngày muốn bắt đầu"),
            _("Ngày bắt đầu"),
            _("Ngày kết thúc"),
            _("Phản hồi lần đầu"),
            _("Lý do"),
            _("Lời nhắn"),
        ]
    )
    for t in trials:
        writer.writerow(
            [
                t.id,
                _local_date(t.created_at),
                status_label(t.status),
                safe_cell(t.solution.name),
                safe_cell(t.plan.name),
                t.trial_days,
                safe_cell(t.organization.name),
                t.organization.tax_code,
                safe_cell(org_address(t.organization)),
                safe_cell(t.contact_name),
                t.contact_phone,
                t.users_count,
                _date(t.preferred_start),
                _date(t.start_date),
                _date(t.end_date),
                _local_datetime(t.first_response_at),
                safe_cell(t.reason or ""),
                safe_cell(t.message or ""),
            ]
        )
    return out.getvalue()


def _date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _local_date(value: dt.datetime | None) -> str:
    return value.astimezone(TIMEZONE).strftime("%d/%m/%Y") if value else ""


def _local_datetime(value: dt.datetime | None) -> str:
    return value.astimezone(TIMEZONE).strftime("%d/%m/%Y %H:%M") if value else ""
