"""Quote state changes: requesting, offering, the thread, accepting or declining, and the
closing moves (the daily expiry is `expire_offers`, the moves and checks in `rules`).

The life of a quote (see rules.TRANSITIONS):

    requested → offered → accepted | declined | expired
    offered → offered          (a new offer replaces the standing one; history kept)
    offered → requested        (the vendor retracts its offer and prepares another)
    requested → withdrawn      (enterprise) | closed (vendor, a reason is required)

Every change adds a QuoteEvent to the quote's timeline, writes the audit log, announces
`quote_moved` and tells the other party in the app and by e-mail. Accepting places the
order at once (`place_order`, in the same transaction) from the offer's lines at the
offered prices, then announces `offer_accepted`; nothing the enterprise posts carries a
price.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from marketplace.accounts.models import User
from marketplace.accounts.roles import require_action
from marketplace.accounts.validation import normalise_phone
from marketplace.billing import orders as billing_orders
from marketplace.billing.models import Order, OrderSource
from marketplace.catalog.models import Solution, SolutionStatus
from marketplace.core import events
from marketplace.core.audit import record_audit
from marketplace.core.clock import local_today
from marketplace.core.database import utcnow
from marketplace.core.formatting import format_date, format_vnd
from marketplace.core.text import MAX_REASON, clean_text
from marketplace.extensions import db
from marketplace.notifications import services as notifications
from marketplace.quotes import permissions
from marketplace.quotes.models import (
    Offer,
    OfferLine,
    OfferStatus,
    QuoteEvent,
    QuoteMessage,
    QuoteRequest,
    QuoteStatus,
)
from marketplace.quotes.presenters import enterprise_link, quote_label, status_label, vendor_link
from marketplace.quotes.queries import open_quote_for
from marketplace.quotes.rules import (
    MAX_MESSAGE,
    MAX_MESSAGES,
    TRANSITIONS,
    DuplicateQuoteError,
    OfferInput,
    QuoteError,
    QuoteInput,
    QuoteValidationError,
    price_offer,
    validate_request,
)

S = QuoteStatus


def _move(quote: QuoteRequest, actor: User | None, target: str, *, note: str | None = None):
    """Move the quote to `target` if its status allows it; record the event and the audit."""
    action = TRANSITIONS.get((quote.status, target))
    if action is None:
        raise QuoteError(
            _(
                "Không thể thực hiện thao tác này khi yêu cầu báo giá đang ở trạng thái "
                "“%(status)s”.",
                status=status_label(quote.status),
            )
        )
    source = quote.status
    now = utcnow()
    # Move only if nobody moved it meanwhile (two members, a double click, the daily tick).
    moved = db.session.execute(
        update(QuoteRequest)
        .where(QuoteRequest.id == quote.id, QuoteRequest.status == source)
        .values(status=target, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise QuoteError(
            _("Yêu cầu báo giá vừa được người khác xử lý. Vui lòng tải lại trang để xem.")
        )
    set_committed_value(quote, "status", target)
    set_committed_value(quote, "updated_at", now)
    _record(quote, actor, source, target, action=action, note=note)
    events.quote_moved.send(quote, status=target, previous=source)


def _record(quote, actor, source, target, *, action: str, note=None, data=None) -> None:
    db.session.add(
        QuoteEvent(
            quote=quote,
            actor_id=getattr(actor, "id", None),
            from_status=source,
            to_status=target,
            note=note,
        )
    )
    record_audit(
        actor,
        action,
        quote,
        reason=note,
        label=quote_label(quote),
        data={"from": source, "to": target, **(data or {})},
    )


def _clean(text: str | None, *, limit: int, required: bool, missing: str, field: str):
    return clean_text(
        text, limit=limit, required=required, error=QuoteError, field=field, missing=missing
    )


# ---------------------------------------------------------------- the enterprise asks


def request_quote(
    actor: User, solution: Solution, data: QuoteInput, *, today: dt.date | None = None
) -> QuoteRequest:
    """Record an enterprise's request for a quote on a published solution.

    The requester's name, e-mail and phone go to the vendor with the request (the form
    says so). Raises QuoteValidationError for bad details and DuplicateQuoteError when the
    organisation already has an open request for the solution; the partial unique index
    settles concurrent submits (the loser's transaction is rolled back).
    """
    permissions.require_request_quote(actor)
    require_action(actor, "quote.request")
    today = today or local_today()
    if solution.status != SolutionStatus.PUBLISHED or not solution.vendor.active:
        raise QuoteError(_("Giải pháp này hiện không nhận yêu cầu báo giá."))
    errors = validate_request(solution, data, today=today)
    if errors:
        raise QuoteValidationError(errors)
    existing = open_quote_for(actor.organization_id, solution.id)
    if existing is not None:
        raise DuplicateQuoteError(existing)
    quote = QuoteRequest(
        organization_id=actor.organization_id,
        requested_by_id=actor.id,
        solution_id=solution.id,
        plan_id=data.plan_id,
        vendor_id=solution.vendor_id,
        users_count=data.users_count,
        needs=(data.needs or "").strip(),
        desired_start=data.desired_start,
        budget=data.budget or None,
        message=(data.message or "").strip(),
        contact_name=data.contact_name.strip(),
        contact_email=actor.email,
        contact_phone=normalise_phone(data.contact_phone),
        status=S.REQUESTED,
    )
    db.session.add(quote)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise DuplicateQuoteError() from exc
    _record(quote, actor, None, S.REQUESTED, action="quote.request", note=quote.message or None)
    events.quote_moved.send(quote, status=S.REQUESTED, previous=None)
    notifications.notify_organization(
        solution.vendor,
        kind="quote.requested",
        title=_("Yêu cầu báo giá mới: %(name)s", name=solution.name),
        body=_(
            "%(org)s cần báo giá cho %(users)d người dùng. Người liên hệ: %(contact)s.",
            org=actor.organization.name,
            users=quote.users_count,
            contact=quote.contact_name,
        ),
        link=vendor_link(quote),
        dedupe_key=f"quote:{quote.id}:requested",
    )
    return quote


def withdraw_quote(actor: User, quote: QuoteRequest, *, reason: str | None = None) -> None:
    """Withdraw a request the vendor has not answered yet (enterprise)."""
    permissions.require_requester_side(actor, quote)
    require_action(actor, "quote.request")
    text = _clean(reason, limit=MAX_REASON, required=False, missing="", field="reason")
    _move(quote, actor, S.WITHDRAWN, note=text)
    quote.reason = text
    db.session.flush()
    _tell_vendor(
        quote,
        "withdrawn",
        _(
            "%(org)s đã rút yêu cầu báo giá “%(name)s”",
            org=quote.organization.name,
            name=quote.solution.name,
        ),
        _("Lý do: %(reason)s", reason=text) if text else "",
    )


def _standing_offer(quote: QuoteRequest, offer_id: int | None) -> Offer:
    offer = db.session.get(Offer, offer_id) if offer_id else None
    if offer is None or offer.quote_id != quote.id or offer.status != OfferStatus.CURRENT:
        raise QuoteError(
            _("Báo giá này không còn hiệu lực (đã được thay thế, rút lại hoặc đã xử lý).")
        )
    return offer


def _decide_offer(offer: Offer, status: str) -> None:
    moved = db.session.execute(
        update(Offer)
        .where(Offer.id == offer.id, Offer.status == OfferStatus.CURRENT)
        .values(status=status, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise QuoteError(_("Báo giá vừa được người khác xử lý. Vui lòng tải lại trang để xem."))
    db.session.refresh(offer)


def place_order(actor: User, quote: QuoteRequest, offer: Offer, *, now=None) -> Order:
    """Order exactly the offer's lines at their unit prices (VAT is added on top).

    Called when the enterprise accepts the offer (and by the demo data for the offers it
    shows as accepted); the caller commits.
    """
    lines = [
        billing_orders.LineInput(
            description=line.description or (line.plan.name if line.plan else quote.solution.name),
            unit_price_vnd=line.unit_price_vnd,
            quantity=line.quantity,
            vat_treatment=line.vat,
            price_includes_vat=False,
            plan_id=line.plan_id,
            period=line.plan.period if line.plan else None,
        )
        for line in offer.lines
    ]
    try:
        return billing_orders.create_order(
            actor,
            vendor=quote.vendor,
            lines=lines,
            source=OrderSource.QUOTE,
            source_id=quote.id,
            solution_id=quote.solution_id,
            now=now,
        )
    except billing_orders.BillingError as err:
        raise QuoteError(err.message) from err


def accept_offer(
    actor: User, quote: QuoteRequest, *, offer_id: int | None, today: dt.date | None = None
) -> Order:
    """Accept the standing offer while it is valid (enterprise, role quote.accept); return
    the order placed for it.

    `offer_id` is the offer the enterprise saw: if a newer one replaced it meanwhile, the
    acceptance is refused. Only the offer's stored lines price the order, placed here in the
    same transaction (billing.orders.create_order): if billing refuses it (the vendor has no
    confirmed bank account yet), nothing is accepted and the enterprise is told why.
    """
    permissions.require_requester_side(actor, quote)
    require_action(actor, "quote.accept")
    offer = _standing_offer(quote, offer_id)
    if not offer.is_valid_on(today or local_today()):
        raise QuoteError(
            _(
                "Báo giá đã hết hiệu lực từ %(date)s, không thể chấp nhận.",
                date=format_date(offer.valid_until),
            )
        )
    _move(quote, actor, S.ACCEPTED)
    _decide_offer(offer, OfferStatus.ACCEPTED)
    db.session.flush()
    order = place_order(actor, quote, offer)
    events.offer_accepted.send(offer, user=actor)
    _tell_vendor(
        quote,
        "accepted",
        _(
            "%(org)s đã chấp nhận báo giá “%(name)s”",
            org=quote.organization.name,
            name=quote.solution.name,
        ),
        _(
            "Tổng giá trị: %(total)s. Đơn hàng được tạo theo đúng báo giá.",
            total=format_vnd(offer.total_vnd),
        ),
    )
    return order


def decline_offer(
    actor: User, quote: QuoteRequest, *, offer_id: int | None, reason: str | None = None
) -> None:
    """Decline the standing offer (enterprise, role quote.accept); the reason is optional."""
    permissions.require_requester_side(actor, quote)
    require_action(actor, "quote.accept")
    offer = _standing_offer(quote, offer_id)
    text = _clean(reason, limit=MAX_REASON, required=False, missing="", field="reason")
    _move(quote, actor, S.DECLINED, note=text)
    _decide_offer(offer, OfferStatus.DECLINED)
    quote.reason = text
    db.session.flush()
    _tell_vendor(
        quote,
        "declined",
        _(
            "%(org)s đã từ chối báo giá “%(name)s”",
            org=quote.organization.name,
            name=quote.solution.name,
        ),
        _("Lý do: %(reason)s", reason=text) if text else "",
    )


# ---------------------------------------------------------------- the vendor answers


def send_offer(
    actor: User, quote: QuoteRequest, data: OfferInput, *, today: dt.date | None = None
) -> Offer:
    """Send a private offer; it replaces the standing one, whose history is kept (vendor)."""
    permissions.require_vendor_side(actor, quote)
    require_action(actor, "quote.respond")
    today = today or local_today()
    if quote.status not in (S.REQUESTED, S.OFFERED):
        raise QuoteError(
            _(
                "Không thể gửi báo giá khi yêu cầu đang ở trạng thái “%(status)s”.",
                status=status_label(quote.status),
            )
        )
    priced = price_offer(quote.solution, data, today=today)
    number = 1 + max((o.number for o in quote.offers), default=0)
    previous = [o for o in quote.offers if o.status == OfferStatus.CURRENT]
    _move(quote, actor, S.OFFERED, note=_("Báo giá số %(n)d", n=number))
    for old in previous:
        old.status = OfferStatus.REPLACED
    offer = Offer(
        quote=quote,
        number=number,
        status=OfferStatus.CURRENT,
        valid_until=data.valid_until,
        terms=(data.terms or "").strip(),
        subtotal_vnd=priced.subtotal_vnd,
        vat_vnd=priced.vat_vnd,
        total_vnd=priced.total_vnd,
        created_by_id=actor.id,
        lines=[
            OfferLine(
                position=i,
                plan_id=line.plan_id,
                description=line.description,
                quantity=line.quantity,
                unit_price_vnd=line.unit_price_vnd,
                vat=line.vat,
                amount_vnd=line.amount_vnd,
                vat_vnd=line.vat_vnd,
            )
            for i, line in enumerate(priced.lines)
        ],
    )
    db.session.add(offer)
    if quote.first_response_at is None:
        quote.first_response_at = utcnow()
    if quote.assigned_to_id is None:
        quote.assigned_to_id = actor.id
    db.session.flush()
    _tell_enterprise(
        quote,
        f"offered:{number}",
        _("Báo giá mới cho “%(name)s”", name=quote.solution.name),
        _(
            "%(vendor)s gửi báo giá %(total)s, hiệu lực đến hết ngày %(date)s.",
            vendor=quote.vendor.name,
            total=format_vnd(offer.total_vnd),
            date=format_date(offer.valid_until),
        ),
    )
    return offer


def retract_offer(actor: User, quote: QuoteRequest, *, offer_id: int | None) -> None:
    """Take the standing offer back; the request waits for a new one (vendor)."""
    permissions.require_vendor_side(actor, quote)
    require_action(actor, "quote.respond")
    offer = _standing_offer(quote, offer_id)
    _move(quote, actor, S.REQUESTED, note=_("Rút báo giá số %(n)d", n=offer.number))
    _decide_offer(offer, OfferStatus.RETRACTED)
    db.session.flush()
    _tell_enterprise(
        quote,
        f"retracted:{offer.number}",
        _("Nhà cung cấp đã rút báo giá “%(name)s”", name=quote.solution.name),
        _("Báo giá số %(n)d không còn hiệu lực. Nhà cung cấp sẽ gửi báo giá mới.", n=offer.number),
    )


def close_quote(actor: User, quote: QuoteRequest, *, reason: str | None) -> None:
    """Close a request without an offer; the reason is required and shown (vendor)."""
    permissions.require_vendor_side(actor, quote)
    require_action(actor, "quote.respond")
    text = _clean(
        reason,
        limit=MAX_REASON,
        required=True,
        missing=_("Vui lòng nêu lý do đóng yêu cầu."),
        field="reason",
    )
    _move(quote, actor, S.CLOSED, note=text)
    quote.reason = text
    if quote.first_response_at is None:
        quote.first_response_at = utcnow()
    db.session.flush()
    _tell_enterprise(
        quote,
        "closed",
        _("Yêu cầu báo giá “%(name)s” đã được đóng", name=quote.solution.name),
        _("Lý do: %(reason)s", reason=text),
    )


def assign_quote(actor: User, quote: QuoteRequest, *, assignee_id: int | None) -> None:
    """Give the request to a member of the vendor (a branch's salesperson), or to nobody."""
    permissions.require_vendor_side(actor, quote)
    require_action(actor, "quote.assign")
    assignee = db.session.get(User, assignee_id) if assignee_id else None
    if assignee_id and not permissions.can_be_assigned(assignee, quote):
        raise QuoteError(_("Vui lòng chọn một thành viên của tổ chức."), "assignee")
    if quote.assigned_to_id == (assignee.id if assignee else None):
        return
    quote.assigned_to_id = assignee.id if assignee else None
    record_audit(
        actor,
        "quote.assign",
        quote,
        label=quote_label(quote),
        data={"assignee_id": quote.assigned_to_id},
    )
    db.session.flush()
    if assignee is not None and assignee.id != actor.id:
        notifications.notify(
            assignee,
            kind="quote.assigned",
            title=_("Bạn được giao yêu cầu báo giá “%(name)s”", name=quote.solution.name),
            body=_(
                "%(who)s giao cho bạn yêu cầu của %(org)s.",
                who=actor.name,
                org=quote.organization.name,
            ),
            link=vendor_link(quote),
        )


# ---------------------------------------------------------------- the thread


def post_message(actor: User, quote: QuoteRequest, *, body: str | None) -> QuoteMessage:
    """Add a message to the quote's thread (either party) and tell the other side."""
    if permissions.is_requester_member(actor, quote):
        side = "enterprise"
        require_action(actor, "quote.request")
    else:
        permissions.require_vendor_side(actor, quote)
        side = "vendor"
        require_action(actor, "quote.respond")
    if quote.status not in (S.REQUESTED, S.OFFERED, S.ACCEPTED):
        raise QuoteError(_("Yêu cầu báo giá đã kết thúc, không thể gửi thêm tin nhắn."), "body")
    text = _clean(
        body,
        limit=MAX_MESSAGE,
        required=True,
        missing=_("Vui lòng nhập nội dung tin nhắn."),
        field="body",
    )
    count = db.session.scalar(
        select(db.func.count(QuoteMessage.id)).where(QuoteMessage.quote_id == quote.id)
    )
    if count >= MAX_MESSAGES:
        raise QuoteError(_("Trao đổi đã quá dài. Vui lòng liên hệ trực tiếp."), "body")
    message = QuoteMessage(quote=quote, author_id=actor.id, side=side, body=text)
    db.session.add(message)
    db.session.flush()
    title = _("Tin nhắn mới về báo giá “%(name)s”", name=quote.solution.name)
    preview = text[:200]
    if side == "enterprise":
        _tell_vendor(quote, "message", title, preview, replace_unread=True)
    else:
        _tell_enterprise(quote, "message", title, preview, replace_unread=True)
    return message


# ---------------------------------------------------------------- the daily tick


def expire_offers(today: dt.date | None = None) -> int:
    """Expire the offers whose last valid day has passed; return how many."""
    from marketplace.quotes.queries import expired_offers

    today = today or local_today()
    done = 0
    for quote in expired_offers(today):
        offer = quote.current_offer
        try:
            with db.session.begin_nested():
                _move(quote, None, S.EXPIRED)
                if offer is not None and offer.status == OfferStatus.CURRENT:
                    _decide_offer(offer, OfferStatus.EXPIRED)
        except QuoteError:
            continue  # someone accepted or replaced it meanwhile
        done += 1
        _tell_enterprise(
            quote,
            "expired",
            _("Báo giá “%(name)s” đã hết hiệu lực", name=quote.solution.name),
            _("Bạn có thể gửi yêu cầu báo giá mới nếu vẫn có nhu cầu."),
        )
        _tell_vendor(
            quote,
            "expired",
            _("Báo giá cho %(org)s đã hết hiệu lực", org=quote.organization.name),
            "",
        )
    return done


# ---------------------------------------------------------------- telling the other side


def _tell_enterprise(quote, event: str, title: str, body: str, *, replace_unread=False) -> None:
    notifications.notify_organization(
        quote.organization,
        kind="quote.message" if event == "message" else "quote.update",
        title=title,
        body=body,
        link=enterprise_link(quote),
        dedupe_key=None if replace_unread else f"quote:{quote.id}:{event}",
        replace_unread=replace_unread,
    )


def _tell_vendor(quote, event: str, title: str, body: str, *, replace_unread=False) -> None:
    notifications.notify_organization(
        quote.vendor,
        kind="quote.message" if event == "message" else "quote.update",
        title=title,
        body=body,
        link=vendor_link(quote),
        dedupe_key=None if replace_unread else f"quote:{quote.id}:{event}",
        replace_unread=replace_unread,
    )
