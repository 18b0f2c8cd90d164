"""Labels and links of trials: statuses, the actions a trial allows, each party's link."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import pgettext

from marketplace.core.urls import path_for
from marketplace.trials.models import (
    TrialRequest,
    TrialStatus,
)
from marketplace.trials.rules import TRANSITIONS

S = TrialStatus


def allowed_actions(trial: TrialRequest) -> set[str]:
    """Return the actions the trial's status allows (`accept`, `cancel`…), for the pages."""
    return {
        action.removeprefix("trial.")
        for (src, _dst), action in TRANSITIONS.items()
        if src == trial.status
    }


def enterprise_link(trial: TrialRequest) -> str:
    return path_for("trials.my_trial", trial_id=trial.id)


def vendor_link(trial: TrialRequest) -> str:
    return path_for("trials.vendor_trial", trial_id=trial.id)


def trial_label(trial: TrialRequest) -> str:
    return f"{trial.solution.name} — {trial.organization.name}"[:200]


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
