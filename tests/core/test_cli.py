"""`flask users create` and `flask seed-demo`."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.accounts.models import Organization, User
from marketplace.extensions import db


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
        ("admin@demo.vn", "/moderation/"),
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
