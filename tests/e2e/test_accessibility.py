"""Accessibility: every form control of the main pages is labelled; the palette meets WCAG AA.

Both checks read what the server renders (no browser needed): the labels with
BeautifulSoup, the colours from static/css/app.css and the Bootstrap stylesheet the app
serves, with the WCAG 2.x relative-luminance contrast formula.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

DEMO_PASSWORD = "demo-pass-2026"
APP_CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "app.css"
UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}

# (who is signed in, path) for the main pages and forms.
PAGES = [
    (None, "/"),
    (None, "/solutions"),
    (None, "/solutions?q=hoa+don+dien+tu&has_trial=1"),
    (None, "/solutions/saokhue-einvoice"),
    (None, "/compare?s=saokhue-einvoice,bachdang-ihoadon,hoa-don-dien-tu-hong-ha"),
    (None, "/auth/login"),
    (None, "/auth/register"),
    ("vendor@demo.vn", "/vendor/solutions/new"),
    ("enterprise@demo.vn", "/solutions/bachdang-ihoadon/trial"),
    ("enterprise@demo.vn", "/solutions/saokhue-einvoice/review"),
    ("enterprise@demo.vn", "/solutions/saokhue-einvoice"),
]


@pytest.fixture
def seeded_client(app, web_app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
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


def unlabelled_controls(html: str) -> list[str]:
    """Return the controls with no label[for], aria-label, aria-labelledby or wrapping label."""
    soup = BeautifulSoup(html, "html.parser")
    label_for = {label.get("for") for label in soup.find_all("label") if label.get("for")}
    ids = {tag.get("id") for tag in soup.find_all(id=True)}
    missing = []
    for control in soup.find_all(["input", "select", "textarea"]):
        if control.name == "input" and (control.get("type") or "text").lower() in UNLABELLED_TYPES:
            continue
        if control.get("id") and control["id"] in label_for:
            continue
        if (control.get("aria-label") or "").strip():
            continue
        labelledby = (control.get("aria-labelledby") or "").split()
        if labelledby and all(ref in ids for ref in labelledby):
            continue
        if control.find_parent("label") is not None:
            continue
        missing.append(str(control)[:160])
    return missing


def test_every_control_is_labelled(seeded_client):
    # One seeded database for all the pages keeps this quick; failures are collected.
    problems = {}
    for who, path in PAGES:
        response = seeded_client(who).get(path)
        assert response.status_code == 200, (path, response.status_code)
        html = response.get_data(as_text=True)
        assert re.search(r"<(input|select|textarea)\b", html), f"{path} has no form control"
        missing = unlabelled_controls(html)
        if missing:
            problems[f"{who or 'anonymous'} {path}"] = missing
    assert problems == {}


def test_the_label_check_finds_an_unlabelled_control():
    html = '<label for="a">A</label><input id="a"><input id="b" name="b"><select></select>'
    assert len(unlabelled_controls(html)) == 2


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
        ("primary", "white", "links and .text-primary on white"),
        ("link", "white", "links on white"),
        ("primary", "light", "links on the light footer"),
        ("white", "primary", ".btn-primary label"),
        ("white", "primary_hover", ".btn-primary label when hovered"),
        ("muted", "white", "secondary/muted text #6c757d on white"),
        ("text_muted", "white", ".text-muted on white"),
        ("text_muted", "light", ".text-muted on the light footer"),
        ("white", "success", ".text-bg-success badge and .btn-success"),
        ("white", "hero_start", "home page hero text (gradient start)"),
        ("white", "hero_end", "home page hero text (gradient end)"),
    ],
)
def test_palette_meets_wcag_aa(palette, foreground, background, where):
    ratio = contrast(palette[foreground], palette[background])
    assert ratio >= AA_NORMAL_TEXT, f"{where}: {ratio:.2f}:1 is below {AA_NORMAL_TEXT}:1"
