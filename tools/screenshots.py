"""Full-page screenshots of every page of the authorisation matrix, for each role, at 1280 px
and 375 px, to look at the whole site at once (not a test: it judges nothing).

The page list is `tests/test_authorization_matrix.py`'s TABLE (every GET route that some role
may open), so new pages join as soon as they are in the matrix. Each role signs in as its demo
account; the ids in the URLs (a trial, a quote, an order…) are looked up in the demo data of
the server's database, so run it with the server's INSTANCE_PATH / DATABASE_URL::

    export INSTANCE_PATH=$(mktemp -d)
    .venv/bin/flask --app wsgi db upgrade && .venv/bin/flask --app wsgi seed-demo
    .venv/bin/flask --app wsgi run --port 5216 &
    .venv/bin/python tools/screenshots.py /tmp/shots --base http://127.0.0.1:5216

It writes `<folder>/<role>/<nnn>-<endpoint>-<width>.png` for every page that answers 200 with
HTML for that role, and prints the pages it skipped (another status, or an id the demo data
does not have). `--roles enterprise,admin` and `--only quotes.` narrow the run;
`--public-once` shoots the pages anyone may open as the anonymous visitor only;
`--lang en` shows the English pages.
"""

from __future__ import annotations

import argparse
import string
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "demo-pass-2026"
WIDTHS = (1280, 375)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic"]
# The matrix's roles played by demo accounts (the "other" organisations have none).
ACCOUNTS = {
    "anonymous": None,
    "enterprise": "enterprise@demo.vn",
    "enterprise_member": "ketoan@demo.vn",
    "owner_vendor": "vendor@demo.vn",
    "vendor_manager": "manager@demo.vn",
    "vendor_member": "sales@demo.vn",
    "moderator": "moderator@demo.vn",
    "admin": "admin@demo.vn",
}
NOT_PAGES = ("static", "bootstrap.static", "media.file", "auth.logout", "account.export_data")
FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def demo_ids() -> dict[str, object]:
    """The matrix's URL ids, taken from the demo data (a key the data lacks is left out)."""
    from sqlalchemy import select

    from marketplace import create_app
    from marketplace.accounts.models import (
        Invitation,
        JoinRequest,
        Membership,
        OrganizationChange,
        User,
        VerificationRequest,
    )
    from marketplace.billing.models import BankNotification, Order, Subscription, VendorBankAccount
    from marketplace.catalog.models import Plan, Solution, SolutionRevision, Upload
    from marketplace.extensions import db
    from marketplace.notifications.models import Notification
    from marketplace.quotes.models import QuoteRequest
    from marketplace.reviews.models import Review
    from marketplace.trials.models import TrialRequest

    app = create_app()
    with app.app_context():

        def user(email: str) -> User:
            return db.session.scalar(select(User).where(User.email == email))

        buyer, seller = user("enterprise@demo.vn"), user("vendor@demo.vn")
        ent, ven = buyer.organization_id, seller.organization_id

        def first(query) -> object:
            return db.session.scalar(query.limit(1))

        def solution(status: str, own: bool = True) -> Solution | None:
            owner = Solution.vendor_id == ven if own else Solution.vendor_id != ven
            return first(select(Solution).where(owner, Solution.status == status))

        finders: dict[str, Callable[[], object]] = {
            "published_id": lambda: solution("published").id,
            "published_slug": lambda: solution("published").slug,
            "other_published_slug": lambda: solution("published", own=False).slug,
            "draft_id": lambda: solution("draft").id,
            "draft_slug": lambda: solution("draft").slug,
            "pending_id": lambda: solution("pending").id,
            "plan_id": lambda: first(
                select(Plan.id).join(Solution).where(Solution.vendor_id == ven)
            ),
            "revision_id": lambda: first(
                select(SolutionRevision.id)
                .join(Solution)
                .where(Solution.vendor_id == ven)
                .order_by(SolutionRevision.id.desc())
            ),
            "verification_id": lambda: first(select(VerificationRequest.id)),
            "notification_id": lambda: first(
                select(Notification.id).where(Notification.user_id == buyer.id)
            ),
            "organization_change_id": lambda: first(select(OrganizationChange.id)),
            "private_upload": lambda: first(select(Upload.filename).where(Upload.org_id == ven)),
            "trial_id": lambda: first(
                select(TrialRequest.id).where(
                    TrialRequest.organization_id == ent, TrialRequest.vendor_id == ven
                )
            ),
            "quote_id": lambda: first(
                select(QuoteRequest.id).where(
                    QuoteRequest.organization_id == ent, QuoteRequest.vendor_id == ven
                )
            ),
            "vendor_slug": lambda: seller.organization.slug,
            "review_id": lambda: first(
                select(Review.id)
                .join(Solution, Solution.id == Review.solution_id)
                .where(Solution.vendor_id == ven)
                .order_by((Review.organization_id == ent).desc(), Review.id)
            ),
            "order_id": lambda: first(
                select(Order.id).where(Order.organization_id == ent, Order.vendor_id == ven)
            ),
            "subscription_id": lambda: first(
                select(Subscription.id).where(Subscription.organization_id == ent)
            ),
            "bank_account_id": lambda: first(
                select(VendorBankAccount.id).where(VendorBankAccount.organization_id == ven)
            ),
            "bank_notification_id": lambda: first(select(BankNotification.id)),
            "invitation_id": lambda: first(
                select(Invitation.id).where(Invitation.organization_id == ent)
            ),
            "join_request_id": lambda: first(
                select(JoinRequest.id).where(JoinRequest.organization_id == ent)
            ),
            "member_membership_id": lambda: first(
                select(Membership.id).where(Membership.user_id == user("ketoan@demo.vn").id)
            ),
            "manager_membership_id": lambda: first(
                select(Membership.id).where(
                    Membership.organization_id == ent, Membership.role == "manager"
                )
            ),
            "enterprise_tax_code": lambda: buyer.organization.tax_code,
        }
        ids = {}
        for key, find in finders.items():
            try:
                value = find()
            except AttributeError:  # nothing of that kind in the demo data
                value = None
            if value is not None:
                ids[key] = value
        return ids


def pages(roles: list[str], only: str, public_once: bool) -> dict[str, list[tuple[str, str]]]:
    """(endpoint, URL template) of the pages each role may open, in the matrix's order."""
    from tests.test_authorization_matrix import TABLE

    chosen: dict[str, list[tuple[str, str]]] = {role: [] for role in roles}
    for (endpoint, method), (template, outcomes) in TABLE.items():
        if method != "GET" or endpoint in NOT_PAGES or endpoint.startswith("api."):
            continue
        if only and only not in endpoint:
            continue
        if template.split("?")[0].endswith((".csv", ".json", ".xml", ".txt")):
            continue
        for role in roles:
            if outcomes.get(role) != "ok":
                continue
            if public_once and role != "anonymous" and outcomes.get("anonymous") == "ok":
                continue
            chosen[role].append((endpoint, template))
    return chosen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--base", default="http://127.0.0.1:5000")
    parser.add_argument("--roles", default=",".join(ACCOUNTS))
    parser.add_argument("--only", default="", help="endpoints containing this text")
    parser.add_argument("--public-once", action="store_true")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()

    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    roles = [r for r in args.roles.split(",") if r in ACCOUNTS]
    ids = demo_ids()
    skipped: list[str] = []
    taken = 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        for role, listed in pages(roles, args.only, args.public_once).items():
            folder = args.folder / role
            folder.mkdir(parents=True, exist_ok=True)
            context = browser.new_context(
                base_url=args.base, locale="vi-VN", viewport={"width": WIDTHS[0], "height": 900}
            )
            page = context.new_page()
            if ACCOUNTS[role]:
                page.goto("/auth/login")
                page.fill("#email", ACCOUNTS[role])
                page.fill("#password", PASSWORD)
                page.press("#password", "Enter")
                page.wait_for_url(lambda url: "/auth/login" not in url)
            if args.lang != "vi":
                page.goto("/about")
                page.locator(f"footer button[name=lang][value={args.lang}]").click()
                page.wait_for_load_state()
            for n, (endpoint, template) in enumerate(listed, start=1):
                keys = {k for _, k, _, _ in string.Formatter().parse(template) if k}
                if missing := keys - ids.keys():
                    skipped.append(
                        f"{role} {endpoint}: no {', '.join(sorted(missing))} in the data"
                    )
                    continue
                url = template.format(**ids)
                try:
                    response = page.goto(url)
                except PlaywrightError as err:  # a download, a lost connection
                    skipped.append(f"{role} {url}: {str(err).splitlines()[0]}")
                    continue
                kind = (response.headers.get("content-type") or "") if response else ""
                if response is None or response.status != 200 or "text/html" not in kind:
                    status = response.status if response else "no answer"
                    skipped.append(f"{role} {url}: {status}")
                    continue
                for width in WIDTHS:
                    if width != WIDTHS[0]:  # loaded again at this width, as a phone would
                        page.set_viewport_size({"width": width, "height": 900})
                        page.reload()
                    page.evaluate(FRAMES)
                    name = f"{n:03d}-{endpoint.replace('.', '_')}-{width}.png"
                    page.screenshot(path=str(folder / name), full_page=True)
                    taken += 1
                page.set_viewport_size({"width": WIDTHS[0], "height": 900})
            context.close()
        browser.close()
    print(f"{taken} screenshots in {args.folder}")
    for line in skipped:
        print("skipped:", line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
