"""Demo vendor pages and quotes: the vendors' published contacts and localities, a branch
salesperson at Sao Khuê, and quote requests in every state with offers and messages.

The rows are written directly (no notifications for past events), but they follow the
quote rules: one open request per organisation and solution, offers priced by
`quotes.rules.price_offer` (exact integers, VAT per line), a replaced offer kept in the
history, a timeline event and an audit entry for each step. Every company and person here
is fictional. Safe to run again: a profile is written only if the vendor has none, and an
organisation's quote of a solution only if it has none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import Organization, Role, User
from marketplace.catalog.models import Solution, SolutionStatus, VendorProfile
from marketplace.core.audit import record_audit
from marketplace.core.clock import local_today
from marketplace.core.database import utcnow
from marketplace.demo.seed import DEMO_VENDOR, DemoUser, ensure_user
from marketplace.extensions import db
from marketplace.quotes import rules
from marketplace.quotes.models import (
    Offer,
    OfferLine,
    OfferStatus,
    QuoteEvent,
    QuoteMessage,
    QuoteRequest,
    QuoteStatus,
)

S = QuoteStatus
DEMO_ENTERPRISE = "0801234560"  # enterprise@demo.vn

PROFILES: dict[str, dict] = {
    DEMO_VENDOR: {
        "about": "**Sao Khuê** phát triển phần mềm quản trị cho doanh nghiệp nhỏ và vừa của "
        "Hải Dương cũ từ năm 2012: kế toán, hóa đơn điện tử, nhân sự, bán hàng và máy chủ "
        "đặt tại Hải Dương.\n\n- Đội triển khai tại chỗ trong 48 giờ\n"
        "- Hỗ trợ qua Zalo từ 7h30 đến 21h, cả thứ Bảy\n- Chi nhánh tại Phường Thành Đông",
        "hotline": "18006868",
        "sales_email": "kinhdoanh@saokhuetech.vn",
        "zalo_url": "https://zalo.me/saokhuetech",
        "website": "https://saokhuetech.vn",
        "localities": ["area:30", "10525", "10510", "10903"],
    },
    "0801456789": {
        "about": "Phần mềm kế toán, tiền lương và bán lẻ cho hộ kinh doanh và doanh nghiệp "
        "nhỏ. Văn phòng tại Cẩm Giàng.",
        "hotline": "02203856789",
        "sales_email": "banhang@honghasoft.vn",
        "zalo_url": "https://zalo.me/honghasoft",
        "localities": ["area:30"],
    },
    "0107654326": {
        "about": "Hạ tầng **điện toán đám mây** đạt chuẩn Tier III, trung tâm dữ liệu tại Hà "
        "Nội; phục vụ doanh nghiệp cả tỉnh qua đội kinh doanh khu vực.",
        "hotline": "19006789",
        "sales_email": "sales@bachdangcloud.vn",
        "website": "https://bachdangcloud.vn",
        "localities": ["all"],
    },
    "0801122338": {
        "about": "An ninh mạng cho doanh nghiệp: tường lửa, giám sát SOC 24/7, bảo vệ máy "
        "trạm và e-mail.",
        "hotline": "02203686868",
        "zalo_url": "https://zalo.me/thanhdongsec",
        "localities": ["all"],
    },
    "0801987652": {
        "about": "Truy xuất nguồn gốc và nông nghiệp thông minh cho vùng vải Thanh Hà.",
        "sales_email": "lienhe@agrithanhha.vn",
        "localities": ["area:30"],
    },
    "0801357925": {
        "about": "Máy bán hàng, CRM qua Zalo và livestream bán hàng cho cửa hàng bán lẻ.",
        "hotline": "0912357925",
        "zalo_url": "https://zalo.me/consonsoft",
        "localities": ["area:30", "area:31"],
    },
}

SALESPERSON = DemoUser("ha.dt@saokhuetech.vn", "Đặng Thu Hà", Role.VENDOR, DEMO_VENDOR)


@dataclass(frozen=True)
class Line:
    plan: str | None  # a plan's name, or None for a custom item
    description: str
    quantity: int
    unit_price: int
    vat: str = "10"


@dataclass(frozen=True)
class OfferSpec:
    lines: tuple[Line, ...]
    hours_after: float  # after the request
    valid_days: int  # from the day it was sent
    terms: str = ""


@dataclass(frozen=True)
class QuoteSpec:
    org: str
    slug: str
    status: str
    days_ago: float
    users: int
    needs: str
    plan: str | None = None
    budget: str | None = None
    message: str = ""
    offers: tuple[OfferSpec, ...] = ()
    # (hours after the request, "enterprise" | "vendor", text)
    messages: tuple[tuple[float, str, str], ...] = ()
    decided_hours: float | None = None  # acceptance, decline, withdrawal, closing
    reason: str | None = None
    assign_salesperson: bool = False


QUOTES = [
    QuoteSpec(
        DEMO_ENTERPRISE,
        "saokhue-hrm",
        S.REQUESTED,
        0.6,
        users=35,
        plan="Tiêu chuẩn",
        budget="10m-50m",
        needs="Chấm công 2 ca cho xưởng bánh, tính lương theo sản phẩm, 35 công nhân.",
        message="Xưởng ở Tứ Kỳ, muốn triển khai trước Tết.",
    ),
    QuoteSpec(
        DEMO_ENTERPRISE,
        "saokhue-vps-hai-duong",
        S.OFFERED,
        3,
        users=10,
        budget="lt10m",
        needs="Máy chủ cho phần mềm bán hàng và website đặt bánh, sao lưu hằng ngày.",
        offers=(
            OfferSpec(
                (
                    Line("VPS 2", "", 12, 350_000),
                    Line(None, "Sao lưu hằng ngày, giữ 14 bản", 12, 60_000),
                    Line(None, "Cài đặt và chuyển dữ liệu", 1, 1_500_000, "8"),
                ),
                hours_after=20,
                valid_days=30,
                terms="Thanh toán một lần cho 12 tháng. Miễn phí chuyển dữ liệu từ máy cũ.",
            ),
        ),
        messages=(
            (26, "enterprise", "Gói này có hỗ trợ cài SSL cho website không ạ?"),
            (28, "vendor", "Có ạ, chúng tôi cài **SSL miễn phí** và gia hạn tự động."),
        ),
        assign_salesperson=True,
    ),
    QuoteSpec(
        "0801100817",
        "saokhue-vps-hai-duong",
        S.OFFERED,
        9,
        users=30,
        plan="VPS 4",
        budget="50m-200m",
        needs="Chạy phần mềm ERP cho 30 người dùng, cần 8 vCPU.",
        offers=(
            OfferSpec((Line("VPS 4", "", 24, 790_000),), hours_after=6, valid_days=20),
            OfferSpec(
                (
                    Line("VPS 4", "", 24, 720_000),
                    Line(None, "Nâng cấp lên 8 vCPU, 16 GB RAM", 24, 400_000),
                ),
                hours_after=50,
                valid_days=30,
                terms="Giá đã giảm 9% cho hợp đồng 2 năm.",
            ),
        ),
        messages=(
            (30, "enterprise", "Cấu hình 4 vCPU không đủ, bên em cần 8 vCPU."),
            (49, "vendor", "Chúng tôi gửi báo giá mới có nâng cấp và giảm giá hợp đồng 2 năm."),
        ),
        assign_salesperson=True,
    ),
    QuoteSpec(
        "0801100327",
        "saokhue-econtract",
        S.ACCEPTED,
        20,
        users=8,
        plan="Doanh nghiệp",
        needs="Ký hợp đồng với đại lý trên toàn miền Bắc.",
        offers=(
            OfferSpec(
                (
                    Line("Doanh nghiệp", "", 1, 4_200_000),
                    Line(None, "Đào tạo 1 buổi", 1, 800_000, "8"),
                ),
                hours_after=4,
                valid_days=15,
            ),
        ),
        decided_hours=72,
    ),
    QuoteSpec(
        "0801100415",
        "saokhue-pos-quan-an",
        S.DECLINED,
        30,
        users=2,
        plan="Chuỗi",
        needs="Nhà thuốc 2 quầy.",
        offers=(OfferSpec((Line("Chuỗi", "", 12, 650_000),), hours_after=10, valid_days=14),),
        decided_hours=100,
        reason="Giá cao hơn ngân sách của nhà thuốc.",
    ),
    QuoteSpec(
        "0801100510",
        "saokhue-drive",
        S.EXPIRED,
        45,
        users=40,
        plan="Doanh nghiệp",
        needs="Lưu trữ bản vẽ cho 40 kỹ sư.",
        offers=(
            OfferSpec((Line("Doanh nghiệp", "", 12, 620_000),), hours_after=30, valid_days=10),
        ),
    ),
    QuoteSpec(
        "0801100616",
        "saokhue-crm",
        S.WITHDRAWN,
        12,
        users=5,
        needs="Chăm sóc khách hàng qua Zalo.",
        decided_hours=20,
        reason="Đã chọn giải pháp khác.",
    ),
    QuoteSpec(
        "0801100912",
        "ke-toan-saokhue-cloud",
        S.CLOSED,
        16,
        users=120,
        needs="Kế toán hành chính sự nghiệp cho trường học, 120 tài khoản giáo viên.",
        decided_hours=8,
        reason="Kế toán hành chính sự nghiệp chưa có trong sản phẩm; chúng tôi đã giới thiệu "
        "đối tác chuyên về trường học.",
    ),
    QuoteSpec(
        "0801100817",
        "bachdang-private-cloud",
        S.OFFERED,
        5,
        users=30,
        plan="Cụm riêng",
        budget="200m-1b",
        needs="Cụm máy chủ riêng cho ERP, đặt tại trung tâm dữ liệu Tier III.",
        offers=(
            OfferSpec(
                (Line("Cụm riêng", "", 12, 17_000_000), Line(None, "Triển khai", 1, 12_000_000)),
                hours_after=28,
                valid_days=45,
            ),
        ),
    ),
    QuoteSpec(
        "0801100711",
        "thanh-dong-soc-24-7",
        S.ACCEPTED,
        60,
        users=15,
        plan="Cơ bản",
        needs="Giám sát an ninh cho 15 máy trạm và máy chủ bán hàng.",
        offers=(OfferSpec((Line("Cơ bản", "", 12, 7_500_000),), hours_after=5, valid_days=20),),
        decided_hours=96,
    ),
]


def seed_vendor_profiles() -> int:
    """Write the demo vendors' public pages (only for vendors without one)."""
    added = 0
    orgs = db.session.scalars(
        select(Organization).where(
            Organization.kind == "vendor", Organization.tax_code.in_(PROFILES)
        )
    )
    for org in orgs:
        if db.session.get(VendorProfile, org.id) is not None:
            continue
        spec = PROFILES[org.tax_code]
        db.session.add(
            VendorProfile(
                organization_id=org.id,
                about=spec["about"],
                hotline=spec.get("hotline"),
                sales_email=spec.get("sales_email"),
                zalo_url=spec.get("zalo_url"),
                website=spec.get("website"),
                localities=list(spec["localities"]),
            )
        )
        added += 1
    db.session.flush()
    return added


def seed_quotes(password_hash: str) -> int:
    """Create the demo quotes (the trials seed made the enterprises); return how many."""
    seed_vendor_profiles()
    orgs = {
        o.tax_code: o
        for o in db.session.scalars(select(Organization).where(Organization.kind == "enterprise"))
    }
    sao_khue = db.session.scalar(
        select(Organization).where(
            Organization.kind == "vendor", Organization.tax_code == DEMO_VENDOR
        )
    )
    salesperson = ensure_user(SALESPERSON, sao_khue, password_hash) if sao_khue else None
    solutions = {
        s.slug: s
        for s in db.session.scalars(
            select(Solution)
            .options(selectinload(Solution.plans), selectinload(Solution.vendor))
            .where(
                Solution.slug.in_({q.slug for q in QUOTES}),
                Solution.status == SolutionStatus.PUBLISHED,
            )
        )
    }
    existing = set(
        db.session.execute(select(QuoteRequest.organization_id, QuoteRequest.solution_id)).all()
    )
    now = utcnow()
    added = 0
    for spec in QUOTES:
        org, solution = orgs.get(spec.org), solutions.get(spec.slug)
        if org is None or solution is None or (org.id, solution.id) in existing:
            continue
        requester = _first_member(org.id)
        seller = _first_member(solution.vendor_id)
        if requester is None or seller is None:
            continue
        owner = salesperson if spec.assign_salesperson and salesperson else seller
        _create(spec, org, requester, solution, seller, owner, now)
        existing.add((org.id, solution.id))
        added += 1
    db.session.flush()
    return added


def _first_member(org_id: int) -> User | None:
    return db.session.scalar(
        select(User).where(User.organization_id == org_id).order_by(User.id).limit(1)
    )


@dataclass
class _Timeline:
    quote: QuoteRequest
    steps: list = field(default_factory=list)

    def add(self, at, actor, source, target, action, note=None) -> None:
        self.steps.append((at, actor, source, target, action, note))


def _create(spec, org, requester, solution, seller, owner, now) -> QuoteRequest:
    created = now - dt.timedelta(days=spec.days_ago)
    plans = {p.name: p for p in solution.plans}
    plan = plans.get(spec.plan) if spec.plan else None
    quote = QuoteRequest(
        organization_id=org.id,
        requested_by_id=requester.id,
        solution_id=solution.id,
        plan_id=plan.id if plan else None,
        vendor_id=solution.vendor_id,
        assigned_to_id=owner.id if spec.offers or spec.assign_salesperson else None,
        users_count=spec.users,
        needs=spec.needs,
        budget=spec.budget,
        message=spec.message,
        contact_name=requester.name,
        contact_email=requester.email,
        contact_phone=org.phone or "0912345678",
        status=S.REQUESTED,
        created_at=created,
        updated_at=created,
    )
    db.session.add(quote)
    db.session.flush()
    timeline = _Timeline(quote)
    timeline.add(created, requester, None, S.REQUESTED, "quote.request", spec.message or None)
    status = S.REQUESTED
    offers: list[Offer] = []
    for number, offer_spec in enumerate(spec.offers, start=1):
        sent = created + dt.timedelta(hours=offer_spec.hours_after)
        offer = _offer(quote, solution, plans, offer_spec, number, sent, owner)
        for earlier in offers:
            earlier.status = OfferStatus.REPLACED
        offers.append(offer)
        timeline.add(sent, owner, status, S.OFFERED, "quote.offer", f"Báo giá số {number}")
        status = S.OFFERED
        if quote.first_response_at is None:
            quote.first_response_at = sent
    decided = created + dt.timedelta(hours=spec.decided_hours or 0)
    last = offers[-1] if offers else None
    if spec.status == S.ACCEPTED and last is not None:
        last.status, last.decided_at = OfferStatus.ACCEPTED, decided
        timeline.add(decided, requester, S.OFFERED, S.ACCEPTED, "quote.accept")
    elif spec.status == S.DECLINED and last is not None:
        last.status, last.decided_at = OfferStatus.DECLINED, decided
        timeline.add(decided, requester, S.OFFERED, S.DECLINED, "quote.decline", spec.reason)
    elif spec.status == S.EXPIRED and last is not None:
        expired_at = dt.datetime.combine(
            last.valid_until + dt.timedelta(days=1), dt.time(1), tzinfo=dt.UTC
        )
        last.status, last.decided_at = OfferStatus.EXPIRED, expired_at
        timeline.add(expired_at, None, S.OFFERED, S.EXPIRED, "quote.expire")
    elif spec.status == S.WITHDRAWN:
        timeline.add(decided, requester, S.REQUESTED, S.WITHDRAWN, "quote.withdraw", spec.reason)
    elif spec.status == S.CLOSED:
        quote.first_response_at = decided
        timeline.add(decided, seller, S.REQUESTED, S.CLOSED, "quote.close", spec.reason)
    quote.status = spec.status
    quote.reason = spec.reason if spec.status in (S.DECLINED, S.WITHDRAWN, S.CLOSED) else None
    for hours, side, text in spec.messages:
        author = requester if side == "enterprise" else owner
        at = created + dt.timedelta(hours=hours)
        db.session.add(
            QuoteMessage(quote=quote, author_id=author.id, side=side, body=text, created_at=at)
        )
    for at, actor, source, target, action, note in timeline.steps:
        db.session.add(
            QuoteEvent(
                quote=quote,
                actor_id=getattr(actor, "id", None),
                from_status=source,
                to_status=target,
                note=note,
                created_at=at,
            )
        )
        entry = record_audit(
            actor,
            action,
            quote,
            reason=note,
            label=f"{solution.name} — {org.name}"[:200],
            data={"from": source, "to": target},
        )
        entry.created_at = at
    quote.updated_at = timeline.steps[-1][0]
    return quote


def _offer(quote, solution, plans, spec: OfferSpec, number: int, sent, owner) -> Offer:
    today = local_today(sent)
    data = rules.OfferInput(
        lines=[
            rules.LineInput(
                plans[line.plan].id if line.plan else None,
                line.description,
                line.quantity,
                line.unit_price,
                line.vat,
            )
            for line in spec.lines
        ],
        valid_until=today + dt.timedelta(days=spec.valid_days),
        terms=spec.terms,
    )
    priced = rules.price_offer(solution, data, today=today)
    offer = Offer(
        quote=quote,
        number=number,
        status=OfferStatus.CURRENT,
        valid_until=data.valid_until,
        terms=spec.terms,
        subtotal_vnd=priced.subtotal_vnd,
        vat_vnd=priced.vat_vnd,
        total_vnd=priced.total_vnd,
        created_by_id=owner.id,
        created_at=sent,
        lines=[
            OfferLine(
                position=i,
                plan_id=line.plan_id,
                description=line.description,
                quantity=line.quantity,
                unit_price_vnd=line.unit_price_vnd,
                vat=line.vat,
                amount_vnd=line.amount_vnd,
                vat_vnd=line.vat_vnd,
            )
            for i, line in enumerate(priced.lines)
        ],
    )
    db.session.add(offer)
    return offer


def seed_quote_orders() -> int:
    """Place the order of each accepted demo offer, as accepting it does (after the bank
    accounts exist): paid when it was accepted more than a week ago, else awaiting payment.
    Return how many orders were placed."""
    from marketplace.billing.models import OrderStatus
    from marketplace.core.clock import TIMEZONE
    from marketplace.quotes import queries, services
    from marketplace.quotes.rules import QuoteError

    placed = 0
    now = utcnow()
    accepted = db.session.scalars(
        select(QuoteRequest)
        .where(QuoteRequest.status == S.ACCEPTED)
        .options(selectinload(QuoteRequest.offers))
        .order_by(QuoteRequest.id)
    ).all()
    for quote in accepted:
        offer = next((o for o in quote.offers if o.status == OfferStatus.ACCEPTED), None)
        buyer = db.session.get(User, quote.requested_by_id)
        if offer is None or buyer is None or queries.order_of(quote) is not None:
            continue
        try:
            order = services.place_order(buyer, quote, offer, now=offer.decided_at or now)
        except QuoteError:
            continue  # the vendor has no confirmed bank account in the demo
        if offer.decided_at and now - offer.decided_at > dt.timedelta(days=7):
            order.status = OrderStatus.PAID
            order.paid_at = offer.decided_at + dt.timedelta(days=2)
            order.payment_date = order.paid_at.astimezone(TIMEZONE).date()
            order.payment_reference = f"FT{quote.id:08d}"
        placed += 1
    db.session.flush()
    return placed
