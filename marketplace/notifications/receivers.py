"""Notifications sent when other domains announce a change (receivers of core.events)."""

from __future__ import annotations

from types import SimpleNamespace

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.accounts.models import Membership, User
from marketplace.core import events
from marketplace.core.urls import path_for
from marketplace.extensions import db
from marketplace.notifications import personal_data, services

_ROLE_NAMES = {"owner": _l("Chủ sở hữu"), "manager": _l("Quản lý"), "member": _l("Thành viên")}


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


def _recipient(email: str, name: str, locale: str = "vi") -> SimpleNamespace:
    """Stand for a person who has no account yet (an invitee, a join requester)."""
    return SimpleNamespace(email=email, name=name, locale=locale, active=True)


def _owners(org_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.organization_id == org_id,
                Membership.role == "owner",
                User.active.is_(True),
            )
            .order_by(User.id)
        )
    )


def email_invitation(invitation, *, path: str, actor, **_details) -> None:
    """E-mail an invitation link to the invited address."""
    org = invitation.organization
    with force_locale("vi"):
        subject = _("Lời mời tham gia %(org)s trên Chợ Giải Pháp Số", org=org.name)
        body = _(
            "%(inviter)s mời bạn tham gia %(org)s trên Chợ Giải Pháp Số. Liên kết dưới đây "
            "dùng được một lần, trong 7 ngày.",
            inviter=actor.name,
            org=org.name,
        )
        label = _("Nhận lời mời")
        who = _("bạn")
    services.queue_email(
        _recipient(invitation.email, who), subject=subject, body=body, link=path, link_label=label
    )


def email_staff_invitation(user, *, path: str, actor, days: int, **_details) -> None:
    """E-mail a new moderator or administrator the link where they choose their password."""
    with force_locale(user.locale or "vi"):
        subject = _("Lời mời làm việc trên Chợ Giải Pháp Số")
        body = _(
            "%(inviter)s đã tạo cho bạn tài khoản %(role)s trên Chợ Giải Pháp Số. Mở liên kết "
            "dưới đây để đặt mật khẩu của bạn; liên kết dùng được một lần, trong %(days)d ngày.",
            inviter=actor.name,
            role=_("quản trị viên") if user.role == "admin" else _("kiểm duyệt viên"),
            days=days,
        )
        label = _("Đặt mật khẩu")
    services.queue_email(user, subject=subject, body=body, link=path, link_label=label)


def tell_owners_of_new_member(membership, *, via: str, **_details) -> None:
    """Tell the organisation's owners that someone joined."""
    for owner in _owners(membership.organization_id):
        if owner.id == membership.user_id:
            continue
        services.notify(
            owner,
            kind="members.joined",
            title=_(
                "%(name)s đã tham gia %(org)s.",
                name=membership.user.name,
                org=membership.organization.name,
            ),
            link=path_for("account.members"),
            email=False,
        )


def tell_member_of_role(membership, *, change: str, actor, **_details) -> None:
    """Tell a member that their organisation role changed."""
    user = membership.user
    with force_locale(user.locale or "vi"):
        title = _(
            "Vai trò của bạn trong %(org)s nay là: %(role)s.",
            org=membership.organization.name,
            role=_ROLE_NAMES.get(membership.role, membership.role),
        )
    services.notify(user, kind="members.role", title=title, link=path_for("account.members"))


def tell_removed_member(org, *, user, actor, **_details) -> None:
    """Tell a person who was removed from an organisation (not one who left by themselves)."""
    if actor is not None and actor.id == user.id:
        return
    with force_locale(user.locale or "vi"):
        title = _("Bạn không còn là thành viên của %(org)s.", org=org.name)
    services.notify(user, kind="members.removed", title=title, link=None)


def tell_owners_of_join_request(join, *, dispute_path: str | None = None, **_details) -> None:
    """Tell the owners, in the app and by e-mail, that someone asks to join; give the
    requester the link to the moderators in case nobody answers or the owner is not theirs."""
    org = join.organization
    if dispute_path:
        with force_locale(join.locale or "vi"):
            subject = _("Đã gửi yêu cầu tham gia %(org)s", org=org.name)
            body = _(
                "Chủ sở hữu của tổ chức đã được thông báo. Nếu tổ chức này do người khác đăng "
                "ký, hoặc không ai trả lời trong 7 ngày, hãy gửi giấy chứng nhận đăng ký doanh "
                "nghiệp cho kiểm duyệt viên qua liên kết dưới đây."
            )
            label = _("Gửi kiểm duyệt viên")
        services.queue_email(
            _recipient(join.email, join.name, join.locale),
            subject=subject,
            body=body,
            link=dispute_path,
            link_label=label,
        )
    for owner in _owners(org.id):
        with force_locale(owner.locale or "vi"):
            title = _(
                "%(name)s (%(email)s) xin gia nhập %(org)s.",
                name=join.name,
                email=join.email,
                org=org.name,
            )
            body = _("Chấp nhận (chọn vai trò) hoặc từ chối trên trang Thành viên.")
        services.notify(
            owner,
            kind="members.join_request",
            title=title,
            body=body,
            link=path_for("account.members"),
        )


def email_join_decision(join, *, accept: bool, **_details) -> None:
    """E-mail the requester how their join request was answered."""
    org = join.organization
    with force_locale(join.locale or "vi"):
        if accept:
            subject = _("Yêu cầu tham gia %(org)s đã được chấp nhận", org=org.name)
            body = _(
                "Bạn có thể đăng nhập bằng địa chỉ e-mail và mật khẩu đã đăng ký.",
            )
            link, label = path_for("auth.login"), _("Đăng nhập")
        else:
            subject = _("Yêu cầu tham gia %(org)s bị từ chối", org=org.name)
            body = _("Lý do: %(reason)s", reason=join.reason or "")
            link, label = None, None
    services.queue_email(
        _recipient(join.email, join.name, join.locale),
        subject=subject,
        body=body,
        link=link,
        link_label=label,
    )


def tell_staff_of_dispute(join, **_details) -> None:
    """Tell the moderators that a join request waits for their decision."""
    services.notify_staff(
        kind="moderation.queue",
        title=_("Tranh chấp quyền sở hữu tổ chức: %(name)s", name=join.organization.name),
        link=path_for("moderation.join_request", join_id=join.id),
        email=False,
    )


def tell_of_programme_change(obj, *, what: str, status: str, **_details) -> None:
    """Tell the staff of a new application, the enterprise of a decision on its application,
    the vendor of a decision on its plan's opt-in."""
    if what == "opt_in":
        plan_name = obj.plan.name
        title = (
            _("Gói “%(name)s” đã tham gia chương trình hỗ trợ.", name=plan_name)
            if status == "approved"
            else _("Gói “%(name)s” không được nhận vào chương trình hỗ trợ.", name=plan_name)
        )
        services.notify_organization(
            obj.vendor,
            kind="programme.opt_in",
            title=title,
            body=_("Lý do: %(reason)s", reason=obj.reason) if obj.reason else "",
            link=path_for("programme.vendor_plans"),
        )
        return
    link = path_for("programme.application", application_id=obj.id)
    if status == "submitted":
        services.notify_staff(
            kind="moderation.queue",
            title=_("Hồ sơ đề nghị hỗ trợ mới: %(name)s", name=obj.organization.name),
            link=link,
            email=False,
        )
        return
    titles = {
        "approved": _("Hồ sơ đề nghị hỗ trợ đơn %(number)s đã được phê duyệt."),
        "rejected": _("Hồ sơ đề nghị hỗ trợ đơn %(number)s bị từ chối."),
        "disbursed": _("Khoản hỗ trợ cho đơn %(number)s đã được giải ngân."),
    }
    if status not in titles:
        return
    services.notify_organization(
        obj.organization,
        kind="programme.application",
        title=titles[status] % {"number": obj.order.number},
        body=_("Lý do: %(reason)s", reason=obj.reason) if obj.reason else "",
        link=link,
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
    events.member_invited.connect(email_invitation)
    events.staff_invited.connect(email_staff_invitation)
    events.member_joined.connect(tell_owners_of_new_member)
    events.membership_changed.connect(tell_member_of_role)
    events.member_removed.connect(tell_removed_member)
    events.join_requested.connect(tell_owners_of_join_request)
    events.join_request_decided.connect(email_join_decision)
    events.join_request_disputed.connect(tell_staff_of_dispute)
    events.programme_changed.connect(tell_of_programme_change)
