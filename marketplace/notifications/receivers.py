"""Notifications sent when other domains announce a change (receivers of core.events)."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from marketplace.core import events
from marketplace.core.urls import path_for
from marketplace.notifications import services


def tell_staff_of_verification(request, **_details) -> None:
    """Tell the moderators that a vendor asks to be verified."""
    services.notify_staff(
        kind="moderation.queue",
        title=_("Yêu cầu xác thực nhà cung cấp: %(name)s", name=request.organization.name),
        link=path_for("moderation.index"),
        email=False,
    )


def tell_vendor_of_verification(request, *, approve: bool, reason: str | None, **_details):
    """Tell the vendor's members how their verification request was decided."""
    org = request.organization
    title = (
        _("Nhà cung cấp %(name)s đã được xác thực.", name=org.name)
        if approve
        else _("Yêu cầu xác thực của %(name)s bị từ chối.", name=org.name)
    )
    services.notify_organization(
        org,
        kind="verification.decided",
        title=title,
        body=_("Lý do: %(reason)s", reason=reason) if reason else "",
        link=path_for("vendor.verification"),
    )


def tell_staff_of_organization_change(change, **_details) -> None:
    """Tell the moderators that an organisation asks to change its name or tax code."""
    services.notify_staff(
        kind="moderation.queue",
        title=_("Yêu cầu đổi tên / mã số thuế: %(name)s", name=change.organization.name),
        link=path_for("moderation.organization_change", change_id=change.id),
        email=False,
    )


def tell_requester_of_organization_change(
    change, *, approve: bool, reason: str | None, **_details
) -> None:
    """Tell whoever asked for a name or tax-code change how it was decided."""
    org = change.organization
    title = (
        _("Thay đổi tên / mã số thuế của %(name)s đã được phê duyệt.", name=org.name)
        if approve
        else _("Thay đổi tên / mã số thuế của %(name)s bị từ chối.", name=org.name)
    )
    kwargs = {
        "kind": "organization_change.decided",
        "title": title,
        "body": _("Lý do: %(reason)s", reason=reason) if reason else "",
        "link": path_for("account.organization"),
    }
    requester = change.requested_by
    if requester is not None and requester.active and requester.organization_id == org.id:
        services.notify(requester, **kwargs)
    else:
        # The requester left: the organisation still needs to know.
        services.notify_organization(org, **kwargs)


def email_reset_link(user, *, path: str, **_details) -> None:
    """E-mail a password-reset link to its account's address, in the user's language."""
    with force_locale(user.locale or "vi"):
        subject = _("Đặt lại mật khẩu trên Chợ Giải Pháp Số")
        body = _(
            "Có người (hy vọng là bạn) vừa yêu cầu đặt lại mật khẩu cho tài khoản này. "
            "Liên kết dưới đây dùng được một lần, trong 1 giờ. Nếu không phải bạn, hãy bỏ qua "
            "thư này: mật khẩu của bạn không thay đổi."
        )
        label = _("Đặt lại mật khẩu")
    services.queue_email(user, subject=subject, body=body, link=path, link_label=label)


def connect() -> None:
    """Subscribe to the events this domain reacts to (called at app creation)."""
    events.verification_requested.connect(tell_staff_of_verification)
    events.verification_decided.connect(tell_vendor_of_verification)
    events.organization_change_requested.connect(tell_staff_of_organization_change)
    events.organization_change_decided.connect(tell_requester_of_organization_change)
    events.password_reset_requested.connect(email_reset_link)
