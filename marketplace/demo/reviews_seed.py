"""Demo reviews: what the province's enterprises wrote about the solutions they tried.

Written directly (no notifications for past events) but by the rules: only an
organisation whose seeded trial of the solution was accepted, active, ended or converted
reviews it (checked with `can_review`), one review per organisation and solution, dates
after the trial began, helpful votes never on one's own organisation's review nor by the
solution's vendor, replies by the solution's vendor only. The aggregates are recomputed
at the end. Every company and person here is fictional. Safe to run again: what exists
is left alone.

The demo enterprise (enterprise@demo.vn) keeps two eligible solutions unreviewed
(SaoKhuê eInvoice and Kế toán SaoKhuê Cloud) so the review form can be tried.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import Organization, Role, User
from marketplace.catalog.models import Solution, SolutionStatus
from marketplace.core.database import utcnow
from marketplace.demo.seed import ensure_user
from marketplace.demo.trials_seed import DEMO_ENTERPRISE, enterprises
from marketplace.extensions import db
from marketplace.reviews import permissions, services
from marketplace.reviews.models import (
    ReportStatus,
    Review,
    ReviewReply,
    ReviewReport,
    ReviewStatus,
    ReviewVote,
)
from marketplace.trials.models import USED_STATUSES, TrialRequest


@dataclass(frozen=True)
class ReviewSpec:
    org: str  # tax code of the enterprise
    slug: str
    overall: int
    aspects: tuple[int, int, int, int]  # ease of use, features, support, value
    title: str
    body: str
    after_days: int  # days after the trial began


REVIEWS = [
    ReviewSpec(
        DEMO_ENTERPRISE,
        "con-son-hddt-may-tinh-tien",
        5,
        (5, 4, 5, 5),
        "Xuất hóa đơn từ máy tính tiền ngay tại quầy, khách rất hài lòng",
        "Cửa hàng giới thiệu bánh gai của công ty dùng gói Hộ kinh doanh được ba tháng. "
        "Nhân viên bán hàng chỉ cần bấm một nút là hóa đơn có mã của cơ quan thuế gửi qua "
        "Zalo cho khách, không phải ghi tay như trước.\n\n"
        "Kỹ thuật viên Côn Sơn xuống tận Tứ Kỳ cài máy in và hướng dẫn cả buổi chiều. "
        "Điểm trừ nhỏ: báo cáo cuối ngày còn ít tiêu chí lọc theo nhóm hàng.",
        9,
    ),
    ReviewSpec(
        DEMO_ENTERPRISE,
        "bachdang-cloud-server",
        3,
        (3, 4, 2, 3),
        "Máy chủ chạy ổn định nhưng hỗ trợ ngoài giờ còn chậm",
        "Chúng tôi thử chạy website bán hàng trên gói Cloud S trong thời gian dùng thử. "
        "Tốc độ truy cập từ Hải Dương tốt, bảng điều khiển dễ tạo bản sao lưu.\n"
        "Tuy nhiên có lần website không truy cập được vào tối thứ Bảy, gửi yêu cầu hỗ trợ "
        "đến sáng thứ Hai mới có người trả lời. Với cửa hàng bán online thì cuối tuần là "
        "lúc đông khách nhất.",
        12,
    ),
    ReviewSpec(
        "0801100101",
        "saokhue-hrm",
        4,
        (4, 5, 4, 4),
        "Tính lương ca kíp cho 400 công nhân nhanh hơn hẳn Excel",
        "Xưởng may có ba ca, trước đây phòng nhân sự mất gần một tuần cuối tháng để tổng "
        "hợp công và tính lương trên Excel. Dùng thử SaoKhuê HRM hai tuần, bảng lương tháng "
        "đầu tiên xong trong hai ngày, có sẵn mẫu bảo hiểm xã hội.\n\n"
        "Cần thời gian khai báo danh mục phụ cấp ban đầu khá nhiều; nên có video hướng dẫn "
        "chi tiết hơn cho người mới.",
        10,
    ),
    ReviewSpec(
        "0801100101",
        "ke-toan-saokhue-cloud",
        5,
        (5, 5, 4, 5),
        "Kế toán làm việc từ xa được, số liệu khớp với cơ quan thuế",
        "Công ty đã mua gói Tiêu chuẩn sau khi dùng thử. Kế toán trưởng làm việc ở Cẩm Giàng, "
        "kế toán viên ở thành phố vẫn cùng nhập liệu được. Hóa đơn đầu vào tự tải về từ cổng "
        "của Tổng cục Thuế, đỡ rất nhiều công nhập tay. Tổng đài hỗ trợ trả lời nhanh trong "
        "giờ hành chính.",
        20,
    ),
    ReviewSpec(
        "0801100101",
        "cham-cong-con-son",
        2,
        (3, 2, 2, 3),
        "Chưa phù hợp với xưởng đông công nhân",
        "Ứng dụng chấm công bằng điện thoại phù hợp cửa hàng nhỏ, nhưng với 120 công nhân vào "
        "ca cùng lúc thì việc xếp hàng quét mã mất nhiều thời gian. Chúng tôi cần kết nối máy "
        "chấm công vân tay có sẵn ở cổng xưởng nhưng gói dùng thử chưa hỗ trợ.\n"
        "Báo cáo đi muộn về sớm thì rõ ràng, dễ xem.",
        14,
    ),
    ReviewSpec(
        "0801100214",
        "thanh-ha-trace",
        5,
        (4, 5, 5, 5),
        "Tem truy xuất giúp vải thiều vào được siêu thị",
        "Hợp tác xã in tem QR cho lô vải sớm, người mua quét mã thấy vườn, ngày thu hoạch và "
        "nhật ký phun thuốc. Nhờ vậy đơn vị thu mua ở Hà Nội đồng ý nhận hàng vào chuỗi siêu "
        "thị. Cán bộ kỹ thuật của nhà cung cấp về tận vườn hướng dẫn bà con ghi nhật ký trên "
        "điện thoại.",
        6,
    ),
    ReviewSpec(
        "0801100214",
        "cho-nong-san-thanh-ha-online",
        4,
        (4, 4, 4, 4),
        "Gian hàng online đơn giản, bán được cả ngoài tỉnh",
        "Mùa vải năm nay HTX bán qua gian hàng online được hơn 3 tấn cho khách lẻ ở Hà Nội và "
        "Quảng Ninh. Quản lý đơn và in phiếu giao hàng dễ dùng. Mong có thêm kết nối trực tiếp "
        "với đơn vị vận chuyển lạnh để giao hàng tươi nhanh hơn.",
        15,
    ),
    ReviewSpec(
        "0801100327",
        "saokhue-einvoice",
        4,
        (5, 4, 4, 3),
        "Dễ dùng, mẫu hóa đơn đẹp, giá hơi cao với doanh nghiệp nhỏ",
        "Phát hành hóa đơn điện tử rất nhanh, mẫu hóa đơn có logo gốm Nam Sách trông chuyên "
        "nghiệp. Ký số từ xa tiện khi giám đốc đi hội chợ. Chỉ tiếc là gói nhỏ nhất vẫn hơi "
        "đắt so với số lượng hóa đơn mỗi tháng của chúng tôi.",
        8,
    ),
    ReviewSpec(
        "0801100327",
        "bachdang-ihoadon",
        5,
        (5, 5, 5, 4),
        "Chuyển đổi từ hóa đơn giấy không gặp trục trặc nào",
        "BachDang iHóaĐơn hỗ trợ làm hồ sơ đăng ký với cơ quan thuế, chuyển toàn bộ danh mục "
        "khách hàng từ phần mềm cũ sang. Sau một năm dùng, chưa lần nào bị gián đoạn khi xuất "
        "hóa đơn cho đơn hàng xuất khẩu.",
        30,
    ),
    ReviewSpec(
        "0801100415",
        "con-son-pos",
        4,
        (4, 5, 4, 4),
        "Quản lý hạn dùng thuốc rõ ràng, cảnh báo hàng sắp hết hạn",
        "Nhà thuốc nhỏ nên cần phần mềm đơn giản. Côn Sơn POS nhập hàng theo lô, tự nhắc thuốc "
        "sắp hết hạn trước 60 ngày, bán hàng bằng máy quét mã vạch nhanh. Phần liên thông dữ "
        "liệu với hệ thống dược quốc gia cần thao tác thêm vài bước.",
        7,
    ),
    ReviewSpec(
        "0801100510",
        "bachdang-object-storage",
        3,
        (2, 4, 3, 4),
        "Lưu trữ rẻ nhưng giao diện cho người không chuyên còn khó",
        "Chúng tôi dùng để lưu ảnh chứng từ giao hàng của 40 xe. Chi phí lưu trữ thấp, tải lên "
        "từ điện thoại tài xế ổn. Nhưng nhân viên văn phòng thấy giao diện quản lý thư mục "
        "khó dùng, phải nhờ bộ phận IT thiết lập quyền truy cập cho từng người.",
        5,
    ),
    ReviewSpec(
        "0801100510",
        "saokhue-vps-hai-duong",
        4,
        (4, 4, 5, 4),
        "Máy chủ đặt tại Hải Dương, phản hồi sự cố nhanh",
        "Phần mềm điều hành vận tải của công ty chạy trên VPS 2 được nửa năm. Có một lần quá "
        "tải vào cuối tháng, kỹ thuật viên gọi lại sau 15 phút và nâng cấu hình ngay trong đêm. "
        "Mong có thêm lựa chọn sao lưu tự động sang địa điểm khác.",
        25,
    ),
    ReviewSpec(
        "0801100616",
        "con-son-web-ban-hang",
        2,
        (3, 2, 2, 2),
        "Website đẹp nhưng đồng bộ tồn kho hay bị lệch",
        "Mẫu website bán thực phẩm đẹp, dựng xong trong một ngày. Tuy nhiên trong thời gian "
        "dùng thử, số tồn kho trên website nhiều lần không khớp với cửa hàng, có hôm khách đặt "
        "món đã hết hàng. Báo lỗi thì được hẹn sẽ sửa ở phiên bản sau.",
        10,
    ),
    ReviewSpec(
        "0801100711",
        "saokhue-pos-quan-an",
        5,
        (5, 5, 5, 4),
        "Gọi món bằng máy tính bảng, bếp nhận phiếu ngay",
        "Nhà hàng của khách sạn có 18 bàn. Phục vụ gọi món trên máy tính bảng, phiếu in thẳng "
        "xuống bếp, hết cảnh ghi nhầm món. Cuối ngày lễ tân đối soát doanh thu chỉ mất 10 phút. "
        "Nhân viên lớn tuổi cũng học được sau một buổi.",
        8,
    ),
    ReviewSpec(
        "0801100711",
        "bachdang-cloud-waf",
        3,
        (2, 4, 3, 3),
        "Chặn được tấn công nhưng cấu hình ban đầu phức tạp",
        "Website đặt phòng của khách sạn từng bị dò mật khẩu liên tục. Tường lửa ứng dụng của "
        "BachDang chặn được, báo cáo hằng tuần dễ hiểu. Có điều việc trỏ tên miền và cấu hình "
        "chứng chỉ ban đầu khá khó với người không chuyên, mất hai ngày mới xong.",
        6,
    ),
    ReviewSpec(
        "0801100817",
        "thanh-dong-endpoint-shield",
        5,
        (4, 5, 5, 5),
        "Bảo vệ 60 máy trạm, quản lý tập trung rất tiện",
        "Sau một lần nhiễm mã độc tống tiền ở phòng kế toán, công ty tìm giải pháp bảo vệ máy "
        "trạm. Thành Đông cài đặt từ xa cho 60 máy trong một buổi sáng, bảng điều khiển cho "
        "thấy máy nào chưa cập nhật. Đội ngũ tư vấn am hiểu và phản hồi nhanh.",
        12,
    ),
    ReviewSpec(
        "0801100817",
        "bachdang-esign",
        4,
        (4, 4, 4, 5),
        "Ký hợp đồng với nhà cung cấp vật tư không cần gặp mặt",
        "Phòng mua hàng đã ký hơn 30 hợp đồng điện tử trong thời gian dùng thử. Đối tác nhận "
        "đường dẫn qua e-mail, ký bằng chữ ký số hoặc mã OTP. Giá theo lượt ký hợp lý. "
        "Ứng dụng trên điện thoại đôi khi phải đăng nhập lại.",
        9,
    ),
    ReviewSpec(
        "0801100817",
        "saokhue-crm",
        1,
        (2, 2, 1, 1),
        "Không phù hợp với doanh nghiệp sản xuất",
        "CRM thiết kế cho bán lẻ, không quản lý được báo giá theo bản vẽ và tiến độ đơn hàng "
        "gia công của chúng tôi. Yêu cầu tùy chỉnh thì được báo phải nâng lên gói Doanh "
        "nghiệp, chi phí cao. Sau hai tuần chúng tôi dừng dùng thử.",
        14,
    ),
    ReviewSpec(
        "0801100912",
        "cham-cong-con-son",
        4,
        (5, 4, 4, 5),
        "Giáo viên chấm công bằng điện thoại, hiệu trưởng xem báo cáo ngay",
        "Trường có 25 giáo viên và nhân viên bếp. Chấm công bằng điện thoại kèm vị trí, không "
        "cần mua máy chấm công. Báo cáo ngày công cuối tháng xuất ra Excel để tính lương. "
        "Gói miễn phí đã đủ dùng cho trường nhỏ như chúng tôi.",
        5,
    ),
]

# (review: org tax code, slug) → e-mails of users who found it helpful.
VOTES = {
    ("0801100101", "ke-toan-saokhue-cloud"): [
        "enterprise@demo.vn",
        "ketoan@gomnamsach.vn",
        "dieuhanh@vantaikinhmon.vn",
        "lan.do@thucphamgialoc.vn",
    ],
    ("0801100101", "cham-cong-con-son"): [
        "it@cokhikimthanh.vn",
        "letan@binhgiangriverside.vn",
        "hieutruong@mamnonhoasen.edu.vn",
    ],
    ("0801100912", "cham-cong-con-son"): ["nhathuocminhtam.cl@gmail.com", "enterprise@demo.vn"],
    ("0801100817", "saokhue-crm"): ["hoa.nguyen@maycamgiangphat.vn", "dieuhanh@vantaikinhmon.vn"],
    ("0801100214", "thanh-ha-trace"): [
        "enterprise@demo.vn",
        "lan.do@thucphamgialoc.vn",
        "ketoan@gomnamsach.vn",
    ],
    (DEMO_ENTERPRISE, "bachdang-cloud-server"): ["dieuhanh@vantaikinhmon.vn"],
    ("0801100327", "saokhue-einvoice"): ["hoa.nguyen@maycamgiangphat.vn"],
    ("0801100711", "saokhue-pos-quan-an"): ["enterprise@demo.vn", "lan.do@thucphamgialoc.vn"],
}

# (review: org tax code, slug) → the vendor's public reply.
REPLIES = {
    ("0801100101", "cham-cong-con-son"): (
        "Cảm ơn chị Hoa và Công ty May mặc Cẩm Giàng Phát đã góp ý. Từ tháng tới, Chấm công "
        "Côn Sơn kết nối được với máy chấm công vân tay ZKTeco và Ronald Jack qua cổng LAN; "
        "chúng tôi sẽ liên hệ để mời công ty dùng thử lại miễn phí."
    ),
    ("0801100817", "saokhue-crm"): (
        "SaoKhuê xin ghi nhận. Phân hệ báo giá theo bản vẽ cho doanh nghiệp cơ khí đang được "
        "phát triển cùng một số khách hàng ở Kim Thành; chúng tôi sẽ báo anh Huy khi có bản "
        "thử nghiệm, không tính phí tùy chỉnh."
    ),
    (DEMO_ENTERPRISE, "bachdang-cloud-server"): (
        "Bạch Đằng xin lỗi về sự chậm trễ cuối tuần đó. Từ tháng 3, trực hỗ trợ kỹ thuật 24/7 "
        "đã áp dụng cho mọi gói, kể cả gói dùng thử; hotline sự cố: 0220 3899 888."
    ),
}

# One open report for the moderator: (review: org tax code, slug, reporter e-mail, reason).
REPORTS = [
    (
        "0801100616",
        "con-son-web-ban-hang",
        "hieu.tv@consonsoft.vn",
        "Nhận xét nói tồn kho “nhiều lần không khớp” nhưng hệ thống của chúng tôi không ghi "
        "nhận lỗi đồng bộ nào trong thời gian dùng thử của khách. Đề nghị kiểm duyệt viên xem "
        "xét vì thông tin có thể sai sự thật.",
    ),
]


def seed_reviews(password_hash: str) -> int:
    """Create the demo reviews, votes, replies and an open report; return how many reviews
    were added. The enterprises' members are created if missing (with `password_hash`)."""
    orgs: dict[str, Organization] = {}
    for org_spec, user_spec in enterprises():
        org = db.session.scalar(
            select(Organization).where(
                Organization.kind == "enterprise", Organization.tax_code == org_spec.tax_code
            )
        )
        if org is not None:
            orgs[org_spec.tax_code] = org
            ensure_user(user_spec, org, password_hash)
    demo = db.session.scalar(
        select(Organization).where(
            Organization.kind == "enterprise", Organization.tax_code == DEMO_ENTERPRISE
        )
    )
    if demo is not None:
        orgs[DEMO_ENTERPRISE] = demo
    slugs = {spec.slug for spec in REVIEWS}
    solutions = {
        s.slug: s
        for s in db.session.scalars(
            select(Solution)
            .options(selectinload(Solution.vendor))
            .where(Solution.slug.in_(slugs), Solution.status == SolutionStatus.PUBLISHED)
        )
    }
    now = utcnow()
    added = 0
    touched: set[int] = set()
    reviews: dict[tuple[str, str], Review] = {}
    for spec in REVIEWS:
        org = orgs.get(spec.org)
        solution = solutions.get(spec.slug)
        if org is None or solution is None:
            continue
        existing = db.session.scalar(
            select(Review).where(
                Review.organization_id == org.id, Review.solution_id == solution.id
            )
        )
        if existing is not None:
            reviews[(spec.org, spec.slug)] = existing
            continue
        author = _first_member(org.id)
        if author is None or not permissions.can_review(author, solution)[0]:
            continue
        use = permissions.review_use(org.id, solution.id)
        began = _trial_began(org.id, solution.id) or now
        written = min(began + dt.timedelta(days=spec.after_days), now - dt.timedelta(hours=2))
        ease, features, support, value = spec.aspects
        review = Review(
            solution_id=solution.id,
            organization_id=org.id,
            organization_name=org.name,
            author_id=author.id,
            overall=spec.overall,
            ease_of_use=ease,
            features=features,
            support=support,
            value=value,
            title=spec.title,
            body=spec.body,
            verified=True,
            use_kind=use.kind if use else None,
            use_days=use.days if use else None,
            status=ReviewStatus.PUBLISHED,
            helpful_count=0,
            created_at=written,
            updated_at=written,
        )
        db.session.add(review)
        reviews[(spec.org, spec.slug)] = review
        touched.add(solution.id)
        added += 1
    db.session.flush()

    _seed_votes(reviews, now)
    _seed_replies(reviews, solutions, now)
    _seed_reports(reviews, now)
    db.session.flush()
    for solution_id in sorted(touched | {r.solution_id for r in reviews.values()}):
        services.lock_solution(solution_id)
        services.refresh_aggregates(solution_id)
    return added


def _first_member(org_id: int) -> User | None:
    return db.session.scalar(
        select(User)
        .where(User.organization_id == org_id, User.role == Role.ENTERPRISE)
        .order_by(User.id)
        .limit(1)
    )


def _trial_began(org_id: int, solution_id: int) -> dt.datetime | None:
    """Return when the organisation's trial of the solution began (or was accepted)."""
    trial = db.session.scalar(
        select(TrialRequest)
        .where(
            TrialRequest.organization_id == org_id,
            TrialRequest.solution_id == solution_id,
            TrialRequest.status.in_(USED_STATUSES),
        )
        .order_by(TrialRequest.id)
        .limit(1)
    )
    if trial is None:
        return None
    if trial.start_date is not None:
        return dt.datetime.combine(trial.start_date, dt.time(10), tzinfo=dt.UTC)
    return trial.first_response_at or trial.created_at


def _users_by_email(emails: set[str]) -> dict[str, User]:
    return {
        u.email: u for u in db.session.scalars(select(User).where(User.email.in_(sorted(emails))))
    }


def _seed_votes(reviews: dict[tuple[str, str], Review], now: dt.datetime) -> None:
    users = _users_by_email({e for emails in VOTES.values() for e in emails})
    for key, emails in VOTES.items():
        review = reviews.get(key)
        if review is None:
            continue
        voted = set(
            db.session.scalars(select(ReviewVote.user_id).where(ReviewVote.review_id == review.id))
        )
        for email in emails:
            user = users.get(email)
            if user is None or user.id in voted or not permissions.can_vote(user, review):
                continue
            db.session.add(
                ReviewVote(review_id=review.id, user_id=user.id, created_at=_after(review, now))
            )
            voted.add(user.id)
        db.session.flush()
        services.recount_votes(review)


def _seed_replies(
    reviews: dict[tuple[str, str], Review], solutions: dict[str, Solution], now: dt.datetime
) -> None:
    for (org, slug), body in REPLIES.items():
        review = reviews.get((org, slug))
        solution = solutions.get(slug)
        if review is None or solution is None:
            continue
        if db.session.scalar(select(ReviewReply.id).where(ReviewReply.review_id == review.id)):
            continue
        vendor_user = db.session.scalar(
            select(User)
            .where(User.organization_id == solution.vendor_id, User.role == Role.VENDOR)
            .order_by(User.id)
            .limit(1)
        )
        if vendor_user is None:
            continue
        at = _after(review, now)
        db.session.add(
            ReviewReply(
                review_id=review.id,
                author_id=vendor_user.id,
                body=body,
                created_at=at,
                updated_at=at,
            )
        )


def _seed_reports(reviews: dict[tuple[str, str], Review], now: dt.datetime) -> None:
    users = _users_by_email({email for _o, _s, email, _r in REPORTS})
    for org, slug, email, reason in REPORTS:
        review = reviews.get((org, slug))
        user = users.get(email)
        if review is None or user is None or not permissions.can_report(user, review):
            continue
        # Any earlier report (even one a moderator closed) means this one was seeded already.
        if db.session.scalar(
            select(ReviewReport.id).where(
                ReviewReport.review_id == review.id, ReviewReport.reporter_id == user.id
            )
        ):
            continue
        db.session.add(
            ReviewReport(
                review_id=review.id,
                reporter_id=user.id,
                reason=reason,
                status=ReportStatus.OPEN,
                created_at=_after(review, now),
            )
        )


def _after(review: Review, now: dt.datetime) -> dt.datetime:
    """Return a moment between the review and now (a day later when there is room)."""
    return min(review.created_at + dt.timedelta(days=1), now - dt.timedelta(hours=1))
