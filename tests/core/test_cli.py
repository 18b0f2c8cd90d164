"""`flask users create` and `flask seed-demo`."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.accounts.models import Organization, User
from marketplace.extensions import db
from tests import factories


def test_users_create_makes_a_moderator(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--role",
            "moderator",
            "--email",
            "Kiem.Duyet@SoTTTT.gov.vn",
            "--name",
            "Vũ Minh Đức",
        ],
        input="mat-khau-kiem-duyet\nmat-khau-kiem-duyet\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "kiem.duyet@sotttt.gov.vn"))
    assert user.role == "moderator" and user.organization_id is None


def test_users_create_refuses_other_roles_weak_passwords_and_duplicates(app):
    runner = app.test_cli_runner()
    bad_role = runner.invoke(
        args=["users", "create", "--role", "vendor", "--email", "x@y.vn", "--name", "X"],
        input="mat-khau-kiem-duyet\nmat-khau-kiem-duyet\n",
    )
    assert bad_role.exit_code != 0
    weak = runner.invoke(
        args=["users", "create", "--role", "admin", "--email", "x@y.vn", "--name", "X"],
        input="123\n123\n",
    )
    assert weak.exit_code != 0 and "ít nhất" in weak.output
    ok = ["users", "create", "--role", "admin", "--email", "x@y.vn", "--name", "X"]
    assert runner.invoke(args=ok, input="mat-khau-quan-tri\nmat-khau-quan-tri\n").exit_code == 0
    again = runner.invoke(args=ok, input="mat-khau-quan-tri\nmat-khau-quan-tri\n")
    assert again.exit_code != 0 and "already registered" in again.output


def test_seed_demo_is_idempotent_and_prints_the_accounts(app, login):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    for email in ("enterprise@demo.vn", "vendor@demo.vn", "moderator@demo.vn", "admin@demo.vn"):
        assert email in first.output
    counts = (
        db.session.scalar(select(func.count(User.id))),
        db.session.scalar(select(func.count(Organization.id))),
    )
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert (
        db.session.scalar(select(func.count(User.id))),
        db.session.scalar(select(func.count(Organization.id))),
    ) == counts
    assert counts[0] >= 4


def test_demo_accounts_sign_in_and_land_on_their_pages(app, make_client):
    app.test_cli_runner().invoke(args=["seed-demo"])
    for email, landing in [
        ("enterprise@demo.vn", "/account/"),
        ("vendor@demo.vn", "/vendor/"),
        ("moderator@demo.vn", "/moderation/"),
        ("admin@demo.vn", "/admin/"),
    ]:
        c = make_client()
        response = c.post("/auth/login", data={"email": email, "password": "demo-pass-2026"})
        assert response.status_code == 302 and response.headers["Location"].endswith(landing)
        assert c.get(landing).status_code == 200


def test_seed_builds_a_catalogue_for_every_queue(app):
    from marketplace.catalog.models import Category, Solution, SolutionRevision

    app.test_cli_runner().invoke(args=["seed-demo"])
    published = db.session.scalars(select(Solution).where(Solution.status == "published")).all()
    assert len(published) >= 40
    assert len({s.vendor_id for s in published}) >= 6
    assert all(s.plans and s.category_id and s.description for s in published)
    leaves = db.session.scalars(select(Category).where(~Category.children.any())).all()
    assert {c.id for c in leaves} <= {s.category_id for s in published}
    assert (
        db.session.scalar(select(func.count(Solution.id)).where(Solution.status == "pending")) >= 3
    )
    revision = db.session.scalar(
        select(SolutionRevision).where(SolutionRevision.status == "pending")
    )
    assert revision is not None and revision.solution.status == "published"
    # The live version differs from the pending revision: the moderator has something to compare.
    assert revision.content["tagline"] != revision.solution.tagline
    before = db.session.scalar(select(func.count(Solution.id)))
    app.test_cli_runner().invoke(args=["seed-demo"])
    assert db.session.scalar(select(func.count(Solution.id))) == before


def test_seeded_history_leaves_only_the_waiting_queue_unread(app):
    from marketplace.catalog.models import Solution, SolutionRevision
    from marketplace.notifications.models import Notification

    moderator = factories.make_user("moderator")
    earlier = Notification(user_id=moderator.id, kind="note", title="Thông báo có từ trước")
    db.session.add(earlier)
    db.session.commit()
    # The moderator is not a demo account: the seed runs beside it only when forced.
    assert app.test_cli_runner().invoke(args=["seed-demo", "--force"]).exit_code == 0
    staff = db.session.scalar(select(User).where(User.email == "moderator@demo.vn"))
    unread = db.session.scalars(
        select(Notification.title).where(
            Notification.user_id == staff.id, Notification.read_at.is_(None)
        )
    ).all()
    waiting = db.session.scalars(select(Solution.name).where(Solution.status == "pending")).all()
    waiting += db.session.scalars(
        select(Solution.name)
        .join(SolutionRevision, SolutionRevision.solution_id == Solution.id)
        .where(SolutionRevision.status == "pending")
    ).all()
    assert waiting and unread
    assert all(any(title.endswith(name) for name in waiting) for title in unread)
    assert {name for name in waiting if any(t.endswith(name) for t in unread)} == set(waiting)
    vendor = db.session.scalar(select(User).where(User.email == "vendor@demo.vn"))
    assert not db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == vendor.id, Notification.read_at.is_(None)
        )
    )
    # A notice that was there before the seed ran stays unread.
    db.session.refresh(earlier)
    assert earlier.read_at is None
