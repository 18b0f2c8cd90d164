"""axe-core over every page of the authorisation matrix, at 375 px and 1280 px, vi and en.

Every GET route of tests/test_authorization_matrix.py's TABLE that some visitor may open is
visited by the first such visitor that gets a 200 (the next allowed one when the first is
sent elsewhere), in one browser: each page is loaded once per language
and checked at its widths (WIDTHS; the viewport is resized, the page is not reloaded). The rules
are axe's WCAG 2.0/2.1/2.2 A and AA ones; any serious or critical violation fails, with the
page, width, language, rule and elements named. axe-core ships inside the
axe-playwright-python package (no network at test time).

It runs on SQLite only: the markup does not depend on the database, and the PostgreSQL pass of
the suite already renders every matrix page (tests/test_authorization_matrix.py).
"""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path

import pytest

from tests import factories
from tests.conftest import IS_POSTGRES
from tests.serving import serving
from tests.test_authorization_matrix import ROLES, TABLE, world  # noqa: F401 (fixture)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(IS_POSTGRES, reason="markup checks: the SQLite pass covers them"),
]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
BLOCKING = {"serious", "critical"}
# Both languages at both widths: each page is loaded once per language, checked wide, then
# resized to the phone and checked again.
WIDTHS = {"vi": (1280, 375), "en": (1280, 375)}
# Pages some visitor reached in the matrix's world (100 when written), less a small margin: the
# pages that answer no visitor with a 200 (bad tokens, redirects) are printed.
REACHED_FLOOR = 96
# Pages that are not HTML for people (files, JSON, CSV, health checks).
# Not HTML pages: files, health and metrics answers, a JSON download, the sign-out redirect.
NOT_PAGES = (
    "static",
    "bootstrap.static",
    "media.file",
    "core.healthz",
    "core.readyz",
    "core.metrics_page",
    "account.export_data",
    "auth.logout",
)


def axe_script() -> str:
    axe = pytest.importorskip("axe_playwright_python", reason="axe-playwright-python missing")
    return (Path(axe.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def matrix_pages() -> list[tuple[str, str, list[str]]]:
    """(endpoint, url template, the visitors who may open it in ROLES order) of every page."""
    found = []
    for (endpoint, method), (template, outcomes) in TABLE.items():
        if method != "GET" or endpoint in NOT_PAGES or endpoint.startswith("api."):
            continue
        if template.split("?")[0].endswith((".csv", ".json")):
            continue
        roles = [r for r in ROLES if outcomes[r] == "ok"]
        if roles:
            found.append((endpoint, template, roles))
    return found


@pytest.fixture
def matrix_server(world, web_app):  # noqa: F811 (the matrix's fixture)
    """Serve the matrix's world on 127.0.0.1 (its users, listings, trial and review)."""
    with serving(web_app) as base_url:
        yield base_url, world


FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def run_axe(page) -> list[dict]:
    return page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"], iframes: false, ancestry: false, xpath: false});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
        }""",
        WCAG_TAGS,
    )


def _sign_in(page, user) -> None:
    page.goto("/auth/login")
    page.fill("#email", user.email)
    page.fill("#password", factories.PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url(lambda url: "/auth/login" not in url)


def _set_language(page, lang: str) -> None:
    if lang == "vi":
        return
    page.goto("/about")
    page.locator(f"footer button[name=lang][value={lang}]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_serious_or_critical_violation_on_any_page(browser, matrix_server, lang):
    base, the_world = matrix_server
    script = axe_script()
    failures: list[str] = []
    unreached: list[str] = []
    checked = 0
    axe_time = 0.0
    started = time.monotonic()
    visitors: dict = {}  # role → its signed-in page, opened when first needed

    def visitor(role: str):
        if role not in visitors:
            context = browser.new_context(
                base_url=base, locale="vi-VN", viewport={"width": WIDTHS[lang][0], "height": 900}
            )
            # Generous: this test walks every page, and CI may run two suites on two cores
            # (a page once took over 20 s to load there, and 2 s alone).
            context.set_default_timeout(45_000)
            context.add_init_script(script)
            page = context.new_page()
            if role != "anonymous":
                _sign_in(page, the_world.users[role])
            _set_language(page, lang)
            visitors[role] = page
        return visitors[role]

    try:
        for endpoint, template, roles in matrix_pages():
            url = template.format(**the_world.ids)
            # The first visitor allowed may be sent elsewhere (a quote already asked for, an
            # order already placed): the next one allowed tries.
            for role in roles:
                page = visitor(role)
                response = page.goto(url)
                if response is not None and response.status == 200:
                    break
            else:
                unreached.append(f"{endpoint} {url}")
                continue
            if "text/html" not in (response.headers.get("content-type") or ""):
                continue
            assert page.locator("html").get_attribute("lang") == lang, url
            for width in WIDTHS[lang]:
                page.set_viewport_size({"width": width, "height": 900})
                # Let the page's resize handlers run (two frames), as a reader's would.
                page.evaluate(FRAMES)
                t0 = time.monotonic()
                found = run_axe(page)
                axe_time += time.monotonic() - t0
                for v in found:
                    if v["impact"] in BLOCKING:
                        failures.append(
                            f"{url} [{role}, {width}px, {lang}] {v['id']} ({v['impact']}): "
                            f"{v['help']} — {', '.join(v['nodes'])}"
                        )
                checked += 1
            page.set_viewport_size({"width": WIDTHS[lang][0], "height": 900})
    finally:
        for page in visitors.values():
            page.context.close()
    elapsed = time.monotonic() - started
    print(f"axe: {checked} page × width checks in {lang} in {elapsed:.1f}s (axe {axe_time:.1f}s)")
    print("axe: no visitor reached (no 200):", *unreached, sep="\n  ")
    pages = checked // len(WIDTHS[lang])
    assert pages >= REACHED_FLOOR, f"only {pages} pages checked: {unreached}"
    assert not failures, "\n".join(_grouped(failures))


def _grouped(failures: list[str]) -> list[str]:
    """One line per rule and elements, with the pages where it was found."""
    where: dict[str, list[str]] = defaultdict(list)
    for line in failures:
        page, _, rest = line.partition(" [")
        context, _, problem = rest.partition("] ")
        where[problem].append(f"{page} [{context}]")
    return [
        f"{problem}\n    on {len(pages)}: {', '.join(pages[:4])}"
        for problem, pages in where.items()
    ]
