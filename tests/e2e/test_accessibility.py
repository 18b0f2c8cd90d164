"""Accessibility checks axe-core cannot make (axe itself runs in tests/e2e/test_axe.py).

They read what the server renders (no browser needed): fields of different forms on one
page must not share a name (BeautifulSoup, on the demo data's pages); hovered, chosen and
gradient colours, the rating stars (non-text, 3:1) and the focus ring (3:1 against what
surrounds it) from static/css/app.css and the Bootstrap stylesheet the app serves, with the
WCAG 2.x relative-luminance contrast formula.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select, text

from marketplace.core.database import utcnow
from marketplace.extensions import db
from tests import factories

DEMO_PASSWORD = "demo-pass-2026"
APP_CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "app.css"
UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}

ENTERPRISE = "enterprise@demo.vn"
VENDOR = "vendor@demo.vn"
MODERATOR = "moderator@demo.vn"
UNVERIFIED_VENDOR = "chua-xac-thuc@example.vn"  # made by `targets`: the demo vendor is verified

DECISION = 'form[action$="/{}"] textarea[name=reason]'
DATE_RANGE = ("input[type=text][name=from]", "input[type=text][name=to]", "select[name=solution]")

# (who is signed in, path, CSS selectors of controls the page must show). Braces in a path
# or a selector name seeded rows, found by the `targets` fixture.
PAGES = [
    (None, "/", ()),
    (None, "/solutions", ()),
    (None, "/solutions?q=hoa+don+dien+tu&has_trial=1", ()),
    (None, "/solutions/saokhue-einvoice", ()),
    (None, "/compare?s=saokhue-einvoice,bachdang-ihoadon,hoa-don-dien-tu-hong-ha", ()),
    (None, "/auth/login", ("input[name=email]", "input[name=password]")),
    (None, "/auth/register", ("input[name=tax_code]",)),
    (None, "/dashboard", ()),
    (VENDOR, "/vendor/solutions/new", ("input[name=name]",)),
    (ENTERPRISE, "/solutions/bachdang-ihoadon/trial", ("textarea[name=message]",)),
    (ENTERPRISE, "/solutions/saokhue-einvoice/review", ("input[type=radio][name=overall]",)),
    (ENTERPRISE, "/solutions/saokhue-einvoice", ()),
    # The account pages.
    (
        ENTERPRISE,
        "/account/profile",
        (
            "input[name=name]",
            "select[name=locale]",
            "input[name=email-email]",
            "input[name=email-current_password]",
        ),
    ),
    # A member (the owner of a team must hand ownership over before the form is offered).
    (
        "ketoan@demo.vn",
        "/account/delete",
        ("input[name=current_password]", "input[name=confirmation]"),
    ),
    (
        ENTERPRISE,
        "/account/organization",
        ("input[name=org_name]", "input[name=tax_code]", "select[name=commune_code]"),
    ),
    (
        ENTERPRISE,
        "/account/password",
        ("input[name=current_password]", "input[name=password]", "input[name=confirm]"),
    ),
    (UNVERIFIED_VENDOR, "/vendor/verification", ("input[name=legal_name]", "input[type=file]")),
    (ENTERPRISE, "/account/trials", ('form[action$="/cancel"] textarea[name=reason]',)),
    (ENTERPRISE, "/account/trials/{own_trial}", ('form[action$="/cancel"] textarea[name=reason]',)),
    # Moderation: queues, decisions, the audit log, reported reviews.
    (MODERATOR, "/moderation/", ()),
    (MODERATOR, "/moderation/solutions?status=pending", ("input[name=q]", "select[name=status]")),
    (
        MODERATOR,
        "/moderation/solutions/{pending_solution}",
        (DECISION.format("approve"), DECISION.format("reject")),
    ),
    (MODERATOR, "/moderation/solutions/{published_solution}", (DECISION.format("suspend"),)),
    (
        MODERATOR,
        "/moderation/revisions/{pending_revision}",
        (DECISION.format("approve"), DECISION.format("reject")),
    ),
    (
        MODERATOR,
        "/moderation/verifications/{pending_verification}",
        (DECISION.format("approve"), DECISION.format("reject")),
    ),
    (
        MODERATOR,
        "/moderation/audit",
        ("select[name=action]", "select[name=object_type]", "input[name=actor]")
        + ("input[type=text][name=from]", "input[type=text][name=to]"),
    ),
    (
        MODERATOR,
        "/moderation/reviews?reported=1",
        ("select[name=status]", "input[name=q]", "input[type=checkbox][name=reported]"),
    ),
    (
        MODERATOR,
        "/moderation/reviews/{reported_review}",
        ('form[action$="/hide"] textarea', 'form[action$="/dismiss"] textarea'),
    ),
    (MODERATOR, "/moderation/trials/{own_trial}", ()),
    # Billing: the enterprise's subscriptions (cancel form) and the order summary.
    (ENTERPRISE, "/billing/", ('form[action$="/subscriptions/{subscription}/cancel"] button',)),
    (
        ENTERPRISE,
        "/billing/checkout?plan_id={plan}",
        ('form[action="/billing/checkout"] input[name=plan_id][value="{plan}"]',),
    ),
    # The vendor's trials, sales and insights.
    (VENDOR, "/vendor/trials", ("select[name=solution]",)),
    (VENDOR, "/vendor/trials?status=requested", ("select[name=solution]",)),
    (
        VENDOR,
        "/vendor/trials/{requested_trial}",
        (
            'form[action$="/accept"] textarea[name=instructions]',
            'form[action$="/decline"] textarea[name=reason]',
        ),
    ),
    (VENDOR, "/vendor/trials/{accepted_trial}", ('form[action$="/start"] button',)),
    (
        VENDOR,
        "/vendor/trials/{active_trial}",
        (
            'form[action$="/end"] textarea[name="end-note"]',
            'form[action$="/convert"] textarea[name="convert-note"]',
        ),
    ),
    (VENDOR, "/vendor/sales", ()),
    (VENDOR, "/vendor/insights", DATE_RANGE),
    (VENDOR, "/vendor/insights?from=2026-01-01&to=2026-03-31&solution=", DATE_RANGE),
    # Replying to and reporting a review.
    (VENDOR, "/reviews/{review}/reply", ("textarea[name=body]",)),
    (ENTERPRISE, "/reviews/{review}/report", ("textarea[name=reason]",)),
]


@pytest.fixture
def seeded_client(demo_data, app, web_app):
    clients = {}

    def get(email):
        if email not in clients:
            client = web_app.test_client()
            if email:
                response = client.post(
                    "/auth/login", data={"email": email, "password": DEMO_PASSWORD}
                )
                assert response.status_code == 302
            clients[email] = client
        return clients[email]

    return get


def _first(sql: str, **params) -> int:
    value = db.session.execute(text(sql + " ORDER BY 1 LIMIT 1"), params).scalar()
    assert value is not None, f"the demo data has no row for: {sql}"
    return value


@pytest.fixture
def targets(seeded_client) -> dict[str, int]:
    """The seeded rows the pages show, plus what the demo data lacks: a verification
    request, a live subscription and an unverified vendor."""
    from marketplace.accounts.models import User, VerificationRequest
    from marketplace.catalog.models import Solution

    vendor = db.session.scalar(select(User).where(User.email == VENDOR))
    enterprise = db.session.scalar(select(User).where(User.email == ENTERPRISE))
    found = {
        "pending_solution": _first("SELECT id FROM solutions WHERE status = 'pending'"),
        "pending_revision": _first("SELECT id FROM solution_revisions WHERE status = 'pending'"),
        "reported_review": _first("SELECT review_id FROM review_reports WHERE status = 'open'"),
        # A review of the demo vendor's solution by another enterprise: one to reply to and
        # report.
        "review": _first(
            "SELECT r.id FROM reviews r JOIN solutions s ON s.id = r.solution_id "
            "WHERE r.status = 'published' AND s.vendor_id = :v AND r.organization_id != :e",
            v=vendor.organization_id,
            e=enterprise.organization_id,
        ),
        "own_trial": _first(
            "SELECT id FROM trial_requests WHERE organization_id = :e AND status = 'requested'",
            e=enterprise.organization_id,
        ),
    }
    for status in ("requested", "accepted", "active"):
        found[f"{status}_trial"] = _first(
            "SELECT id FROM trial_requests WHERE vendor_id = :v AND status = :s",
            v=vendor.organization_id,
            s=status,
        )
    solutions = db.session.scalars(
        select(Solution)
        .where(Solution.vendor_id == vendor.organization_id, Solution.status == "published")
        .order_by(Solution.id)
    ).all()
    found["published_solution"] = solutions[0].id
    # A new vendor's verification request, waiting for a moderator.
    applicant = factories.make_user("vendor")
    verification = VerificationRequest(
        organization_id=applicant.organization_id,
        submitted_by_id=applicant.id,
        legal_name=applicant.organization.name,
        tax_code=applicant.organization.tax_code,
        address="25 Nguyễn Lương Bằng, TP Hải Dương",
        representative="Đỗ Minh Khôi",
    )
    db.session.add(verification)
    # A live monthly subscription of the demo enterprise (written as the webhook would).
    plan = next(p for s in solutions for p in s.plans if p.period == "month" and p.price_vnd)
    subscription = factories.make_subscription(
        enterprise.organization_id,
        plan,
        stripe_id="sub_test_a11y",
        current_period_end=utcnow() + dt.timedelta(days=20),
    )
    found["pending_verification"] = verification.id
    found["subscription"] = subscription.id
    # The order summary of a plan of another listing (one the enterprise does not have).
    found["plan"] = next(
        p.id for s in solutions for p in s.plans if p.price_vnd and s.id != plan.solution_id
    )
    factories.make_user("vendor", email=UNVERIFIED_VENDOR, password=DEMO_PASSWORD)
    return found


@pytest.fixture
def payments_on(app, web_app):
    """Online payment configured (the pay and cancel buttons show), against a local fake
    of the Stripe API that must not be called just to show a page."""
    from tests.billing.fake_stripe import FakeStripe

    fake = FakeStripe().start()
    for application in (app, web_app):
        application.config.update(
            STRIPE_SECRET_KEY="sk_test_fake",
            STRIPE_PUBLISHABLE_KEY="pk_test_fake",
            STRIPE_API_BASE=fake.url,
            STRIPE_MAX_NETWORK_RETRIES=0,
        )
    yield fake
    fake.stop()


FORM_CONTROLS = ["input", "select", "textarea"]


def _labelable(control) -> bool:
    return not (
        control.name == "input" and (control.get("type") or "text").lower() in UNLABELLED_TYPES
    )


def _text(tag) -> str:
    """The text a screen reader reads for `tag`: no aria-hidden parts, no control values."""
    parts = []
    for piece in tag.find_all(string=True):
        hidden = any(
            parent.get("aria-hidden") == "true" or parent.name in FORM_CONTROLS
            for parent in piece.parents
        )
        if not hidden:
            parts.append(str(piece))
    return " ".join("".join(parts).split())


def accessible_name(control, soup) -> str | None:
    """The control's name from aria-labelledby, aria-label, label[for] or a wrapping label.

    None when aria-labelledby points at a missing element (a broken reference).
    """
    labelledby = (control.get("aria-labelledby") or "").split()
    if labelledby:
        referenced = [soup.find(id=ref) for ref in labelledby]
        if any(tag is None for tag in referenced):
            return None
        return " ".join(_text(tag) for tag in referenced).strip()
    if (control.get("aria-label") or "").strip():
        return control["aria-label"].strip()
    labels = soup.find_all("label", attrs={"for": control["id"]}) if control.get("id") else []
    wrapping = control.find_parent("label")
    if wrapping is not None and wrapping not in labels:
        labels.append(wrapping)
    return " ".join(_text(label) for label in labels).strip()


def ambiguous_controls(html: str) -> list[str]:
    """Return the names shared by fields of different forms that change something (POST).

    Two "Ghi chú" boxes for two different actions on one page leave a screen-reader user
    guessing which is which. Radio buttons are named within their fieldset, so they are
    left out.
    """
    soup = BeautifulSoup(html, "html.parser")
    forms_by_name: dict[str, set[int]] = {}
    for index, form in enumerate(soup.find_all("form")):
        if (form.get("method") or "get").lower() != "post":
            continue
        for control in form.find_all(FORM_CONTROLS):
            if not _labelable(control) or (control.get("type") or "").lower() == "radio":
                continue
            name = accessible_name(control, soup)
            if name:
                forms_by_name.setdefault(name.casefold(), set()).add(index)
    return sorted(name for name, forms in forms_by_name.items() if len(forms) > 1)


def test_every_page_shows_its_controls_with_distinct_names(seeded_client, targets, payments_on):
    """Missing names are axe's job (tests/e2e/test_axe.py); one name for two forms is not."""
    # One seeded database for all the pages keeps this quick; failures are collected.
    problems = {}
    for who, template, expected in PAGES:
        path = template.format(**targets)
        response = seeded_client(who).get(path)
        assert response.status_code == 200, (who, path, response.status_code)
        html = response.get_data(as_text=True)
        assert re.search(r"<(input|select|textarea)\b", html), f"{path} has no form control"
        soup = BeautifulSoup(html, "html.parser")
        page = f"{who or 'anonymous'} {path}"
        absent = [s for s in expected if soup.select_one(s.format(**targets)) is None]
        if absent:
            problems[f"{page}: not shown"] = absent
        ambiguous = ambiguous_controls(html)
        if ambiguous:
            problems[f"{page}: one name for fields of different forms"] = ambiguous
    assert not problems, "\n".join(f"{page}: {found}" for page, found in problems.items())
    assert payments_on.requests == [], "showing a page called the Stripe API"


def test_the_name_check_finds_one_name_in_two_forms():
    note = (
        '<form method="post"><label for="{0}">Ghi chú</label><textarea id="{0}"></textarea></form>'
    )
    html = note.format("end-note") + note.format("convert-note")
    assert ambiguous_controls(html) == ["ghi chú"]
    # Told apart by text only screen readers read: fine.
    html = note.format("end-note") + note.format("convert-note").replace(
        "Ghi chú<", 'Ghi chú<span class="visually-hidden"> – Chuyển sang trả phí</span><'
    )
    assert ambiguous_controls(html) == []
    # The same search box twice (GET) names the same thing: fine.
    search = '<form><label for="{0}">Tìm kiếm</label><input id="{0}"></form>'
    assert ambiguous_controls(search.format("a") + search.format("b")) == []


# ---------------------------------------------------------------------------- contrast


def parse_colour(value: str, background=(255, 255, 255)) -> tuple[float, float, float]:
    """Parse #rgb, #rrggbb or rgb()/rgba() (alpha blended over `background`)."""
    value = value.strip().lower()
    if value.startswith("#"):
        digits = value[1:]
        if len(digits) == 3:
            digits = "".join(d * 2 for d in digits)
        return tuple(int(digits[i : i + 2], 16) for i in (0, 2, 4))
    match = re.fullmatch(r"rgba?\(([^)]*)\)", value)
    assert match, value
    parts = [float(p) for p in match.group(1).replace("/", ",").split(",")]
    alpha = parts[3] if len(parts) == 4 else 1.0
    return tuple(alpha * c + (1 - alpha) * b for c, b in zip(parts[:3], background, strict=True))


def luminance(rgb) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground, background) -> float:
    """The WCAG 2.x contrast ratio of two colours (1 to 21)."""
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_formula_matches_known_values():
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21)
    assert contrast(parse_colour("#777"), parse_colour("#fff")) == pytest.approx(4.48, abs=0.01)


def css_value(css: str, pattern: str) -> str:
    match = re.search(pattern, css)
    assert match, f"not found in the stylesheet: {pattern}"
    return match.group(1)


@pytest.fixture
def palette(client) -> dict[str, tuple]:
    """The main colours: ours from app.css, the rest from the Bootstrap the app serves."""
    app_css = APP_CSS.read_text(encoding="utf-8")
    response = client.get("/bootstrap/static/css/bootstrap.min.css")
    assert response.status_code == 200
    bootstrap = response.get_data(as_text=True)
    hero = re.findall(
        r"#[0-9a-fA-F]{6}", css_value(app_css, r"\.hero\s*\{[^}]*?background:([^;]+);")
    )
    return {
        "white": parse_colour("#fff"),
        "primary": parse_colour(css_value(app_css, r"--bs-primary:\s*(#[0-9a-fA-F]{3,6})")),
        "link": parse_colour(css_value(app_css, r"--bs-link-color:\s*(#[0-9a-fA-F]{3,6})")),
        "primary_hover": parse_colour(
            css_value(app_css, r"\.btn-primary\s*\{[^}]*--bs-btn-hover-bg:\s*(#[0-9a-fA-F]{3,6})")
        ),
        "hero_start": parse_colour(hero[0]),
        "hero_end": parse_colour(hero[-1]),
        # Bootstrap's secondary grey (#6c757d), and .text-muted as this Bootstrap draws it.
        "muted": parse_colour(css_value(bootstrap, r"--bs-secondary:\s*(#[0-9a-fA-F]{3,6})")),
        "text_muted": parse_colour(
            css_value(
                bootstrap, r":root,\[data-bs-theme=light\]\{[^}]*?--bs-secondary-color:([^;]+);"
            )
        ),
        "success": parse_colour(css_value(bootstrap, r"--bs-success:\s*(#[0-9a-fA-F]{3,6})")),
        "light": parse_colour(css_value(bootstrap, r"--bs-light:\s*(#[0-9a-fA-F]{3,6})")),
    }


AA_NORMAL_TEXT = 4.5


@pytest.mark.parametrize(
    ("foreground", "background", "where"),
    [
        # What axe cannot see: hovered states and text on a gradient (the rest is axe's).
        ("white", "primary_hover", ".btn-primary label when hovered"),
        ("white", "hero_start", "home page hero text (gradient start)"),
        ("white", "hero_end", "home page hero text (gradient end)"),
    ],
)
def test_palette_meets_wcag_aa(palette, foreground, background, where):
    ratio = contrast(palette[foreground], palette[background])
    assert ratio >= AA_NORMAL_TEXT, f"{where}: {ratio:.2f}:1 is below {AA_NORMAL_TEXT}:1"


# ------------------------------------------------------------- stars and disabled links

# Star glyphs are drawn as graphics: role="img" with the value in aria-label (and often as
# a number beside them), the glyphs themselves aria-hidden. So they are non-text content
# (WCAG 1.4.11): 3:1 against what surrounds them, and the filled stars 3:1 against the
# empty ones, since only that colour difference shows the rating. The stars of the rating
# input are the radio buttons a person clicks: 3:1 too, in every state. Disabled facet
# links are still links (they lead to an empty result), so they are text: 4.5:1.
AA_NON_TEXT = 3.0
STAR_TRACK = ".stars-meter"  # the empty stars under the filled layer


def css_rules(css: str) -> dict[str, dict[str, str]]:
    """Map each selector of a stylesheet (outside @media blocks) to its declarations."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", "", css)
    rules: dict[str, dict[str, str]] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        declarations = {
            name.strip().lower(): value.strip()
            for name, value in (d.split(":", 1) for d in body.split(";") if ":" in d)
        }
        for selector in selectors.split(","):
            rules.setdefault(" ".join(selector.split()), {}).update(declarations)
    return rules


def rule_colour(rules: dict, selector: str, prop: str = "color") -> tuple:
    assert selector in rules, f"{selector} is not in app.css"
    match = re.search(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b", rules[selector].get(prop, ""))
    assert match, f"{selector} has no {prop} colour in app.css"
    return parse_colour(match.group(0))


@pytest.fixture
def rules() -> dict[str, dict[str, str]]:
    return css_rules(APP_CSS.read_text(encoding="utf-8"))


def test_the_css_reader_keeps_rules_apart():
    found = css_rules(
        "a, .b { color: #111; }\n/* c { color: #222 } */\n"
        "@media (forced-colors: active) { .b { color: Highlight; } }\n.b:hover { color: #333 }"
    )
    assert found == {"a": {"color": "#111"}, ".b": {"color": "#111"}, ".b:hover": {"color": "#333"}}


def test_every_star_colour_stands_out(rules, palette):
    """Each colour app.css gives star glyphs, against the backgrounds stars are shown on."""
    backgrounds = {"white": palette["white"], "Bootstrap light": palette["light"]}
    # Ratings in the comparison table sit on the highlight of the best cell.
    shown_stars = {
        **backgrounds,
        "best cell in the comparison": rule_colour(rules, ".compare-table .best", "background"),
    }
    checked, failures = set(), []
    for selector, declarations in rules.items():
        if "star" not in selector or selector == STAR_TRACK or "color" not in declarations:
            continue
        checked.add(selector)
        colour = rule_colour(rules, selector)
        against = backgrounds if selector.startswith(".star-input") else shown_stars
        for name, background in against.items():
            ratio = contrast(colour, background)
            if ratio < AA_NON_TEXT:
                failures.append(f"{selector} on {name}: {ratio:.2f}:1")
    assert {
        ".stars",
        ".stars-meter-fill",
        ".star-input label",
        ".star-input .star-radio:checked + label",
        ".star-input.is-invalid label",
    } <= checked
    assert any(":hover" in s for s in checked) and any(":has(" in s for s in checked)
    assert not failures, f"below {AA_NON_TEXT}:1: {failures}"


@pytest.mark.parametrize(
    ("filled", "empty", "prop", "where"),
    [
        (".stars-meter-fill", STAR_TRACK, "color", "filled stars against the empty ones"),
        (
            ".review-histogram .hist-bar > span",
            ".review-histogram .hist-bar",
            "background",
            "rating histogram bar against its track",
        ),
    ],
)
def test_the_filled_part_differs_from_the_empty_part(rules, filled, empty, prop, where):
    ratio = contrast(rule_colour(rules, filled, prop), rule_colour(rules, empty, prop))
    assert ratio >= AA_NON_TEXT, f"{where}: {ratio:.2f}:1 is below {AA_NON_TEXT}:1"


@pytest.mark.parametrize(
    ("selector", "background", "where"),
    [
        (".facet-link.disabled", None, "facet without results, on the page"),
        (".review-histogram .hist-row.disabled", None, "star row without reviews, on the page"),
        (
            ".review-histogram .hist-row.disabled",
            ".review-histogram .hist-row:hover",
            "star row without reviews, hovered or focused",
        ),
        (
            ".review-histogram .hist-row.disabled",
            ".review-histogram .hist-row.active",
            "star row without reviews, chosen",
        ),
    ],
)
def test_disabled_links_are_readable(rules, palette, selector, background, where):
    behind = rule_colour(rules, background, "background") if background else palette["white"]
    ratio = contrast(rule_colour(rules, selector), behind)
    assert ratio >= AA_NORMAL_TEXT, f"{where}: {ratio:.2f}:1 is below {AA_NORMAL_TEXT}:1"


def test_the_focus_ring_stands_out_everywhere(rules, palette):
    """WCAG 2.2 focus appearance: the ring is 3:1 against the page and against the control."""
    declarations = rules[":root"]
    ring = parse_colour(re.search(r"#[0-9a-fA-F]{6}", declarations["--focus-ring"]).group(0))
    inner = parse_colour(re.search(r"#[0-9a-fA-F]{6}", declarations["--focus-ring-inner"]).group(0))
    for name in ("white", "light", "primary", "primary_hover", "success"):
        ratio = max(contrast(ring, palette[name]), contrast(inner, palette[name]))
        assert ratio >= AA_NON_TEXT, f"focus ring on {name}: {ratio:.2f}:1"
    assert contrast(ring, inner) >= AA_NON_TEXT
    # On the blue hero the ring turns white.
    assert contrast(palette["white"], palette["hero_start"]) >= AA_NON_TEXT
