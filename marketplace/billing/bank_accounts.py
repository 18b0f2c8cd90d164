"""Vendors' receiving bank accounts: the owner asks, a moderator confirms.

An order can be paid by transfer only to a confirmed account. Changing it puts the new
details in `pending_*`; the confirmed account stays in use until a moderator confirms the
change (then it replaces it) or rejects it. Every step is audited.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.accounts import roles
from marketplace.accounts.models import User
from marketplace.billing import permissions
from marketplace.billing.banks import bank_by_bin
from marketplace.billing.errors import BillingError
from marketplace.billing.models import VendorBankAccount
from marketplace.core.audit import record_audit
from marketplace.core.database import utcnow
from marketplace.core.text import fold
from marketplace.core.urls import path_for
from marketplace.extensions import db
from marketplace.notifications import services as notifications


def holder_as_printed(text: str) -> str:
    """Write an account holder as banks print it: upper case, no diacritics, single spaces."""
    return re.sub(r"\s+", " ", fold(text or "").upper()).strip()


def account_of(org_id: int) -> VendorBankAccount | None:
    return db.session.scalar(
        select(VendorBankAccount).where(VendorBankAccount.organization_id == org_id)
    )


def request_change(
    actor: User, *, bank_bin: str, account_number: str, account_holder: str
) -> VendorBankAccount:
    """Ask for the organisation's receiving account to be (re)set; a moderator confirms."""
    roles.require_action(actor, "bank_account.manage")
    permissions.require(permissions.can_manage_bank_account(actor))
    if bank_by_bin(bank_bin) is None:
        raise BillingError(_("Vui lòng chọn ngân hàng trong danh sách."), field="bank_bin")
    number = re.sub(r"[\s.-]", "", account_number or "")
    if not re.fullmatch(r"[0-9A-Za-z]{6,19}", number):
        raise BillingError(
            _("Số tài khoản gồm 6–19 chữ số hoặc chữ cái, không có khoảng trắng."),
            field="account_number",
        )
    holder = holder_as_printed(account_holder)
    if not re.fullmatch(r"[A-Z][A-Z ]{1,99}", holder):
        raise BillingError(
            _("Vui lòng nhập tên chủ tài khoản như in trên thẻ hoặc sao kê."),
            field="account_holder",
        )
    account = account_of(actor.organization_id)
    if account is None:
        account = VendorBankAccount(organization_id=actor.organization_id)
        db.session.add(account)
    account.pending_bank_bin = bank_bin
    account.pending_account_number = number.upper()
    account.pending_account_holder = holder
    account.requested_at = utcnow()
    account.requested_by_id = actor.id
    account.rejection_reason = None
    db.session.flush()
    record_audit(
        actor,
        "bank_account.change_requested",
        account,
        label=actor.organization.name,
        data={
            "bank_bin": bank_bin,
            "account_number": account.pending_account_number,
            "account_holder": holder,
            "current_account_number": account.account_number,
        },
    )
    notifications.notify_staff(
        kind="billing.bank_account_change",
        title=_("%(org)s đổi tài khoản nhận chuyển khoản", org=actor.organization.name),
        link=path_for("billing.moderation_bank_accounts"),
        email=False,
    )
    return account


def confirm_change(actor: User, account: VendorBankAccount) -> None:
    """A moderator confirms the requested account: it becomes the one orders use."""
    permissions.require_staff(actor)
    if not account.has_pending_change:
        raise BillingError(_("Không có thay đổi nào đang chờ xác nhận."))
    before = (account.bank_bin, account.account_number, account.account_holder)
    account.bank_bin = account.pending_bank_bin
    account.account_number = account.pending_account_number
    account.account_holder = account.pending_account_holder
    account.confirmed_at = utcnow()
    account.confirmed_by_id = actor.id
    account.pending_bank_bin = account.pending_account_number = None
    account.pending_account_holder = None
    account.requested_at = None
    db.session.flush()
    record_audit(
        actor,
        "bank_account.confirmed",
        account,
        data={
            "bank_bin": account.bank_bin,
            "account_number": account.account_number,
            "account_holder": account.account_holder,
            "previous": list(before),
        },
    )
    notifications.notify_organization(
        account.organization,
        kind="billing.bank_account_confirmed",
        title=_("Tài khoản nhận chuyển khoản đã được xác nhận"),
        link=path_for("billing.bank_account"),
    )


def reject_change(actor: User, account: VendorBankAccount, reason: str) -> None:
    """A moderator rejects the requested account; the confirmed one (if any) stays."""
    permissions.require_staff(actor)
    if not account.has_pending_change:
        raise BillingError(_("Không có thay đổi nào đang chờ xác nhận."))
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise BillingError(_("Vui lòng ghi lý do (ít nhất 5 ký tự)."), field="reason")
    data = {
        "bank_bin": account.pending_bank_bin,
        "account_number": account.pending_account_number,
        "account_holder": account.pending_account_holder,
    }
    account.pending_bank_bin = account.pending_account_number = None
    account.pending_account_holder = None
    account.requested_at = None
    account.rejection_reason = reason[:1000]
    db.session.flush()
    record_audit(actor, "bank_account.rejected", account, reason=reason, data=data)
    notifications.notify_organization(
        account.organization,
        kind="billing.bank_account_rejected",
        title=_("Thay đổi tài khoản nhận chuyển khoản chưa được chấp nhận"),
        body=reason,
        link=path_for("billing.bank_account"),
    )
