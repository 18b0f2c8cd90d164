"""Order pages: the order (buyer, vendor, moderators), its confirmations and e-invoice, the
vendor's bank account, the moderators' billing queues and the bank-notification webhook."""

from __future__ import annotations

import datetime as dt

from flask import (
    Response,
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from marketplace.billing import (
    bank_accounts,
    bank_webhook,
    bp,
    order_status,
    permissions,
    queries,
    tasks,
    vietqr,
)
from marketplace.billing.banks import bank_by_bin, banks
from marketplace.billing.forms import (
    BankAccountForm,
    CancelOrderForm,
    ConfirmPaymentForm,
    EInvoiceForm,
    ReasonForm,
    ResolveNotificationForm,
    SalesFilterForm,
)
from marketplace.billing.models import (
    NEEDS_REVIEW,
    BankNotification,
    OrderStatus,
    PaymentMethod,
    VendorBankAccount,
)
from marketplace.billing.presenters import order_status_label, payment_method_label
from marketplace.core import metrics
from marketplace.core.actions import perform
from marketplace.core.clock import local_today
from marketplace.core.csv_export import csv_download, csv_writer, safe_cell
from marketplace.core.database import utcnow
from marketplace.core.formatting import format_date
from marketplace.core.params import paginate
from marketplace.core.permissions import role_required
from marketplace.extensions import csrf, db

PER_PAGE = 20
CSV_LIMIT = 10_000


# ---------------------------------------------------------------- the order page


def _order_or_404(order_id: int):
    order = queries.get_order(order_id)
    if order is None:
        abort(404)
    permissions.require_order_viewer(current_user, order)
    return order


def _order_page(order, *, confirm_form=None, invoice_form=None, status: int = 200) -> Response:
    qr = payload = None
    if (
        order.payment_method == PaymentMethod.BANK_TRANSFER
        and order.status == OrderStatus.AWAITING_PAYMENT
        and order.bank_bin
    ):
        payload = vietqr.build_payload(
            bank_bin=order.bank_bin,
            account_number=order.bank_account_number,
            amount_vnd=order.total_vnd,
            description=order.number,
        )
        qr = vietqr.qr_svg(
            payload, title=_("Mã VietQR chuyển khoản cho đơn hàng %(n)s", n=order.number)
        )
    if confirm_form is None:
        confirm_form = ConfirmPaymentForm(formdata=None)
        confirm_form.paid_on.data = local_today()
    if invoice_form is None:
        invoice_form = EInvoiceForm(formdata=None)
        if order.has_einvoice:
            invoice_form.number.data = order.einvoice_number
            invoice_form.symbol.data = order.einvoice_symbol
            invoice_form.issued_on.data = order.einvoice_date
            invoice_form.lookup_code.data = order.einvoice_lookup_code or ""
            invoice_form.lookup_url.data = order.einvoice_lookup_url or ""
    return make_response(
        render_template(
            "billing/order.html",
            order=order,
            qr=qr,
            qr_payload=payload,
            bank=bank_by_bin(order.bank_bin),
            is_buyer=permissions.is_order_buyer(current_user, order),
            can_confirm=permissions.can_confirm_payment(current_user, order)
            and order.payment_method == PaymentMethod.BANK_TRANSFER
            and order.status in (OrderStatus.AWAITING_PAYMENT, OrderStatus.EXPIRED),
            can_invoice=permissions.can_record_invoice(current_user, order)
            and order.status == OrderStatus.PAID,
            confirm_form=confirm_form,
            invoice_form=invoice_form,
            cancel_form=CancelOrderForm(),
        ),
        status,
    )


@bp.get("/orders/<int:order_id>")
@role_required("enterprise", "vendor", "moderator", "admin")
def order(order_id: int):
    return _order_page(_order_or_404(order_id))


@bp.post("/orders/<int:order_id>/cancel")
@role_required("enterprise")
def cancel_order(order_id: int):
    found = _order_or_404(order_id)
    return perform(
        lambda: order_status.cancel_order(current_user, found),
        form=CancelOrderForm(),
        rerender=lambda: _order_page(found, status=400),
        success=_("Đã hủy đơn hàng %(n)s.", n=found.number),
        next_url=url_for("billing.order", order_id=found.id),
    )


@bp.post("/orders/<int:order_id>/confirm-payment")
@role_required("vendor", "moderator", "admin")
def confirm_payment(order_id: int):
    found = _order_or_404(order_id)
    # Who may confirm is decided before the form is read: a refusal is never a form error.
    permissions.require_payment_confirmer(current_user, found)
    form = ConfirmPaymentForm()
    return perform(
        lambda: order_status.confirm_payment(
            current_user, found, reference=form.reference.data, paid_on=form.paid_on_date
        ),
        form=form,
        rerender=lambda: _order_page(found, confirm_form=form, status=400),
        success=_("Đã xác nhận nhận tiền cho đơn hàng %(n)s.", n=found.number),
        next_url=url_for("billing.order", order_id=found.id),
    )


@bp.post("/orders/<int:order_id>/einvoice")
@role_required("vendor")
def record_einvoice(order_id: int):
    found = _order_or_404(order_id)
    permissions.require_invoice_recorder(current_user, found)
    form = EInvoiceForm()
    return perform(
        lambda: order_status.record_einvoice(
            current_user,
            found,
            order_status.EInvoice(
                number=form.number.data or "",
                symbol=form.symbol.data or "",
                issued_on=form.issued_on_date,
                lookup_code=form.lookup_code.data or "",
                lookup_url=form.lookup_url.data or "",
            ),
        ),
        form=form,
        rerender=lambda: _order_page(found, invoice_form=form, status=400),
        success=_("Đã ghi nhận hóa đơn điện tử."),
        next_url=url_for("billing.order", order_id=found.id),
    )


# ---------------------------------------------------------------- the vendor's orders


def _sales_filters() -> tuple[SalesFilterForm, dt.date | None, dt.date | None]:
    form = SalesFilterForm(request.args)
    if request.args and not form.validate():
        return form, None, None
    return form, form.start.data, form.end.data


@bp.get("/vendor/sales/orders.csv")
@role_required("vendor")
def vendor_orders_csv():
    permissions.require(permissions.can_view_sales(current_user))
    form, start, end = _sales_filters()
    if form.errors:
        abort(400)
    rows = db.session.scalars(
        queries.vendor_orders_query(current_user.organization_id, start=start, end=end).limit(
            CSV_LIMIT
        )
    ).all()
    out, writer = csv_writer()
    writer.writerow(
        [
            "Mã đơn hàng",
            "Ngày đặt",
            "Doanh nghiệp",
            "Mã số thuế",
            "Nội dung",
            "Tiền trước thuế (₫)",
            "Thuế GTGT (₫)",
            "Tổng cộng (₫)",
            "Hình thức",
            "Trạng thái",
            "Ngày thanh toán",
            "Mã giao dịch",
            "Số hóa đơn",
            "Ký hiệu",
        ]
    )
    for o in rows:
        writer.writerow(
            [
                o.number,
                format_date(o.created_at),
                safe_cell(o.invoice_legal_name or o.organization.name),
                safe_cell(o.invoice_tax_code),
                safe_cell(o.name),
                o.subtotal_vnd,
                o.vat_vnd,
                o.total_vnd,
                payment_method_label(o.payment_method),
                order_status_label(o.status),
                format_date(o.payment_date) if o.payment_date else "",
                safe_cell(o.payment_reference or ""),
                o.einvoice_number or "",
                o.einvoice_symbol or "",
            ]
        )
    return csv_download(out.getvalue(), "don-hang.csv")


# ---------------------------------------------------------------- the vendor's bank account


def _bank_form() -> BankAccountForm:
    form = BankAccountForm()
    form.bank_bin.choices = [("", _("— Chọn ngân hàng —"))] + [(b.bin, b.label) for b in banks()]
    return form


def _bank_page(form: BankAccountForm, status: int = 200) -> Response:
    account = bank_accounts.account_of(current_user.organization_id)
    return make_response(
        render_template(
            "billing/bank_account.html",
            form=form,
            account=account,
            bank_by_bin=bank_by_bin,
            can_manage=permissions.can_manage_bank_account(current_user),
        ),
        status,
    )


@bp.route("/vendor/bank-account", methods=["GET", "POST"])
@role_required("vendor")
def bank_account():
    form = _bank_form()
    if request.method == "GET":
        return _bank_page(form)
    permissions.require(permissions.can_manage_bank_account(current_user))
    return perform(
        lambda: bank_accounts.request_change(
            current_user,
            bank_bin=form.bank_bin.data or "",
            account_number=form.account_number.data or "",
            account_holder=form.account_holder.data or "",
        ),
        form=form,
        rerender=lambda: _bank_page(form, 400),
        success=_("Đã gửi tài khoản để kiểm duyệt viên xác nhận."),
        next_url=url_for("billing.bank_account"),
    )


# ---------------------------------------------------------------- moderation


@bp.get("/moderation/billing/bank-accounts")
@role_required("moderator", "admin")
def moderation_bank_accounts():
    return render_template(
        "billing/moderation_bank_accounts.html",
        accounts=queries.pending_bank_accounts(),
        bank_by_bin=bank_by_bin,
        form=ReasonForm(formdata=None),
    )


def _account_or_404(account_id: int) -> VendorBankAccount:
    account = db.session.get(VendorBankAccount, account_id)
    if account is None:
        abort(404)
    return account


@bp.post("/moderation/billing/bank-accounts/<int:account_id>/confirm")
@role_required("moderator", "admin")
def confirm_bank_account(account_id: int):
    account = _account_or_404(account_id)
    return perform(
        lambda: bank_accounts.confirm_change(current_user, account),
        form=ReasonForm(),
        rerender=lambda: redirect(url_for("billing.moderation_bank_accounts")),
        success=_("Đã xác nhận tài khoản của %(org)s.", org=account.organization.name),
        next_url=url_for("billing.moderation_bank_accounts"),
    )


@bp.post("/moderation/billing/bank-accounts/<int:account_id>/reject")
@role_required("moderator", "admin")
def reject_bank_account(account_id: int):
    account = _account_or_404(account_id)
    form = ReasonForm()
    return perform(
        lambda: bank_accounts.reject_change(current_user, account, form.reason.data or ""),
        form=form,
        rerender=lambda: redirect(url_for("billing.moderation_bank_accounts")),
        field_errors=False,
        success=_("Đã từ chối thay đổi tài khoản của %(org)s.", org=account.organization.name),
        next_url=url_for("billing.moderation_bank_accounts"),
    )


@bp.get("/moderation/billing/notifications")
@role_required("moderator", "admin")
def moderation_notifications():
    return render_template(
        "billing/moderation_notifications.html",
        notes=queries.notifications_for_review(),
        form=ResolveNotificationForm(formdata=None),
    )


@bp.post("/moderation/billing/notifications/<int:note_id>/resolve")
@role_required("moderator", "admin")
def resolve_notification(note_id: int):
    note = db.session.get(BankNotification, note_id)
    if note is None or note.status not in NEEDS_REVIEW:
        abort(404)
    form = ResolveNotificationForm()
    return perform(
        lambda: bank_webhook.resolve(
            current_user, note, note_text=form.note.data or "", pay_order=bool(form.pay_order.data)
        ),
        form=form,
        rerender=lambda: redirect(url_for("billing.moderation_notifications")),
        field_errors=False,
        success=_("Đã xử lý giao dịch %(ref)s.", ref=note.reference),
        next_url=url_for("billing.moderation_notifications"),
    )


@bp.get("/moderation/billing/orders-without-invoice")
@role_required("moderator", "admin")
def moderation_missing_invoices():
    pagination = paginate(tasks.orders_missing_invoice(utcnow()), per_page=PER_PAGE)
    return render_template("billing/moderation_missing_invoices.html", pagination=pagination)


# ---------------------------------------------------------------- the bank hub's webhook


@bp.post("/billing/bank/webhook")
@csrf.exempt
def bank_webhook_view():
    """Receive a bank notification: verify the signature on the raw body, handle it once."""
    raw = request.get_data()
    try:
        bank_webhook.verify(
            raw,
            request.headers.get("X-Signature"),
            current_app.config.get("BANK_WEBHOOK_SECRET") or "",
        )
        fields = bank_webhook.parse(raw)
    except bank_webhook.InvalidNotification as err:
        current_app.logger.warning("bank notification refused: %s", err)
        metrics.webhook_outcome("bank", "refused")
        return jsonify(error={"code": "bad_request", "message": "invalid notification"}), 400
    try:
        outcome = bank_webhook.receive(fields)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        metrics.webhook_outcome("bank", "retry")
        return jsonify(error={"code": "unavailable", "message": "retry later"}), 503
    # One of the notification's few statuses (matched, wrong_amount…) or "duplicate".
    metrics.webhook_outcome("bank", str(outcome))
    return jsonify(received=True, outcome=outcome)
