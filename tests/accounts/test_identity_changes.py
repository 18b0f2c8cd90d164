"""Identity changes of organisations (name, tax code): moderated, audited, notified.

The attack: a verified vendor renamed itself "… (VNPT)" and kept its badge; nothing went to
a moderator and nothing was audited. Now a verified organisation's new name and any new tax
code wait for a moderator; an unverified organisation's new name applies at once, audited.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from marketplace.accounts import organizations
from marketplace.accounts.models import Organization, OrganizationChange
from marketplace.core.audit import AuditLog
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from tests import factories

VNPT = "Tập đoàn Bưu chính Viễn thông Việt Nam (VNPT)"
# Real-world shaped tax codes (10 digits with a valid check digit).
NEW_TAX_CODE = "0100684378"
OTHER_TAX_CODE = "0100109106"


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def org_form(org: Organization, **overrides) -> dict:
    data = {
        "org_name": org.name,
        "tax_code": org.tax_code,
        "commune_code": org.commune_code or "",
        "industry": org.industry or "ict",
        "size_band": org.size_band or "",
        "phone": org.phone or "0912345678",
        "website": org.website or "",
    }
    data.update(overrides)
    return data


def reload(org: Organization) -> Organization:
    db.session.expire_all()
    return db.session.get(Organization, org.id)


def changes_of(org: Organization) -> list[OrganizationChange]:
    return list(
        db.session.scalars(
            select(OrganizationChange)
            .where(OrganizationChange.organization_id == org.id)
            .order_by(OrganizationChange.id)
        )
    )


def audit_rows(org: Organization) -> list[AuditLog]:
    return list(
        db.session.scalars(
            select(AuditLog)
            .where(AuditLog.object_type == "organizations", AuditLog.object_id == org.id)
            .order_by(AuditLog.id)
        )
    )


def notes(user, kind: str) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id, Notification.kind == kind)
            .order_by(Notification.id)
        )
    )


def request_rename(client_for, user, name: str = VNPT):
    org = user.organization
    response = client_for(user).post("/account/organization", data=org_form(org, org_name=name))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.expire_all()
    return changes_of(org)[-1]


# ---------------------------------------------------------------- the VNPT rename


def test_verified_vendor_renaming_to_vnpt_keeps_its_public_name_and_waits(
    client, client_for, vendor, moderator
):
    org = vendor.organization
    old_name = org.name
    solution = factories.make_solution(vendor, name="Hóa đơn điện tử Bạch Đằng")
    db.session.commit()

    c = client_for(vendor)
    response = c.post("/account/organization", data=org_form(org, org_name=VNPT))
    assert response.status_code == 302

    org = reload(org)
    assert org.name == old_name and org.is_verified
    page = client.get(f"/solutions/{solution.slug}").get_data(as_text=True)
    assert "VNPT" not in page and old_name in page and "Đã xác thực" in page

    [change] = changes_of(org)
    assert change.status == "pending" and change.requested_by_id == vendor.id
    assert (change.old_name, change.new_name, change.new_tax_code) == (old_name, VNPT, None)
    [entry] = audit_rows(org)
    assert entry.action == "organization_change.request" and entry.actor_id == vendor.id
    assert entry.data["new_name"] == VNPT and entry.data["old_name"] == old_name
    # The moderators hear about it, with a link to the change.
    [note] = notes(moderator, "moderation.queue")
    assert note.link == f"/moderation/organization-changes/{change.id}"

    # The owner sees the pending change and a way to withdraw it; the live name stays.
    own = soup(c.get("/account/organization"))
    box = own.find(id="pending-change")
    assert VNPT in box.get_text() and box.find("form")["action"].endswith(
        f"/changes/{change.id}/withdraw"
    )
    assert own.find(id="org_name")["value"] == old_name

    # The moderation queue lists it.
    queue = soup(client_for(moderator).get("/moderation/"))
    assert VNPT in queue.find(id="organization-changes").find_next("table").get_text()


def test_moderator_approval_applies_the_name_audits_and_notifies(
    client, client_for, vendor, moderator
):
    solution = factories.make_solution(vendor, name="Kế toán Bạch Đằng")
    db.session.commit()
    change = request_rename(client_for, vendor, "Công ty Cổ phần Công nghệ Bạch Đằng Mới")
    m = client_for(moderator)
    page = m.get(f"/moderation/organization-changes/{change.id}")
    assert page.status_code == 200
    assert "Công ty Cổ phần Công nghệ Bạch Đằng Mới" in page.get_data(as_text=True)

    response = m.post(
        f"/moderation/organization-changes/{change.id}/approve", data={"reason": "Đã đối chiếu"}
    )
    assert response.status_code == 302

    org = reload(vendor.organization)
    assert org.name == "Công ty Cổ phần Công nghệ Bạch Đằng Mới" and org.is_verified
    change = db.session.get(OrganizationChange, change.id)
    assert change.status == "approved" and change.decided_by_id == moderator.id
    entry = audit_rows(org)[-1]
    assert entry.action == "organization_change.approve" and entry.actor_id == moderator.id
    assert entry.reason == "Đã đối chiếu"
    [note] = notes(vendor, "organization_change.decided")
    assert "phê duyệt" in note.title and note.link == "/account/organization"
    public = client.get(f"/solutions/{solution.slug}").get_data(as_text=True)
    assert "Công ty Cổ phần Công nghệ Bạch Đằng Mới" in public


def test_rejection_needs_a_reason_and_keeps_the_old_name(client_for, vendor, moderator):
    old_name = vendor.organization.name
    change = request_rename(client_for, vendor)
    m = client_for(moderator)
    url = f"/moderation/organization-changes/{change.id}/reject"
    missing = m.post(url, data={"reason": "  "})
    assert missing.status_code == 400
    assert soup(missing).find(id="reason-reject-err") is not None

    assert m.post(url, data={"reason": "Không khớp giấy đăng ký kinh doanh"}).status_code == 302
    org = reload(vendor.organization)
    assert org.name == old_name
    assert db.session.get(OrganizationChange, change.id).status == "rejected"
    entry = audit_rows(org)[-1]
    assert entry.action == "organization_change.reject"
    assert entry.reason == "Không khớp giấy đăng ký kinh doanh"
    [note] = notes(vendor, "organization_change.decided")
    assert "bị từ chối" in note.title and "Không khớp" in note.body


@pytest.mark.parametrize(
    ("first", "second"), [("approve", "approve"), ("approve", "reject"), ("reject", "approve")]
)
def test_a_decided_change_is_refused_cleanly(client_for, vendor, moderator, first, second):
    change = request_rename(client_for, vendor, "Công ty TNHH Tên Mới")
    m = client_for(moderator)
    base = f"/moderation/organization-changes/{change.id}"
    assert m.post(f"{base}/{first}", data={"reason": "Lần đầu"}).status_code == 302
    name_after_first = reload(vendor.organization).name
    actions = len(audit_rows(vendor.organization))

    again = m.post(f"{base}/{second}", data={"reason": "Lần hai"}, follow_redirects=True)
    assert again.status_code == 200
    assert "Yêu cầu này đã được xử lý." in again.get_data(as_text=True)
    assert reload(vendor.organization).name == name_after_first
    assert len(audit_rows(vendor.organization)) == actions
    # The page shows the decision, without decision forms.
    page = soup(m.get(base))
    assert not page.select(f'form[action^="{base}/"]')


def test_a_withdrawn_change_cannot_be_approved(client_for, vendor, moderator):
    change = request_rename(client_for, vendor)
    c = client_for(vendor)
    response = c.post(f"/account/organization/changes/{change.id}/withdraw")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(OrganizationChange, change.id).status == "withdrawn"
    assert audit_rows(vendor.organization)[-1].action == "organization_change.withdraw"
    assert soup(c.get("/account/organization")).find(id="pending-change") is None

    approve = client_for(moderator).post(
        f"/moderation/organization-changes/{change.id}/approve", data={"reason": ""}
    )
    assert approve.status_code == 302
    assert reload(vendor.organization).name != VNPT
    # Withdrawing frees the slot: a new request may follow.
    assert request_rename(client_for, vendor, "Công ty TNHH Tên Khác").status == "pending"


# ---------------------------------------------------------------- who may see or act


@pytest.mark.parametrize(
    ("who", "page", "decide", "withdraw"),
    [
        ("anonymous", "login", "login", "login"),
        ("enterprise", 403, 403, 404),
        ("other_vendor", 403, 403, 404),
        ("colleague_of_another_org", 403, 403, 404),
        ("moderator", 200, None, 403),
    ],
)
def test_only_the_owner_and_moderators_see_or_act(
    request, client, client_for, vendor, who, page, decide, withdraw
):
    change = request_rename(client_for, vendor)
    if who == "anonymous":
        c = client
    elif who == "colleague_of_another_org":
        c = client_for(factories.make_user("vendor", verified=True))
    else:
        c = client_for(request.getfixturevalue(who))

    def outcome(response):
        if response.status_code == 302 and "/auth/login" in response.headers["Location"]:
            return "login"
        return response.status_code

    base = f"/moderation/organization-changes/{change.id}"
    assert outcome(c.get(base)) == page
    if decide is not None:
        assert outcome(c.post(f"{base}/approve", data={"reason": ""})) == decide
        assert outcome(c.post(f"{base}/reject", data={"reason": "Không"})) == decide
    assert outcome(c.post(f"/account/organization/changes/{change.id}/withdraw")) == withdraw
    if who != "anonymous" and who != "moderator":
        # Their own organisation page shows nothing of it.
        own = c.get("/account/organization").get_data(as_text=True)
        assert VNPT not in own
    db.session.expire_all()
    assert db.session.get(OrganizationChange, change.id).status == "pending"
    assert reload(vendor.organization).name != VNPT


def test_a_member_of_the_organisation_may_withdraw(client_for, vendor):
    change = request_rename(client_for, vendor)
    colleague = factories.make_user("vendor", org=vendor.organization)
    response = client_for(colleague).post(f"/account/organization/changes/{change.id}/withdraw")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(OrganizationChange, change.id).status == "withdrawn"


# ---------------------------------------------------------------- rules of the form


def test_one_pending_change_per_organisation(client_for, vendor):
    change = request_rename(client_for, vendor)
    c = client_for(vendor)
    org = vendor.organization
    # The same request again changes nothing.
    assert c.post("/account/organization", data=org_form(org, org_name=VNPT)).status_code == 302
    assert len(changes_of(org)) == 1
    # Another one is refused by the field, with the typed text kept.
    other = c.post("/account/organization", data=org_form(org, org_name="Công ty TNHH Khác Hẳn"))
    assert other.status_code == 400
    page = soup(other)
    assert page.find(id="org_name")["value"] == "Công ty TNHH Khác Hẳn"
    assert "chờ kiểm duyệt" in page.find(id="org_name").find_parent().get_text()
    assert [c.id for c in changes_of(org)] == [change.id]
    # Profile fields still save while a change waits.
    ok = c.post("/account/organization", data=org_form(org, phone="0220 3852 123"))
    assert ok.status_code == 302
    assert reload(org).phone == "02203852123"


def test_tax_code_taken_by_another_organisation_is_a_field_error(client_for, enterprise):
    factories.make_org("enterprise", tax_code=OTHER_TAX_CODE)
    db.session.commit()
    org = enterprise.organization
    old = org.tax_code
    response = client_for(enterprise).post(
        "/account/organization", data=org_form(org, tax_code=OTHER_TAX_CODE)
    )
    assert response.status_code == 400
    field = soup(response).find(id="tax_code")
    assert field["value"] == OTHER_TAX_CODE
    assert "đã được đăng ký" in field.find_parent().get_text()
    assert reload(org).tax_code == old and changes_of(org) == []


def test_unverified_rename_applies_at_once_and_is_audited(client_for, enterprise):
    org = enterprise.organization
    old = org.name
    response = client_for(enterprise).post(
        "/account/organization", data=org_form(org, org_name="Công ty TNHH Gốm Chu Đậu")
    )
    assert response.status_code == 302
    assert reload(org).name == "Công ty TNHH Gốm Chu Đậu"
    assert changes_of(org) == []
    [entry] = audit_rows(org)
    assert entry.action == "organization.rename" and entry.actor_id == enterprise.id
    assert entry.data == {"old_name": old, "new_name": "Công ty TNHH Gốm Chu Đậu"}


@pytest.mark.parametrize("who", ["enterprise", "other_vendor", "vendor"])
def test_a_tax_code_change_always_waits_for_a_moderator(request, client_for, who):
    user = request.getfixturevalue(who)
    org = user.organization
    old = org.tax_code
    response = client_for(user).post(
        "/account/organization", data=org_form(org, tax_code=NEW_TAX_CODE)
    )
    assert response.status_code == 302
    assert reload(org).tax_code == old
    [change] = changes_of(org)
    assert (change.new_tax_code, change.old_tax_code, change.new_name) == (NEW_TAX_CODE, old, None)


def test_approval_refuses_a_tax_code_taken_meanwhile(client_for, enterprise, moderator):
    org = enterprise.organization
    client_for(enterprise).post("/account/organization", data=org_form(org, tax_code=NEW_TAX_CODE))
    [change] = changes_of(org)
    factories.make_org("enterprise", tax_code=NEW_TAX_CODE)
    db.session.commit()
    response = client_for(moderator).post(
        f"/moderation/organization-changes/{change.id}/approve",
        data={"reason": ""},
        follow_redirects=True,
    )
    assert "đã được đăng ký" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(OrganizationChange, change.id).status == "pending"
    assert reload(org).tax_code != NEW_TAX_CODE


def test_approving_a_tax_code_change_applies_it(client_for, enterprise, moderator):
    org = enterprise.organization
    client_for(enterprise).post("/account/organization", data=org_form(org, tax_code=NEW_TAX_CODE))
    [change] = changes_of(org)
    response = client_for(moderator).post(
        f"/moderation/organization-changes/{change.id}/approve", data={"reason": ""}
    )
    assert response.status_code == 302
    assert reload(org).tax_code == NEW_TAX_CODE


def test_the_service_refuses_a_non_member(app, vendor, enterprise):
    from werkzeug.exceptions import NotFound

    with app.test_request_context(), pytest.raises(NotFound):
        organizations.update_organization(
            enterprise,
            vendor.organization,
            organizations.OrgDetails(
                name=VNPT, tax_code=vendor.organization.tax_code, phone="0912345678"
            ),
        )
    assert db.session.scalar(select(func.count(OrganizationChange.id))) == 0


def test_an_unverified_rename_while_a_tax_code_change_waits(client_for, enterprise, moderator):
    org = enterprise.organization
    c = client_for(enterprise)
    assert c.post("/account/organization", data=org_form(org, tax_code=NEW_TAX_CODE)).status_code
    [change] = changes_of(org)
    # The form shows the live tax code; renaming alone applies at once.
    response = c.post("/account/organization", data=org_form(org, org_name="Công ty TNHH An Phát"))
    assert response.status_code == 302
    assert reload(org).name == "Công ty TNHH An Phát"
    assert [x.id for x in changes_of(org)] == [change.id]
    # The moderator compares the request with the live identity.
    table = soup(client_for(moderator).get(f"/moderation/organization-changes/{change.id}"))
    cells = table.find(id="change-table").get_text(" ", strip=True)
    assert "Công ty TNHH An Phát" in cells and NEW_TAX_CODE in cells


def test_approval_losing_a_race_for_the_tax_code_is_refused_not_a_500(
    monkeypatch, client_for, enterprise, moderator
):
    org = enterprise.organization
    client_for(enterprise).post("/account/organization", data=org_form(org, tax_code=NEW_TAX_CODE))
    [change] = changes_of(org)
    factories.make_org("enterprise", tax_code=NEW_TAX_CODE)
    db.session.commit()
    # As if the other organisation took the code between the check and the write.
    monkeypatch.setattr(organizations, "check_org_unique", lambda *args, **kwargs: None)
    response = client_for(moderator).post(
        f"/moderation/organization-changes/{change.id}/approve", data={"reason": ""}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(OrganizationChange, change.id).status == "pending"
    assert reload(org).tax_code != NEW_TAX_CODE
