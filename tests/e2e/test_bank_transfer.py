"""Browser journey: an enterprise orders a plan by bank transfer, sees the VietQR code and
the order code, a signed bank notification arrives, the order shows paid, the vendor
records the e-invoice and the buyer sees it."""

from __future__ import annotations

import json
import urllib.request

import pytest

from marketplace.billing.bank_webhook import sign
from marketplace.core.database import utcnow
from tests.e2e.conftest import sign_in
from tests.serving import serving

SECRET = "e2e-bank-hub-secret"


@pytest.fixture
def live_server(demo_data, app_factory):
    """The app on the demo data, with the bank hub's secret set."""
    app = app_factory(WTF_CSRF_ENABLED=True, BANK_WEBHOOK_SECRET=SECRET)
    with serving(app) as base_url:
        yield base_url


def _notify(base: str, *, code: str, amount: int, account: str) -> dict:
    body = json.dumps(
        {
            "reference": "FT26336E2E0001",
            "amount": amount,
            "description": f"MBVCB.88231.{code}.thanh toan",
            "transaction_date": utcnow().isoformat(),
            "account_number": account,
        }
    ).encode("utf-8")
    request = urllib.request.Request(
        base + "/billing/bank/webhook",
        data=body,
        headers={"Content-Type": "application/json", "X-Signature": sign(body, SECRET)},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local server
        return json.loads(response.read())


def test_enterprise_pays_by_transfer_and_receives_the_einvoice(new_page, live_server, shot):
    buyer = new_page()
    sign_in(buyer, "enterprise@demo.vn")
    buyer.goto("/solutions/saokhue-crm")
    buyer.locator("#plans a:visible", has_text="Đăng ký gói").first.click()
    buyer.wait_for_url("**/billing/checkout**")
    assert buyer.locator("#pm-transfer").is_checked()
    shot(buyer, "checkout")
    buyer.get_by_role("button", name="Đặt hàng").click()
    buyer.wait_for_url("**/orders/**")
    assert buyer.locator("#vietqr svg").is_visible()
    code = buyer.locator("#transfer-code").inner_text().strip()
    amount = int(buyer.locator("#transfer-amount").inner_text().replace(".", "").replace("₫", ""))
    account = buyer.locator("#transfer-account").inner_text().strip()
    assert code.startswith("CGP") and amount > 0
    shot(buyer, "order-awaiting")

    assert _notify(live_server, code=code, amount=amount, account=account)["outcome"] == "matched"
    buyer.reload()
    assert "Đã thanh toán" in buyer.locator("#order-status").inner_text()
    assert not buyer.locator("#vietqr").count()
    order_url = buyer.url
    shot(buyer, "order-paid")

    vendor = new_page()
    sign_in(vendor, "vendor@demo.vn")
    vendor.goto("/vendor/sales")
    vendor.get_by_role("link", name=code).click()
    vendor.fill("#number", "0000131")
    vendor.fill("#symbol", "1C26TSK")
    vendor.fill("#issued_on", utcnow().strftime("%d/%m/%Y"))
    vendor.fill("#lookup_code", "SKE2E12345")
    vendor.fill("#lookup_url", "https://hoadon.saokhuetech.vn/tra-cuu")
    vendor.get_by_role("button", name="Lưu hóa đơn").click()
    vendor.wait_for_load_state()
    assert "Đã ghi nhận hóa đơn điện tử." in vendor.content()

    buyer.goto(order_url)
    invoice = buyer.locator("#einvoice").inner_text()
    assert "0000131" in invoice and "1C26TSK" in invoice and "SKE2E12345" in invoice
    shot(buyer, "einvoice")
