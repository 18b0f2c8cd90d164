"""The quote's life through the services: request, offer, replace, accept, decline, expire."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, select

from marketplace.accounts import roles
from marketplace.core import events
from marketplace.core.audit import AuditLog
from marketplace.core.clock import local_today
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.quotes import queries, rules, services
from marketplace.quotes.models import OfferStatus, QuoteStatus
from tests.quotes.conftest import offer_input, plan_named


def test_an_offer_prices_its_lines_exactly_and_keeps_the_history(app, vendor, make_quote, solution):
    quote = make_quote()
    first = services.send_offer(vendor, quote, offer_input(solution))
    db.session.commit()
    # 2 × 8.500.000 = 17.000.000 (+10% = 1.700.000); 3.000.000 (+8% = 240.000)
    assert first.subtotal_vnd == 20_000_000
    assert first.vat_vnd == 1_940_000
    assert first.total_vnd == 21_940_000
    assert [line.description for line in first.lines] == ["Doanh nghiệp", "Triển khai và đào tạo"]
    assert quote.status == QuoteStatus.OFFERED and quote.first_response_at is not None
    assert quote.assigned_to_id == vendor.id
    second = services.send_offer(
        vendor,
        quote,
        offer_input(
            solution,
            lines=[rules.LineInput(None, "Gói 25 người dùng", 25, 333_333, "10")],
        ),
    )
    db.session.commit()
    db.session.refresh(first)
    assert first.status == OfferStatus.REPLACED
    assert second.number == 2 and second.status == OfferStatus.CURRENT
    # 25 × 333.333 = 8.333.325; VAT 833.332,5 → 833.333 (halves up): integers throughout
    assert (second.subtotal_vnd, second.vat_vnd, second.total_vnd) == (
        8_333_325,
        833_333,
        9_166_658,
    )
    assert [e.to_status for e in quote.events] == ["requested", "offered", "offered"]


def test_accepting_sends_offer_accepted_once_at_the_offered_price(
    app, enterprise, vendor, make_quote
):
    quote = make_quote(offered=True)
    offer = quote.current_offer
    with events.offer_accepted.connected_to(lambda s, **kw: seen.append((s, kw))):
        seen: list = []
        services.accept_offer(enterprise, quote, offer_id=offer.id)
        db.session.commit()
        assert [(s.id, s.total_vnd) for s, _kw in seen] == [(offer.id, 21_940_000)]
        with pytest.raises(rules.QuoteError):
            services.accept_offer(enterprise, quote, offer_id=offer.id)
        db.session.rollback()
        assert len(seen) == 1
    assert quote.status == QuoteStatus.ACCEPTED
    assert offer.status == OfferStatus.ACCEPTED
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "quote.accept"))
    assert db.session.scalar(
        select(Notification).where(
            Notification.user_id == vendor.id, Notification.title.contains("chấp nhận")
        )
    )


def test_accepting_places_one_order_with_the_offer_lines_and_total(app, enterprise, make_quote):
    from marketplace.billing.models import Order, OrderSource, OrderStatus

    quote = make_quote(offered=True)
    offer = quote.current_offer
    services.accept_offer(enterprise, quote, offer_id=offer.id)
    db.session.commit()
    [order] = db.session.scalars(select(Order)).all()
    assert (order.source, order.source_id) == (OrderSource.QUOTE, quote.id)
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert order.organization_id == enterprise.organization_id
    assert order.vendor_id == quote.vendor_id
    assert order.total_vnd == offer.total_vnd == 21_940_000
    assert [(line.quantity, line.unit_price_vnd) for line in order.lines] == [
        (line.quantity, line.unit_price_vnd) for line in offer.lines
    ]
    assert queries.order_of(quote).id == order.id


def test_without_a_confirmed_bank_account_accepting_is_refused_and_nothing_changes(
    app, enterprise, make_quote
):
    from marketplace.billing.models import Order, VendorBankAccount

    quote = make_quote(offered=True)
    offer = quote.current_offer
    db.session.execute(delete(VendorBankAccount))
    db.session.commit()
    with pytest.raises(rules.QuoteError, match="tài khoản nhận chuyển khoản"):
        services.accept_offer(enterprise, quote, offer_id=offer.id)
    db.session.rollback()
    db.session.refresh(quote)
    assert quote.status == QuoteStatus.OFFERED
    assert db.session.scalars(select(Order)).all() == []


def test_an_expired_offer_cannot_be_accepted_and_the_tick_expires_it(app, enterprise, make_quote):
    quote = make_quote(offered=True)
    offer = quote.current_offer
    later = offer.valid_until + dt.timedelta(days=1)
    with pytest.raises(rules.QuoteError, match="hết hiệu lực"):
        services.accept_offer(enterprise, quote, offer_id=offer.id, today=later)
    db.session.rollback()
    assert services.expire_offers(today=offer.valid_until) == 0
    assert services.expire_offers(today=later) == 1
    db.session.commit()
    db.session.refresh(quote)
    db.session.refresh(offer)
    assert quote.status == QuoteStatus.EXPIRED and offer.status == OfferStatus.EXPIRED
    with pytest.raises(rules.QuoteError):
        services.accept_offer(enterprise, quote, offer_id=offer.id, today=offer.valid_until)


def test_a_replaced_or_retracted_offer_cannot_be_accepted(app, enterprise, vendor, make_quote):
    quote = make_quote(offered=True)
    old = quote.current_offer
    services.send_offer(vendor, quote, offer_input(quote.solution))
    db.session.commit()
    with pytest.raises(rules.QuoteError, match="không còn hiệu lực"):
        services.accept_offer(enterprise, quote, offer_id=old.id)
    db.session.rollback()
    current = quote.current_offer
    services.retract_offer(vendor, quote, offer_id=current.id)
    db.session.commit()
    assert quote.status == QuoteStatus.REQUESTED
    with pytest.raises(rules.QuoteError):
        services.accept_offer(enterprise, quote, offer_id=current.id)


def test_only_the_right_role_of_the_requesting_organisation_accepts(
    app, enterprise, other_enterprise, vendor, make_quote, monkeypatch
):
    quote = make_quote(offered=True)
    offer = quote.current_offer
    from werkzeug.exceptions import NotFound

    with pytest.raises(NotFound):
        services.accept_offer(other_enterprise, quote, offer_id=offer.id)
    from werkzeug.exceptions import Forbidden

    with pytest.raises(Forbidden):  # the vendor sees the quote but does not accept it
        services.accept_offer(vendor, quote, offer_id=offer.id)
    monkeypatch.setattr(roles, "org_role", lambda user: roles.OrgRole.MEMBER)
    with pytest.raises(roles.ActionRefused):
        services.accept_offer(enterprise, quote, offer_id=offer.id)
    assert quote.status == QuoteStatus.OFFERED


def test_declining_withdrawing_and_closing(app, enterprise, vendor, make_quote, other_solution):
    quote = make_quote(offered=True)
    services.decline_offer(
        enterprise, quote, offer_id=quote.current_offer.id, reason="Quá ngân sách"
    )
    db.session.commit()
    assert quote.status == QuoteStatus.DECLINED and quote.reason == "Quá ngân sách"
    again = make_quote()
    services.withdraw_quote(enterprise, again)
    db.session.commit()
    assert again.status == QuoteStatus.WITHDRAWN
    third = make_quote()
    with pytest.raises(rules.QuoteError, match="lý do"):
        services.close_quote(vendor, third, reason="  ")
    db.session.rollback()
    services.close_quote(vendor, third, reason="Chưa phục vụ địa bàn này")
    db.session.commit()
    assert third.status == QuoteStatus.CLOSED
    with pytest.raises(rules.QuoteError):
        services.withdraw_quote(enterprise, third)


@pytest.mark.parametrize(
    ("quantity", "price", "field"),
    [
        (0, 1_000_000, "quantity"),
        (-3, 1_000_000, "quantity"),
        (None, 1_000_000, "quantity"),
        (100_001, 1_000_000, "quantity"),
        (1, 0, "unit_price"),
        (1, -5, "unit_price"),
        (1, 10_000_000_001, "unit_price"),
        (100_000, 10_000_000, "quantity"),  # 1.000 tỷ for one line
    ],
)
def test_bad_quantities_and_prices_are_field_errors(
    app, vendor, make_quote, solution, quantity, price, field
):
    quote = make_quote()
    lines = [rules.LineInput(None, "Hạng mục", quantity, price, "10")]
    with pytest.raises(rules.QuoteValidationError) as err:
        services.send_offer(vendor, quote, offer_input(solution, lines=lines))
    assert f"lines-0-{field}" in err.value.errors
    db.session.rollback()
    assert quote.status == QuoteStatus.REQUESTED


def test_an_offer_needs_a_validity_in_range_and_a_plan_of_the_solution(
    app, vendor, make_quote, solution, other_solution
):
    quote = make_quote()
    today = local_today()
    with pytest.raises(rules.QuoteValidationError) as err:
        services.send_offer(
            vendor, quote, offer_input(solution, valid_until=today - dt.timedelta(days=1))
        )
    assert "valid_until" in err.value.errors
    foreign = [rules.LineInput(other_solution.plans[0].id, "", 1, 1000, "10")]
    with pytest.raises(rules.QuoteValidationError) as err:
        services.send_offer(vendor, quote, offer_input(solution, lines=foreign))
    assert "lines-0-item" in err.value.errors
    assert plan_named(solution, "Cơ bản")  # the solution's own plans stay offerable


def test_the_thread_tells_the_other_side(app, enterprise, vendor, make_quote):
    quote = make_quote(offered=True)
    services.post_message(enterprise, quote, body="Giá đã gồm **đào tạo** chưa?")
    services.post_message(vendor, quote, body="Đã gồm 2 buổi đào tạo.")
    db.session.commit()
    assert [m.side for m in quote.messages] == ["enterprise", "vendor"]
    kinds = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "quote.message")
    ).all()
    assert sorted(kinds) == sorted([vendor.id, enterprise.id])
    with pytest.raises(rules.QuoteError):
        services.post_message(enterprise, quote, body="   ")


def test_assignment_only_to_a_member_of_the_vendor(app, vendor, other_vendor, make_quote):
    from tests import factories

    quote = make_quote()
    colleague = factories.make_user("vendor", org=vendor.organization, name="Trần Văn Bán")
    services.assign_quote(vendor, quote, assignee_id=colleague.id)
    db.session.commit()
    assert quote.assigned_to_id == colleague.id
    assert db.session.scalar(
        select(Notification).where(
            Notification.user_id == colleague.id, Notification.kind == "quote.assigned"
        )
    )
    with pytest.raises(rules.QuoteError):
        services.assign_quote(vendor, quote, assignee_id=other_vendor.id)


def test_an_offer_is_told_to_the_enterprise_in_the_app_and_by_e_mail(
    app, enterprise, vendor, make_quote
):
    from marketplace.notifications.models import EmailOutbox

    quote = make_quote(offered=True)
    title = f"Báo giá mới cho “{quote.solution.name}”"
    [mail] = db.session.scalars(
        select(EmailOutbox).where(EmailOutbox.to_email == enterprise.email)
    ).all()
    assert mail.subject == title and mail.status == "queued"
    assert "21.940.000" in mail.body_text and f"/account/quotes/{quote.id}" in mail.body_text
    assert db.session.scalar(
        select(Notification).where(
            Notification.user_id == enterprise.id, Notification.title == title
        )
    )
    # The vendor who sent it is not mailed about its own offer.
    assert not db.session.scalar(
        select(EmailOutbox).where(
            EmailOutbox.to_email == vendor.email, EmailOutbox.subject == title
        )
    )


@pytest.mark.parametrize(
    ("move", "told_side", "title", "source"),
    [
        ("withdraw", "vendor", "đã rút yêu cầu báo giá", "requested"),
        ("close", "enterprise", "đã được đóng", "requested"),
        ("retract", "enterprise", "Nhà cung cấp đã rút báo giá", "offered"),
        ("expire", "enterprise", "đã hết hiệu lực", "offered"),
    ],
)
def test_each_move_tells_the_other_side_and_is_audited(
    app, enterprise, vendor, make_quote, move, told_side, title, source
):
    from marketplace.notifications.models import EmailOutbox

    quote = make_quote(offered=source == "offered")
    actor, target = {
        "withdraw": (enterprise, QuoteStatus.WITHDRAWN),
        "close": (vendor, QuoteStatus.CLOSED),
        "retract": (vendor, QuoteStatus.REQUESTED),
        "expire": (None, QuoteStatus.EXPIRED),
    }[move]
    if move == "withdraw":
        services.withdraw_quote(enterprise, quote, reason="Đã chọn nơi khác")
    elif move == "close":
        services.close_quote(vendor, quote, reason="Chưa phục vụ địa bàn này")
    elif move == "retract":
        services.retract_offer(vendor, quote, offer_id=quote.current_offer.id)
    else:
        later = quote.current_offer.valid_until + dt.timedelta(days=1)
        assert services.expire_offers(today=later) == 1
    db.session.commit()
    assert quote.status == target
    told = vendor if told_side == "vendor" else enterprise
    other = enterprise if told is vendor else vendor
    note = db.session.scalar(
        select(Notification).where(
            Notification.user_id == told.id,
            Notification.kind == "quote.update",
            Notification.title.contains(title),
        )
    )
    assert note is not None and note.link.endswith(f"/quotes/{quote.id}")
    assert db.session.scalar(
        select(EmailOutbox).where(
            EmailOutbox.to_email == told.email, EmailOutbox.subject == note.title
        )
    )
    if actor is not None:  # the one who acted is not told about its own move
        assert not db.session.scalar(
            select(Notification).where(
                Notification.user_id == other.id, Notification.title.contains(title)
            )
        )
    [entry] = db.session.scalars(
        select(AuditLog).where(AuditLog.action == f"quote.{move}", AuditLog.object_id == quote.id)
    ).all()
    assert entry.object_type == "quote_requests"
    assert entry.actor_id == (actor.id if actor else None)
    assert entry.data == {"from": source, "to": target}
    if move == "expire":  # nobody acted: both sides hear of it
        assert db.session.scalar(
            select(Notification).where(
                Notification.user_id == vendor.id, Notification.title.contains("hết hiệu lực")
            )
        )
