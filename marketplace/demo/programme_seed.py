"""Demo SME support programme: rules in two versions, plans opted in (approved, one pending,
one refused), applications in every state. Safe to run again: an existing programme is kept.

The period follows the calendar, not a fixed year (`demo_period`): it always holds the day
the demo is seeded and every order seeded in the past, so support lines never vanish from a
fresh demo when the year turns.

The figures follow Decree 80/2021/NĐ-CP (up to 50 % of renting or buying digital-
transformation solutions, at most 20/50/100 million đồng a year for micro/small/medium
enterprises) and the 2026 draft decree under the Law on Digital Transformation (up to 100 %
of basic platforms for household businesses and micro-enterprises).
"""

from __future__ import annotations

import datetime as dt
import io

from PIL import Image, ImageDraw
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from marketplace.accounts.models import Organization, User
from marketplace.billing import orders as billing_orders
from marketplace.billing.models import Order, OrderStatus, PaymentMethod
from marketplace.catalog import uploads
from marketplace.catalog.models import Category, Solution, SolutionStatus
from marketplace.core.clock import TIMEZONE, local_today
from marketplace.core.database import utcnow
from marketplace.extensions import db
from marketplace.programme import queries, services
from marketplace.programme.models import (
    Application,
    ApplicationStatus,
    OptInStatus,
    PlanOptIn,
    Programme,
    ProgrammeVersion,
)

NAME = "Chương trình hỗ trợ chuyển đổi số doanh nghiệp nhỏ và vừa thành phố Hải Phòng"
# The oldest order the demo seeds is 80 days old (APPLICATIONS; billing's are younger): the
# period starts on 1 January of the year of the day this many days ago, so it holds them all.
LOOKBACK_DAYS = 120
CATEGORIES = [
    "ke-toan",
    "hoa-don-dien-tu",
    "ban-hang",
    "hop-dong-dien-tu",
    "thuong-mai-dien-tu",
    "nhan-su-tien-luong",
    "crm",
    "an-toan-thong-tin",
]
RULES = {
    "rate_household": 100,
    "cap_household": 20_000_000,
    "rate_micro": 100,
    "cap_micro": 20_000_000,
    "rate_small": 50,
    "cap_small": 50_000_000,
    "rate_medium": 50,
    "cap_medium": 100_000_000,
}
# (solution slug, plan name or None for every paid plan, status, reason)
OPT_INS = [
    ("saokhue-einvoice", None, OptInStatus.APPROVED, None),
    ("saokhue-crm", None, OptInStatus.APPROVED, None),
    ("ke-toan-saokhue-cloud", None, OptInStatus.APPROVED, None),
    ("hong-ha-so-sach-ho-kinh-doanh", None, OptInStatus.APPROVED, None),
    ("ke-toan-hong-ha-online", None, OptInStatus.APPROVED, None),
    ("hoa-don-dien-tu-hong-ha", None, OptInStatus.APPROVED, None),
    ("saokhue-econtract", None, OptInStatus.APPROVED, None),
    ("saokhue-hrm", "Cơ bản", OptInStatus.PENDING, None),
    (
        "saokhue-vps-hai-duong",
        None,
        OptInStatus.REJECTED,
        "Máy chủ ảo không thuộc danh mục nền tảng số được chương trình hỗ trợ.",
    ),
]
# (enterprise tax code, solution, plan, days ago, state, reason or disbursement reference)
APPLICATIONS = [
    ("0801100101", "saokhue-crm", "Doanh nghiệp", 45, ApplicationStatus.APPROVED, None),
    (
        "0801100415",
        "hong-ha-so-sach-ho-kinh-doanh",
        "Hộ kinh doanh Plus",
        80,
        ApplicationStatus.DISBURSED,
        "UNC-{year}-0917",
    ),
    (
        "0801100214",
        "ke-toan-hong-ha-online",
        "Cơ bản",
        30,
        ApplicationStatus.REJECTED,
        "Hóa đơn điện tử ghi người mua khác với doanh nghiệp đề nghị hỗ trợ.",
    ),
    ("0801234560", "saokhue-einvoice", "Tiêu chuẩn", None, ApplicationStatus.SUBMITTED, None),
]
# A paid, invoiced order of the demo enterprise with no application yet: try the form.
OPEN_ORDER = ("0801234560", "hoa-don-dien-tu-hong-ha", "Gói 500 hóa đơn", 9)


def demo_period(today: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    """Return the demo programme's (start, end, date of its second version).

    From 1 January of the year `LOOKBACK_DAYS` ago to 31 December of this year: one calendar
    year from May on, two in the first months of a year (so last year's demo orders stay in).
    The second version (the budget raised) starts on 1 July of the first year.
    """
    start = dt.date((today - dt.timedelta(days=LOOKBACK_DAYS)).year, 1, 1)
    return start, dt.date(today.year, 12, 31), dt.date(start.year, 7, 1)


def programme_name(start: dt.date, end: dt.date) -> str:
    if start.year == end.year:
        return f"{NAME} năm {start.year}"
    return f"{NAME} giai đoạn {start.year}–{end.year}"


def seed_programme(today: dt.date | None = None) -> int:
    """Create the demo programme once; return how many rows were added."""
    if queries.current_programme() is not None:
        return 0
    admin = db.session.scalar(select(User).where(User.role == "admin").order_by(User.id).limit(1))
    if admin is None:
        return 0
    today = today or local_today()
    start, end, raised_from = demo_period(today)
    programme = Programme(name=programme_name(start, end))
    db.session.add(programme)
    db.session.flush()
    category_ids = list(
        db.session.scalars(select(Category.id).where(Category.slug.in_(CATEGORIES)))
    )
    common = {
        "programme_id": programme.id,
        "period_start": start,
        "period_end": end,
        "assessment_required": False,
        "category_ids": category_ids,
        "created_by_id": admin.id,
        **RULES,
    }
    db.session.add_all(
        [
            ProgrammeVersion(
                effective_from=start,
                budget_vnd=2_000_000_000,
                note="Nghị định 80/2021/NĐ-CP, Điều 11; dự thảo Nghị định hướng dẫn "
                "Luật Chuyển đổi số (phiếu hỗ trợ 100 % cho hộ kinh doanh, siêu nhỏ).",
                **common,
            ),
            ProgrammeVersion(
                effective_from=raised_from,
                budget_vnd=2_500_000_000,
                note=f"Bổ sung 500 triệu đồng ngân sách 6 tháng cuối năm {start.year}.",
                **common,
            ),
        ]
    )
    added = 3 + _opt_ins(programme)
    db.session.flush()
    added += _applications(programme, admin)
    db.session.flush()
    return added


def _solution(slug: str) -> Solution | None:
    return db.session.scalar(
        select(Solution).where(Solution.slug == slug, Solution.status == SolutionStatus.PUBLISHED)
    )


def _opt_ins(programme: Programme) -> int:
    added = 0
    now = utcnow()
    for slug, plan_name, status, reason in OPT_INS:
        solution = _solution(slug)
        if solution is None:
            continue
        for plan in solution.active_plans:
            if plan.price_vnd <= 0 or (plan_name and plan.name != plan_name):
                continue
            db.session.add(
                PlanOptIn(
                    programme_id=programme.id,
                    plan_id=plan.id,
                    vendor_id=solution.vendor_id,
                    status=status,
                    requested_at=now - dt.timedelta(days=60),
                    decided_at=None
                    if status == OptInStatus.PENDING
                    else now - dt.timedelta(days=58),
                    reason=reason,
                )
            )
            added += 1
    return added


def _owner(tax_code: str) -> User | None:
    org = db.session.scalar(
        select(Organization).where(
            Organization.kind == "enterprise", Organization.tax_code == tax_code
        )
    )
    if org is None:
        return None
    return db.session.scalar(
        select(User).where(User.organization_id == org.id).order_by(User.id).limit(1)
    )


def _paid_order(buyer: User, slug: str, plan_name: str, days_ago: int) -> Order | None:
    """Place a bank-transfer order, paid and invoiced `days_ago` days ago."""
    solution = _solution(slug)
    plan = (
        next((p for p in solution.active_plans if p.name == plan_name), None) if solution else None
    )
    if plan is None:
        return None
    created = utcnow() - dt.timedelta(days=days_ago)
    try:
        with db.session.begin_nested():
            order = billing_orders.create_order(
                buyer,
                vendor=solution.vendor,
                lines=[billing_orders.plan_line(plan)],
                payment_method=PaymentMethod.BANK_TRANSFER,
                solution_id=solution.id,
                plan_id=plan.id,
                now=created,
            )
    except Exception:  # a vendor without a confirmed account: no demo order
        return None
    paid_at = created + dt.timedelta(days=1)
    order.status = OrderStatus.PAID
    order.paid_at = paid_at
    order.payment_date = paid_at.astimezone(TIMEZONE).date()
    order.payment_reference = f"FT{paid_at:%y}{order.id:09d}"
    order.einvoice_number = f"{order.id + 300:07d}"
    order.einvoice_symbol = f"1C{paid_at:%y}T{'HH' if 'hong-ha' in slug else 'SK'}"
    order.einvoice_date = order.payment_date
    order.einvoice_recorded_at = paid_at
    db.session.flush()
    return order


def _paid_invoiced_order(buyer: User, slug: str, plan_name: str) -> Order | None:
    """Return the buyer's paid, invoiced order of that plan already seeded (billing)."""
    return db.session.scalar(
        select(Order)
        .join(Solution, Solution.id == Order.solution_id)
        .where(
            Order.organization_id == buyer.organization_id,
            Solution.slug == slug,
            Order.status == OrderStatus.PAID,
            Order.einvoice_number.is_not(None),
        )
        .limit(1)
    )


def _attachment(org_id: int, title: str, color: str):
    image = Image.new("RGB", (480, 640), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 460, 90), fill=color)
    draw.text((30, 40), title, fill="white")
    for y in range(130, 600, 28):
        draw.line((30, y, 450, y), fill="#bbbbbb", width=2)
    data = io.BytesIO()
    image.save(data, "PNG")
    data.seek(0)
    return uploads.store_evidence(org_id, FileStorage(data, filename="scan.png"))


def _applications(programme: Programme, admin: User) -> int:
    added = 0
    now = utcnow()
    for tax_code, slug, plan_name, days_ago, status, extra in APPLICATIONS:
        buyer = _owner(tax_code)
        if buyer is None:
            continue
        if days_ago is None:
            order = _paid_invoiced_order(buyer, slug, plan_name)
        else:
            order = _paid_order(buyer, slug, plan_name, days_ago)
        if order is None or queries.application_for_order(order.id) is not None:
            continue
        day = services.order_date(order)
        try:
            invoice = _attachment(order.organization_id, "HOA DON GTGT", "#0d6efd")
            payment = _attachment(order.organization_id, "UY NHIEM CHI", "#198754")
        except uploads.UploadError:
            invoice = payment = None
        application = Application(
            programme_id=programme.id,
            order_id=order.id,
            organization_id=order.organization_id,
            status=ApplicationStatus.SUBMITTED,
            submitted_by_id=buyer.id,
            submitted_at=(order.paid_at or now) + dt.timedelta(days=2),
            note="Đề nghị hỗ trợ chi phí thuê phần mềm theo chương trình.",
            invoice_upload_id=getattr(invoice, "id", None),
            payment_upload_id=getattr(payment, "id", None),
            order_date=day,
            support_year=day.year,
            order_amount_vnd=order.total_vnd,
        )
        db.session.add(application)
        db.session.flush()
        added += 1
        if status in (ApplicationStatus.APPROVED, ApplicationStatus.DISBURSED):
            services.approve_application(admin, application)
            application.decided_at = application.submitted_at + dt.timedelta(days=3)
        if status == ApplicationStatus.DISBURSED:
            paid_out = application.decided_at + dt.timedelta(days=10)
            reference = extra.format(year=paid_out.astimezone(TIMEZONE).year)
            services.record_disbursement(admin, application, reference=reference)
            application.disbursed_at = paid_out
        if status == ApplicationStatus.REJECTED:
            services.reject_application(admin, application, reason=extra)
            application.decided_at = application.submitted_at + dt.timedelta(days=2)
    buyer = _owner(OPEN_ORDER[0])
    if buyer is not None and _paid_order(buyer, *OPEN_ORDER[1:]) is not None:
        added += 1
    return added
