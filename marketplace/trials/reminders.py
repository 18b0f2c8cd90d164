"""The daily tick: end the trials whose last day has passed and queue the reminders of trials
about to end.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.core.clock import local_today
from marketplace.core.database import utcnow
from marketplace.core.formatting import format_date
from marketplace.extensions import db
from marketplace.notifications import services as notifications
from marketplace.trials.models import (
    TrialEvent,
    TrialRequest,
    TrialStatus,
)
from marketplace.trials.presenters import enterprise_link, vendor_link
from marketplace.trials.queries import with_details
from marketplace.trials.services import finish_trial

S = TrialStatus


REMINDER_DAYS = 3


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
        with_details(
            select(TrialRequest).where(
                TrialRequest.status == S.ACTIVE, TrialRequest.end_date < today
            )
        )
        .order_by(TrialRequest.id)
        .with_for_update(skip_locked=True, of=TrialRequest)
    ).all()
    for trial in expired:
        finish_trial(trial, None, _("Hết thời gian dùng thử (tự động)."))
        result.ended.append(trial.id)
    due = db.session.scalars(
        with_details(
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
