"""Billing pages: checkout, the Checkout return pages, the billing page, sales, the webhook."""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    Response,
    abort,
    current_app,
    flash,
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

from marketplace.accounts import roles
from marketplace.accounts.refusals import refusal_page
from marketplace.billing import (
    bp,
    errors,
    periods,
    permissions,
    presenters,
    queries,
    renewals,
    stripe_gateway,
    webhooks,
)
from marketplace.billing import checkout as billing_checkout
from marketplace.billing import orders as billing_orders
from marketplace.billing import subscriptions as billing_subscriptions
from marketplace.billing.forms import (
    AutoRenewForm,
    CancelSubscriptionForm,
    OrderForm,
    SalesFilterForm,
    parse_id,
)
from marketplace.billing.models import PaymentMethod
from marketplace.catalog.models import SolutionStatus
from marketplace.core import metrics
from marketplace.core.clock import local_today
from marketplace.core.formatting import format_date
from marketplace.core.params import page_arg, paginate
from marketplace.core.permissions import role_required
from marketplace.core.security import CONTENT_SECURITY_POLICY
from marketplace.extensions import csrf, db, login_manager

PER_PAGE = 20
LIVE_SUBSCRIPTIONS_SHOWN = 100
ORDERS_SHOWN = 50
# Browsers apply form-action to the redirect after a submit: the checkout form may lead
# to Stripe's hosted Checkout page, nowhere else.
STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com"
CHECKOUT_CSP = CONTENT_SECURITY_POLICY.replace(
    "form-action 'self'", f"form-action 'self' {STRIPE_CHECKOUT_ORIGIN}"
)


# ---------------------------------------------------------------- checkout


def _checkout_page(
    form: OrderForm,
    offer: presenters.CheckoutOffer | None,
    error: errors.BillingError | None,
    status: int,
) -> Response:
    methods = queries.payment_methods(offer.plan.solution.vendor_id) if offer else None
    response = make_response(
        render_template(
            "billing/checkout.html",
            form=form,
            offer=offer,
            error=error,
            methods=methods,
            enabled=bool(methods and methods.any),
            disabled_message=errors.disabled_message(),
        ),
        status,
    )
    response.headers["Content-Security-Policy"] = CHECKOUT_CSP
    return response


def _prefill(form: OrderForm) -> None:
    details = billing_orders.InvoiceDetails.of(current_user.organization, current_user)
    form.invoice_legal_name.data = details.legal_name
    form.invoice_tax_code.data = details.tax_code
    form.invoice_address.data = details.address
    form.invoice_email.data = details.email


def _invoice_of(form: OrderForm) -> billing_orders.InvoiceDetails:
    return billing_orders.InvoiceDetails(
        legal_name=form.invoice_legal_name.data or "",
        tax_code=form.invoice_tax_code.data or "",
        address=form.invoice_address.data or "",
        email=form.invoice_email.data or "",
    )


@bp.route("/billing/checkout", methods=["GET", "POST"])
def checkout():
    """GET: the order summary, the payment methods and the invoice details; POST: place the
    order (bank transfer → the order page with its QR code; card → Stripe Checkout)."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not permissions.is_enterprise_user(current_user):
        return render_template("billing/not_allowed.html"), 403
    if not roles.allows(current_user, "order.create"):
        return refusal_page("order.create", url_for("catalog.index"))
    form = OrderForm()
    if request.method == "GET":
        form.plan_id.data = request.args.get("plan_id", "")
        form.solution_id.data = request.args.get("solution_id", "")
        form.trial_id.data = request.args.get("trial_id", "")
        _prefill(form)
    plan_id, solution_id, trial_id = form.ids
    try:
        offer = queries.checkout_offer(
            current_user, plan_id, trial_id=trial_id, solution_id=solution_id
        )
    except errors.BillingError as err:
        return _checkout_page(form, None, err, err.status)
    if offer.trial is not None:
        form.trial_id.data = str(offer.trial.id)
    form.solution_id.data = str(offer.plan.solution_id)
    methods = queries.payment_methods(offer.plan.solution.vendor_id)
    if request.method == "GET":
        form.payment_method.data = methods.default
        return _checkout_page(form, offer, None, 200)
    # A form without the method or the invoice details (an older page, a script) takes the
    # defaults: the vendor's first available method and the organisation's details.
    if "payment_method" not in request.form:
        form.payment_method.data = methods.default
    if not any(name.startswith("invoice_") for name in request.form):
        _prefill(form)
    if not form.validate_on_submit():
        return _checkout_page(form, offer, None, 400)
    method = form.payment_method.data
    error: errors.BillingError | None = None
    try:
        if method == PaymentMethod.BANK_TRANSFER:
            if not methods.transfer:
                raise errors.BillingError(
                    _("Nhà cung cấp chưa nhận chuyển khoản qua Chợ Giải Pháp Số.")
                )
            order = billing_orders.create_plan_order(
                current_user,
                plan_id,
                trial_id=trial_id,
                solution_id=solution_id,
                invoice=_invoice_of(form),
            )
            db.session.commit()
            flash(
                _(
                    "Đã tạo đơn hàng %(number)s. Vui lòng chuyển khoản theo hướng dẫn.",
                    number=order.number,
                ),
                "success",
            )
            return redirect(url_for("billing.order", order_id=order.id), code=303)
        payment = billing_checkout.prepare_checkout(
            current_user, plan_id, trial_id=trial_id, solution_id=solution_id
        )
        billing_orders.order_for_payment(current_user, payment, _invoice_of(form))
        db.session.commit()
        customer_id = billing_checkout.ensure_customer(current_user)
        db.session.commit()
        url = billing_checkout.open_checkout(current_user, payment, customer_id)
        db.session.commit()
    except errors.DomainError as err:
        db.session.rollback()
        error = (
            err
            if isinstance(err, errors.BillingError)
            else errors.BillingError(err.message, status=err.status)
        )
    else:
        return redirect(url, code=303)
    return _checkout_page(form, offer, error, error.status if error else 200)


@bp.get("/billing/success")
@role_required("enterprise")
def checkout_success():
    """The buyer is back from Checkout: the webhook confirms; asking Stripe early is a bonus."""
    try:
        payment = billing_checkout.confirm_return(current_user, request.args.get("session_id"))
        db.session.commit()
    except errors.BillingError:
        db.session.rollback()
        payment = None
    if payment is not None and payment.status == "paid":
        flash(
            _("Thanh toán thành công gói “%(name)s”. Cảm ơn bạn!", name=payment.name),
            "success",
        )
    else:
        flash(
            _(
                "Cảm ơn bạn! Stripe đang xác nhận thanh toán; trạng thái sẽ được cập nhật "
                "trong ít phút."
            ),
            "info",
        )
    return redirect(url_for("billing.index"))


@bp.get("/billing/cancelled")
@role_required("enterprise")
def checkout_cancelled():
    """The buyer left Checkout without paying: nothing was charged."""
    payment = queries.payment_for_return(current_user, parse_id(request.args.get("payment")))
    flash(_("Bạn đã dừng thanh toán. Chưa có khoản tiền nào bị thu."), "info")
    if payment is not None and payment.solution.status == SolutionStatus.PUBLISHED:
        return redirect(url_for("catalog.solution", slug=payment.solution.slug, _anchor="plans"))
    return redirect(url_for("billing.index"))


# ---------------------------------------------------------------- the enterprise's billing


@bp.get("/billing/")
@role_required("enterprise")
def index():
    org_id = current_user.organization_id
    pagination = paginate(queries.organization_payments_query(org_id), per_page=PER_PAGE)
    return render_template(
        "billing/index.html",
        subscriptions=queries.organization_subscriptions(org_id),
        orders=db.session.scalars(
            queries.organization_orders_query(org_id).limit(ORDERS_SHOWN)
        ).all(),
        orders_limit=ORDERS_SHOWN,
        pagination=pagination,
        cancel_form=CancelSubscriptionForm(),
        enabled=errors.payments_enabled(),
        service_periods=periods.organization_periods(org_id),
        renew_form=AutoRenewForm(),
        today=local_today(),
    )


@bp.post("/billing/plans/<int:period_id>/auto-renew")
@role_required("enterprise")
def set_auto_renew(period_id: int):
    """Turn the renewal of a plan paid by transfer on or off (owners: billing.manage)."""
    period = renewals.get_period(period_id)
    if period is None:
        abort(404)
    permissions.require_manage_period(current_user, period)
    form = AutoRenewForm()
    if not form.validate_on_submit():
        abort(400)
    on = form.auto_renew.data == "1"
    try:
        changed = renewals.set_auto_renew(current_user, period, on)
    except errors.BillingError as err:
        db.session.rollback()
        flash(err.message, "warning")
        return redirect(url_for("billing.index"))
    db.session.commit()
    if changed and on:
        flash(
            _(
                "Đã bật gia hạn tự động “%(name)s”: đơn gia hạn sẽ được tạo %(days)d ngày "
                "trước %(date)s.",
                name=period.name,
                days=renewals.notice_days(),
                date=format_date(period.ends_on),
            ),
            "success",
        )
    elif changed:
        flash(
            _(
                "Đã tắt gia hạn “%(name)s”: gói dùng được đến hết ngày %(date)s.",
                name=period.name,
                date=format_date(period.ends_on),
            ),
            "success",
        )
    return redirect(url_for("billing.index", _anchor=f"plan-{period.id}"))


@bp.post("/billing/subscriptions/<int:subscription_id>/cancel")
@role_required("enterprise")
def cancel_subscription(subscription_id: int):
    subscription = queries.get_subscription(subscription_id)
    if subscription is None:
        abort(404)
    permissions.require_manage_subscription(current_user, subscription)
    form = CancelSubscriptionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        billing_subscriptions.cancel_subscription(current_user, subscription)
    except errors.BillingError as err:
        db.session.rollback()
        flash(err.message, "warning")
    else:
        db.session.commit()
        if subscription.current_period_end:
            message = _(
                "Đã hẹn hủy gói “%(name)s”: gói vẫn dùng được đến %(date)s và sẽ không gia hạn.",
                name=subscription.name,
                date=format_date(subscription.current_period_end),
            )
        else:
            message = _("Đã hẹn hủy gói “%(name)s” vào cuối kỳ thanh toán.", name=subscription.name)
        flash(message, "success")
    return redirect(url_for("billing.index"))


# ---------------------------------------------------------------- the vendor's sales


@bp.get("/vendor/sales")
@role_required("vendor")
def vendor_sales():
    permissions.require_view_sales(current_user)
    vendor_id = current_user.organization_id
    pagination = paginate(queries.sales_query(vendor_id), per_page=PER_PAGE)
    filters = SalesFilterForm(request.args)
    start = end = None
    if filters.validate():
        start, end = filters.start.data, filters.end.data
    orders = paginate(
        queries.vendor_orders_query(vendor_id, start=start, end=end),
        per_page=PER_PAGE,
        page=page_arg("orders_page"),
    )
    subscriptions = db.session.scalars(
        queries.live_subscriptions_query(vendor_id).limit(LIVE_SUBSCRIPTIONS_SHOWN)
    ).all()
    return render_template(
        "billing/sales.html",
        totals=queries.sales_totals(vendor_id),
        pagination=pagination,
        subscriptions=subscriptions,
        shown_limit=LIVE_SUBSCRIPTIONS_SHOWN,
        orders=orders,
        renewals=periods.upcoming_renewals(vendor_id),
        today=local_today(),
        filters=filters,
        filter_args={k: v for k, v in (("start", start), ("end", end)) if v},
    )


# ---------------------------------------------------------------- Stripe's webhook


@bp.post("/billing/webhook")
@csrf.exempt
def webhook():
    """Receive a Stripe event: verify the signature on the raw body, handle it once."""
    payload = request.get_data()
    try:
        event = stripe_gateway.construct_event(
            payload,
            request.headers.get("Stripe-Signature"),
            current_app.config.get("STRIPE_WEBHOOK_SECRET") or "",
        )
    except stripe_gateway.InvalidWebhook as err:
        current_app.logger.warning("Stripe webhook refused: %s", err)
        metrics.webhook_outcome("stripe", "refused")
        return jsonify(error={"code": "bad_request", "message": "invalid signature"}), 400
    try:
        outcome = webhooks.receive_event(event)
        db.session.commit()
    except (errors.PaymentUnavailable, IntegrityError) as err:
        # Forget the event so Stripe's retry is handled in full.
        db.session.rollback()
        current_app.logger.warning("Stripe event %s not handled yet: %s", event.get("id"), err)
        metrics.webhook_outcome("stripe", "retry")
        return jsonify(error={"code": "unavailable", "message": "retry later"}), 503
    metrics.webhook_outcome("stripe", outcome)
    return jsonify(received=True, outcome=outcome)


# ---------------------------------------------------------------- the solution page's section


@dataclass(frozen=True)
class BuyPanel:
    """What the solution page shows of buying for everyone: whether the vendor can be paid
    here (a confirmed bank account, or Stripe). Whether the visitor may buy, and which
    plans their organisation holds, are slots (billing/slots.py)."""

    enabled: bool


def buy_panel(solution) -> BuyPanel:
    """Decide the buy buttons of a solution page (the same for every visitor)."""
    return BuyPanel(queries.payment_methods(solution.vendor_id).any)
