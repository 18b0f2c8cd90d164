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

from marketplace.billing import (
    bp,
    errors,
    permissions,
    presenters,
    queries,
    stripe_gateway,
    webhooks,
)
from marketplace.billing import checkout as billing_checkout
from marketplace.billing import subscriptions as billing_subscriptions
from marketplace.billing.forms import CancelSubscriptionForm, CheckoutForm, parse_id
from marketplace.catalog.models import SolutionStatus
from marketplace.core.formatting import format_date
from marketplace.core.params import paginate
from marketplace.core.permissions import role_required
from marketplace.core.security import CONTENT_SECURITY_POLICY
from marketplace.extensions import csrf, db, login_manager

PER_PAGE = 20
LIVE_SUBSCRIPTIONS_SHOWN = 100
# Browsers apply form-action to the redirect after a submit: the checkout form may lead
# to Stripe's hosted Checkout page, nowhere else.
STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com"
CHECKOUT_CSP = CONTENT_SECURITY_POLICY.replace(
    "form-action 'self'", f"form-action 'self' {STRIPE_CHECKOUT_ORIGIN}"
)


# ---------------------------------------------------------------- checkout


def _checkout_page(
    form: CheckoutForm,
    offer: presenters.CheckoutOffer | None,
    error: errors.BillingError | None,
    status: int,
) -> Response:
    response = make_response(
        render_template(
            "billing/checkout.html",
            form=form,
            offer=offer,
            error=error,
            enabled=errors.payments_enabled(),
            disabled_message=errors.disabled_message(),
        ),
        status,
    )
    response.headers["Content-Security-Policy"] = CHECKOUT_CSP
    return response


@bp.route("/billing/checkout", methods=["GET", "POST"])
def checkout():
    """GET: the order summary with the pay button; POST: open Stripe Checkout and go there."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not permissions.is_enterprise_user(current_user):
        return render_template("billing/not_allowed.html"), 403
    permissions.require_buyer(current_user)
    form = CheckoutForm()
    if request.method == "GET":
        form.plan_id.data = request.args.get("plan_id", "")
        form.solution_id.data = request.args.get("solution_id", "")
        form.trial_id.data = request.args.get("trial_id", "")
    elif not form.validate_on_submit():
        return _checkout_page(form, None, errors.BillingError(_("Vui lòng thử lại.")), 400)
    plan_id, solution_id, trial_id = form.ids
    error: errors.BillingError | None = None
    if request.method == "POST":
        try:
            payment = billing_checkout.prepare_checkout(
                current_user, plan_id, trial_id=trial_id, solution_id=solution_id
            )
            db.session.commit()
            customer_id = billing_checkout.ensure_customer(current_user)
            db.session.commit()
            url = billing_checkout.open_checkout(current_user, payment, customer_id)
            db.session.commit()
        except errors.BillingError as err:
            db.session.rollback()
            error = err
        else:
            return redirect(url, code=303)
    try:
        offer = queries.checkout_offer(
            current_user, plan_id, trial_id=trial_id, solution_id=solution_id
        )
    except errors.BillingError as err:
        return _checkout_page(form, None, error or err, (error or err).status)
    if offer.trial is not None:
        form.trial_id.data = str(offer.trial.id)
    form.solution_id.data = str(offer.plan.solution_id)
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
        pagination=pagination,
        cancel_form=CancelSubscriptionForm(),
        enabled=errors.payments_enabled(),
    )


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
    subscriptions = db.session.scalars(
        queries.live_subscriptions_query(vendor_id).limit(LIVE_SUBSCRIPTIONS_SHOWN)
    ).all()
    return render_template(
        "billing/sales.html",
        totals=queries.sales_totals(vendor_id),
        pagination=pagination,
        subscriptions=subscriptions,
        shown_limit=LIVE_SUBSCRIPTIONS_SHOWN,
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
        return jsonify(error={"code": "bad_request", "message": "invalid signature"}), 400
    try:
        outcome = webhooks.receive_event(event)
        db.session.commit()
    except (errors.PaymentUnavailable, IntegrityError) as err:
        # Forget the event so Stripe's retry is handled in full.
        db.session.rollback()
        current_app.logger.warning("Stripe event %s not handled yet: %s", event.get("id"), err)
        return jsonify(error={"code": "unavailable", "message": "retry later"}), 503
    return jsonify(received=True, outcome=outcome)


# ---------------------------------------------------------------- the solution page's section


@dataclass(frozen=True)
class BuyPanel:
    """What the solution page shows of buying: whether to show the buttons, whether payment
    is on, and which plans the visitor's organisation already holds."""

    show: bool
    enabled: bool
    owned: frozenset[int]


def buy_panel(solution) -> BuyPanel:
    """Decide the buy buttons of a solution page for the current visitor."""
    user = current_user if current_user.is_authenticated else None
    show = user is None or permissions.can_buy(user)
    if not show:
        return BuyPanel(False, False, frozenset())
    owned = queries.owned_plan_ids(current_user, [p.id for p in solution.active_plans])
    return BuyPanel(True, errors.payments_enabled(), frozenset(owned))
