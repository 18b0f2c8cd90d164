"""Notifications sent when other domains announce a change (receivers of core.events)."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from marketplace.core import events
from marketplace.core.urls import path_for
from marketplace.notifications import personal_data, services


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


def email_verification_link(user, *, path: str, email: str, change: bool, **_details) -> None:
    """E-mail a link proving an address to that address, in the user's language."""
    with force_locale(user.locale or "vi"):
        if change:
            subject = _("Xác nhận địa chỉ e-mail mới trên Chợ Giải Pháp Số")
            body = _(
                "Bạn vừa yêu cầu đổi e-mail đăng nhập của tài khoản trên Chợ Giải Pháp Số sang "
                "địa chỉ này. Mở liên kết dưới đây (dùng được một lần, trong 3 ngày) để xác "
                "nhận. Nếu không phải bạn, hãy bỏ qua thư này: tài khoản không thay đổi."
            )
            label = _("Xác nhận e-mail mới")
        else:
            subject = _("Xác thực địa chỉ e-mail trên Chợ Giải Pháp Số")
            body = _(
                "Cảm ơn bạn đã đăng ký. Mở liên kết dưới đây (trong 3 ngày) để xác thực địa chỉ "
                "e-mail; sau đó bạn có thể đăng ký dùng thử, đánh giá, mua gói và gửi duyệt "
                "giải pháp. Nếu bạn không đăng ký, hãy bỏ qua thư này."
            )
            label = _("Xác thực e-mail")
    services.queue_email(
        user, subject=subject, body=body, link=path, link_label=label, to_email=email
    )


def tell_old_address(user, *, old_email: str, **_details) -> None:
    """Tell the address an account left that its e-mail was changed (and where to turn)."""
    with force_locale(user.locale or "vi"):
        subject = _("E-mail đăng nhập của bạn trên Chợ Giải Pháp Số đã được đổi")
        body = _(
            "E-mail đăng nhập của tài khoản này vừa được đổi sang %(email)s. Nếu không phải bạn "
            "thực hiện, hãy liên hệ ngay với Chợ qua trang Liên hệ.",
            email=user.email,
        )
    services.queue_email(
        user, subject=subject, body=body, link=path_for("legal.contact"), to_email=old_email
    )


def connect() -> None:
    """Subscribe to the events this domain reacts to (called at app creation)."""
    events.verification_requested.connect(tell_staff_of_verification)
    events.verification_decided.connect(tell_vendor_of_verification)
    events.organization_change_requested.connect(tell_staff_of_organization_change)
    events.organization_change_decided.connect(tell_requester_of_organization_change)
    events.password_reset_requested.connect(email_reset_link)
    events.email_verification_requested.connect(email_verification_link)
    events.email_changed.connect(tell_old_address)
    events.account_erased.connect(personal_data.forget_person)
