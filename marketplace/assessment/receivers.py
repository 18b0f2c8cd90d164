"""What the assessment does when others act: a sign-in attaches the browser's draft."""

from __future__ import annotations

from flask import flash
from flask_babel import gettext as _

from marketplace.assessment import services


def attach_on_sign_in(sender, user, **_extra) -> None:
    """Give the anonymous assessment of this browser to the user who just signed in.

    Runs inside the sign-in or sign-up request, in its transaction (the view commits).
    """
    attached = services.attach_anonymous(user)
    if attached is None:
        return
    if attached.completed:
        flash(_("Kết quả tự đánh giá của bạn đã được lưu vào tổ chức."), "success")
    else:
        flash(_("Bài tự đánh giá đang làm dở đã được lưu; bạn có thể làm tiếp."), "success")
