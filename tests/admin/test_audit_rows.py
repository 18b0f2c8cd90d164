"""Each console action, posted through its route, writes exactly one audit row naming the
action, the object it acted on and who acted (the audit log's filter relies on these)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.catalog.models import Category, FeatureDefinition
from marketplace.core.audit import AuditLog
from marketplace.extensions import db
from tests import factories

PASSWORD = "mat-khau-kiem-duyet-2026"


@dataclass
class Posted:
    """What a row of the table posts, and the object its audit row must name."""

    url: str
    data: dict
    object_type: str
    object_id: int | None = None  # None: the row made by the post (found by `find`)
    find: object = None
    anonymous: bool = False  # posted by a stranger's browser (the invitation link)


def _category(slug: str, position: int = 50, **fields) -> Category:
    category = Category(
        slug=slug, name_vi=f"Danh mục {slug}", name_en=slug, position=position, **fields
    )
    db.session.add(category)
    db.session.commit()
    return category


def _feature(category: Category, key: str, position: int) -> FeatureDefinition:
    feature = FeatureDefinition(
        category_id=category.id, key=key, label_vi=key, label_en=key, position=position
    )
    db.session.add(feature)
    db.session.commit()
    return feature


def _invited(web_app, admin) -> tuple[int, str]:
    from marketplace.admin import people

    # The serving app's context (its session, and its secret key signs the link).
    with web_app.test_request_context():
        actor = db.session.get(User, admin.id)
        user = people.invite_staff(
            actor, email="duoc.moi@example.vn", name="Người được mời", role="moderator"
        )
        token = people._serializer().dumps([user.id, people._fingerprint(user)])
        db.session.commit()
        return user.id, token


def reactivate_user(web_app, admin):
    person = factories.make_user("enterprise")
    person.active = False
    db.session.commit()
    return Posted(
        f"/admin/users/{person.id}/reactivate",
        {"reactivate-reason": "Đã xác minh."},
        "users",
        person.id,
    )


def clear_throttle(web_app, admin):
    person = factories.make_user("enterprise")
    return Posted(f"/admin/users/{person.id}/clear-throttle", {}, "users", person.id)


def staff_invite(web_app, admin):
    return Posted(
        "/admin/staff/invite",
        {"name": "Lê Thu Hà", "email": "le.thu.ha@example.vn", "role": "moderator"},
        "users",
        find=lambda: db.session.scalar(select(User.id).where(User.email == "le.thu.ha@example.vn")),
    )


def staff_invite_resend(web_app, admin):
    user_id, _token = _invited(web_app, admin)
    return Posted(f"/admin/users/{user_id}/resend-invitation", {}, "users", user_id)


def staff_invite_accept(web_app, admin):
    user_id, token = _invited(web_app, admin)
    return Posted(
        f"/staff-invitation/{token}",
        {"password": PASSWORD, "confirm": PASSWORD},
        "users",
        user_id,
        anonymous=True,
    )


def organization_deactivate(web_app, admin):
    org = factories.make_org("enterprise")
    return Posted(
        f"/admin/organizations/{org.id}/deactivate",
        {"deactivate-reason": "Ngừng kinh doanh."},
        "organizations",
        org.id,
    )


def organization_reactivate(web_app, admin):
    org = factories.make_org("enterprise", active=False)
    return Posted(
        f"/admin/organizations/{org.id}/reactivate",
        {"reactivate-reason": "Hoạt động lại."},
        "organizations",
        org.id,
    )


def category_update(web_app, admin):
    category = _category("sua-ten")
    return Posted(
        f"/admin/categories/{category.id}",
        {"name_vi": "Tên mới", "name_en": "New name", "slug": "sua-ten", "position": "50"},
        "categories",
        category.id,
    )


def category_move(web_app, admin):
    _category("dung-truoc", position=900)
    later = _category("dung-sau", position=901)
    return Posted(f"/admin/categories/{later.id}/move", {"direction": "up"}, "categories", later.id)


def category_restore(web_app, admin):
    category = _category("da-ngung", active=False)
    return Posted(f"/admin/categories/{category.id}/restore", {}, "categories", category.id)


def feature_create(web_app, admin):
    category = _category("co-tinh-nang")
    return Posted(
        f"/admin/categories/{category.id}/features",
        {"key": "ho_tro", "label_vi": "Hỗ trợ 24/7", "kind": "bool"},
        "feature_definitions",
        find=lambda: db.session.scalar(
            select(FeatureDefinition.id).where(
                FeatureDefinition.category_id == category.id, FeatureDefinition.key == "ho_tro"
            )
        ),
    )


def feature_move(web_app, admin):
    category = _category("hai-tinh-nang")
    _feature(category, "truoc", 0)
    later = _feature(category, "sau", 1)
    return Posted(
        f"/admin/categories/{category.id}/features/{later.id}/move",
        {"direction": "up"},
        "feature_definitions",
        later.id,
    )


AUDITED = [
    # (the audit row's action, what posts it)
    ("admin.user_reactivate", reactivate_user),
    ("admin.user_throttle_clear", clear_throttle),
    ("admin.staff_invite", staff_invite),
    ("admin.staff_invite_resend", staff_invite_resend),
    ("admin.staff_invite_accept", staff_invite_accept),
    ("admin.organization_deactivate", organization_deactivate),
    ("admin.organization_reactivate", organization_reactivate),
    ("category.update", category_update),
    ("category.move", category_move),
    ("category.restore", category_restore),
    ("feature.create", feature_create),
    ("feature.move", feature_move),
]


@pytest.mark.parametrize(("action", "setup"), AUDITED, ids=[a for a, _ in AUDITED])
def test_each_console_action_writes_its_audit_row(
    web_app, client_for, make_client, admin, action, setup
):
    posted = setup(web_app, admin)
    before = db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == action))
    assert before == 0
    client = make_client() if posted.anonymous else client_for(admin)
    response = client.post(posted.url, data=posted.data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.expire_all()
    [entry] = db.session.scalars(select(AuditLog).where(AuditLog.action == action)).all()
    object_id = posted.object_id if posted.object_id is not None else posted.find()
    assert object_id is not None
    assert (entry.object_type, entry.object_id) == (posted.object_type, object_id)
    # The invited person accepts for themselves; every other row is the administrator's.
    assert entry.actor_id == (object_id if posted.anonymous else admin.id)
