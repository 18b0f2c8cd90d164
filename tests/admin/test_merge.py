"""Merging a duplicate organisation: every row moves, clashes refuse with their list, and a
failure halfway leaves both organisations untouched (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import Membership, Organization, User
from marketplace.admin import merge
from marketplace.admin.rules import ConsoleError
from marketplace.core.audit import AuditLog
from marketplace.extensions import db
from marketplace.reviews.models import Review
from marketplace.trials.models import TrialRequest
from tests import factories


def test_merge_handles_every_foreign_key_to_organizations(app):
    """A new table pointing at organisations must be added to `merge.MOVES`."""
    in_schema = {
        (table.name, fk.parent.name)
        for table in db.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table.name == "organizations" and fk.column.name == "id"
    }
    handled = {(m.table, m.column) for m in merge.MOVES}
    assert in_schema - handled == set(), "merge.MOVES misses these foreign keys"
    assert handled - in_schema == set(), "merge.MOVES names columns that are not foreign keys"


def _review(org: Organization, author: User, solution, title: str) -> Review:
    review = Review(
        solution_id=solution.id,
        organization_id=org.id,
        author_id=author.id,
        overall=4,
        ease_of_use=4,
        features=4,
        support=4,
        value=4,
        title=title,
        body="Dùng tốt.",
    )
    db.session.add(review)
    db.session.commit()
    return review


def _trial(org: Organization, user: User, solution, status: str = "ended") -> TrialRequest:
    return factories.make_trial(org.id, user, solution, status)


@pytest.fixture
def pair(app, vendor):
    """A duplicate enterprise (with a member, a trial, a review and an order) and the one
    that stays (with its owner, who is also a member of the duplicate)."""
    keep_owner = factories.make_user("enterprise", name="Chủ doanh nghiệp")
    keep = keep_owner.organization
    dup = factories.make_org("enterprise", name="Bánh Gai Tứ Kỳ (trùng)")
    dup_owner = factories.make_user("enterprise", org=dup, name="Người đăng ký trùng")
    db.session.add(Membership(user_id=keep_owner.id, organization_id=dup.id, role="member"))
    db.session.commit()
    first = factories.make_solution(vendor, name="Kế toán Mây")
    second = factories.make_solution(vendor, name="Hóa đơn Sao")
    _trial(dup, dup_owner, first)
    _review(dup, dup_owner, first, "Nhận xét của bản trùng")
    _review(keep, keep_owner, second, "Nhận xét của bản giữ")
    factories.confirm_bank_account(vendor)
    order = factories.make_transfer_order(dup_owner, first.plans[0])
    return {
        "keep": keep,
        "dup": dup,
        "keep_owner": keep_owner,
        "dup_owner": dup_owner,
        "first": first,
        "second": second,
        "order": order,
    }


def _count(model, **where) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalar(query)


def _state(keep_id: int, dup_id: int) -> dict:
    from marketplace.billing.models import Order

    db.session.expire_all()
    out = {"dup_exists": db.session.get(Organization, dup_id) is not None}
    for model in (Membership, TrialRequest, Review, Order):
        out[model.__tablename__] = (
            _count(model, organization_id=keep_id),
            _count(model, organization_id=dup_id),
        )
    out["users"] = (_count(User, organization_id=keep_id), _count(User, organization_id=dup_id))
    return out


def test_merge_moves_everything_and_deletes_the_duplicate(client_for, admin, pair):
    keep, dup = pair["keep"], pair["dup"]
    client = client_for(admin)
    preview = client.post(
        f"/admin/organizations/{dup.id}/merge",
        data={"target_id": keep.tax_code, "reason": "Đăng ký hai lần"},
    )
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "Xác nhận gộp" in page and keep.name in page
    assert _state(keep.id, dup.id)["dup_exists"]  # a preview changes nothing
    response = client.post(
        f"/admin/organizations/{dup.id}/merge",
        data={"target_id": str(keep.id), "reason": "Đăng ký hai lần", "confirm": str(keep.id)},
    )
    assert response.status_code == 302
    state = _state(keep.id, pair["dup"].id)
    assert state["dup_exists"] is False
    # The person in both keeps one membership (the target's); the other joined the target.
    assert state["memberships"] == (2, 0)
    assert state["trial_requests"] == (1, 0)
    assert state["reviews"] == (2, 0)
    assert state["orders"] == (1, 0)
    assert state["users"][1] == 0
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "admin.organization_merge"))
    assert entry.object_id == keep.id and entry.reason == "Đăng ký hai lần"
    assert entry.data["source"]["name"] == "Bánh Gai Tứ Kỳ (trùng)"
    assert entry.data["moved"]["reviews.organization_id"] == 1
    # The moved member acts for the organisation that stays.
    assert client_for(pair["dup_owner"]).get("/account/").status_code == 200


def test_merge_refused_when_both_reviewed_the_same_solution(client_for, admin, pair):
    keep, dup = pair["keep"], pair["dup"]
    _review(keep, pair["keep_owner"], pair["first"], "Nhận xét thứ hai")
    before = _state(keep.id, dup.id)
    response = client_for(admin).post(
        f"/admin/organizations/{dup.id}/merge",
        data={"target_id": str(keep.id), "reason": "Trùng", "confirm": str(keep.id)},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Cả hai đã nhận xét cùng một giải pháp: Kế toán Mây" in page
    assert _state(keep.id, dup.id) == before


def test_merge_refuses_other_kinds_and_itself(app, admin, pair, vendor):
    with app.test_request_context():
        for target in (vendor.organization, pair["dup"]):
            with pytest.raises(ConsoleError):
                merge.merge_organizations(admin, pair["dup"], target, "Trùng")
        db.session.rollback()


def test_a_failure_halfway_leaves_both_untouched(app, admin, pair, monkeypatch):
    keep_id, dup_id = pair["keep"].id, pair["dup"].id
    before = _state(keep_id, dup_id)
    moves = list(merge.MOVES)
    # Break the merge after memberships, trials and reviews have moved, before orders.
    index = next(i for i, m in enumerate(moves) if m.table == "orders")
    moves.insert(index, merge.Move("no_such_table", "organization_id"))
    monkeypatch.setattr(merge, "MOVES", tuple(moves))
    monkeypatch.setattr(
        merge, "plan_merge", lambda source, target: merge.MergePlan(source, target, {}, [])
    )
    with app.test_request_context():
        keep = db.session.get(Organization, keep_id)
        dup = db.session.get(Organization, dup_id)
        with pytest.raises(KeyError):
            merge.merge_organizations(admin, dup, keep, "Trùng")
        db.session.rollback()
    assert _state(keep_id, dup_id) == before


def test_a_database_failure_at_the_end_rolls_back_every_move(app, admin, pair, monkeypatch):
    """Leave one kind of row behind: deleting the duplicate fails on its foreign key."""
    keep_id, dup_id = pair["keep"].id, pair["dup"].id
    before = _state(keep_id, dup_id)
    monkeypatch.setattr(merge, "MOVES", tuple(m for m in merge.MOVES if m.table != "orders"))
    with app.test_request_context():
        keep = db.session.get(Organization, keep_id)
        dup = db.session.get(Organization, dup_id)
        with pytest.raises(Exception):  # noqa: B017 - IntegrityError on either database
            merge.merge_organizations(admin, dup, keep, "Trùng")
        db.session.rollback()
    assert _state(keep_id, dup_id) == before
