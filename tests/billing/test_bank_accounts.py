"""The vendor's receiving account: the owner asks, a moderator confirms (audited); only the
bank_account.manage role edits it; the holder is written as banks print it."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.accounts import roles
from marketplace.billing.models import VendorBankAccount
from marketplace.core.audit import AuditLog
from marketplace.extensions import db
from tests.billing.conftest import count

FORM = {
    "bank_bin": "970415",
    "account_number": "1023 4567 89",
    "account_holder": "Công ty TNHH Phần mềm Đồ Sơn",
}


def test_a_change_waits_for_a_moderator_then_becomes_the_account(client_for, vendor, moderator):
    seller = client_for(vendor)
    assert seller.post("/vendor/bank-account", data=FORM).status_code == 302
    account = db.session.scalar(select(VendorBankAccount))
    assert not account.is_confirmed and account.has_pending_change
    assert account.pending_account_number == "1023456789"
    assert account.pending_account_holder == "CONG TY TNHH PHAN MEM DO SON"
    assert "Đang chờ kiểm duyệt viên xác nhận" in seller.get("/vendor/bank-account").get_data(
        as_text=True
    )
    staff = client_for(moderator)
    assert "CONG TY TNHH PHAN MEM DO SON" in staff.get(
        "/moderation/billing/bank-accounts"
    ).get_data(as_text=True)
    staff.post(f"/moderation/billing/bank-accounts/{account.id}/confirm")
    db.session.expire_all()
    account = db.session.get(VendorBankAccount, account.id)
    assert account.is_confirmed and not account.has_pending_change
    assert (account.bank_bin, account.account_number) == ("970415", "1023456789")
    actions = db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions == ["bank_account.change_requested", "bank_account.confirmed"]

    # A later change keeps the confirmed account until it is confirmed; a rejection drops it.
    seller.post("/vendor/bank-account", data={**FORM, "account_number": "5555666677"})
    staff.post(
        f"/moderation/billing/bank-accounts/{account.id}/reject",
        data={"reason": "Tên chủ tài khoản không khớp tên pháp lý"},
    )
    db.session.expire_all()
    account = db.session.get(VendorBankAccount, account.id)
    assert account.account_number == "1023456789" and not account.has_pending_change
    assert count(AuditLog, AuditLog.action == "bank_account.rejected") == 1


def test_bad_input_is_shown_next_to_the_field_and_kept(client_for, vendor):
    response = client_for(vendor).post(
        "/vendor/bank-account",
        data={"bank_bin": "970999", "account_number": "12", "account_holder": "Công ty X"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Lựa chọn không hợp lệ." in html and "Công ty X" in html
    response = client_for(vendor).post(
        "/vendor/bank-account", data={**FORM, "account_number": "12"}
    )
    assert response.status_code == 400 and "6–19" in response.get_data(as_text=True)
    assert count(VendorBankAccount) == 0


def test_only_the_owner_role_edits_the_account(client_for, monkeypatch, vendor, enterprise):
    assert client_for(enterprise).post("/vendor/bank-account", data=FORM).status_code == 403
    seller = client_for(vendor)
    monkeypatch.setattr(roles, "org_role", lambda user: roles.OrgRole.MANAGER)
    assert seller.post("/vendor/bank-account", data=FORM).status_code == 403
    assert "Chỉ chủ sở hữu" in seller.get("/vendor/bank-account").get_data(as_text=True)
    assert count(VendorBankAccount) == 0


def test_vendors_cannot_confirm_their_own_change(client_for, vendor):
    seller = client_for(vendor)
    seller.post("/vendor/bank-account", data=FORM)
    account = db.session.scalar(select(VendorBankAccount))
    assert seller.post(f"/moderation/billing/bank-accounts/{account.id}/confirm").status_code == 403
    db.session.expire_all()
    assert not db.session.get(VendorBankAccount, account.id).is_confirmed
