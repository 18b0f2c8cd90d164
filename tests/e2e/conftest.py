"""Browser fixtures: the app served on 127.0.0.1 from a real server, and Debian's Chromium.

Each test gets its own copy of the demo data (`seed-demo`, seeded once per worker), served by werkzeug in
a thread on a free port, with CSRF on (as in production). Chromium is launched headless
from /usr/bin/chromium; without it the browser tests skip and say why.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.serving import serving

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).parent / "artifacts"
DEMO_PASSWORD = "demo-pass-2026"


@pytest.fixture
def live_server(demo_data, app_factory):
    """Serve the app on the demo data on 127.0.0.1 and yield its base URL."""
    with serving(app_factory(WTF_CSRF_ENABLED=True)) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium per worker; skip when Debian's Chromium is not installed."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    sync_api.expect.set_options(timeout=15_000)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server, request):
    """Open a fresh browser context (its own cookies) on the live server; closed at the end."""
    contexts = []

    def make():
        context = browser.new_context(
            base_url=live_server, locale="vi-VN", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(20_000)  # generous: CI machines run tests in parallel
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def shot(request):
    """Save a full-page screenshot named after the test and the step."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 1000))

    def take(page, step: str) -> None:
        page.screenshot(path=str(folder / f"{next(counter):02d}-{step}.png"), full_page=True)

    return take


def sign_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form and wait until we have left it."""
    page.goto("/auth/login")
    page.fill("#email", email)
    page.fill("#password", password)
    # The sign-in form's own button (the demo's site banner has a form of its own above it).
    page.locator("main form:has(#password) [type=submit]").first.click()
    page.wait_for_url(lambda url: "/auth/login" not in url)
