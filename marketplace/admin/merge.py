"""Merging a duplicate organisation into another (the operator's console).

Every row that points at the duplicate (`source`) moves to the organisation that stays
(`target`): memberships, the people acting for it, invitations, listings, trials, quotes,
reviews, subscriptions, payments, orders, uploads… `MOVES` below is the one list of the
(table, column) pairs that point at `organizations.id`; a test compares it with every
foreign key in the schema, so a new table cannot be forgotten.

Where a table allows one row per organisation (and per something), both sides may hold one:

- `refuse`: the merge is refused and the clashes listed (both reviewed the same solution,
  both have an open trial or quote of it, a pending payment of the same plan, a Stripe
  customer, a bank account); an administrator resolves them first;
- `drop_source`: the target's row wins and the duplicate's is deleted (a person who is a
  member of both keeps their membership of the target; the target's vendor profile);
- `withdraw`: the duplicate's pending rows are closed before moving (its pending name or
  tax-code change described the duplicate, not the target).

Everything happens in the caller's transaction and the duplicate is deleted last: any
failure on the way (a clash that appeared meanwhile, a database error) rolls back the
whole merge and both organisations stay as they were.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Table, and_, delete, func, select, true, update
from sqlalchemy.orm import aliased

from marketplace.accounts.models import Organization, User
from marketplace.admin.rules import ConsoleError
from marketplace.catalog.models import Solution
from marketplace.core import events
from marketplace.core.audit import record_audit
from marketplace.core.database import utcnow
from marketplace.core.permissions import require_admin
from marketplace.core.text import clean_reason
from marketplace.extensions import db


@dataclass(frozen=True)
class Move:
    """A column pointing at organisations, and what to do when both sides hold a row."""

    table: str
    column: str
    # None: no uniqueness; (): one row per organisation; else the columns unique with it.
    unique: tuple[str, ...] | None = None
    where: Callable[[Table], Any] | None = None  # the rows the uniqueness covers
    on_clash: str = "refuse"  # "refuse" | "drop_source" | "withdraw"
    label: Any = ""


def _open_trial(t: Table) -> Any:
    return t.c.status.in_(("requested", "accepted", "active"))


def _open_quote(t: Table) -> Any:
    return t.c.status.in_(("requested", "offered"))


def _pending(t: Table) -> Any:
    return t.c.status == "pending"


MOVES: tuple[Move, ...] = (
    Move("users", "organization_id"),
    Move(
        "memberships",
        "organization_id",
        unique=("user_id",),
        on_clash="drop_source",
        label=_l("Thành viên"),
    ),
    Move("invitations", "organization_id"),
    Move("join_requests", "organization_id"),
    Move(
        "organization_changes",
        "organization_id",
        unique=(),
        where=_pending,
        on_clash="withdraw",
    ),
    Move("verification_requests", "organization_id"),
    Move("uploads", "org_id"),
    Move("solutions", "vendor_id"),
    Move("vendor_profiles", "organization_id", unique=(), on_clash="drop_source"),
    Move(
        "vendor_bank_accounts",
        "organization_id",
        unique=(),
        label=_l("Tài khoản ngân hàng nhận tiền"),
    ),
    Move(
        "reviews",
        "organization_id",
        unique=("solution_id",),
        label=_l("Cả hai đã nhận xét cùng một giải pháp"),
    ),
    Move(
        "trial_requests",
        "organization_id",
        unique=("solution_id",),
        where=_open_trial,
        label=_l("Cả hai đang dùng thử / chờ dùng thử cùng một giải pháp"),
    ),
    Move("trial_requests", "vendor_id"),
    Move(
        "quote_requests",
        "organization_id",
        unique=("solution_id",),
        where=_open_quote,
        label=_l("Cả hai đang có yêu cầu báo giá mở cho cùng một giải pháp"),
    ),
    Move("quote_requests", "vendor_id"),
    Move("subscriptions", "organization_id"),
    Move("subscriptions", "vendor_id"),
    Move(
        "payments",
        "organization_id",
        unique=("plan_id",),
        where=_pending,
        label=_l("Cả hai đang có phiên thanh toán chờ cho cùng một gói"),
    ),
    Move("payments", "vendor_id"),
    Move("orders", "organization_id"),
    Move("orders", "vendor_id"),
    Move("stripe_customers", "organization_id", unique=(), label=_l("Khách hàng Stripe")),
    Move("service_periods", "organization_id"),
    Move("service_periods", "vendor_id"),
    Move(
        "assessments",
        "organization_id",
        unique=("user_id",),
        where=lambda t: t.c.status == "draft",
        label=_l("Cả hai có bài tự đánh giá đang làm dở của cùng một người"),
    ),
    Move("programme_applications", "organization_id"),
    Move("programme_plan_opt_ins", "vendor_id"),
    Move("needs", "organization_id"),
    Move("need_questions", "vendor_id"),
    Move(
        "proposals",
        "vendor_id",
        unique=("need_id",),
        label=_l("Cả hai đã gửi đề xuất cho cùng một bài toán"),
    ),
    Move("need_alert_optouts", "organization_id", unique=(), on_clash="drop_source"),
)


# What each moved column holds, in words (the confirmation page).
ROW_LABELS: dict[tuple[str, str], object] = {
    ("users", "organization_id"): _l("Người dùng đang đại diện cho tổ chức"),
    ("memberships", "organization_id"): _l("Thành viên"),
    ("invitations", "organization_id"): _l("Lời mời"),
    ("join_requests", "organization_id"): _l("Yêu cầu tham gia"),
    ("organization_changes", "organization_id"): _l("Yêu cầu đổi tên / mã số thuế"),
    ("verification_requests", "organization_id"): _l("Yêu cầu xác thực"),
    ("uploads", "org_id"): _l("Tệp tải lên"),
    ("solutions", "vendor_id"): _l("Giải pháp"),
    ("vendor_profiles", "organization_id"): _l("Hồ sơ nhà cung cấp"),
    ("vendor_bank_accounts", "organization_id"): _l("Tài khoản ngân hàng nhận tiền"),
    ("reviews", "organization_id"): _l("Nhận xét"),
    ("trial_requests", "organization_id"): _l("Dùng thử (bên dùng)"),
    ("trial_requests", "vendor_id"): _l("Dùng thử (bên cung cấp)"),
    ("quote_requests", "organization_id"): _l("Yêu cầu báo giá (bên mua)"),
    ("quote_requests", "vendor_id"): _l("Yêu cầu báo giá (bên bán)"),
    ("subscriptions", "organization_id"): _l("Gói thuê bao (bên mua)"),
    ("subscriptions", "vendor_id"): _l("Gói thuê bao (bên bán)"),
    ("payments", "organization_id"): _l("Thanh toán (bên mua)"),
    ("payments", "vendor_id"): _l("Thanh toán (bên bán)"),
    ("orders", "organization_id"): _l("Đơn hàng (bên mua)"),
    ("orders", "vendor_id"): _l("Đơn hàng (bên bán)"),
    ("stripe_customers", "organization_id"): _l("Khách hàng Stripe"),
}


def row_label(key: tuple[str, str]) -> str:
    """Name a moved (table, column) in words; the names themselves for a new one."""
    label = ROW_LABELS.get(key)
    return str(label) if label is not None else ".".join(key)


@dataclass
class Clash:
    move: Move
    source_id: Any  # the clashing row of the duplicate (its primary key)
    key: dict[str, Any]

    @property
    def label(self) -> str:
        return str(self.move.label or self.move.table)


@dataclass
class MergePlan:
    source: Organization
    target: Organization
    counts: dict[tuple[str, str], int]
    clashes: list[Clash]

    @property
    def conflicts(self) -> list[Clash]:
        """The clashes that refuse the merge."""
        return [c for c in self.clashes if c.move.on_clash == "refuse"]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _table(move: Move) -> Table:
    return db.metadata.tables[move.table]


def _pk(table: Table):
    return list(table.primary_key.columns)[0]


def _clashes(move: Move, source_id: int, target_id: int) -> list[Clash]:
    if move.unique is None:
        return []
    table = _table(move)
    other = aliased(table)
    col, other_col = table.c[move.column], other.c[move.column]
    same = and_(true(), *(table.c[name] == other.c[name] for name in move.unique))
    conditions = [col == source_id, other_col == target_id]
    if move.where is not None:
        conditions += [move.where(table), move.where(other)]
    keys = [table.c[name] for name in move.unique]
    rows = db.session.execute(
        select(_pk(table), *keys).select_from(table.join(other, same)).where(*conditions)
    ).all()
    return [Clash(move, row[0], dict(zip(move.unique, row[1:], strict=True))) for row in rows]


def plan_merge(source: Organization, target: Organization) -> MergePlan:
    """Count what would move and find the clashes (two queries per `MOVES` entry)."""
    if source.id == target.id:
        raise ConsoleError(_("Hãy chọn một tổ chức khác để gộp vào."), "target_id")
    if source.kind != target.kind:
        raise ConsoleError(
            _(
                "Chỉ gộp được hai tổ chức cùng loại (doanh nghiệp với doanh nghiệp, nhà cung cấp "
                "với nhà cung cấp)."
            ),
            "target_id",
        )
    counts: dict[tuple[str, str], int] = {}
    clashes: list[Clash] = []
    for move in MOVES:
        table = _table(move)
        counts[(move.table, move.column)] = (
            db.session.scalar(
                select(func.count()).select_from(table).where(table.c[move.column] == source.id)
            )
            or 0
        )
        clashes += _clashes(move, source.id, target.id)
    return MergePlan(source, target, counts, clashes)


def conflict_lines(plan: MergePlan) -> list[str]:
    """Describe the refusing clashes in words: "Cả hai đã nhận xét …: Tên giải pháp"."""
    solution_ids = {c.key["solution_id"] for c in plan.conflicts if "solution_id" in c.key}
    names = dict(
        db.session.execute(
            select(Solution.id, Solution.name).where(Solution.id.in_(solution_ids))
        ).all()
    )
    lines = []
    for clash in plan.conflicts:
        if "solution_id" in clash.key:
            lines.append(f"{clash.label}: {names.get(clash.key['solution_id'], '?')}")
        elif "plan_id" in clash.key:
            lines.append(f"{clash.label} (#{clash.key['plan_id']})")
        else:
            lines.append(clash.label)
    return lines


def _snapshot(org: Organization) -> dict[str, Any]:
    return {
        "id": org.id,
        "name": org.name,
        "tax_code": org.tax_code,
        "kind": org.kind,
        "verified": org.verified_at is not None,
        "active": org.active,
    }


def merge_organizations(
    actor: User, source: Organization, target: Organization, reason: str | None
) -> dict[str, int]:
    """Move everything of `source` to `target` and delete `source`; return the moved counts.

    Refused (ConsoleError, nothing changed) when the plan has conflicts.
    """
    require_admin(actor)
    reason = clean_reason(reason, required=True, error=ConsoleError)
    plan = plan_merge(source, target)
    if plan.conflicts:
        raise ConsoleError(
            _("Không thể gộp: %(items)s.", items="; ".join(conflict_lines(plan))), "form"
        )
    source_id, target_id = source.id, target.id
    before = {"source": _snapshot(source), "target": _snapshot(target)}
    db.session.flush()
    moved: dict[str, int] = {}
    dropped: dict[str, int] = {}
    for move in MOVES:
        table = _table(move)
        col = table.c[move.column]
        if move.on_clash == "withdraw" and move.where is not None:
            db.session.execute(
                update(table)
                .where(col == source_id, move.where(table))
                .values(status="withdrawn", decided_at=utcnow(), decided_by_id=actor.id)
            )
        elif move.on_clash == "drop_source":
            ids = [c.source_id for c in _clashes(move, source_id, target_id)]
            if ids:
                db.session.execute(delete(table).where(_pk(table).in_(ids)))
                dropped[f"{move.table}.{move.column}"] = len(ids)
        result = db.session.execute(
            update(table).where(col == source_id).values({move.column: target_id})
        )
        if result.rowcount:
            moved[f"{move.table}.{move.column}"] = result.rowcount
    # Nothing points at the duplicate any more; a row still doing so makes this fail.
    db.session.execute(delete(Organization.__table__).where(Organization.id == source_id))
    db.session.expire_all()
    target = db.session.get(Organization, target_id)
    record_audit(
        actor,
        "admin.organization_merge",
        target,
        reason=reason,
        data={**before, "moved": moved, "dropped": dropped},
    )
    if target.is_vendor:
        events.vendor_changed.send(target)
    return moved
