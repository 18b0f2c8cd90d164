"""Property-based fuzzing of every form (Hypothesis).

Each form is posted generated input (Vietnamese, NFD, control characters, huge strings,
HTML/script, numbers out of range, ids of other organisations' rows) by a signed-in user
of the role that uses it. Two properties hold for every example:

- the answer is never a 5xx;
- another organisation's rows are unchanged (snapshotted before and after).

The data is the demo seed. The victims are the vendor "Bạch Đằng" and the enterprise
"May mặc Cẩm Giàng Phát"; the actors are the demo accounts (Sao Khuê's vendor, the
Bánh Gai enterprise, the moderator) and, for verification, a new unverified vendor.
The vendor's trial decisions act on trials made during the test by new enterprises;
cancelling a subscription talks to a local fake of the Stripe API, never to Stripe.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from marketplace.extensions import db
from tests import factories
from tests.moderation.decisions import decide

DEMO_PASSWORD = "demo-pass-2026"
VICTIM_VENDOR_TAX = "0107654326"  # Công ty Cổ phần Dữ liệu và Điện toán Đám mây Bạch Đằng
VICTIM_ENTERPRISE_TAX = "0801100101"  # Công ty TNHH May mặc Cẩm Giàng Phát
ACTOR_ENTERPRISE = "enterprise@demo.vn"
ACTOR_VENDOR = "vendor@demo.vn"

FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

VIETNAMESE = [
    "Hóa đơn điện tử",
    "Công ty TNHH Bánh Gai Tứ Kỳ",
    "Đà Nẵng – Hải Dương",
    "Nguyễn Thị Hương",
    "ẮẰẲẴẶ ỆỀỂỄ ỡởợ ữựừ",
    "Trường Mầm non Hoa Sen",
]
HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ 7*7 }}{% raw %}",
    "' OR 1=1 --",
    "%00",
    "\x00",
    "a\x00b",
    "\r\nSet-Cookie: x=1",
    "\u202etxt.exe",
    "\ufeff",
    "//evil.example/path",
    "https://evil.example/",
    "../../etc/passwd",
    "NaN",
    "1e309",
    "-0",
    "٣٤٥",  # Arabic-Indic digits: str.isdigit() is true, int() accepts them
    "１２３",  # full-width digits
    "0x10",
    "",
    " ",
]
NUMBERS = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(
        ["0", "-1", "1", "5", "6", "10001", "2147483648", "9" * 40, "1.5", "1.200.000"]
    ),
)
HUGE = st.builds(
    lambda ch, n: ch * n,
    st.sampled_from(["Đ", "a", "<b>", "\u0301", " "]),
    st.integers(1_000, 60_000),
)
CONTROL = st.text(alphabet=st.characters(max_codepoint=0x1F), min_size=1, max_size=20)
NFD = st.sampled_from(VIETNAMESE).map(lambda s: unicodedata.normalize("NFD", s))
FUZZ_TEXT = st.one_of(
    st.sampled_from(VIETNAMESE),
    NFD,
    st.sampled_from(HOSTILE),
    CONTROL,
    HUGE,
    NUMBERS,
    st.text(max_size=60),
)


STATS = os.environ.get("FUZZ_STATS")  # a file to append "url status" lines to, when debugging


def maybe(valid, fuzz=FUZZ_TEXT):
    """A field's value: sometimes valid (so validation goes deeper), otherwise hostile."""
    return st.one_of(st.just(valid) if isinstance(valid, str) else valid, fuzz)


@st.composite
def form(draw, valid: dict[str, str], hostile: dict | None = None, most: int = 3) -> dict:
    """A valid form with up to `most` fields replaced by hostile values or left out.

    Fuzzing a few fields at a time keeps the rest valid, so the input reaches the services
    and not only the first validator.
    """
    hostile = hostile or {}
    chosen = draw(st.sets(st.sampled_from(sorted(valid)), max_size=most))
    out = dict(valid)
    for key in sorted(chosen):
        value = draw(st.one_of(hostile.get(key, FUZZ_TEXT), FUZZ_TEXT, st.none()))
        if value is None:
            out.pop(key)
        else:
            out[key] = value
    return out


def ids(values):
    """An id field: ids of rows that are ours, ids that are someone else's, or junk."""
    return st.one_of(st.sampled_from([str(v) for v in values]), FUZZ_TEXT)


def has_nul(fields: dict) -> bool:
    """Tell whether a posted value holds a NUL (the app refuses those with a 400)."""
    return any("\x00" in value for value in fields.values() if isinstance(value, str))


# ---------------------------------------------------------------------------- the world


def _scalar_list(sql: str, **params) -> list:
    return list(db.session.execute(text(sql), params).scalars())


class World:
    """The seeded data, signed-in clients and the victims' snapshot."""

    def __init__(self, app, web_app) -> None:
        self.app = app
        self.web_app = web_app
        self.victim_vendor = _scalar_list(
            "SELECT id FROM organizations WHERE tax_code = :t", t=VICTIM_VENDOR_TAX
        )[0]
        self.victim_enterprise = _scalar_list(
            "SELECT id FROM organizations WHERE tax_code = :t", t=VICTIM_ENTERPRISE_TAX
        )[0]
        self.actor_enterprise = _scalar_list(
            "SELECT organization_id FROM users WHERE email = :e", e=ACTOR_ENTERPRISE
        )[0]
        self.actor_vendor = _scalar_list(
            "SELECT organization_id FROM users WHERE email = :e", e=ACTOR_VENDOR
        )[0]
        self.victim_solutions = _scalar_list(
            "SELECT id FROM solutions WHERE vendor_id = :v ORDER BY id", v=self.victim_vendor
        )
        self.victim_slugs = _scalar_list(
            "SELECT slug FROM solutions WHERE vendor_id = :v ORDER BY slug", v=self.victim_vendor
        )
        self.victim_trial_slugs = _scalar_list(
            "SELECT DISTINCT s.slug FROM solutions s JOIN plans p ON p.solution_id = s.id "
            "WHERE s.vendor_id = :v AND s.status = 'published' AND p.trial_days > 0 "
            "ORDER BY s.slug",
            v=self.victim_vendor,
        )
        self.victim_published = _scalar_list(
            "SELECT id FROM solutions WHERE vendor_id = :v AND status = 'published' ORDER BY id",
            v=self.victim_vendor,
        )
        self.victim_plans = _scalar_list(
            "SELECT p.id FROM plans p JOIN solutions s ON s.id = p.solution_id "
            "WHERE s.vendor_id = :v ORDER BY p.id",
            v=self.victim_vendor,
        )
        self.own_solutions = _scalar_list(
            "SELECT id FROM solutions WHERE vendor_id = :v AND status = 'published' ORDER BY id",
            v=self.actor_vendor,
        )
        self.own_plans = _scalar_list(
            "SELECT p.id FROM plans p JOIN solutions s ON s.id = p.solution_id "
            "WHERE s.vendor_id = :v ORDER BY p.id",
            v=self.actor_vendor,
        )
        self.victim_trials = _scalar_list(
            "SELECT id FROM trial_requests WHERE organization_id = :e OR vendor_id = :v ORDER BY id",
            e=self.victim_enterprise,
            v=self.victim_vendor,
        )
        self.victim_vendor_trials = _scalar_list(
            "SELECT id FROM trial_requests WHERE vendor_id = :v ORDER BY id", v=self.victim_vendor
        )
        # A listing of the acting vendor with a trial plan, for trials made during a test.
        self.own_trial_plan = _scalar_list(
            "SELECT p.id FROM plans p JOIN solutions s ON s.id = p.solution_id "
            "WHERE s.vendor_id = :v AND s.status = 'published' AND p.active "
            "AND p.trial_days > 0 ORDER BY p.id",
            v=self.actor_vendor,
        )[0]
        self.own_trials = _scalar_list(
            "SELECT id FROM trial_requests WHERE organization_id = :e ORDER BY id",
            e=self.actor_enterprise,
        )
        # Reviews on the acting vendor's solutions (it may reply) and on the victim's.
        self.replyable_reviews = _scalar_list(
            "SELECT r.id FROM reviews r JOIN solutions s ON s.id = r.solution_id "
            "WHERE s.vendor_id = :v AND r.organization_id != :e ORDER BY r.id",
            v=self.actor_vendor,
            e=self.victim_enterprise,
        )
        self.victim_reviews = _scalar_list(
            "SELECT r.id FROM reviews r JOIN solutions s ON s.id = r.solution_id "
            "WHERE s.vendor_id = :v OR r.organization_id = :e ORDER BY r.id",
            v=self.victim_vendor,
            e=self.victim_enterprise,
        )
        # What the moderator decides on belongs to neither victim.
        self.moderated_review = _scalar_list(
            "SELECT r.id FROM reviews r JOIN solutions s ON s.id = r.solution_id "
            "WHERE s.vendor_id NOT IN (:v, :a) AND r.organization_id NOT IN (:e, :a2) "
            "ORDER BY r.id",
            v=self.victim_vendor,
            a=self.actor_vendor,
            e=self.victim_enterprise,
            a2=self.actor_enterprise,
        )[0]
        self.moderated_solution = _scalar_list(
            "SELECT id FROM solutions WHERE vendor_id NOT IN (:v, :a) AND status = 'published' "
            "ORDER BY id",
            v=self.victim_vendor,
            a=self.actor_vendor,
        )[0]
        # The seeded revision waiting for a decision (the acting vendor's, not a victim's).
        self.moderated_revision = _scalar_list(
            "SELECT r.id FROM solution_revisions r JOIN solutions s ON s.id = r.solution_id "
            "WHERE r.status = 'pending' AND s.vendor_id NOT IN (:v) ORDER BY r.id",
            v=self.victim_vendor,
        )[0]
        self.victim_emails = _scalar_list(
            "SELECT email FROM users WHERE organization_id IN (:v, :e) ORDER BY id",
            v=self.victim_vendor,
            e=self.victim_enterprise,
        )
        self._clients: dict[str, object] = {}

    def client(self, email: str | None, password: str = DEMO_PASSWORD):
        """A client signed in as `email` (None: anonymous), made once per test."""
        key = email or "anonymous"
        if key not in self._clients:
            client = self.web_app.test_client()
            if email:
                response = client.post("/auth/login", data={"email": email, "password": password})
                assert response.status_code == 302, response.status_code
            self._clients[key] = client
        return self._clients[key]

    def fresh_trial(self, status: str) -> int:
        """A new trial of the acting vendor's listing, by a new enterprise, moved to `status`."""
        from marketplace.accounts.models import User
        from marketplace.catalog.models import Plan
        from marketplace.core.clock import local_today
        from marketplace.trials import rules as trials_rules
        from marketplace.trials import services as trials

        plan = db.session.get(Plan, self.own_trial_plan)
        vendor_user = db.session.scalar(select(User).where(User.email == ACTOR_VENDOR))
        requester = factories.make_user("enterprise")
        today = local_today()
        trial = trials.request_trial(
            requester,
            plan.solution,
            trials_rules.TrialInput(
                plan_id=plan.id,
                contact_name="Vũ Thị Mai",
                contact_phone="0912345678",
                preferred_start=today,
                users_count=3,
            ),
            today=today,
        )
        factories.advance_trial(
            trial, status, vendor_user=vendor_user, enterprise_user=requester, today=today
        )
        return trial.id

    def snapshot(self) -> dict[str, list]:
        """The victims' own rows, in the columns only they (or nobody) may change."""
        db.session.rollback()  # a fresh read, not this session's earlier snapshot
        params = {
            "v": self.victim_vendor,
            "e": self.victim_enterprise,
            "ae": self.actor_enterprise,
        }
        queries = {
            "organizations": "SELECT * FROM organizations WHERE id IN (:v, :e)",
            "users": "SELECT id, email, name, password_hash, role, organization_id, locale, "
            "active, session_version FROM users WHERE organization_id IN (:v, :e)",
            "solutions": "SELECT id, slug, status, name, tagline, description, category_id, "
            "deployment, website, logo_id, status_reason FROM solutions WHERE vendor_id = :v",
            "plans": "SELECT p.* FROM plans p JOIN solutions s ON s.id = p.solution_id "
            "WHERE s.vendor_id = :v",
            "features": "SELECT f.* FROM solution_features f JOIN solutions s "
            "ON s.id = f.solution_id WHERE s.vendor_id = :v",
            "revisions": "SELECT r.id, r.status, r.content FROM solution_revisions r "
            "JOIN solutions s ON s.id = r.solution_id WHERE s.vendor_id = :v",
            "screenshots": "SELECT c.* FROM screenshots c JOIN solutions s "
            "ON s.id = c.solution_id WHERE s.vendor_id = :v",
            "trials": "SELECT id, organization_id, solution_id, plan_id, contact_name, "
            "contact_phone, users_count, message, status, access_instructions, reason, "
            "start_date, end_date FROM trial_requests "
            "WHERE (organization_id = :e OR vendor_id = :v) AND organization_id != :ae",
            "trial_events": "SELECT e.id, e.trial_id, e.to_status, e.note FROM trial_events e "
            "JOIN trial_requests t ON t.id = e.trial_id "
            "WHERE (t.organization_id = :e OR t.vendor_id = :v) AND t.organization_id != :ae",
            "reviews": "SELECT r.id, r.solution_id, r.organization_id, r.overall, r.title, "
            "r.body, r.status FROM reviews r JOIN solutions s ON s.id = r.solution_id "
            "WHERE (r.organization_id = :e OR s.vendor_id = :v) AND r.organization_id != :ae",
            "replies": "SELECT rr.* FROM review_replies rr JOIN reviews r ON r.id = rr.review_id "
            "JOIN solutions s ON s.id = r.solution_id WHERE s.vendor_id = :v",
            "subscriptions": "SELECT id, plan_id, status, cancel_at_period_end, canceled_at, "
            "current_period_end FROM subscriptions "
            "WHERE organization_id = :e OR (vendor_id = :v AND organization_id != :ae)",
            "payments": "SELECT id, plan_id, status FROM payments "
            "WHERE organization_id = :e OR (vendor_id = :v AND organization_id != :ae)",
            "verifications": "SELECT * FROM verification_requests "
            "WHERE organization_id IN (:v, :e)",
            "uploads": "SELECT * FROM uploads WHERE org_id IN (:v, :e)",
        }
        out = {
            name: sorted((tuple(row) for row in db.session.execute(text(sql), params)), key=repr)
            for name, sql in queries.items()
        }
        db.session.rollback()
        return out


@pytest.fixture
def world(demo_data, app, web_app) -> World:
    return World(app, web_app)


def post_checked(world: World, client, url: str, data: dict, **kwargs):
    """Post `data`; fail on a 5xx or on any change to the victims' rows."""
    before = world.snapshot()
    response = client.post(url, data=data, **kwargs)
    if STATS:
        with open(STATS, "a", encoding="utf-8") as fh:
            fh.write(f"{url} {response.status_code}\n")
    assert response.status_code < 500, (url, response.status_code, data)
    after = world.snapshot()
    changed = [name for name in before if before[name] != after[name]]
    assert not changed, f"{url} changed another organisation's {changed}"
    return response


# ---------------------------------------------------------------------------- accounts

ORG_VALID = {
    "org_name": "Công ty TNHH Thử Nghiệm Số",
    "tax_code": "0801999993",
    "commune_code": "10525",
    "industry": "retail",
    "size_band": "small",
    "phone": "0912 345 678",
    "website": "https://banhgai.vn",
}
ORG_HOSTILE = {
    "tax_code": st.sampled_from([VICTIM_VENDOR_TAX, VICTIM_ENTERPRISE_TAX, "0801999993-001"]),
    "commune_code": st.sampled_from(
        ["", "ha-noi", "tp-hai-duong", "00004", "10525\x00", "1" * 400]
    ),
    "province_code": st.sampled_from(["", "01", "30", "x"]),
    "size_band": st.sampled_from(["huge", ""]),
    "phone": NUMBERS,
}


@FUZZ
@given(
    data=form(
        {
            "kind": "enterprise",
            "name": "Nguyễn Văn An",
            "email": "moi@example.vn",
            "password": "mat-khau-rat-dai-2026",
            "confirm": "mat-khau-rat-dai-2026",
            "accept_terms": "y",
            **ORG_VALID,
        },
        {
            "kind": st.sampled_from(["vendor", "moderator", "admin"]),
            "email": st.sampled_from(["VENDOR@DEMO.VN", "a@b", "x@[127.0.0.1]"]),
            **ORG_HOSTILE,
        },
    )
)
def test_registration(world, data):
    post_checked(world, world.web_app.test_client(), "/auth/register", data)


@FUZZ
@given(
    data=form(
        {"email": ACTOR_ENTERPRISE, "password": "sai-mat-khau-123", "remember": "y"},
        {"email": st.sampled_from(["ENTERPRISE@demo.vn", "vendor@demo.vn"])},
    )
)
def test_login(world, data):
    if data.get("password") == DEMO_PASSWORD:
        data["password"] = "sai-mat-khau-123"
    post_checked(world, world.web_app.test_client(), "/auth/login", data)


@FUZZ
@given(
    data=form(
        {"name": "Trần Thị Bình", "locale": "vi"}, {"locale": st.sampled_from(["en", "fr", "xx"])}
    )
)
def test_profile(world, data):
    post_checked(world, world.client(ACTOR_ENTERPRISE), "/account/profile", data)


@FUZZ
@given(data=form(ORG_VALID, ORG_HOSTILE))
def test_organisation(world, data):
    post_checked(world, world.client(ACTOR_ENTERPRISE), "/account/organization", data)


@FUZZ
@given(
    data=form(
        # Never the right current password: the client must stay signed in.
        {
            "current_password": "khong-dung-2026",
            "password": "mat-khau-moi-2026-xyz",
            "confirm": "mat-khau-moi-2026-xyz",
        },
        {"password": st.sampled_from(["123456789", "password123", "a" * 129])},
    )
)
def test_password_change(world, data):
    if data.get("current_password") == DEMO_PASSWORD:
        data["current_password"] = "khong-dung-2026"
    post_checked(world, world.client(ACTOR_ENTERPRISE), "/account/password", data)


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def fresh_vendor(world):
    """An unverified vendor of its own (the demo vendor is already verified)."""
    return factories.make_user("vendor")


@FUZZ
@given(
    data=st.data(),
    # The document is required: mostly a real PNG, sometimes junk bytes or nothing.
    document=st.one_of(
        st.tuples(st.just("png"), maybe("giấy phép.png")),
        st.tuples(st.just("png"), st.just("giay-phep.png")),
        st.tuples(st.binary(max_size=2_000), maybe("giay-phep.png")),
        st.none(),
    ),
)
def test_vendor_verification(world, fresh_vendor, data, document):
    fields = data.draw(
        form(
            {
                "legal_name": "Công ty TNHH Thử Nghiệm",
                "tax_code": fresh_vendor.organization.tax_code,
                "business_license_no": "0801999998",
                "address": "12 Trần Hưng Đạo, TP Hải Dương",
                "representative": "Lê Văn Cường",
            },
            {"tax_code": st.sampled_from([VICTIM_VENDOR_TAX, "0801999998"])},
        )
    )
    if document is not None:
        content, filename = document
        fields["document"] = (io.BytesIO(_png() if content == "png" else content), filename)
    client = world.client(fresh_vendor.email, factories.PASSWORD)
    post_checked(world, client, "/vendor/verification", fields)


# ---------------------------------------------------------------------------- listings


def listing_form(world: World):
    valid = {
        "name": "Giải pháp Thử nghiệm",
        "tagline": "Một câu giới thiệu",
        "description": "## Tính năng\n\n- Xuất hóa đơn",
        "category_id": "3",
        "deployment": "cloud",
        "website": "https://example.vn",
        "logo_id": "",
        "screenshot_ids": "",
        "feature-3-decree_123": "yes",
        "feature-3-invoices_included": "300",
        "extras-0-label": "Hỗ trợ",
        "extras-0-value": "24/7",
        "action": "save",
        "plans-0-id": "",
        "plans-0-name": "Gói Cơ bản",
        "plans-0-price_vnd": "1.200.000",
        "plans-0-period": "year",
        "plans-0-trial_days": "14",
        "plans-0-limits": "300 hóa đơn/năm",
    }
    plan_ids = ids(world.victim_plans + world.own_plans)
    hostile = {
        "category_id": st.sampled_from(["1", "999999", "-1"]),
        "deployment": st.sampled_from(["saas", ""]),
        "logo_id": ids([1, 2, 3, 999999]),
        "screenshot_ids": st.sampled_from(["1,2,3", "999999", "1,,x"]),
        "action": st.sampled_from(["submit", "preview", "publish"]),
        "plans-0-id": plan_ids,
        "plans-1-id": plan_ids,
        "plans-0-price_vnd": NUMBERS,
        "plans-0-trial_days": NUMBERS,
        "plans-0-period": st.sampled_from(["month", "once", "week"]),
    }
    # Sometimes a second plan row that claims an id (perhaps another vendor's plan).
    valid_two = {
        **valid,
        "plans-1-id": "",
        "plans-1-name": "Gói Nâng cao",
        "plans-1-price_vnd": "2400000",
        "plans-1-period": "year",
        "plans-1-trial_days": "0",
    }
    return st.one_of(form(valid, hostile, most=4), form(valid_two, hostile, most=4))


@FUZZ
@given(data=st.data())
def test_listing_editor_new(world, data):
    fields = data.draw(listing_form(world))
    post_checked(world, world.client(ACTOR_VENDOR), "/vendor/solutions/new", fields)


@FUZZ
@given(data=st.data())
def test_listing_editor_edit(world, data):
    solution_id = data.draw(st.sampled_from(world.own_solutions[:2] + world.victim_solutions[:2]))
    fields = data.draw(listing_form(world))
    post_checked(world, world.client(ACTOR_VENDOR), f"/vendor/solutions/{solution_id}/edit", fields)


# ---------------------------------------------------------------------------- trials


@FUZZ
@given(data=st.data())
def test_trial_request(world, data):
    slug = data.draw(st.sampled_from(world.victim_trial_slugs[:3] + ["saokhue-crm"]))
    plans = _scalar_list(
        "SELECT p.id FROM plans p JOIN solutions s ON s.id = p.solution_id "
        "WHERE s.slug = :slug AND p.trial_days > 0 ORDER BY p.id",
        slug=slug,
    )
    fields = data.draw(
        form(
            {
                "plan": str(plans[0]) if plans else "",
                "contact_name": "Nguyễn Thị Lan",
                "contact_phone": "0912 345 678",
                "preferred_start": (dt.date.today() + dt.timedelta(days=3)).isoformat(),
                "users_count": "5",
                "message": "Chúng tôi muốn dùng thử.",
            },
            {
                "plan": ids(world.victim_plans + world.own_plans),
                "preferred_start": st.sampled_from(
                    ["2026-12-01", "01/12/2026", "31/02/2026", "9999-12-31", "0001-01-01"]
                ),
                "users_count": NUMBERS,
            },
        )
    )
    post_checked(world, world.client(ACTOR_ENTERPRISE), f"/solutions/{slug}/trial", fields)


# The vendor's decisions: the status a trial must have, one it must not have, where the
# decision leads, and the form's fields.
TRIAL_DECISIONS = {
    "decline": ("requested", "accepted", "declined", {"reason": "Hết suất dùng thử tháng này."}),
    "start": ("accepted", "requested", "active", {}),
    "end": ("active", "requested", "ended", {"end-note": "Doanh nghiệp xin dừng sớm."}),
    "convert": ("active", "accepted", "converted", {"convert-note": "Đã ký hợp đồng trả phí."}),
}
MISSING_ID = 2_000_000_000
# Each example is posted to every target, so fewer examples do.
FUZZ_EACH_TARGET = settings(FUZZ, max_examples=12)


def _trial_row(trial_id: int) -> tuple:
    """The trial's status, dates and length, freshly read."""
    from marketplace.trials.models import TrialRequest

    db.session.rollback()
    trial = db.session.get(TrialRequest, trial_id)
    return trial.status, trial.start_date, trial.end_date, trial.trial_days


@pytest.mark.parametrize("action", sorted(TRIAL_DECISIONS))
@FUZZ_EACH_TARGET
@given(data=st.data())
def test_vendor_trial_decision(world, action, data):
    """Decline, start, end, convert: hostile notes and reasons and fields no form has
    (dates, status, owner), posted for a trial in the right status, one in the wrong
    status, another vendor's trial and a trial that does not exist."""
    ready, wrong, reached, valid = TRIAL_DECISIONS[action]
    smuggled = {
        "status": "converted",
        "start_date": "2020-01-01",
        "trial_days": "365",
        "vendor_id": str(world.victim_vendor),
    }
    fields = {
        **(data.draw(form(valid, most=len(valid))) if valid else {}),
        **data.draw(form(smuggled, {"trial_days": NUMBERS}, most=2)),
    }
    client = world.client(ACTOR_VENDOR)
    nul = has_nul(fields)
    for trial_id in (data.draw(st.sampled_from(world.victim_vendor_trials)), MISSING_ID):
        url = f"/vendor/trials/{trial_id}/{action}"
        response = post_checked(world, client, url, fields)
        assert response.status_code == (400 if nul else 404), (url, response.status_code)
    for status in (ready, wrong):
        trial_id = world.fresh_trial(status)
        before = _trial_row(trial_id)
        url = f"/vendor/trials/{trial_id}/{action}"
        response = post_checked(world, client, url, fields)
        after = _trial_row(trial_id)
        if nul or status == wrong:
            assert after == before, (url, before, after)
            continue
        assert after[0] in (status, reached), (url, status, after[0])
        if all(fields.get(name) == value for name, value in valid.items()):
            # The form's own fields are valid: nothing else posted may stop the decision.
            assert after[0] == reached, (url, fields, after[0])
        if after[0] == "active":
            # Started today, for the plan's trial days, whatever the request said.
            from marketplace.core.clock import local_today

            _status, start, end, days = after
            assert abs((start - local_today()).days) <= 1, start
            assert (end - start).days == days == before[3]


def _own_open_trial(world: World) -> int:
    """An open trial of the acting enterprise on the acting vendor's listing (made if none)."""
    from marketplace.accounts.models import User
    from marketplace.catalog.models import Plan
    from marketplace.core.clock import local_today
    from marketplace.trials import rules as trials_rules
    from marketplace.trials import services as trials
    from marketplace.trials.models import TrialRequest

    db.session.rollback()
    plan = db.session.get(Plan, world.own_trial_plan)
    open_one = db.session.scalar(
        select(TrialRequest.id).where(
            TrialRequest.organization_id == world.actor_enterprise,
            TrialRequest.solution_id == plan.solution_id,
            TrialRequest.status.in_(["requested", "accepted"]),
        )
    )
    if open_one is not None:
        return open_one
    requester = db.session.scalar(select(User).where(User.email == ACTOR_ENTERPRISE))
    today = local_today()
    trial = trials.request_trial(
        requester,
        plan.solution,
        trials_rules.TrialInput(
            plan_id=plan.id,
            contact_name="Vũ Thị Mai",
            contact_phone="0912345678",
            preferred_start=today,
            users_count=3,
        ),
        today=today,
    )
    db.session.commit()
    return trial.id


@FUZZ_EACH_TARGET
@given(data=st.data())
def test_enterprise_trial_cancel(world, data):
    """The enterprise's cancel form: hostile reasons and smuggled fields, posted for another
    organisation's trial, a missing one and its own open trial."""
    fields = data.draw(
        form(
            {
                "reason": "Chưa sắp xếp được người phụ trách.",
                "organization_id": str(world.victim_enterprise),  # no such field: ignored
            },
            most=2,
        )
    )
    client = world.client(ACTOR_ENTERPRISE)
    nul = has_nul(fields)
    others = [t for t in world.victim_trials if t not in world.own_trials]
    for trial_id in (data.draw(st.sampled_from(others)), MISSING_ID):
        response = post_checked(world, client, f"/account/trials/{trial_id}/cancel", fields)
        assert response.status_code == (400 if nul else 404), (trial_id, response.status_code)
    own = _own_open_trial(world)
    response = post_checked(world, client, f"/account/trials/{own}/cancel", fields)
    status = _trial_row(own)[0]
    if response.status_code == 302:
        assert status == "cancelled"
    else:
        assert response.status_code == 400 and status in ("requested", "accepted")


# ---------------------------------------------------------------------------- reviews

STAR_HOSTILE = st.one_of(NUMBERS, st.sampled_from(["0", "6", "4.5", "-5", "٥"]))


@FUZZ
@given(
    slug=st.sampled_from(["saokhue-einvoice", "ke-toan-saokhue-cloud", "bachdang-ihoadon"]),
    fields=form(
        {
            "overall": "5",
            "ease_of_use": "4",
            "features": "5",
            "support": "4",
            "value": "5",
            "title": "Dễ dùng, hỗ trợ nhanh",
            "body": "Chúng tôi dùng thử hai tuần và thấy rất hài lòng với giải pháp.",
        },
        dict.fromkeys(("overall", "ease_of_use", "features", "support", "value"), STAR_HOSTILE),
    ),
)
def test_review(world, slug, fields):
    post_checked(world, world.client(ACTOR_ENTERPRISE), f"/solutions/{slug}/review", fields)


@FUZZ
@given(data=st.data())
def test_review_reply(world, data):
    review_id = data.draw(st.sampled_from(world.replyable_reviews + world.victim_reviews))
    fields = data.draw(form({"body": "Cảm ơn anh/chị đã tin dùng sản phẩm của chúng tôi."}))
    post_checked(world, world.client(ACTOR_VENDOR), f"/reviews/{review_id}/reply", fields)


@FUZZ
@given(data=st.data())
def test_review_report(world, data):
    review_id = data.draw(st.sampled_from(world.victim_reviews))
    fields = data.draw(form({"reason": "Nội dung quảng cáo, không phải trải nghiệm thật."}))
    post_checked(world, world.client(ACTOR_ENTERPRISE), f"/reviews/{review_id}/report", fields)


# ---------------------------------------------------------------------------- moderation

MODERATION_ACTIONS = [
    # (url, name of the reason field)
    ("reviews/{review}/hide", "hide-reason"),
    ("reviews/{review}/restore", "restore-reason"),
    ("reviews/{review}/dismiss", "dismiss-reason"),
    ("solutions/{solution}/suspend", "reason"),
    ("solutions/{solution}/restore", "reason"),
    ("solutions/{solution}/reject", "reason"),
    ("solutions/{solution}/approve", "reason"),
    ("revisions/{revision}/reject", "reason"),
    ("revisions/{revision}/approve", "reason"),
]


@FUZZ
@given(action=st.sampled_from(MODERATION_ACTIONS), data=st.data())
def test_moderation_reasons(world, action, data):
    path, field = action
    fields = data.draw(form({field: "Vi phạm quy định đăng tin."}))
    url = "/moderation/" + path.format(
        review=world.moderated_review,
        solution=world.moderated_solution,
        revision=world.moderated_revision,
    )
    post_checked(world, world.client("moderator@demo.vn"), url, fields)


# ---------------------------------------------------------------------------- small forms


@FUZZ
@given(
    who=st.sampled_from([None, ACTOR_ENTERPRISE, ACTOR_VENDOR]),
    fields=form(
        {"slug": "saokhue-crm", "next": "/solutions"},
        {"slug": st.sampled_from(["bachdang-ihoadon", "khong-co"])},
    ),
)
def test_compare_add(world, who, fields):
    post_checked(world, world.client(who), "/compare/add", fields)


@FUZZ
@given(
    who=st.sampled_from([None, ACTOR_ENTERPRISE]),
    fields=form({"lang": "en", "next": "/solutions"}, {"lang": st.sampled_from(["vi", "fr"])}),
)
def test_language_switch(world, who, fields):
    post_checked(world, world.client(who), "/lang", fields)


@FUZZ
@given(data=st.data())
def test_billing_checkout(world, data):
    fields = data.draw(
        form(
            {"plan_id": str(world.own_plans[0]), "solution_id": "", "trial_id": ""},
            {
                "plan_id": ids(world.victim_plans + world.own_plans),
                "solution_id": ids(world.victim_solutions + world.own_solutions),
                "trial_id": ids(world.victim_trials + world.own_trials),
            },
        )
    )
    post_checked(world, world.client(ACTOR_ENTERPRISE), "/billing/checkout", fields)


@pytest.fixture
def subscriptions(world):
    """Two live subscriptions, the acting enterprise's and the victim's, and online payment
    pointed at a local fake of the Stripe API (which knows both)."""
    from marketplace.catalog.models import Plan
    from marketplace.core.database import utcnow
    from tests.billing.fake_stripe import FakeStripe

    fake = FakeStripe().start()
    for application in (world.app, world.web_app):
        application.config.update(
            STRIPE_SECRET_KEY="sk_test_fake",
            STRIPE_PUBLISHABLE_KEY="pk_test_fake",
            STRIPE_API_BASE=fake.url,
            STRIPE_MAX_NETWORK_RETRIES=0,
        )
    monthly = (
        "SELECT p.id, p.solution_id, p.price_vnd FROM plans p "
        "JOIN solutions s ON s.id = p.solution_id "
        "WHERE s.vendor_id = :v AND p.period = 'month' AND p.price_vnd > 0 ORDER BY p.id"
    )
    made = {}
    for who, org, vendor in (
        ("own", world.actor_enterprise, world.victim_vendor),
        ("victim", world.victim_enterprise, world.actor_vendor),
    ):
        plan = db.session.execute(text(monthly), {"v": vendor}).first()
        stripe_id = f"sub_test_{who}"
        subscription = factories.make_subscription(
            org,
            db.session.get(Plan, plan.id),
            stripe_id=stripe_id,
            stripe_customer_id=f"cus_test_{who}",
            current_period_end=utcnow() + dt.timedelta(days=20),
        )
        fake.subscriptions[stripe_id] = {
            "id": stripe_id,
            "object": "subscription",
            "customer": f"cus_test_{who}",
            "status": "active",
            "cancel_at_period_end": False,
            "canceled_at": None,
            "ended_at": None,
            "metadata": {},
            "items": {"object": "list", "data": []},
        }
        made[who] = subscription.id
    yield made, fake
    fake.stop()


@FUZZ_EACH_TARGET
@given(data=st.data())
def test_subscription_cancel(world, subscriptions, data):
    """Cancel at period end, posted for another organisation's subscription (a 404, and
    Stripe hears nothing of it), a missing one and the enterprise's own."""
    from marketplace.billing.models import Subscription

    made, fake = subscriptions
    # The form has only the CSRF token: whatever else is posted must be ignored.
    fields = data.draw(
        form(
            {
                "subscription_id": str(made["victim"]),
                "organization_id": str(world.victim_enterprise),
                "cancel_at_period_end": "false",
            },
            {"subscription_id": ids([*made.values(), MISSING_ID])},
        )
    )
    client = world.client(ACTOR_ENTERPRISE)
    nul = has_nul(fields)
    for subscription_id in (made["victim"], MISSING_ID):
        url = f"/billing/subscriptions/{subscription_id}/cancel"
        response = post_checked(world, client, url, fields)
        assert response.status_code == (400 if nul else 404), (url, response.status_code)
    assert fake.calls("POST", "/v1/subscriptions/sub_test_victim") == []
    own = db.session.get(Subscription, made["own"])
    own.cancel_at_period_end = False  # each example cancels afresh
    db.session.commit()
    response = post_checked(world, client, f"/billing/subscriptions/{made['own']}/cancel", fields)
    assert response.status_code == (400 if nul else 302)
    db.session.rollback()
    assert db.session.get(Subscription, made["own"]).cancel_at_period_end is not nul


def test_the_snapshot_sees_a_change(world):
    """The oracle itself: suspending a victim's listing does show in the snapshot."""
    before = world.snapshot()
    moderator = world.client("moderator@demo.vn")
    response = decide(
        moderator, f"/moderation/solutions/{world.victim_published[0]}/suspend", "Kiểm tra."
    )
    assert response.status_code == 302
    assert world.snapshot()["solutions"] != before["solutions"]


# ---------------------------------------------------------------------------- the console


@pytest.fixture
def console(world):
    """Accounts and organisations of their own for the administrator to act on (the victims'
    rows stay out of reach: an administrator may change them, the oracle would object)."""
    from marketplace.accounts.models import User
    from marketplace.admin import people

    admin = db.session.scalar(select(User).where(User.email == "admin@demo.vn"))
    person = factories.make_user("enterprise", email_verified=False)
    staff = factories.make_user("moderator")
    source = factories.make_org("enterprise", name="Bản trùng để gộp")
    target = factories.make_org("enterprise", name="Bản giữ lại")
    factories.make_user("enterprise", org=source)
    with world.web_app.test_request_context():
        invited = people.invite_staff(
            admin, email="moi.kiem.duyet@example.vn", name="Người được mời", role="moderator"
        )
        token = people._serializer().dumps([invited.id, people._fingerprint(invited)])
        db.session.commit()
    return {
        "user": person.id,
        "staff": staff.id,
        "org": source.id,
        "source": source.id,
        "target": target.id,
        "target_tax": target.tax_code,
        "token": token,
    }


ADMIN_REASON = {"reason": "Theo đề nghị của doanh nghiệp."}
ADMIN_FORMS = [
    # (url, valid fields, hostile choices)
    ("/admin/users/{user}/deactivate", {"deactivate-reason": "Giả mạo."}, {}),
    ("/admin/users/{user}/reactivate", {"reactivate-reason": "Đã xác minh."}, {}),
    (
        "/admin/users/{staff}/role",
        {"role-role": "admin"},
        {"role-role": st.sampled_from(["moderator", "enterprise", "owner", ""])},
    ),
    ("/admin/users/{user}/password-reset", {"x": "1"}, {}),
    ("/admin/users/{user}/resend-verification", {"x": "1"}, {}),
    ("/admin/users/{user}/clear-throttle", {"x": "1"}, {}),
    ("/admin/users/{staff}/resend-invitation", {"x": "1"}, {}),
    (
        "/admin/staff/invite",
        {"name": "Lê Thu Hà", "email": "le.thu.ha@example.vn", "role": "moderator"},
        {
            "email": st.sampled_from(["ADMIN@DEMO.VN", "a@b", "x@[127.0.0.1]", "a" * 300]),
            "role": st.sampled_from(["admin", "enterprise", "owner"]),
        },
    ),
    ("/admin/organizations/{org}/edit", {**ORG_VALID, **ADMIN_REASON}, ORG_HOSTILE),
    ("/admin/organizations/{org}/deactivate", {"deactivate-reason": "Ngừng kinh doanh."}, {}),
    ("/admin/organizations/{org}/reactivate", {"reactivate-reason": "Hoạt động lại."}, {}),
    (
        "/admin/organizations/{source}/merge",
        {"target_id": "{target}", "reason": "Đăng ký hai lần.", "confirm": "{target}"},
        {
            "target_id": st.sampled_from(["{target_tax}", "{source}", "0", "-1", "9" * 30]),
            "confirm": st.sampled_from(["{source}", "", "x"]),
        },
    ),
    (
        "/staff-invitation/{token}",
        {"password": "mat-khau-kiem-duyet-2026", "confirm": "mat-khau-kiem-duyet-2026"},
        {"password": st.sampled_from(["123", "a" * 129, "password123"])},
    ),
]


@pytest.fixture
def console_category(world):
    """An empty category (and one feature) of its own, so no listing moves while fuzzing."""
    from marketplace.accounts.models import User
    from marketplace.catalog import category_admin, feature_admin

    with world.app.test_request_context():
        admin = db.session.scalar(select(User).where(User.email == "admin@demo.vn"))
        category = category_admin.create_category(
            admin, {"name_vi": "Thử nghiệm", "slug": "thu-nghiem-fuzz"}
        )
        feature = feature_admin.add_feature(
            admin, category, {"key": "thu", "label_vi": "Thử", "kind": "bool"}
        )
        db.session.commit()
        return category.id, feature.id


CONSOLE_FORMS = [
    # (path, valid fields, hostile fields)
    (
        "/admin/categories/new",
        {"name_vi": "Danh mục mới", "name_en": "New", "slug": "danh-muc-moi", "position": "3"},
        {"parent_id": NUMBERS, "slug": st.sampled_from(["hoa-don-dien-tu", "A B", "-"])},
    ),
    (
        "/admin/categories/{category}",
        {"name_vi": "Thử nghiệm", "slug": "thu-nghiem-fuzz", "description_vi": "Mô tả"},
        {"parent_id": NUMBERS, "position": NUMBERS},
    ),
    ("/admin/categories/{category}/move", {"direction": "up"}, {}),
    ("/admin/categories/{category}/retire", {"target_id": ""}, {"target_id": NUMBERS}),
    (
        "/admin/categories/{category}/features",
        {"key": "moi", "label_vi": "Mới", "kind": "text"},
        {"kind": st.sampled_from(["bool", "number", ""]), "key": st.sampled_from(["thu", "1a"])},
    ),
    (
        "/admin/categories/{category}/features/{feature}",
        {"label_vi": "Thử lại", "label_en": "Again", "kind": "bool"},
        {"kind": st.sampled_from(["text", "x"])},
    ),
    ("/admin/categories/{category}/features/{feature}/move", {"direction": "down"}, {}),
    (
        "/admin/settings/contact",
        {
            "contact-contact_name": "Trung tâm Điều hành",
            "contact-contact_phone": "0225 3822 000",
            "contact-contact_email": "ioc@haiphong.gov.vn",
        },
        {"contact-contact_phone": NUMBERS},
    ),
    (
        "/admin/settings/banner",
        {"banner-banner_vi": "Bảo trì", "banner-banner_level": "info", "banner-banner_ends_on": ""},
        {"banner-banner_ends_on": st.sampled_from(["31/02/2027", "01/01/2020", "9" * 30])},
    ),
    (
        "/admin/settings/versions",
        {"version-document": "terms", "version-effective": "02/12/2026"},
        {"version-document": st.sampled_from(["privacy", "cookies"])},
    ),
]


@pytest.mark.parametrize("action", ADMIN_FORMS, ids=[a[0] for a in ADMIN_FORMS])
@FUZZ_EACH_TARGET
@given(data=st.data())
def test_console_forms(world, console, action, data):
    url, valid, hostile = action
    fields = data.draw(form(valid, hostile))
    # "{target}" and the like name the console fixture's rows; any other text is sent as is.
    fields = {
        key: str(console[value[1:-1]])
        if isinstance(value, str) and value[1:-1] in console and value[:1] + value[-1:] == "{}"
        else value
        for key, value in fields.items()
    }
    post_checked(world, world.client("admin@demo.vn"), url.format(**console), fields)


@FUZZ
@given(chosen=st.sampled_from(CONSOLE_FORMS), data=st.data())
def test_console_category_forms(world, console_category, chosen, data):
    path, valid, hostile = chosen
    fields = data.draw(form(valid, hostile))
    category, feature = console_category
    url = path.format(category=category, feature=feature)
    post_checked(world, world.client("admin@demo.vn"), url, fields)


CATEGORY_LIFECYCLE = [
    # (path, valid fields, hostile fields): the posts that retire, restore and delete. These
    # forms carry only the CSRF token: whatever else is posted must be ignored.
    ("/admin/categories/{category}/features/{feature}/retire", {"x": "1"}, {}),
    ("/admin/categories/{category}/features/{feature}/restore", {"x": "1"}, {}),
    ("/admin/categories/{category}/retire", {"target_id": ""}, {"target_id": NUMBERS}),
    ("/admin/categories/{category}/restore", {"x": "1"}, {}),
    ("/admin/categories/{category}/delete", {"x": "1"}, {}),
]


@FUZZ_EACH_TARGET
@given(data=st.data())
def test_console_category_lifecycle(world, data):
    """Each example makes a fresh empty category with one feature, then posts the lifecycle
    forms in an order of its own (retire before restore, delete before anything, ...)."""
    from marketplace.accounts.models import User
    from marketplace.catalog import category_admin, feature_admin
    from marketplace.catalog.models import Category

    with world.app.test_request_context():
        admin = db.session.scalar(select(User).where(User.email == "admin@demo.vn"))
        made = db.session.scalar(select(func.count(Category.id)))
        category = category_admin.create_category(
            admin, {"name_vi": "Vòng đời", "slug": f"vong-doi-{made}"}
        )
        feature = feature_admin.add_feature(
            admin, category, {"key": "co", "label_vi": "Có", "kind": "bool"}
        )
        db.session.commit()
        ids_ = {"category": category.id, "feature": feature.id}
    client = world.client("admin@demo.vn")
    for path, valid, hostile in data.draw(st.permutations(CATEGORY_LIFECYCLE)):
        fields = data.draw(form(valid, hostile))
        response = post_checked(world, client, path.format(**ids_), fields)
        assert response.status_code in (302, 400, 404), (path, response.status_code)


@FUZZ_EACH_TARGET
@given(data=st.data(), days_ahead=st.integers(1, 4000))
def test_programme_rules(world, data, days_ahead):
    """A new version of the programme's rules, from a day of the example's own (the same
    day twice is refused by the field)."""
    from marketplace.core.clock import local_today

    category = _scalar_list("SELECT id FROM categories ORDER BY id")[0]
    day = (local_today() + dt.timedelta(days=days_ahead)).strftime("%d/%m/%Y")
    amounts = {
        **{f"rate_{band}": "50" for band in ("household", "micro", "small", "medium")},
        **{f"cap_{band}": "20.000.000" for band in ("household", "micro", "small", "medium")},
    }
    valid = {
        "effective_from": day,
        "period_start": "01/01/2026",
        "period_end": "31/12/2027",
        "budget_vnd": "3.000.000.000",
        "assessment_required": "y",
        "categories": str(category),
        "note": "Theo Quyết định số 12/QĐ-UBND.",
        **amounts,
    }
    hostile = {
        "effective_from": st.sampled_from(["31/02/2027", "01/01/2020", day, "9" * 30]),
        "period_end": st.sampled_from(["01/01/2025", "31/12/9999"]),
        "budget_vnd": NUMBERS,
        "categories": NUMBERS,
        **dict.fromkeys(amounts, NUMBERS),
    }
    fields = data.draw(form(valid, hostile, most=4))
    response = post_checked(world, world.client("admin@demo.vn"), "/admin/programme", fields)
    assert response.status_code in (302, 400), response.status_code


def _route_shape(path: str) -> str:
    """A path with each variable part as "{}": "/admin/users/<int:user_id>/role" and
    "/admin/users/{staff}/role" both become "/admin/users/{}/role"."""
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path)


def test_every_console_form_is_fuzzed(app):
    """A POST route of the console (/admin/…, and the staff invitation it sends) that no list
    above fuzzes fails here: add it to ADMIN_FORMS, CONSOLE_FORMS or CATEGORY_LIFECYCLE."""
    fuzzed = {
        _route_shape(path)
        for path, _valid, _hostile in ADMIN_FORMS + CONSOLE_FORMS + CATEGORY_LIFECYCLE
    } | {"/admin/programme"}  # test_programme_rules
    routes = {
        _route_shape(rule.rule)
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or ())
        and (rule.rule.startswith("/admin/") or rule.endpoint.startswith("staff_invitation."))
    }
    assert "/admin/categories/{}/delete" in routes and "/admin/programme" in routes
    assert sorted(routes - fuzzed) == []
