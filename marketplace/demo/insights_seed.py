"""Demo history for the dashboards: more enterprises, eight months of trials and purchases,
and the daily counters that go with them.

The trials and payments are written directly (no notifications for past events) and follow
the trial rules: one trial per organisation and solution here, plans that offer a trial,
end date = start date + trial days, a timeline event and an audit entry for each step, a
paid checkout for each conversion. The counters of trials, acceptances, conversions and
purchases are then derived from the records (all of them, the other seeds' included), so
the vendor's figures agree with its inbox; views and comparison adds, which have no other
record, are drawn at random (a fixed seed) around each listing's popularity, growing over
the months and quieter at weekends, and never below what the trials imply.

Runs once: when any counter exists (live use has begun) it adds nothing. Every company
and person here is fictional.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import secrets

from sqlalchemy import func, insert, select
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import Organization, Role, User
from marketplace.accounts.validation import tax_code_with_check_digit
from marketplace.billing.models import CheckoutMode, Payment, PaymentStatus
from marketplace.catalog.models import BillingPeriod, Solution, SolutionStatus
from marketplace.core.audit import record_audit
from marketplace.core.clock import TIMEZONE, local_today
from marketplace.core.database import utcnow
from marketplace.demo.legacy import old_history_tax_code
from marketplace.demo.seed import DemoOrg, DemoUser, ensure_org, ensure_user
from marketplace.extensions import db
from marketplace.insights.models import DailyCounter, Metric
from marketplace.quotes.models import Offer, QuoteEvent, QuoteRequest
from marketplace.reviews.models import Review
from marketplace.reviews.services import refresh_aggregates
from marketplace.trials.models import TrialEvent, TrialRequest, TrialStatus

S = TrialStatus
HISTORY_DAYS = 330
RNG_SEED = 2026

# Communes of Thành phố Hải Phòng in both former areas, weighted so that some cells pass the
# 5-organisation threshold and some do not.
COMMUNES = [
    ("10525", 9),  # Phường Hải Dương
    ("10903", 6),  # Xã Cẩm Giàng
    ("11383", 5),  # Phường Lê Chân (former Hải Phòng)
    ("10546", 5),  # Phường Chí Linh
    ("11311", 4),  # Phường Hồng Bàng (former Hải Phòng)
    ("10606", 3),  # Xã Nam Sách
    ("11074", 3),  # Xã Tứ Kỳ
    ("10813", 2),  # Xã Thanh Hà
    ("11914", 2),  # Đặc khu Cát Hải (former Hải Phòng)
    ("11581", 1),  # Phường An Dương (former Hải Phòng)
]
INDUSTRIES = [
    ("manufacturing", 10),
    ("retail", 9),
    ("agriculture", 6),
    ("logistics", 4),
    ("hospitality", 4),
    ("construction", 3),
    ("services", 3),
    ("health", 1),
]
SIZES = [("micro", 12), ("small", 14), ("medium", 8), ("household", 4), ("large", 2)]
KINDS = {
    "manufacturing": ["Công ty TNHH Cơ khí", "Công ty TNHH May", "Công ty CP Bao bì", "Xưởng gỗ"],
    "retail": ["Công ty TNHH Thương mại", "Siêu thị mini", "Cửa hàng Vật tư", "Nhà thuốc"],
    "agriculture": ["HTX Nông nghiệp", "Trang trại", "HTX Vải thiều", "Công ty TNHH Nông sản"],
    "logistics": ["Công ty TNHH Vận tải", "Công ty CP Kho vận"],
    "hospitality": ["Nhà hàng", "Khách sạn", "Công ty TNHH Du lịch"],
    "construction": ["Công ty CP Xây dựng", "Công ty TNHH Vật liệu Xây dựng"],
    "services": ["Công ty TNHH Tư vấn", "Văn phòng Kế toán"],
    "health": ["Phòng khám Đa khoa"],
}
PLACE_NAMES = [
    "Hồng Phát",
    "Minh Khang",
    "An Phú",
    "Thành Đông",
    "Phúc Lộc",
    "Kinh Môn",
    "Lạc Long",
    "Bình Minh",
    "Tân Tiến",
    "Hưng Thịnh",
    "Sông Thái",
    "Đại An",
    "Quang Trung",
    "Trường Xuân",
    "Hải Nam",
    "Thanh Bình",
    "Việt Hưng",
    "Nam Cường",
    "Đông Á",
    "Kim Ngân",
]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô"]
GIVEN = [
    "Văn Hải",
    "Thị Lan",
    "Minh Tuấn",
    "Thu Hà",
    "Đức Long",
    "Thị Mai",
    "Quang Huy",
    "Ngọc Ánh",
]
ORG_COUNT = 42
REVIEWS = [
    (
        5,
        "Dễ dùng, hỗ trợ nhanh",
        "Nhân viên làm quen sau một buổi; hỗ trợ qua Zalo trả lời trong giờ.",
    ),
    (
        4,
        "Đáp ứng tốt nhu cầu",
        "Các tính năng chính đủ dùng, báo cáo cuối tháng tiết kiệm nhiều thời gian.",
    ),
    (
        4,
        "Ổn định, giá hợp lý",
        "Dùng thử xong chuyển sang gói trả phí, chưa gặp sự cố đáng kể nào.",
    ),
    (3, "Tạm được", "Giao diện hơi nhiều bước, mong nhà cung cấp đơn giản hóa phần nhập liệu."),
    (5, "Rất hài lòng", "Kết nối được với phần mềm kế toán đang dùng, số liệu khớp ngay từ đầu."),
    (2, "Chưa phù hợp", "Thiếu mẫu báo cáo theo đặc thù ngành của chúng tôi, hỗ trợ còn chậm."),
]


def _weighted(rng: random.Random, items: list[tuple[str, int]]) -> str:
    return rng.choices([k for k, _w in items], weights=[w for _k, w in items])[0]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TIMEZONE).astimezone(dt.UTC)


def _local_day(value: dt.datetime) -> dt.date:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(TIMEZONE).date()


def history_tax_code(i: int) -> str:
    """Return the fictional tax code of the i-th history enterprise (0-based).

    The i-th of the codes `0803xxxxx` + check digit in order, skipping the nine-digit
    bases no check digit completes.
    """
    return _history_codes(i + 1)[i]


@functools.cache
def _history_codes(count: int) -> tuple[str, ...]:
    codes: list[str] = []
    n = 0
    while len(codes) < count:
        n += 1
        code = tax_code_with_check_digit(f"0803{n:05d}")
        if code is not None:
            codes.append(code)
    return tuple(codes)


def _history_orgs(rng: random.Random, password_hash: str) -> list[tuple[Organization, User]]:
    result = []
    for i in range(ORG_COUNT):
        industry = _weighted(rng, INDUSTRIES)
        kind = rng.choice(KINDS[industry])
        place = PLACE_NAMES[i % len(PLACE_NAMES)]
        name = f"{kind} {place}" + (
            f" {i // len(PLACE_NAMES) + 1}" if i >= len(PLACE_NAMES) else ""
        )
        org = ensure_org(
            DemoOrg(
                kind="enterprise",
                name=name,
                tax_code=history_tax_code(i),
                commune_code=_weighted(rng, COMMUNES),
                industry=industry,
                size_band=_weighted(rng, SIZES),
                phone=f"0220{3800000 + i * 137:07d}",
            ),
            old_tax_code=old_history_tax_code(i),
        )
        person = f"{SURNAMES[i % len(SURNAMES)]} {GIVEN[(i * 3) % len(GIVEN)]}"
        user = ensure_user(
            DemoUser(f"lienhe{i + 1:02d}@dn-hd{i + 1:02d}.vn", person, Role.ENTERPRISE),
            org,
            password_hash,
        )
        result.append((org, user))
    return result


def _step(trial, when, actor, source, target, note, action) -> None:
    db.session.add(
        TrialEvent(
            trial_id=trial.id,
            actor_id=getattr(actor, "id", None),
            from_status=source,
            to_status=target,
            note=note,
            created_at=when,
        )
    )
    entry = record_audit(actor, action, trial, label=trial.solution.name, reason=note)
    entry.created_at = when


def _trial(rng, org, user, solution, plan, vendor_user, created, today) -> None:
    age = (today - _local_day(created)).days
    trial = TrialRequest(
        organization_id=org.id,
        requested_by_id=user.id,
        solution_id=solution.id,
        plan_id=plan.id,
        vendor_id=solution.vendor_id,
        contact_name=user.name,
        contact_phone=org.phone or "0912345678",
        preferred_start=_local_day(created) + dt.timedelta(days=2),
        users_count=rng.choice([2, 3, 5, 8, 10, 15]),
        message="",
        status=S.REQUESTED,
        trial_days=plan.trial_days,
        created_at=created,
        updated_at=created,
    )
    trial.solution = solution
    db.session.add(trial)
    db.session.flush()
    _step(trial, created, user, None, S.REQUESTED, None, "trial.request")
    if age < 2:
        return
    responded = created + dt.timedelta(hours=rng.choice([1, 2, 3, 5, 8, 20, 30, 50]))
    trial.first_response_at = responded
    if age >= 20 and rng.random() < 0.12:
        trial.status = S.DECLINED
        trial.reason = "Giải pháp chưa hỗ trợ quy mô này, sẽ liên hệ lại khi có gói phù hợp."
        _step(trial, responded, vendor_user, S.REQUESTED, S.DECLINED, trial.reason, "trial.decline")
        return
    trial.status = S.ACCEPTED
    trial.access_instructions = "Đăng nhập bằng tài khoản đã gửi qua e-mail; hỗ trợ qua hotline."
    _step(trial, responded, vendor_user, S.REQUESTED, S.ACCEPTED, None, "trial.accept")
    start = _local_day(responded) + dt.timedelta(days=1)
    if start > today or age < 5:
        return
    trial.status = S.ACTIVE
    trial.start_date = start
    trial.end_date = start + dt.timedelta(days=plan.trial_days)
    _step(trial, _at(start, 9), vendor_user, S.ACCEPTED, S.ACTIVE, None, "trial.start")
    converts = rng.random() < 0.42
    convert_day = start + dt.timedelta(days=min(10, plan.trial_days))
    if converts and convert_day < today:
        when = _at(convert_day, 15)
        trial.status = S.CONVERTED
        _step(trial, when, None, S.ACTIVE, S.CONVERTED, "Đã thanh toán gói.", "trial.convert")
        payment = Payment(
            organization_id=org.id,
            vendor_id=solution.vendor_id,
            solution_id=solution.id,
            plan_id=plan.id,
            trial_id=trial.id,
            user_id=user.id,
            mode=(
                CheckoutMode.PAYMENT
                if plan.period == BillingPeriod.ONCE
                else CheckoutMode.SUBSCRIPTION
            ),
            status=PaymentStatus.PAID,
            amount_vnd=plan.price_vnd,
            attempt_key=secrets.token_hex(16),
            created_at=when - dt.timedelta(minutes=4),
            updated_at=when,
            paid_at=when,
        )
        db.session.add(payment)
        db.session.flush()
        entry = record_audit(user, "payment.paid", payment, label=f"{solution.name} — {plan.name}")
        entry.created_at = when
    elif trial.end_date < today:
        trial.status = S.ENDED
        when = _at(trial.end_date + dt.timedelta(days=1), 0)
        _step(
            trial,
            _at(trial.end_date + dt.timedelta(days=1), 0),
            None,
            S.ACTIVE,
            S.ENDED,
            "Hết thời gian dùng thử (tự động).",
            "trial.end",
        )
    else:
        return
    if rng.random() < 0.6:
        _review(rng, trial, user, when + dt.timedelta(days=rng.randint(3, 20)))


def _review(rng: random.Random, trial: TrialRequest, user: User, when: dt.datetime) -> None:
    """A verified review by the organisation that used the solution, after its trial."""
    if when >= utcnow():
        return
    overall, title, body = rng.choice(REVIEWS)

    def near() -> int:
        return max(1, min(5, overall + rng.choice([-1, 0, 0, 1])))

    db.session.add(
        Review(
            solution_id=trial.solution_id,
            organization_id=trial.organization_id,
            organization_name=trial.organization.name,
            author_id=user.id,
            overall=overall,
            ease_of_use=near(),
            features=near(),
            support=near(),
            value=near(),
            title=title,
            body=body,
            verified=True,
            use_kind="trial",
            use_days=(
                (trial.end_date - trial.start_date).days
                if trial.start_date and trial.end_date
                else None
            ),
            created_at=when,
            updated_at=when,
        )
    )


def _counters_from_records(since: dt.date) -> dict[tuple[int, dt.date, str], int]:
    counts: dict[tuple[int, dt.date, str], int] = {}

    def bump(solution_id: int, when: dt.datetime | None, metric: Metric) -> None:
        if when is None:
            return
        day = _local_day(when)
        if day >= since:
            key = (solution_id, day, metric.value)
            counts[key] = counts.get(key, 0) + 1

    for solution_id, created in db.session.execute(
        select(TrialRequest.solution_id, TrialRequest.created_at)
    ):
        bump(solution_id, created, Metric.TRIAL_REQUEST)
    events = db.session.execute(
        select(TrialRequest.solution_id, TrialEvent.to_status, TrialEvent.created_at)
        .join(TrialEvent, TrialEvent.trial_id == TrialRequest.id)
        .where(TrialEvent.to_status.in_((S.ACCEPTED, S.CONVERTED)))
    )
    for solution_id, status, created in events:
        bump(
            solution_id,
            created,
            Metric.TRIAL_ACCEPT if status == S.ACCEPTED else Metric.TRIAL_CONVERT,
        )
    for solution_id, paid_at in db.session.execute(
        select(Payment.solution_id, Payment.paid_at).where(
            Payment.status == PaymentStatus.PAID, Payment.attempt_key.is_not(None)
        )
    ):
        bump(solution_id, paid_at, Metric.PURCHASE)
    for solution_id, created in db.session.execute(
        select(QuoteRequest.solution_id, QuoteRequest.created_at)
    ):
        bump(solution_id, created, Metric.QUOTE_REQUEST)
    for solution_id, sent in db.session.execute(
        select(QuoteRequest.solution_id, Offer.created_at)
        .join(Offer, Offer.quote_id == QuoteRequest.id)
        .where(Offer.number == 1)
    ):
        bump(solution_id, sent, Metric.QUOTE_OFFER)
    for solution_id, accepted in db.session.execute(
        select(QuoteRequest.solution_id, QuoteEvent.created_at)
        .join(QuoteEvent, QuoteEvent.quote_id == QuoteRequest.id)
        .where(QuoteEvent.to_status == "accepted")
    ):
        bump(solution_id, accepted, Metric.QUOTE_ACCEPT)
    return counts


def _move_history_codes() -> None:
    # A database seeded before check digits: give its history enterprises their new codes.
    new_by_old = {old_history_tax_code(i): history_tax_code(i) for i in range(ORG_COUNT)}
    for org in db.session.scalars(
        select(Organization).where(
            Organization.kind == "enterprise", Organization.tax_code.in_(list(new_by_old))
        )
    ):
        org.tax_code = new_by_old[org.tax_code]
    db.session.flush()


def seed_insights(password_hash: str) -> int:
    """Seed the dashboards' history once; return how many counter rows were written."""
    _move_history_codes()
    if db.session.scalar(select(func.count()).select_from(DailyCounter)):
        return 0
    rng = random.Random(RNG_SEED)
    now = utcnow()
    today = local_today(now)
    since = today - dt.timedelta(days=HISTORY_DAYS)
    solutions = list(
        db.session.scalars(
            select(Solution)
            .options(selectinload(Solution.plans))
            .where(Solution.status == SolutionStatus.PUBLISHED)
            .order_by(Solution.id)
        )
    )
    if not solutions:
        return 0
    vendor_users = {
        s.vendor_id: db.session.scalar(
            select(User).where(User.organization_id == s.vendor_id).order_by(User.id).limit(1)
        )
        for s in solutions
    }
    with_trial = [s for s in solutions if any(p.active and p.trial_days > 0 for p in s.plans)]
    taken = set(db.session.execute(select(TrialRequest.organization_id, TrialRequest.solution_id)))
    for org, user in _history_orgs(rng, password_hash):
        for solution in rng.sample(with_trial, k=min(len(with_trial), rng.choice([1, 1, 2, 3]))):
            if (org.id, solution.id) in taken:
                continue
            plan = rng.choice([p for p in solution.plans if p.active and p.trial_days > 0])
            # Skewed towards recent days: adoption grows over the months.
            days_ago = int(HISTORY_DAYS * rng.random() ** 1.5)
            created = _at(today - dt.timedelta(days=days_ago), rng.choice([8, 9, 10, 14, 15, 16]))
            if created > now:
                created = now - dt.timedelta(hours=1)
            _trial(rng, org, user, solution, plan, vendor_users[solution.vendor_id], created, today)
            taken.add((org.id, solution.id))
    db.session.flush()
    for solution in solutions:
        refresh_aggregates(solution.id)

    counts = _counters_from_records(since)
    trials_on: dict[tuple[int, dt.date], int] = {}
    for (solution_id, day, metric), n in counts.items():
        if metric == Metric.TRIAL_REQUEST:
            trials_on[(solution_id, day)] = n
    popularity = {s.id: rng.uniform(2, 10) for s in solutions}
    for solution in solutions:
        for offset in range(HISTORY_DAYS, 0, -1):
            day = today - dt.timedelta(days=offset)
            growth = 0.45 + 0.55 * (HISTORY_DAYS - offset) / HISTORY_DAYS
            weekday = 0.55 if day.weekday() >= 5 else 1.0
            views = round(popularity[solution.id] * growth * weekday * rng.uniform(0.6, 1.4))
            views += 6 * trials_on.get((solution.id, day), 0)
            adds = round(views * rng.uniform(0.04, 0.12))
            for metric, n in ((Metric.VIEW, views), (Metric.COMPARE_ADD, adds)):
                if n:
                    counts[(solution.id, day, metric.value)] = n
    rows = [
        {"solution_id": sid, "day": day, "metric": metric, "count": n}
        for (sid, day, metric), n in counts.items()
    ]
    for i in range(0, len(rows), 1000):
        db.session.execute(insert(DailyCounter), rows[i : i + 1000])
    db.session.flush()
    return len(rows)
