"""Needs state changes: posting, moderation, questions, proposals, the award and the closing
moves (see rules for the life of a need and who sees what).

Every move of a need is a conditional update (from the status the actor saw), so two
members clicking at once, a double submit or the daily job cannot both win: the loser gets
a polite NeedError and its transaction is rolled back. Every change writes the audit log
and tells the other side in the app and by e-mail. No message to a vendor carries the
enterprise's name unless the need shows it.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from marketplace.accounts.models import Organization, User
from marketplace.accounts.roles import require_action
from marketplace.billing import orders as billing_orders
from marketplace.billing.models import Order, OrderSource
from marketplace.catalog.models import Category, Solution, SolutionStatus
from marketplace.core import events, geography
from marketplace.core.audit import record_audit
from marketplace.core.clock import local_today
from marketplace.core.database import utcnow
from marketplace.core.formatting import format_date, format_vnd
from marketplace.core.permissions import deny
from marketplace.core.text import MAX_REASON, clean_text
from marketplace.extensions import db
from marketplace.needs import permissions, rules
from marketplace.needs.models import (
    Need,
    NeedAlertOptOut,
    NeedQuestion,
    NeedStatus,
    Proposal,
    ProposalLine,
    ProposalStatus,
)
from marketplace.needs.rules import NeedError, NeedValidationError
from marketplace.notifications import services as notifications
from marketplace.trials import services as trials
from marketplace.trials.rules import TrialInput

S = NeedStatus
P = ProposalStatus


def _link(need: Need) -> str:
    return f"/needs/{need.id}"


def _label(need: Need) -> str:
    return f"#{need.id} {need.title}"[:200]


def _move(need: Need, actor: User | None, source: tuple[str, ...], target: str, **values):
    """Move the need to `target` if nobody moved it meanwhile; record the audit."""
    previous = need.status
    if previous not in source:
        raise NeedError(
            _(
                "Không thể thực hiện thao tác này khi bài toán đang ở trạng thái “%(status)s”.",
                status=rules.STATUS_LABELS[previous],
            )
        )
    now = utcnow()
    moved = db.session.execute(
        update(Need)
        .where(Need.id == need.id, Need.status == previous)
        .values(status=target, updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise NeedError(_("Bài toán vừa được người khác xử lý. Vui lòng tải lại trang để xem."))
    set_committed_value(need, "status", target)
    set_committed_value(need, "updated_at", now)
    for key, value in values.items():
        set_committed_value(need, key, value)
    record_audit(
        actor,
        f"need.{target}",
        need,
        reason=values.get("moderation_reason") or values.get("close_reason"),
        label=_label(need),
        data={"from": previous, "to": target},
    )


def _clean(text, *, limit: int, field: str, missing: str | None = None, required=True):
    return clean_text(
        text, limit=limit, required=required, error=NeedError, field=field, missing=missing
    )


# ---------------------------------------------------------------- posting and moderation


def post_need(actor: User, data: rules.NeedInput, *, today: dt.date | None = None) -> Need:
    """Record an enterprise's need; it waits for a moderator before vendors see it."""
    if not permissions.is_enterprise(actor):
        deny()
    require_action(actor, "need.post")
    today = today or local_today()
    category_ids = set(db.session.scalars(select(Category.id)))
    data.must_haves = rules.clean_must_haves(data.must_haves)
    errors = rules.validate_need(data, today=today, category_ids=category_ids)
    commune = geography.commune(data.commune_code) if data.commune_code else None
    if data.commune_code and (
        commune is None or commune.province_code != geography.served_province_code()
    ):
        errors["commune_code"] = _("Lựa chọn không hợp lệ.")
    if errors:
        raise NeedValidationError(errors)
    need = Need(
        organization_id=actor.organization_id,
        posted_by_id=actor.id,
        title=" ".join(data.title.split()),
        problem=data.problem.strip(),
        category_id=data.category_id,
        users_count=data.users_count,
        budget_min_vnd=data.budget_min_vnd,
        budget_max_vnd=data.budget_max_vnd,
        deadline=data.deadline,
        commune_code=commune.code if commune else None,
        area_code=commune.former_province_code if commune else None,
        show_name=bool(data.show_name),
        status=S.PENDING,
    )
    need.must_haves = data.must_haves
    db.session.add(need)
    db.session.flush()
    record_audit(actor, "need.post", need, label=_label(need))
    notifications.notify_staff(
        kind="moderation.queue",
        title=_("Bài toán mới chờ duyệt: %(title)s", title=need.title),
        link=f"/moderation/needs/{need.id}",
        email=False,
    )
    return need


def moderate_need(
    actor: User, need: Need, *, approve: bool, reason: str | None, today: dt.date | None = None
) -> None:
    """Approve a pending need (vendors are alerted) or reject it with a reason (staff)."""
    if not permissions.is_staff(actor):
        deny()
    today = today or local_today()
    if approve:
        if need.status == S.PENDING and need.deadline < today:
            raise NeedError(_("Hạn nhận đề xuất của bài toán đã qua; hãy từ chối và nêu lý do."))
        note = _clean(reason, limit=MAX_REASON, field="reason", required=False)
        _move(
            need,
            actor,
            (S.PENDING,),
            S.OPEN,
            published_at=utcnow(),
            moderated_by_id=actor.id,
            moderation_reason=note,
        )
        events.need_published.send(need)
        title = _("Bài toán “%(title)s” đã được duyệt", title=need.title)
        body = _(
            "Các nhà cung cấp có thể gửi đề xuất đến hết ngày %(date)s.",
            date=format_date(need.deadline),
        )
    else:
        note = _clean(reason, limit=MAX_REASON, field="reason", missing=_("Vui lòng nhập lý do."))
        _move(
            need,
            actor,
            (S.PENDING,),
            S.REJECTED,
            moderated_by_id=actor.id,
            moderation_reason=note,
        )
        title = _("Bài toán “%(title)s” chưa được duyệt", title=need.title)
        body = _("Lý do: %(reason)s", reason=note)
    notifications.notify_organization(
        need.organization,
        kind="need.moderated",
        title=title,
        body=body,
        link=_link(need),
        dedupe_key=f"need:{need.id}:moderated",
    )


# ---------------------------------------------------------------- questions in public


def ask_question(actor: User, need: Need, *, body: str | None) -> NeedQuestion:
    """Ask the enterprise a clarification question (a verified vendor, while open)."""
    permissions.require_vendor(actor, need)
    require_action(actor, "need.propose")
    if need.status != S.OPEN or not rules.accepts_proposals(need.deadline, local_today()):
        raise NeedError(_("Bài toán không còn nhận câu hỏi."), "body")
    text = _clean(body, limit=rules.MAX_QUESTION, field="body", missing=_("Vui lòng nhập câu hỏi."))
    asked = db.session.scalar(
        select(db.func.count(NeedQuestion.id)).where(
            NeedQuestion.need_id == need.id, NeedQuestion.vendor_id == actor.organization_id
        )
    )
    if asked >= rules.MAX_QUESTIONS_PER_VENDOR:
        raise NeedError(
            _("Mỗi nhà cung cấp hỏi tối đa %(n)d câu.", n=rules.MAX_QUESTIONS_PER_VENDOR), "body"
        )
    question = NeedQuestion(
        need=need, vendor_id=actor.organization_id, asked_by_id=actor.id, body=text
    )
    db.session.add(question)
    db.session.flush()
    record_audit(actor, "need.ask", need, label=_label(need), data={"question_id": question.id})
    notifications.notify_organization(
        need.organization,
        kind="need.question",
        title=_("Câu hỏi mới về bài toán “%(title)s”", title=need.title),
        body=text[:200],
        link=_link(need) + "#questions",
        replace_unread=True,
    )
    return question


def answer_question(actor: User, need: Need, *, question_id: int | None, answer: str | None):
    """Answer a question; every vendor who sees the need reads it (the enterprise)."""
    permissions.require_owner(actor, need)
    require_action(actor, "need.post")
    question = db.session.get(NeedQuestion, question_id) if question_id else None
    if question is None or question.need_id != need.id:
        raise NeedError(_("Không tìm thấy câu hỏi."))
    if question.answer:
        raise NeedError(_("Câu hỏi này đã được trả lời."))
    if need.status != S.OPEN:
        raise NeedError(_("Bài toán đã đóng."))
    text = _clean(
        answer, limit=rules.MAX_ANSWER, field="answer", missing=_("Vui lòng nhập câu trả lời.")
    )
    moved = db.session.execute(
        update(NeedQuestion)
        .where(NeedQuestion.id == question.id, NeedQuestion.answer.is_(None))
        .values(answer=text, answered_by_id=actor.id, answered_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise NeedError(_("Câu hỏi này đã được trả lời."))
    db.session.refresh(question)
    record_audit(actor, "need.answer", need, label=_label(need), data={"question_id": question.id})
    for vendor in _vendors_engaged(need):
        notifications.notify_organization(
            vendor,
            kind="need.answer",
            title=_("Câu hỏi về bài toán “%(title)s” đã được trả lời", title=need.title),
            body=_("Mọi nhà cung cấp xem bài toán đều đọc được câu trả lời."),
            link=_link(need) + "#questions",
            replace_unread=True,
        )
    return question


def _vendors_engaged(need: Need) -> list[Organization]:
    """Return the vendors that asked a question or proposed (told of answers and closing)."""
    ids = set(
        db.session.scalars(select(NeedQuestion.vendor_id).where(NeedQuestion.need_id == need.id))
    ) | {p.vendor_id for p in need.proposals}
    if not ids:
        return []
    return list(db.session.scalars(select(Organization).where(Organization.id.in_(ids))))


# ---------------------------------------------------------------- proposals


def own_proposal(need: Need, vendor_id: int | None) -> Proposal | None:
    return next((p for p in need.proposals if p.vendor_id == vendor_id), None)


def proposable_solutions(vendor_id: int) -> list[Solution]:
    """Return the vendor's published listings (those a proposal may name)."""
    return list(
        db.session.scalars(
            select(Solution)
            .where(Solution.vendor_id == vendor_id, Solution.status == SolutionStatus.PUBLISHED)
            .order_by(Solution.name)
        )
    )


def save_proposal(
    actor: User, need: Need, data: rules.ProposalInput, *, today: dt.date | None = None
) -> Proposal:
    """Make or edit the vendor's one proposal while the need is open, through the deadline."""
    permissions.require_vendor(actor, need)
    require_action(actor, "need.propose")
    today = today or local_today()
    if need.status != S.OPEN:
        raise NeedError(_("Bài toán không còn nhận đề xuất."))
    if not rules.accepts_proposals(need.deadline, today):
        raise NeedError(_("Đã quá hạn nhận đề xuất (%(date)s).", date=format_date(need.deadline)))
    existing = own_proposal(need, actor.organization_id)
    if existing is not None and existing.status != P.SUBMITTED:
        raise NeedError(_("Đề xuất đã rút không thể gửi lại."))
    errors: dict[str, str] = {}
    allowed = {s.id: s for s in proposable_solutions(actor.organization_id)}
    chosen = list(dict.fromkeys(data.solution_ids))
    if any(i not in allowed for i in chosen):
        errors["solutions"] = _("Vui lòng chọn giải pháp đang xuất bản của bạn.")
    elif len(chosen) > rules.MAX_SOLUTIONS:
        errors["solutions"] = _("Tối đa %(n)d giải pháp.", n=rules.MAX_SOLUTIONS)
    covers = {i for i in data.covers if 0 <= i < len(need.must_haves)}
    try:
        priced = rules.price_proposal(data)
    except NeedValidationError as err:
        errors.update(err.errors)
    if errors:
        raise NeedValidationError(errors)
    proposal = existing or Proposal(
        need=need, vendor_id=actor.organization_id, status=P.SUBMITTED, shortlisted=False
    )
    proposal.submitted_by_id = actor.id
    proposal.implementation_days = data.implementation_days
    proposal.trial_offered = bool(data.trial_offered)
    proposal.note = (data.note or "").strip()
    proposal.covers = covers
    proposal.subtotal_vnd = priced.subtotal_vnd
    proposal.vat_vnd = priced.vat_vnd
    proposal.total_vnd = priced.total_vnd
    proposal.first_year_vnd = priced.first_year_vnd
    proposal.updated_at = utcnow()
    proposal.solutions = [allowed[i] for i in chosen]
    proposal.lines = [
        ProposalLine(
            position=i,
            description=line.description,
            quantity=line.quantity,
            unit_price_vnd=line.unit_price_vnd,
            vat=line.vat,
            period=line.period,
            amount_vnd=line.amount_vnd,
            vat_vnd=line.vat_vnd,
        )
        for i, line in enumerate(priced.lines)
    ]
    if existing is None:
        db.session.add(proposal)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        # Two members of the vendor submitted at once: the first proposal stands.
        raise NeedError(
            _("Nhà cung cấp của bạn đã gửi đề xuất cho bài toán này. Hãy tải lại trang.")
        ) from exc
    record_audit(
        actor,
        "need.propose" if existing is None else "need.edit_proposal",
        proposal,
        label=_label(need),
        data={"need_id": need.id, "first_year_vnd": proposal.first_year_vnd},
    )
    if existing is None:
        # The count only: the contents stay sealed until the deadline.
        notifications.notify_organization(
            need.organization,
            kind="need.proposal",
            title=_("Đề xuất mới cho bài toán “%(title)s”", title=need.title),
            body=_(
                "Bạn sẽ xem và so sánh các đề xuất sau hạn %(date)s.",
                date=format_date(need.deadline),
            ),
            link=_link(need),
            replace_unread=True,
        )
    return proposal


def withdraw_proposal(actor: User, need: Need, *, today: dt.date | None = None) -> None:
    """Withdraw the vendor's proposal before the deadline; it stays in the history."""
    permissions.require_vendor(actor, need)
    require_action(actor, "need.propose")
    proposal = own_proposal(need, actor.organization_id)
    if proposal is None or proposal.status != P.SUBMITTED:
        raise NeedError(_("Không có đề xuất đang gửi để rút."))
    if need.status != S.OPEN or not rules.accepts_proposals(need.deadline, today or local_today()):
        raise NeedError(_("Đã quá hạn, không thể rút đề xuất."))
    _set_proposal(proposal, (P.SUBMITTED,), P.WITHDRAWN)
    record_audit(actor, "need.withdraw_proposal", proposal, label=_label(need))


def _set_proposal(proposal: Proposal, source: tuple[str, ...], target: str) -> None:
    now = utcnow()
    moved = db.session.execute(
        update(Proposal)
        .where(Proposal.id == proposal.id, Proposal.status.in_(source))
        .values(status=target, decided_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise NeedError(_("Đề xuất vừa được người khác xử lý. Vui lòng tải lại trang để xem."))
    set_committed_value(proposal, "status", target)
    set_committed_value(proposal, "decided_at", now)


# ---------------------------------------------------------------- the enterprise decides


def _readable_proposal(actor: User, need: Need, proposal_id: int | None, today) -> Proposal:
    permissions.require_owner(actor, need)
    if not rules.proposals_visible_to_buyer(need.deadline, today):
        raise NeedError(
            _(
                "Các đề xuất được mở sau hạn %(date)s để mọi nhà cung cấp cạnh tranh công bằng.",
                date=format_date(need.deadline),
            )
        )
    proposal = db.session.get(Proposal, proposal_id) if proposal_id else None
    if proposal is None or proposal.need_id != need.id:
        raise NeedError(_("Không tìm thấy đề xuất."))
    return proposal


def shortlist(
    actor: User, need: Need, *, proposal_id: int | None, on: bool, today: dt.date | None = None
) -> Proposal:
    """Put a proposal on the enterprise's shortlist, or take it off."""
    proposal = _readable_proposal(actor, need, proposal_id, today or local_today())
    require_action(actor, "need.award")
    if need.status != S.OPEN or proposal.status != P.SUBMITTED:
        raise NeedError(_("Bài toán đã đóng."))
    proposal.shortlisted = bool(on)
    db.session.flush()
    record_audit(
        actor, "need.shortlist", proposal, label=_label(need), data={"shortlisted": bool(on)}
    )
    return proposal


def request_trial(
    actor: User,
    need: Need,
    *,
    proposal_id: int | None,
    solution_id: int | None,
    data: TrialInput,
    today: dt.date | None = None,
):
    """Ask for a trial of a proposed listing (through trials; its rules apply)."""
    proposal = _readable_proposal(actor, need, proposal_id, today or local_today())
    if proposal.status not in (P.SUBMITTED, P.AWARDED):
        raise NeedError(_("Đề xuất này không còn hiệu lực."))
    solution = next((s for s in proposal.solutions if s.id == solution_id), None)
    if solution is None:
        raise NeedError(_("Vui lòng chọn một giải pháp của đề xuất."), "solution")
    trial = trials.request_trial(actor, solution, data, today=today)
    record_audit(actor, "need.trial", proposal, label=_label(need), data={"trial_id": trial.id})
    return trial


def award(
    actor: User, need: Need, *, proposal_id: int | None, today: dt.date | None = None
) -> Order:
    """Choose one proposal: the need closes as awarded, the order is placed at the proposal's
    prices (billing), the chosen vendor is told and the others thanked, all at once.

    Only once: the need moves from open to awarded by a conditional update, so of two
    concurrent awards one wins. If billing refuses the order (the vendor has no confirmed
    bank account yet), nothing is awarded and the enterprise is told why.
    """
    today = today or local_today()
    proposal = _readable_proposal(actor, need, proposal_id, today)
    require_action(actor, "need.award")
    if proposal.status != P.SUBMITTED:
        raise NeedError(_("Đề xuất này không còn hiệu lực."))
    _move(need, actor, (S.OPEN,), S.AWARDED, closed_at=utcnow())
    _set_proposal(proposal, (P.SUBMITTED,), P.AWARDED)
    lines = [
        billing_orders.LineInput(
            description=line.description,
            unit_price_vnd=line.unit_price_vnd,
            quantity=line.quantity,
            vat_treatment=line.vat,
            price_includes_vat=False,
            period=line.period,
        )
        for line in proposal.lines
    ]
    try:
        order = billing_orders.create_order(
            actor,
            vendor=proposal.vendor,
            lines=lines,
            source=OrderSource.NEED,
            source_id=need.id,
            solution_id=proposal.solutions[0].id if proposal.solutions else None,
        )
    except billing_orders.BillingError as err:
        raise NeedError(err.message) from err
    others = [p for p in need.proposals if p.id != proposal.id and p.status == P.SUBMITTED]
    for other in others:
        _set_proposal(other, (P.SUBMITTED,), P.NOT_SELECTED)
    notifications.notify_organization(
        proposal.vendor,
        kind="need.awarded",
        title=_("Đề xuất của bạn cho “%(title)s” đã được chọn", title=need.title),
        body=_(
            "Đơn hàng %(code)s (%(total)s) đã được tạo theo đúng giá đề xuất.",
            code=order.number,
            total=format_vnd(order.total_vnd),
        ),
        link=_link(need),
        dedupe_key=f"need:{need.id}:awarded",
    )
    _thank(need, others, _("Bài toán đã chọn một đề xuất khác."))
    return order


def close_without_award(actor: User, need: Need, *, reason: str | None) -> None:
    """Close an open need without choosing (the enterprise, with a reason)."""
    permissions.require_owner(actor, need)
    require_action(actor, "need.award")
    text = _clean(reason, limit=MAX_REASON, field="reason", missing=_("Vui lòng nhập lý do."))
    _move(need, actor, (S.OPEN,), S.NOT_AWARDED, close_reason=text, closed_at=utcnow())
    others = [p for p in need.proposals if p.status == P.SUBMITTED]
    for other in others:
        _set_proposal(other, (P.SUBMITTED,), P.NOT_SELECTED)
    _thank(need, others, _("Doanh nghiệp đã đóng bài toán mà không chọn đề xuất nào."))


def _thank(need: Need, proposals: list[Proposal], why: str) -> None:
    for proposal in proposals:
        notifications.notify_organization(
            proposal.vendor,
            kind="need.closed",
            title=_("Cảm ơn bạn đã gửi đề xuất cho “%(title)s”", title=need.title),
            body=why + " " + _("Rất mong được hợp tác với bạn ở các bài toán sau."),
            link=_link(need),
            dedupe_key=f"need:{need.id}:closed",
        )


def expire_needs(today: dt.date | None = None) -> int:
    """Close as expired the open needs nobody can still award; return how many.

    An open need expires the day after its deadline when no proposal stands, and
    AWARD_WINDOW_DAYS after the deadline when the enterprise has not chosen.
    """
    today = today or local_today()
    last_award_day = today - dt.timedelta(days=rules.AWARD_WINDOW_DAYS)
    candidates = db.session.scalars(
        select(Need).where(Need.status == S.OPEN, Need.deadline < today).order_by(Need.id)
    ).all()
    done = 0
    for need in candidates:
        standing = [p for p in need.proposals if p.status == P.SUBMITTED]
        if standing and need.deadline >= last_award_day:
            continue
        try:
            with db.session.begin_nested():
                _move(need, None, (S.OPEN,), S.EXPIRED, closed_at=utcnow())
                for proposal in standing:
                    _set_proposal(proposal, (P.SUBMITTED,), P.NOT_SELECTED)
        except NeedError:
            continue  # awarded or closed meanwhile
        done += 1
        notifications.notify_organization(
            need.organization,
            kind="need.expired",
            title=_("Bài toán “%(title)s” đã hết hạn", title=need.title),
            body=_("Bạn có thể đăng bài toán mới nếu vẫn có nhu cầu."),
            link=_link(need),
            dedupe_key=f"need:{need.id}:expired",
        )
        _thank(need, standing, _("Bài toán đã hết hạn mà không chọn đề xuất nào."))
    return done


# ---------------------------------------------------------------- the vendor's alerts


def set_alerts(actor: User, *, enabled: bool) -> None:
    """Turn the vendor's alerts of new matching needs on or off (owners and managers)."""
    if not permissions.is_verified_vendor(actor):
        deny()
    require_action(actor, "need.propose")
    row = db.session.get(NeedAlertOptOut, actor.organization_id)
    if enabled and row is not None:
        db.session.delete(row)
    elif not enabled and row is None:
        db.session.add(NeedAlertOptOut(organization_id=actor.organization_id))
    db.session.flush()
    record_audit(
        actor, "need.alerts", actor.organization, label=actor.organization.name,
        data={"enabled": enabled},
    )  # fmt: skip
