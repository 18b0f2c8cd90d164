"""Quote pages: the request form, "Báo giá của tôi", the vendor inbox and its actions,
and the moderators' read-only view."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.accounts.roles import allows
from marketplace.catalog import public_queries
from marketplace.catalog import queries as catalog_queries
from marketplace.core import actions
from marketplace.core.clock import local_today
from marketplace.core.csv_export import csv_download
from marketplace.core.errors import DomainError
from marketplace.core.params import paginate
from marketplace.core.permissions import role_required
from marketplace.extensions import db, login_manager
from marketplace.quotes import bp, exports, permissions, rules, services
from marketplace.quotes import queries as quotes_queries
from marketplace.quotes.forms import (
    CUSTOM,
    AssignForm,
    MessageForm,
    OfferActionForm,
    OfferForm,
    OptionalReasonForm,
    QuoteRequestForm,
    ReasonForm,
)
from marketplace.quotes.models import QuoteRequest, QuoteStatus

PER_PAGE = 20


def _quote_or_404(quote_id: int) -> QuoteRequest:
    quote = quotes_queries.get_quote(quote_id)
    if quote is None:
        abort(404)
    return quote


# ---------------------------------------------------------------- requesting


@bp.route("/solutions/<slug>/quote", methods=["GET", "POST"])
def request_quote(slug: str):
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    solution = public_queries.public_solution(slug)
    if solution is None:
        abort(404)
    if not permissions.can_request_quote(current_user):
        return render_template("quotes/not_allowed.html", solution=solution), 403
    form = QuoteRequestForm(solution=solution)
    refused = None  # the status of a refusal by the rules (a role that may not ask: 403)
    existing = quotes_queries.open_quote_for(current_user.organization_id, solution.id)
    if existing is not None:
        if request.method == "POST":
            # Submitted again (a double click, a second tab): the first request stands.
            flash(rules.DuplicateQuoteError().message, "info")
        return redirect(url_for("quotes.my_quote", quote_id=existing.id))
    if request.method == "GET":
        _prefill(form)
    elif form.validate_on_submit():
        try:
            quote = services.request_quote(
                current_user, solution, form.to_input(), today=local_today()
            )
        except rules.DuplicateQuoteError as err:
            db.session.rollback()
            flash(err.message, "info")
            existing = quotes_queries.open_quote_for(current_user.organization_id, solution.id)
            if existing is not None:
                return redirect(url_for("quotes.my_quote", quote_id=existing.id))
            return redirect(url_for("quotes.my_quotes"))
        except rules.QuoteValidationError as err:
            db.session.rollback()
            form.attach_errors(err.errors)
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "danger")
            refused = err.status
        else:
            db.session.commit()
            flash(
                _(
                    "Đã gửi yêu cầu báo giá “%(name)s”. Nhà cung cấp sẽ phản hồi tại đây.",
                    name=solution.name,
                ),
                "success",
            )
            return redirect(url_for("quotes.my_quote", quote_id=quote.id))
    status = refused or (400 if form.is_submitted() and any(f.errors for f in form) else 200)
    return (
        render_template(
            "quotes/request.html",
            solution=solution,
            form=form,
            response_time=quotes_queries.vendor_response_time(solution.vendor_id),
        ),
        status,
    )


def _prefill(form: QuoteRequestForm) -> None:
    form.contact_name.data = current_user.name
    form.contact_phone.data = current_user.organization.phone or ""
    form.users_count.data = "1"
    wanted = request.args.get("plan", "")
    choices = [value for value, _label in form.plan.choices]
    form.plan.data = wanted if wanted in choices else CUSTOM


# ---------------------------------------------------------------- the enterprise's side


@bp.get("/account/quotes")
@role_required("enterprise")
def my_quotes():
    pagination = paginate(
        quotes_queries.my_quotes_query(current_user.organization_id), per_page=PER_PAGE
    )
    return render_template(
        "quotes/my_quotes.html",
        pagination=pagination,
        offers=quotes_queries.current_offers(q.id for q in pagination.items),
    )


def _own_quote(quote_id: int) -> QuoteRequest:
    quote = _quote_or_404(quote_id)
    if not permissions.is_requester_member(current_user, quote):
        abort(404)
    return quote


def _render_my_quote(quote: QuoteRequest, status: int = 200, **forms):
    context = {
        "accept_form": OfferActionForm(formdata=None, prefix="accept"),
        "decline_form": OfferActionForm(formdata=None, prefix="decline"),
        "withdraw_form": OptionalReasonForm(formdata=None, prefix="withdraw"),
        "message_form": MessageForm(formdata=None),
        **forms,
    }
    return (
        render_template(
            "quotes/my_quote.html",
            quote=quote,
            order=quotes_queries.order_of(quote),
            today=local_today(),
            can_accept=allows(current_user, "quote.accept"),
            side="enterprise",
            **context,
        ),
        status,
    )


@bp.get("/account/quotes/<int:quote_id>")
@role_required("enterprise")
def my_quote(quote_id: int):
    return _render_my_quote(_own_quote(quote_id))


def _enterprise_act(quote_id: int, form, form_name: str, perform: Callable, success: str):
    quote = _own_quote(quote_id)
    return actions.perform(
        lambda: perform(quote, form),
        form=form,
        rerender=lambda: _render_my_quote(_quote_or_404(quote_id), 400, **{form_name: form}),
        success=success,
        next_url=url_for("quotes.my_quote", quote_id=quote_id),
    )


@bp.post("/account/quotes/<int:quote_id>/accept")
@role_required("enterprise")
def accept(quote_id: int):
    placed = []  # the order accepting placed, to go straight to it (and pay)
    response = _enterprise_act(
        quote_id,
        OfferActionForm(prefix="accept"),
        "accept_form",
        lambda q, f: placed.append(services.accept_offer(current_user, q, offer_id=f.offer())),
        _("Đã chấp nhận báo giá. Đơn hàng đã được tạo theo đúng giá đã báo."),
    )
    if placed:
        return redirect(url_for("billing.order", order_id=placed[0].id))
    return response


@bp.post("/account/quotes/<int:quote_id>/decline")
@role_required("enterprise")
def decline(quote_id: int):
    return _enterprise_act(
        quote_id,
        OfferActionForm(prefix="decline"),
        "decline_form",
        lambda q, f: services.decline_offer(
            current_user, q, offer_id=f.offer(), reason=f.reason.data
        ),
        _("Đã từ chối báo giá."),
    )


@bp.post("/account/quotes/<int:quote_id>/withdraw")
@role_required("enterprise")
def withdraw(quote_id: int):
    return _enterprise_act(
        quote_id,
        OptionalReasonForm(prefix="withdraw"),
        "withdraw_form",
        lambda q, f: services.withdraw_quote(current_user, q, reason=f.reason.data),
        _("Đã rút yêu cầu báo giá."),
    )


@bp.post("/account/quotes/<int:quote_id>/messages")
@role_required("enterprise")
def enterprise_message(quote_id: int):
    return _enterprise_act(
        quote_id,
        MessageForm(),
        "message_form",
        lambda q, f: services.post_message(current_user, q, body=f.body.data),
        _("Đã gửi tin nhắn."),
    )


# ---------------------------------------------------------------- the vendor's inbox


def _vendor_id() -> int:
    return current_user.organization_id


@bp.get("/vendor/quotes")
@role_required("vendor")
def inbox():
    filters = quotes_queries.parse_inbox_filters(request.args, _vendor_id())
    query = quotes_queries.inbox_query(_vendor_id(), filters, user_id=current_user.id)
    pagination = paginate(query, per_page=PER_PAGE)
    return render_template(
        "quotes/inbox.html",
        pagination=pagination,
        filters=filters,
        counts=quotes_queries.inbox_counts(_vendor_id(), solution_id=filters.solution_id),
        solutions=catalog_queries.vendor_solutions(_vendor_id()),
        statuses=list(QuoteStatus),
        offers=quotes_queries.current_offers(q.id for q in pagination.items),
    )


@bp.get("/vendor/quotes.csv")
@role_required("vendor")
def inbox_csv():
    filters = quotes_queries.parse_inbox_filters(request.args, _vendor_id())
    body = exports.export_csv(_vendor_id(), filters, user_id=current_user.id)
    filename = f"bao-gia-{local_today():%Y%m%d}.csv"
    return csv_download(body, filename)


def _vendor_quote(quote_id: int) -> QuoteRequest:
    quote = _quote_or_404(quote_id)
    permissions.require_vendor_side(current_user, quote)
    return quote


def _offer_form(quote: QuoteRequest, formdata=None) -> OfferForm:
    if formdata is None:
        form = OfferForm(formdata=None, solution=quote.solution)
        _prefill_offer(form, quote)
        return form
    return OfferForm(solution=quote.solution)


def _prefill_offer(form: OfferForm, quote: QuoteRequest) -> None:
    """Start from the standing offer, else from the requested plan and number of users."""
    import datetime as dt

    current = quote.current_offer
    form.valid_until.data = local_today() + dt.timedelta(days=30)
    if current is not None:
        form.terms.data = current.terms
        for entry, line in zip(form.lines, current.lines, strict=False):
            entry.form.item.data = str(line.plan_id) if line.plan_id else CUSTOM
            entry.form.description.data = line.description
            entry.form.quantity.data = str(line.quantity)
            entry.form.unit_price.data = str(line.unit_price_vnd)
            entry.form.vat.data = line.vat
        return
    first = form.lines[0].form
    if quote.plan is not None:
        first.item.data = str(quote.plan.id)
        first.unit_price.data = str(quote.plan.price_vnd) if quote.plan.price_vnd else ""
        first.quantity.data = "1"
    for entry in list(form.lines)[1 if quote.plan is not None else 0 :]:
        entry.form.item.data = CUSTOM


def _render_vendor_quote(quote: QuoteRequest, status: int = 200, **forms):
    members = quotes_queries.vendor_members(quote.vendor_id)
    assign_form = AssignForm(formdata=None, members=members)
    assign_form.assignee.data = str(quote.assigned_to_id or "")
    context = {
        "offer_form": _offer_form(quote),
        "retract_form": OfferActionForm(formdata=None, prefix="retract"),
        "close_form": ReasonForm(formdata=None, prefix="close"),
        "message_form": MessageForm(formdata=None),
        "assign_form": assign_form,
        **forms,
    }
    return (
        render_template(
            "quotes/vendor_quote.html",
            quote=quote,
            order=quotes_queries.order_of(quote),
            today=local_today(),
            side="vendor",
            can_respond=allows(current_user, "quote.respond"),
            can_assign=allows(current_user, "quote.assign"),
            **context,
        ),
        status,
    )


@bp.get("/vendor/quotes/<int:quote_id>")
@role_required("vendor")
def vendor_quote(quote_id: int):
    return _render_vendor_quote(_vendor_quote(quote_id))


def _vendor_act(quote_id: int, form, form_name: str, perform: Callable, success: str):
    quote = _vendor_quote(quote_id)
    return actions.perform(
        lambda: perform(quote, form),
        form=form,
        rerender=lambda: _render_vendor_quote(_quote_or_404(quote_id), 400, **{form_name: form}),
        success=success,
        next_url=url_for("quotes.vendor_quote", quote_id=quote_id),
    )


@bp.post("/vendor/quotes/<int:quote_id>/offer")
@role_required("vendor")
def offer(quote_id: int):
    quote = _vendor_quote(quote_id)
    form = _offer_form(quote, formdata=True)
    if form.validate_on_submit():
        try:
            services.send_offer(current_user, quote, form.to_input(), today=local_today())
        except rules.QuoteValidationError as err:
            db.session.rollback()
            form.attach_errors(err.errors)
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "danger")
            return redirect(url_for("quotes.vendor_quote", quote_id=quote_id))
        else:
            db.session.commit()
            flash(_("Đã gửi báo giá. Doanh nghiệp đã được thông báo."), "success")
            return redirect(url_for("quotes.vendor_quote", quote_id=quote_id))
    return _render_vendor_quote(_quote_or_404(quote_id), 400, offer_form=form)


@bp.post("/vendor/quotes/<int:quote_id>/retract")
@role_required("vendor")
def retract(quote_id: int):
    return _vendor_act(
        quote_id,
        OfferActionForm(prefix="retract"),
        "retract_form",
        lambda q, f: services.retract_offer(current_user, q, offer_id=f.offer()),
        _("Đã rút báo giá."),
    )


@bp.post("/vendor/quotes/<int:quote_id>/close")
@role_required("vendor")
def close(quote_id: int):
    return _vendor_act(
        quote_id,
        ReasonForm(prefix="close"),
        "close_form",
        lambda q, f: services.close_quote(current_user, q, reason=f.reason.data),
        _("Đã đóng yêu cầu báo giá."),
    )


@bp.post("/vendor/quotes/<int:quote_id>/assign")
@role_required("vendor")
def assign(quote_id: int):
    members = quotes_queries.vendor_members(current_user.organization_id)
    return _vendor_act(
        quote_id,
        AssignForm(members=members),
        "assign_form",
        lambda q, f: services.assign_quote(current_user, q, assignee_id=f.assignee_id()),
        _("Đã cập nhật người phụ trách."),
    )


@bp.post("/vendor/quotes/<int:quote_id>/messages")
@role_required("vendor")
def vendor_message(quote_id: int):
    return _vendor_act(
        quote_id,
        MessageForm(),
        "message_form",
        lambda q, f: services.post_message(current_user, q, body=f.body.data),
        _("Đã gửi tin nhắn."),
    )


# ---------------------------------------------------------------- staff (read only)


@bp.get("/moderation/quotes")
@role_required("moderator", "admin")
def staff_quotes():
    status = request.args.get("status")
    pagination = paginate(quotes_queries.staff_query(status), per_page=PER_PAGE)
    return render_template(
        "quotes/staff_quotes.html",
        pagination=pagination,
        offers=quotes_queries.current_offers(q.id for q in pagination.items),
        statuses=list(QuoteStatus),
        status=status if status in set(QuoteStatus) else None,
    )


@bp.get("/moderation/quotes/<int:quote_id>")
@role_required("moderator", "admin")
def staff_quote(quote_id: int):
    quote = _quote_or_404(quote_id)
    permissions.require_view_quote(current_user, quote)
    return render_template(
        "quotes/staff_quote.html",
        quote=quote,
        order=quotes_queries.order_of(quote),
        today=local_today(),
        side="staff",
    )
