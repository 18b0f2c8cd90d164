"""The demo bank transfers: orders in every state, accounts (one change pending), an
e-invoice, a notification to resolve; safe to run again."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.billing import vietqr
from marketplace.billing.models import BankNotification, Order, OrderStatus, VendorBankAccount
from marketplace.demo.billing_seed import seed_billing
from marketplace.demo.cli import seed_demo
from marketplace.extensions import db


def test_the_demo_has_orders_in_every_state_and_a_notification_to_resolve(app):
    seed_demo()
    db.session.commit()
    orders = db.session.scalars(select(Order)).all()
    assert {o.status for o in orders} == set(OrderStatus)
    assert any(o.einvoice_number for o in orders)
    waiting = next(o for o in orders if o.status == OrderStatus.AWAITING_PAYMENT)
    assert waiting.vat_vnd > 0 and waiting.total_vnd == waiting.subtotal_vnd + waiting.vat_vnd
    payload = vietqr.build_payload(
        bank_bin=waiting.bank_bin,
        account_number=waiting.bank_account_number,
        amount_vnd=waiting.total_vnd,
        description=waiting.number,
    )
    assert vietqr.parse_payload(payload).crc_ok
    accounts = db.session.scalars(select(VendorBankAccount)).all()
    assert all(a.is_confirmed for a in accounts) and any(a.has_pending_change for a in accounts)
    note = db.session.scalar(select(BankNotification))
    assert note.status == "unknown_code"
    before = db.session.scalar(select(func.count(Order.id)))
    assert seed_billing() == 0
    assert db.session.scalar(select(func.count(Order.id))) == before
