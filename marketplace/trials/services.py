"""Trial state changes: requesting, the vendor's and the enterprise's decisions, ending and
converting (the daily tick is in `reminders`, the moves and checks in `rules`).

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
from typing import Literal

from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from marketplace.accounts import roles
from marketplace.accounts.models import User
from marketplace.accounts.validation import normalise_phone
from marketplace.catalog.models import Plan, Solution, SolutionStatus
from marketplace.core import events
from marketplace.core.audit import record_audit
from marketplace.core.clock import local_today
from marketplace.core.database import utcnow
from marketplace.core.formatting import format_date
from marketplace.core.text import MAX_REASON, clean_text
from marketplace.extensions import db
from marketplace.notifications import services as notifications
from marketplace.trials import permissions
from marketplace.trials.models import (
    TrialEvent,
    TrialRequest,
    TrialStatus,
)
from marketplace.trials.presenters import enterprise_link, status_label, trial_label, vendor_link
from marketplace.trials.queries import open_trial_for
from marketplace.trials.rules import (
    MAX_INSTRUCTIONS,
    PAYMENT_TRANSITIONS,
    TRANSITIONS,
    DuplicateTrialError,
    TrialError,
    TrialInput,
    TrialValidationError,
    validate_request,
)

S = TrialStatus


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
        label=trial_label(trial),
        data={"from": source, "to": target, **(data or {})},
    )


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
    roles.require_action(actor, "trial.request")
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
    finish_trial(trial, actor, text)


def finish_trial(trial: TrialRequest, actor: User | None, note: str | None) -> None:
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
