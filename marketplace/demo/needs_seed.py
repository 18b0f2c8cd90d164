"""Demo needs board: enterprise@demo.vn's needs in every state — pending moderation, open
with proposals and public questions (its name hidden), open past its deadline with
proposals to compare and award, awarded, not awarded and expired.

Rows are written directly (no alerts for past events) and follow the rules: one proposal
per vendor, amounts priced by `needs.rules.price_proposal`. Every company and person is
fictional. Safe to run again: a need is written only if the enterprise has none with the
same title.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from marketplace.accounts.models import Membership, Organization, OrgKind, User
from marketplace.billing import orders as billing_orders
from marketplace.billing.models import OrderSource
from marketplace.catalog.models import Category, Solution, SolutionStatus
from marketplace.core.clock import local_today
from marketplace.core.database import utcnow
from marketplace.extensions import db
from marketplace.needs import rules
from marketplace.needs.models import (
    Need,
    NeedQuestion,
    NeedStatus,
    Proposal,
    ProposalLine,
    ProposalStatus,
)

DEMO_ENTERPRISE = "0801234560"  # enterprise@demo.vn

# title, category slug, status, deadline offset (days), show name, proposals, questions
NEEDS = [
    {
        "title": "Chấm công bằng điện thoại cho xưởng may 40 công nhân",
        "problem": "Xưởng may ở Cẩm Giàng chấm công bằng thẻ giấy, cuối tháng mất hai ngày "
        "cộng giờ làm thêm. Cần chấm công trên điện thoại (có định vị), tính lương theo "
        "sản phẩm và gửi phiếu lương qua Zalo.",
        "category": "nhan-su-tien-luong",
        "status": NeedStatus.PENDING,
        "deadline": 20,
        "show_name": True,
        "must_haves": ["Chấm công trên điện thoại", "Tính lương theo sản phẩm"],
        "budget": (5_000_000, 30_000_000),
        "commune": "10525",
    },
    {
        "title": "Quản lý kho vải và xuất hóa đơn điện tử cho xưởng may",
        "problem": "Chúng tôi nhập vải theo cuộn từ ba nhà cung cấp và xuất hàng cho khách "
        "buôn. Hiện ghi sổ tay, thường lệch tồn kho. Cần phần mềm kho dùng trên điện thoại, "
        "quét mã vạch, và xuất hóa đơn điện tử ngay khi giao hàng.",
        "category": "hoa-don-dien-tu",
        "status": NeedStatus.OPEN,
        "deadline": 10,
        "show_name": False,
        "must_haves": ["Dùng trên điện thoại", "Quét mã vạch", "Xuất hóa đơn điện tử"],
        "budget": (10_000_000, 60_000_000),
        "commune": "10525",
        "proposals": 2,
        "questions": [
            ("Xưởng có bao nhiêu kho và bao nhiêu người nhập liệu?", "Hai kho, bốn người."),
            ("Anh chị đã có chữ ký số chưa?", None),
        ],
    },
    {
        "title": "Phần mềm kế toán cho công ty thương mại 15 nhân viên",
        "problem": "Kế toán đang dùng Excel, mỗi tháng mất nhiều ngày đối chiếu công nợ và "
        "kê khai thuế. Cần phần mềm kế toán có liên thông hóa đơn điện tử và ngân hàng.",
        "category": "ke-toan",
        "status": NeedStatus.OPEN,
        "deadline": -1,
        "show_name": True,
        "must_haves": ["Liên thông hóa đơn điện tử", "Đối chiếu ngân hàng", "Báo cáo thuế"],
        "budget": (5_000_000, 25_000_000),
        "commune": "10510",
        "proposals": 3,
        "questions": [("Công ty có cần quản lý nhiều kho không?", "Không, chỉ một kho.")],
    },
    {
        "title": "Lưu trữ và sao lưu dữ liệu kế toán lên đám mây",
        "problem": "Máy chủ kế toán đặt tại văn phòng, chưa có sao lưu ngoài. Cần lưu trữ "
        "đám mây có sao lưu hằng ngày, khôi phục trong một giờ.",
        "category": "luu-tru-dam-may",
        "status": NeedStatus.AWARDED,
        "deadline": -20,
        "show_name": True,
        "must_haves": ["Sao lưu hằng ngày", "Máy chủ đặt tại Việt Nam"],
        "budget": (3_000_000, 12_000_000),
        "commune": "10525",
        "proposals": 2,
    },
    {
        "title": "Website bán hàng cho cửa hàng đặc sản vải Thanh Hà",
        "problem": "Cửa hàng muốn bán vải thiều và đặc sản qua website, nhận thanh toán "
        "chuyển khoản và giao hàng toàn quốc.",
        "category": "thuong-mai-dien-tu",
        "status": NeedStatus.NOT_AWARDED,
        "deadline": -30,
        "show_name": False,
        "must_haves": ["Thanh toán chuyển khoản", "Kết nối đơn vị giao hàng"],
        "budget": (5_000_000, 20_000_000),
        "commune": None,
        "proposals": 1,
        "close_reason": "Mùa vải đã qua; cửa hàng sẽ đăng lại vào năm sau.",
    },
    {
        "title": "Cần phần mềm",
        "problem": "Công ty cần phần mềm tốt, giá rẻ, liên hệ ngay để được tư vấn chi tiết.",
        "category": None,
        "status": NeedStatus.REJECTED,
        "deadline": 15,
        "show_name": True,
        "must_haves": [],
        "budget": (0, 5_000_000),
        "commune": None,
        "moderation_reason": "Chưa nêu bài toán cụ thể: hãy kể doanh nghiệp đang làm gì và vướng ở đâu.",
    },
    {
        "title": "Cảm biến độ ẩm đất cho vườn vải 3 ha",
        "problem": "Vườn vải cần đo độ ẩm đất và tưới tự động, xem trên điện thoại.",
        "category": "iot-nong-nghiep",
        "status": NeedStatus.EXPIRED,
        "deadline": -45,
        "show_name": True,
        "must_haves": ["Tưới tự động"],
        "budget": (20_000_000, 80_000_000),
        "commune": None,
    },
]

LINES = [
    [
        rules.LineInput("Gói phần mềm theo năm", 1, 6_000_000, "exempt", "year"),
        rules.LineInput("Triển khai và đào tạo tại chỗ", 1, 3_000_000, "10", "once"),
    ],
    [
        rules.LineInput("Thuê bao phần mềm", 1, 650_000, "exempt", "month"),
        rules.LineInput("Cài đặt và chuyển dữ liệu", 1, 2_000_000, "10", "once"),
    ],
    [rules.LineInput("Trọn gói năm đầu", 1, 9_500_000, "exempt", "year")],
]


def _vendors_for(category: Category | None, count: int) -> list[tuple[Organization, list]]:
    """Return up to `count` verified vendors with their published listings in the category
    (or any listing, when the category has too few)."""
    rows = db.session.execute(
        select(Organization, Solution)
        .join(Solution, Solution.vendor_id == Organization.id)
        .where(
            Organization.kind == OrgKind.VENDOR,
            Organization.verified_at.is_not(None),
            Solution.status == SolutionStatus.PUBLISHED,
        )
        .order_by(Organization.id, Solution.id)
    ).all()
    in_category: dict[int, tuple[Organization, list]] = {}
    others: dict[int, tuple[Organization, list]] = {}
    for org, solution in rows:
        target = (
            in_category
            if category is not None
            and solution.category_id in (category.id, *[c.id for c in category.children])
            else others
        )
        target.setdefault(org.id, (org, []))[1].append(solution)
    chosen = list(in_category.values())[:count]
    for org_id, item in others.items():
        if len(chosen) >= count:
            break
        if org_id not in in_category:
            chosen.append((item[0], []))
    return chosen


def seed_needs() -> None:
    """Write the demo needs, their questions and proposals (skips what exists)."""
    org = db.session.scalar(select(Organization).where(Organization.tax_code == DEMO_ENTERPRISE))
    if org is None:
        return
    existing = set(db.session.scalars(select(Need.title).where(Need.organization_id == org.id)))
    today = local_today()
    now = utcnow()
    for spec in NEEDS:
        if spec["title"] in existing:
            continue
        category = db.session.scalar(select(Category).where(Category.slug == spec["category"]))
        deadline = today + dt.timedelta(days=spec["deadline"])
        published = spec["status"] not in (NeedStatus.PENDING, NeedStatus.REJECTED)
        low, high = spec["budget"]
        need = Need(
            organization_id=org.id,
            title=spec["title"],
            problem=spec["problem"],
            category_id=category.id if category else None,
            users_count=12,
            budget_min_vnd=low,
            budget_max_vnd=high,
            deadline=deadline,
            commune_code=spec["commune"],
            area_code="30" if spec["commune"] else None,
            show_name=spec["show_name"],
            status=spec["status"],
            published_at=now - dt.timedelta(days=max(5, 14 - spec["deadline"]))
            if published
            else None,
            created_at=now - dt.timedelta(days=max(6, 15 - spec["deadline"])),
            close_reason=spec.get("close_reason"),
            moderation_reason=spec.get("moderation_reason"),
        )
        need.must_haves = spec["must_haves"]
        if need.is_closed:
            need.closed_at = now - dt.timedelta(days=max(1, -spec["deadline"] - 3))
        db.session.add(need)
        db.session.flush()
        vendors = _vendors_for(category, spec.get("proposals", 0))
        for i, (vendor, solutions) in enumerate(vendors):
            priced = rules.price_proposal(
                rules.ProposalInput(
                    solution_ids=[],
                    lines=LINES[i % len(LINES)],
                    implementation_days=7 + 7 * i,
                    trial_offered=i != 1,
                    covers=[],
                )
            )
            status = ProposalStatus.SUBMITTED
            if spec["status"] == NeedStatus.AWARDED:
                status = ProposalStatus.AWARDED if i == 0 else ProposalStatus.NOT_SELECTED
            elif spec["status"] in (NeedStatus.NOT_AWARDED, NeedStatus.EXPIRED):
                status = ProposalStatus.NOT_SELECTED
            proposal = Proposal(
                need=need,
                vendor_id=vendor.id,
                status=status,
                implementation_days=7 + 7 * i,
                trial_offered=i != 1,
                note="Đội triển khai tại Hải Dương, hỗ trợ qua Zalo trong giờ hành chính.",
                subtotal_vnd=priced.subtotal_vnd,
                vat_vnd=priced.vat_vnd,
                total_vnd=priced.total_vnd,
                first_year_vnd=priced.first_year_vnd,
                solutions=solutions[:1],
                lines=[
                    ProposalLine(
                        position=j,
                        description=line.description,
                        quantity=line.quantity,
                        unit_price_vnd=line.unit_price_vnd,
                        vat=line.vat,
                        period=line.period,
                        amount_vnd=line.amount_vnd,
                        vat_vnd=line.vat_vnd,
                    )
                    for j, line in enumerate(priced.lines)
                ],
            )
            proposal.covers = range(len(spec["must_haves"]) - (i % 2))
            db.session.add(proposal)
            if status == ProposalStatus.AWARDED:
                db.session.flush()
                _order_for(need, proposal)
        for j, (question, answer) in enumerate(spec.get("questions", [])):
            if not vendors:
                break
            db.session.add(
                NeedQuestion(
                    need=need,
                    vendor_id=vendors[j % len(vendors)][0].id,
                    body=question,
                    answer=answer,
                    answered_at=now if answer else None,
                )
            )
    db.session.flush()


def _order_for(need: Need, proposal: Proposal) -> None:
    """Place the awarded proposal's order as the award did (skipped when billing refuses,
    e.g. the vendor has no confirmed bank account in the demo data)."""
    buyer = db.session.scalar(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organization_id == need.organization_id, Membership.role == "owner")
        .order_by(User.id)
        .limit(1)
    )
    if buyer is None:
        return
    lines = [
        billing_orders.LineInput(
            description=line.description,
            unit_price_vnd=line.unit_price_vnd,
            quantity=line.quantity,
            vat_treatment=line.vat,
            price_includes_vat=False,
            period=line.period,
        )
        for line in proposal.lines
    ]
    try:
        with db.session.begin_nested():
            billing_orders.create_order(
                buyer,
                vendor=proposal.vendor,
                lines=lines,
                source=OrderSource.NEED,
                source_id=need.id,
                solution_id=proposal.solutions[0].id if proposal.solutions else None,
                now=need.closed_at,
            )
    except billing_orders.BillingError:
        return
