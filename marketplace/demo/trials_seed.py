"""Demo trials: more enterprises of the province and trials in every state, with history.

The rows are written directly (no notifications for past events), but they follow the
trial rules: one open trial per organisation and solution, plans that offer a trial,
end date = start date + trial days, a timeline event and an audit entry for each step.
Every company and person here is fictional. Safe to run again: an organisation's trial
of a solution is created only if it has none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import Organization, Role, User
from marketplace.catalog.models import Solution, SolutionStatus
from marketplace.core.audit import record_audit
from marketplace.core.clock import TIMEZONE, local_today
from marketplace.core.database import utcnow
from marketplace.demo.seed import DemoOrg, DemoUser, ensure_org, ensure_user
from marketplace.extensions import db
from marketplace.trials.models import TrialEvent, TrialRequest, TrialStatus

DEMO_ENTERPRISE = "0801234567"  # Công ty TNHH Bánh Gai Tứ Kỳ Xanh (enterprise@demo.vn)

ENTERPRISES = [
    (
        DemoOrg(
            kind="enterprise",
            name="Công ty TNHH May mặc Cẩm Giàng Phát",
            tax_code="0801100101",
            commune_code="10903",  # Xã Cẩm Giàng
            industry="manufacturing",
            size_band="medium",
            phone="02203785101",
        ),
        DemoUser("hoa.nguyen@maycamgiangphat.vn", "Nguyễn Thị Hoa", Role.ENTERPRISE),
    ),
    (
        DemoOrg(
            kind="enterprise",
            name="Hợp tác xã Vải thiều Thanh Hà Xanh",
            tax_code="0801100102",
            commune_code="10813",  # Xã Thanh Hà
            industry="agriculture",
            size_band="small",
            phone="0983102102",
        ),
        DemoUser("vaithieu.thanhha@htxthanhhaxanh.vn", "Phạm Văn Thắng", Role.ENTERPRISE),
    ),
    (
        DemoOrg(
            kind="enterprise",
            name="Công ty Cổ phần Gốm Nam Sách",
            tax_code="0801100103",
            commune_code="10606",  # Xã Nam Sách
            industry="manufacturing",
            size_band="small",
            phone="02203755103",
        ),
        DemoUser("ketoan@gomnamsach.vn", "Trần Thị Thu Hằng", Role.ENTERPRISE),
    ),
    (
        DemoOrg(
            kind="enterprise",
            name="Nhà thuốc Minh Tâm",
            tax_code="0801100104",
            commune_code="11311",  # Phường Hồng Bàng (former Hải Phòng)
            industry="health",
            size_band="household",
            phone="0912104104",
        ),
        DemoUser("nhathuocminhtam.cl@gmail.com", "Lê Minh Tâm", Role.ENTERPRISE),
    ),
    (
        DemoOrg(
            kind="enterprise",
            name="Công ty TNHH Vận tải Kinh Môn",
            tax_code="0801100105",
            commune_code="10675",  # Phường Kinh Môn
            industry="logistics",
            size_band="small",
            phone="02203825105",
        ),
        DemoUser("dieuhanh@vantaikinhmon.vn", "Vũ Đức Long", Role.ENTERPRISE),
    ),
    (
        DemoOrg(
            kind="enterprise",
            name="Công ty TNHH Thực phẩm Gia Lộc",
            tax_code="0801100106",
            commune_code="11455",  # Phường Đồ Sơn (former Hải Phòng)
            industry="retail",
            size_band="micro",
            phone="0976106106",
        ),
        DemoUser("lan.do@thucphamgialoc.vn", "Đỗ Thị Lan", Role.ENTERPRISE),
    ),
    (
        DemoOrg(
            kind="enterprise",
            name="Khách sạn Bình Giang Riverside",
            tax_code="0801100107",
            commune_code="10966",  # Xã Bình Giang
            industry="hospitality",
            size_band="small",
            phone="02203775107",
        ),
        DemoUser("letan@binhgiangriverside.vn", "Hoàng Văn Nam", Role.ENTERPRISE),
    ),
    (
        DemoOrg(
            kind="enterprise",
            name="Công ty Cổ phần Cơ khí Kim Thành",
            tax_code="0801100108",
            commune_code="11914",  # Đặc khu Cát Hải (former Hải Phòng)
            industry="manufacturing",
            size_band="medium",
            phone="02203725108",
        ),
        DemoUser("it@cokhikimthanh.vn", "Bùi Quang Huy", Role.ENTERPRISE),
    ),
    (
        DemoOrg(
            kind="enterprise",
            name="Trường Mầm non Tư thục Hoa Sen Ninh Giang",
            tax_code="0801100109",
            commune_code="11203",  # Xã Ninh Giang
            industry="education",
            size_band="micro",
            phone="0868109109",
        ),
        DemoUser("hieutruong@mamnonhoasen.edu.vn", "Nguyễn Thị Mai", Role.ENTERPRISE),
    ),
]


@dataclass(frozen=True)
class TrialSpec:
    org: str  # tax code
    slug: str
    status: str
    days_ago: float  # when the request was sent
    plan: str | None = None  # plan name; default: the first plan with a trial
    users: int = 3
    response_hours: float | None = None  # vendor's first answer after the request
    start_after_days: int = 1  # start date, counted from the answer
    message: str = ""
    note: str | None = None  # decline / cancel reason, or the conversion note


S = TrialStatus

TRIALS = [
    # The demo enterprise (enterprise@demo.vn): one trial in each state.
    TrialSpec(
        DEMO_ENTERPRISE,
        "saokhue-crm",
        S.REQUESTED,
        0.8,
        users=5,
        message="Công ty cần quản lý khách đặt bánh qua Zalo và điện thoại, "
        "mong được hướng dẫn trực tiếp tại xưởng ở Tứ Kỳ.",
    ),
    TrialSpec(
        DEMO_ENTERPRISE,
        "ke-toan-saokhue-cloud",
        S.ACCEPTED,
        2.5,
        plan="Tiêu chuẩn",
        users=2,
        response_hours=3,
        message="Kế toán đang dùng phần mềm cài đặt, muốn thử chuyển sang bản trực tuyến.",
    ),
    TrialSpec(
        DEMO_ENTERPRISE,
        "saokhue-einvoice",
        S.ACTIVE,
        13.5,
        users=2,
        response_hours=5,
        start_after_days=1,
        message="Cần xuất hóa đơn cho đại lý trong dịp Tết.",
    ),
    TrialSpec(
        DEMO_ENTERPRISE,
        "bachdang-cloud-server",
        S.ENDED,
        70,
        users=1,
        response_hours=20,
        start_after_days=2,
        message="Thử chạy website bán hàng trên máy chủ đám mây.",
    ),
    TrialSpec(
        DEMO_ENTERPRISE,
        "con-son-hddt-may-tinh-tien",
        S.CONVERTED,
        112,
        users=3,
        response_hours=26,
        start_after_days=1,
        note="Doanh nghiệp đã ký hợp đồng gói năm sau 10 ngày dùng thử.",
    ),
    TrialSpec(
        DEMO_ENTERPRISE,
        "thanh-dong-smartsign",
        S.DECLINED,
        41,
        users=1,
        response_hours=40,
        note="Gói dùng thử chữ ký số chỉ cấp cho doanh nghiệp đã có chứng thư số; "
        "mời anh chị liên hệ để được tư vấn cấp chứng thư trước.",
    ),
    TrialSpec(
        DEMO_ENTERPRISE,
        "saokhue-hrm",
        S.CANCELLED,
        26,
        users=20,
        note="Công ty tạm hoãn việc chuyển đổi phần mềm nhân sự đến quý sau.",
    ),
    # Other enterprises of the province.
    TrialSpec(
        "0801100101", "saokhue-hrm", S.ACTIVE, 20, users=45, response_hours=2, start_after_days=2
    ),
    TrialSpec(
        "0801100101",
        "ke-toan-saokhue-cloud",
        S.CONVERTED,
        95,
        plan="Tiêu chuẩn",
        users=3,
        response_hours=6,
        note="Đã mua gói Tiêu chuẩn.",
    ),
    TrialSpec(
        "0801100101",
        "cham-cong-con-son",
        S.ENDED,
        60,
        users=120,
        response_hours=30,
        start_after_days=3,
    ),
    TrialSpec(
        "0801100102",
        "thanh-ha-trace",
        S.ACTIVE,
        9,
        users=8,
        response_hours=1.5,
        message="HTX muốn in tem truy xuất cho vụ vải sớm.",
    ),
    TrialSpec(
        "0801100102",
        "cho-nong-san-thanh-ha-online",
        S.CONVERTED,
        80,
        users=4,
        response_hours=12,
        note="HTX đăng ký gói bán hàng sau mùa vải.",
    ),
    TrialSpec("0801100102", "saokhue-shop", S.REQUESTED, 1.6, users=2),
    TrialSpec(
        "0801100103", "saokhue-einvoice", S.ENDED, 50, users=2, response_hours=8, start_after_days=1
    ),
    TrialSpec(
        "0801100103",
        "bachdang-ihoadon",
        S.CONVERTED,
        100,
        users=2,
        response_hours=50,
        note="Khách chọn gói năm.",
    ),
    TrialSpec("0801100103", "saokhue-econtract", S.ACCEPTED, 3, users=3, response_hours=7),
    TrialSpec(
        "0801100104",
        "con-son-pos",
        S.ACTIVE,
        16,
        users=2,
        response_hours=3,
        message="Nhà thuốc cần quản lý lô, hạn dùng.",
    ),
    TrialSpec(
        "0801100104",
        "ke-toan-hong-ha-online",
        S.DECLINED,
        35,
        users=1,
        response_hours=10,
        note="Hộ kinh doanh phù hợp hơn với sản phẩm Sổ sách Hộ kinh doanh (miễn phí) của chúng tôi.",
    ),
    TrialSpec(
        "0801100104",
        "saokhue-pos-quan-an",
        S.CANCELLED,
        30,
        plan="Tiêu chuẩn",
        users=1,
        response_hours=4,
        note="Đã chọn giải pháp khác phù hợp cho nhà thuốc.",
    ),
    TrialSpec("0801100105", "bachdang-object-storage", S.ACTIVE, 6, users=5, response_hours=9),
    TrialSpec(
        "0801100105",
        "saokhue-vps-hai-duong",
        S.CONVERTED,
        75,
        users=2,
        response_hours=1,
        note="Chuyển sang gói trả phí theo năm.",
    ),
    TrialSpec("0801100105", "con-son-crm-zalo", S.REQUESTED, 0.3, users=6),
    TrialSpec(
        "0801100106",
        "con-son-web-ban-hang",
        S.ENDED,
        45,
        users=2,
        response_hours=16,
        start_after_days=2,
    ),
    TrialSpec("0801100106", "saokhue-drive", S.ACCEPTED, 4, users=6, response_hours=22),
    TrialSpec(
        "0801100106",
        "con-son-live-ban-hang",
        S.DECLINED,
        20,
        users=1,
        response_hours=72,
        note="Gói livestream hiện chỉ hỗ trợ cửa hàng có trên 500 sản phẩm.",
    ),
    TrialSpec(
        "0801100107",
        "saokhue-pos-quan-an",
        S.ACTIVE,
        11,
        plan="Tiêu chuẩn",
        users=4,
        response_hours=2.5,
    ),
    TrialSpec("0801100107", "bachdang-cloud-waf", S.ENDED, 90, users=1, response_hours=36),
    TrialSpec("0801100107", "saokhue-econtract", S.REQUESTED, 2.2, users=2),
    TrialSpec(
        "0801100108",
        "thanh-dong-endpoint-shield",
        S.CONVERTED,
        65,
        users=60,
        response_hours=5,
        note="Đã ký hợp đồng 60 máy trạm.",
    ),
    TrialSpec("0801100108", "bachdang-esign", S.ACTIVE, 18, users=4, response_hours=28),
    TrialSpec("0801100108", "saokhue-crm", S.ENDED, 40, users=10, response_hours=4),
    TrialSpec(
        "0801100108",
        "saokhue-vps-hai-duong",
        S.DECLINED,
        28,
        users=30,
        response_hours=9,
        note="Gói VPS dùng thử chỉ có 2 vCPU, không đủ cho 30 người dùng phần mềm ERP; "
        "chúng tôi đã gửi báo giá gói máy chủ riêng.",
    ),
    TrialSpec(
        "0801100109",
        "saokhue-drive",
        S.CANCELLED,
        15,
        users=12,
        note="Nhà trường chưa bố trí được người phụ trách.",
    ),
    TrialSpec(
        "0801100109",
        "cham-cong-con-son",
        S.ACTIVE,
        7,
        users=25,
        response_hours=6,
        message="Chấm công cho giáo viên và nhân viên bếp.",
    ),
]


def seed_trials(password_hash: str) -> int:
    """Create the demo enterprises and their trials; return how many trials were added."""
    orgs: dict[str, Organization] = {}
    members: dict[int, User] = {}
    for org_spec, user_spec in ENTERPRISES:
        org = ensure_org(org_spec)
        orgs[org_spec.tax_code] = org
        members[org.id] = ensure_user(user_spec, org, password_hash)
    demo = db.session.scalar(
        select(Organization).where(
            Organization.kind == "enterprise", Organization.tax_code == DEMO_ENTERPRISE
        )
    )
    if demo is not None:
        orgs[DEMO_ENTERPRISE] = demo
        first = _first_member(demo.id)
        if first is not None:
            members[demo.id] = first

    slugs = {spec.slug for spec in TRIALS}
    solutions = {
        s.slug: s
        for s in db.session.scalars(
            select(Solution)
            .options(selectinload(Solution.plans))
            .where(Solution.slug.in_(slugs), Solution.status == SolutionStatus.PUBLISHED)
        )
    }
    existing = set(
        db.session.execute(select(TrialRequest.organization_id, TrialRequest.solution_id)).all()
    )
    now = utcnow()
    added = 0
    vendor_actors: dict[int, User | None] = {}
    for spec in TRIALS:
        org = orgs.get(spec.org)
        solution = solutions.get(spec.slug)
        if org is None or solution is None or (org.id, solution.id) in existing:
            continue
        plan = _plan(solution, spec.plan)
        requester = members.get(org.id)
        if plan is None or requester is None:
            continue
        if solution.vendor_id not in vendor_actors:
            vendor_actors[solution.vendor_id] = _first_member(solution.vendor_id)
        _create(spec, org, requester, solution, plan, vendor_actors[solution.vendor_id], now)
        existing.add((org.id, solution.id))
        added += 1
    db.session.flush()
    return added


def _first_member(org_id: int) -> User | None:
    return db.session.scalar(
        select(User).where(User.organization_id == org_id).order_by(User.id).limit(1)
    )


def _plan(solution: Solution, name: str | None):
    offered = [p for p in solution.plans if p.active and p.trial_days > 0]
    for plan in offered:
        if name is None or plan.name == name:
            return plan
    return offered[0] if offered else None


def _at_day(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TIMEZONE).astimezone(dt.UTC)


def _create(spec, org, requester, solution, plan, vendor_user, now) -> TrialRequest:
    today = local_today(now)
    created = now - dt.timedelta(days=spec.days_ago)
    trial = TrialRequest(
        organization_id=org.id,
        requested_by_id=requester.id,
        solution_id=solution.id,
        plan_id=plan.id,
        vendor_id=solution.vendor_id,
        contact_name=requester.name,
        contact_phone=org.phone or "0912345678",
        preferred_start=local_today(created) + dt.timedelta(days=2),
        users_count=spec.users,
        message=spec.message,
        status=S.REQUESTED,
        trial_days=plan.trial_days,
        created_at=created,
        updated_at=created,
    )
    db.session.add(trial)
    db.session.flush()
    trial.organization = org
    trial.solution = solution
    steps = [(created, requester, None, S.REQUESTED, spec.message or None, "trial.request")]
    responded = created + dt.timedelta(hours=spec.response_hours or 0)

    if spec.status in (S.ACCEPTED, S.ACTIVE, S.ENDED, S.CONVERTED):
        trial.first_response_at = responded
        trial.access_instructions = _instructions(solution, requester)
        steps.append((responded, vendor_user, S.REQUESTED, S.ACCEPTED, None, "trial.accept"))
    if spec.status in (S.ACTIVE, S.ENDED, S.CONVERTED):
        start = local_today(responded) + dt.timedelta(days=spec.start_after_days)
        start = min(start, today)
        trial.start_date = start
        trial.end_date = start + dt.timedelta(days=plan.trial_days)
        steps.append((_at_day(start, 9), vendor_user, S.ACCEPTED, S.ACTIVE, None, "trial.start"))
        if spec.status == S.ACTIVE and trial.end_date < today:
            # The sample would already have expired: start it later so it is running today.
            trial.start_date = today - dt.timedelta(days=max(0, plan.trial_days - 2))
            trial.end_date = trial.start_date + dt.timedelta(days=plan.trial_days)
            steps[-1] = (
                _at_day(trial.start_date, 9),
                vendor_user,
                S.ACCEPTED,
                S.ACTIVE,
                None,
                "trial.start",
            )
    if spec.status in (S.ENDED, S.CONVERTED) and trial.end_date >= today:
        # Keep the sample consistent: a finished trial's last day is in the past.
        trial.end_date = today - dt.timedelta(days=1)
        trial.start_date = trial.end_date - dt.timedelta(days=plan.trial_days)
        steps[-1] = (
            _at_day(trial.start_date, 9),
            vendor_user,
            S.ACCEPTED,
            S.ACTIVE,
            None,
            "trial.start",
        )
    if spec.status == S.ENDED:
        ended_at = _at_day(trial.end_date + dt.timedelta(days=1), 0) + dt.timedelta(minutes=5)
        steps.append(
            (ended_at, None, S.ACTIVE, S.ENDED, "Hết thời gian dùng thử (tự động).", "trial.end")
        )
    if spec.status == S.CONVERTED:
        converted_at = _at_day(trial.start_date + dt.timedelta(days=min(10, plan.trial_days)), 15)
        steps.append((converted_at, vendor_user, S.ACTIVE, S.CONVERTED, spec.note, "trial.convert"))
    if spec.status == S.DECLINED:
        trial.first_response_at = responded
        trial.reason = spec.note
        steps.append((responded, vendor_user, S.REQUESTED, S.DECLINED, spec.note, "trial.decline"))
    if spec.status == S.CANCELLED:
        source = S.REQUESTED
        if spec.response_hours is not None:
            trial.first_response_at = responded
            trial.access_instructions = _instructions(solution, requester)
            steps.append((responded, vendor_user, S.REQUESTED, S.ACCEPTED, None, "trial.accept"))
            source = S.ACCEPTED
        cancelled_at = max(responded, created) + dt.timedelta(hours=18)
        trial.reason = spec.note
        steps.append((cancelled_at, requester, source, S.CANCELLED, spec.note, "trial.cancel"))

    for at, actor, source, target, note, action in steps:
        at = min(at, now)
        db.session.add(
            TrialEvent(
                trial_id=trial.id,
                actor_id=actor.id if actor else None,
                from_status=source,
                to_status=target,
                note=note,
                created_at=at,
            )
        )
        entry = record_audit(
            actor,
            action,
            trial,
            reason=note,
            label=f"{solution.name} — {org.name}",
            data={"from": source, "to": target},
        )
        entry.created_at = at
        trial.status = target
        trial.updated_at = at
    return trial


def _instructions(solution: Solution, requester: User) -> str:
    site = (solution.website or solution.vendor.website or "").rstrip("/")
    return (
        f"Đăng nhập tại {site}/dung-thu bằng e-mail {requester.email}; mật khẩu tạm thời "
        f"đã gửi qua tin nhắn tới số điện thoại liên hệ. Chuyên viên hỗ trợ sẽ gọi điện "
        f"hướng dẫn cài đặt trong ngày đầu tiên (hotline {solution.vendor.phone})."
    )
