"""Generate the benchmark data set into a separate database.

    python -m bench.generate [--solutions 100000] [--orgs 20000] [--reviews 500000]
                             [--seed 2026] [--database-url URL]

The database (SQLite `bench/out/bench.db` by default, or `BENCH_DATABASE_URL`) is dropped
and rebuilt by the Alembic migrations, then filled with bulk inserts (executemany on
SQLite, COPY on PostgreSQL) and indexed for search in bulk. Everything is fictional and
deterministic for a given seed. A summary (sizes, timings, the inputs the runner uses)
is written next to the database as `meta-<backend>.json`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = PROJECT_ROOT / "bench" / "out"
INSTANCE_DIR = OUT_DIR / "instance"
DEFAULT_SQLITE = OUT_DIR / "bench.db"
BASE_TIME = dt.datetime(2026, 6, 1, 8, 0, 0)  # naive UTC, as the columns store it
# Raised whenever the generated rows change: a data set made by another version is rebuilt.
DATA_VERSION = 4  # 2: users' e-mail addresses verified; 3: each user owns their organisation;
# 4: vendors have their public address (slug)
CHUNK = 10_000

# ---------------------------------------------------------------- word pools (fictional)

# Brand syllables: chosen so that they do not occur in the descriptions below, which keeps
# a brand search selective.
BRAND_SYLLABLES = [
    "Sao", "Khuê", "Hồng", "Bạch", "Đằng", "Thiên", "Trường", "Kinh", "Bắc", "Phú", "Thịnh",
    "Hưng", "Minh", "Quang", "Nhật", "Tín", "Phát", "Lộc", "Kim", "Ngọc", "Hải", "Sơn",
    "Thủy", "Lâm", "Khang", "Gia", "Bảo", "Đức", "Hòa", "Tân", "Vinh", "Hoàng", "Xuân",
    "Thu", "Mai", "Lan", "Trúc", "Tùng", "Dương", "Yên", "Tử", "Côn", "Chí", "Linh",
    "Mạc", "Lạc", "Tiên", "Phong", "Vân", "Hạ", "Long", "Phượng", "Kỳ", "Lân", "Quy",
    "Thái", "Bình", "Hiền", "Trung", "Hậu", "Nghĩa", "Lễ", "Thanh", "Đông", "Tây",
]  # fmt: skip
COMPANY_FORMS = ["Công ty Cổ phần", "Công ty TNHH", "Công ty TNHH MTV"]
VENDOR_FIELDS = ["Công nghệ", "Phần mềm", "Giải pháp số", "Viễn thông", "Dữ liệu", "Tin học"]
ENTERPRISE_FIELDS = [
    "Thương mại", "Sản xuất", "Xây dựng", "Dịch vụ", "Nông sản", "Vận tải", "Dệt may",
    "Cơ khí", "Thực phẩm", "Du lịch", "Dược phẩm", "Gốm sứ",
]  # fmt: skip
INDUSTRIES = ["ict", "manufacturing", "trade", "agriculture", "construction", "services"]
SIZE_BANDS = ["household", "micro", "small", "medium", "large"]
# Communes of Thành phố Hải Phòng, both former areas (core/geography.py).
COMMUNES = [
    "10525", "10546", "10675", "10966", "10903", "10999",
    "10804", "10606", "11203", "10813", "11311", "11383",
]  # fmt: skip

# Leaf category slug → product nouns (names start with one of them).
PRODUCTS = {
    "ke-toan": ["Phần mềm kế toán", "Kế toán online", "Kế toán doanh nghiệp",
                "Quản lý tài chính kế toán", "Kế toán hộ kinh doanh"],
    "hoa-don-dien-tu": ["Hóa đơn điện tử", "eInvoice", "Hóa đơn điện tử có mã",
                        "Quản lý hóa đơn", "Hóa đơn máy tính tiền"],
    "nhan-su-tien-luong": ["Quản lý nhân sự", "Phần mềm tính lương", "Chấm công tính lương",
                           "HRM", "Quản trị nhân sự"],
    "crm": ["CRM", "Quản lý khách hàng", "Chăm sóc khách hàng", "CRM bán hàng",
            "Quản lý quan hệ khách hàng"],
    "ban-hang": ["Quản lý bán hàng", "Phần mềm bán hàng", "POS bán lẻ", "Quản lý cửa hàng",
                 "Bán hàng đa kênh"],
    "may-chu-dam-may": ["Máy chủ đám mây", "Cloud Server", "Máy chủ ảo VPS",
                        "Điện toán đám mây", "Cloud VPS"],
    "luu-tru-dam-may": ["Lưu trữ đám mây", "Cloud Storage", "Sao lưu dữ liệu",
                        "Lưu trữ đối tượng", "Backup đám mây"],
    "an-toan-thong-tin": ["Tường lửa", "Giám sát an toàn thông tin", "Phòng chống mã độc",
                          "SOC", "Quản lý an ninh mạng"],
    "hop-dong-dien-tu": ["Hợp đồng điện tử", "Chữ ký số", "eContract", "Ký số từ xa",
                         "Chữ ký số cá nhân"],
    "iot-nong-nghiep": ["IoT nông nghiệp", "Quản lý trang trại", "Giám sát nhà kính",
                        "Tưới tiêu thông minh", "Truy xuất nguồn gốc"],
    "thuong-mai-dien-tu": ["Sàn thương mại điện tử", "Website bán hàng",
                           "Quản lý đơn hàng online", "Gian hàng trực tuyến",
                           "Thanh toán trực tuyến"],
}  # fmt: skip
SUFFIXES = ["", "", "", " Pro", " Plus", " Cloud", " 2026", " Lite", " Enterprise", " Go", " One"]
TAGLINES = [
    "Giải pháp {p} cho doanh nghiệp vừa và nhỏ",
    "{p} trên nền tảng đám mây, triển khai trong một ngày",
    "{p} đơn giản, an toàn và tiết kiệm chi phí",
    "Nền tảng {p} dành cho hộ kinh doanh và doanh nghiệp",
    "{p} kết nối dữ liệu, báo cáo tức thì",
    "{p} cho nhà máy, cửa hàng và văn phòng",
]
OPENINGS = [
    "**{name}** giúp doanh nghiệp số hóa quy trình {p} và lưu dữ liệu tập trung.",
    "**{name}** là giải pháp {p} được thiết kế cho doanh nghiệp vừa và nhỏ tại địa phương.",
    "Với **{name}**, đội ngũ của bạn làm việc mọi lúc, mọi nơi trên máy tính và điện thoại.",
    "**{name}** mang lại trải nghiệm {p} gọn nhẹ, dễ dùng ngay từ ngày đầu.",
]
# General sentences; with the product names, about two listings in three say "quản lý"
# (the broad search), while a brand name is rare (the selective one).
SENTENCES = [
    "Bảng điều khiển tập trung giúp lãnh đạo theo dõi hoạt động theo thời gian thực.",
    "Báo cáo trực quan, xuất ra Excel và PDF chỉ với một lần bấm.",
    "Dữ liệu được sao lưu hằng ngày tại trung tâm dữ liệu đạt chuẩn.",
    "Phân quyền chi tiết theo vai trò, phòng ban và chi nhánh.",
    "Hỗ trợ kỹ thuật qua điện thoại và Zalo trong giờ hành chính.",
    "Tích hợp sẵn với các phần mềm phổ biến qua API mở.",
    "Giao diện tiếng Việt thân thiện, không cần cài đặt phức tạp.",
    "Theo dõi hợp đồng, công nợ và chứng từ trên cùng một nền tảng.",
    "Đáp ứng quy định hiện hành về bảo vệ dữ liệu cá nhân.",
    "Mở rộng dễ dàng khi doanh nghiệp tăng quy mô hoạt động.",
    "Công cụ giao việc giúp nhân viên phối hợp hiệu quả hơn.",
    "Đào tạo sử dụng miễn phí cho người dùng mới.",
    "Cập nhật tính năng mới hằng tháng mà không gián đoạn công việc.",
    "Kết nối hóa đơn điện tử và ngân hàng để giảm nhập liệu thủ công.",
    "Ứng dụng di động giúp quản lý cửa hàng ngay trên điện thoại.",
    "Tiết kiệm chi phí đầu tư hạ tầng so với giải pháp truyền thống.",
]
PLAN_NAMES = ["Cơ bản", "Tiêu chuẩn", "Nâng cao", "Doanh nghiệp"]
PRICES = [
    99_000, 149_000, 199_000, 299_000, 490_000, 690_000, 990_000, 1_490_000, 2_990_000,
    4_990_000, 9_900_000, 19_900_000,
]  # fmt: skip
TEXT_VALUES = ["5", "10", "20", "50", "100", "Không giới hạn", "1 năm", "10 năm", "99,9%"]
REVIEW_TITLES = [
    "Dễ dùng, hỗ trợ nhanh", "Đáng tiền", "Phù hợp hộ kinh doanh", "Cần cải thiện báo cáo",
    "Ổn định", "Triển khai nhanh", "Giá hợp lý", "Chưa hài lòng về hỗ trợ",
]  # fmt: skip
REVIEW_BODIES = [
    "Chúng tôi dùng được nửa năm, nhân viên làm quen trong một tuần.",
    "Phần mềm chạy ổn định, thỉnh thoảng chậm vào cuối tháng.",
    "Đội hỗ trợ phản hồi nhanh qua Zalo, giải quyết vấn đề trong ngày.",
    "Tính năng đủ dùng cho cửa hàng nhỏ, giá phải chăng.",
    "Mong có thêm báo cáo theo chi nhánh.",
]


def bayesian_score(total: float, count: int) -> float:
    """The reviews domain's Bayesian average (its own function when it is there)."""
    try:
        from marketplace.reviews.services import bayesian_score as domain_score
    except ImportError:  # the reviews domain is not in this tree
        return (5 * 3.5 + total) / (5 + count) if count else 0.0
    return domain_score(total, count)


PASSWORD_HASH = "pbkdf2:sha256:1000$bench$" + "0" * 64  # no one signs in as these users
DEPLOYMENTS = ["cloud"] * 14 + ["on_premise"] * 3 + ["hybrid"] * 3


# ---------------------------------------------------------------- progress


class Progress:
    """A one-line progress bar on stderr (a line per 10 % when stderr is not a terminal)."""

    def __init__(self, label: str, total: int) -> None:
        self.label, self.total = label, max(1, total)
        self.done = 0
        self.started = time.perf_counter()
        self.tty = sys.stderr.isatty()
        self._shown = -1.0

    def add(self, n: int) -> None:
        self.set(self.done + n)

    def set(self, done: int) -> None:
        self.done = done
        fraction = min(1.0, done / self.total)
        step = 0.01 if self.tty else 0.1
        if fraction == self._shown or (fraction - self._shown < step and done < self.total):
            return
        self._shown = fraction
        bar = "#" * int(fraction * 30)
        line = (
            f"{self.label:<16} [{bar:<30}] {fraction:4.0%} {done:>9,}/{self.total:,}"
            f"  {time.perf_counter() - self.started:6.1f}s"
        )
        sys.stderr.write(("\r" + line) if self.tty else (line + "\n"))
        sys.stderr.flush()

    def finish(self) -> float:
        if self._shown < 1.0:
            self.set(self.total)
        if self.tty:
            sys.stderr.write("\n")
        return time.perf_counter() - self.started


# ---------------------------------------------------------------- database access


def database_url(explicit: str | None = None) -> str:
    """Return the benchmark database: the argument, BENCH_DATABASE_URL, or SQLite in bench/out."""
    from marketplace.config import normalise_database_url

    url = explicit or os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE}"
    return normalise_database_url(url)


def backend_of(url: str) -> str:
    return "postgresql" if url.startswith("postgresql") else "sqlite"


def safe_url(url: str) -> str:
    """Return the URL without its password, for printing and JSON."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def reset_database(url: str, *, force: bool = False) -> None:
    """Drop and recreate the benchmark database (never one whose name lacks 'bench')."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if backend_of(url) == "sqlite":
        path = Path(parsed.database or "")
        if not force and "bench" not in str(path):
            raise SystemExit(f"refusing to overwrite {path}: its path must contain 'bench'")
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return
    name = parsed.database or ""
    if not force and "bench" not in name:
        raise SystemExit(f"refusing to drop database {name!r}: its name must contain 'bench'")
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def make_app(url: str):
    """Create the application bound to the benchmark database (instance in bench/out)."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("INSTANCE_PATH", str(INSTANCE_DIR))
    from marketplace import create_app

    return create_app()


def _sqlite_datetime(value: dt.datetime | None) -> str | None:
    # SQLAlchemy's storage format for DateTime on SQLite.
    if value is None:
        return None
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


class Writer:
    """Bulk inserts on a raw DB-API connection: executemany (SQLite) or COPY (PostgreSQL)."""

    def __init__(self, engine) -> None:
        from sqlalchemy import inspect

        self.engine = engine
        self.backend = engine.dialect.name
        self.inspector = inspect(engine)
        self.raw = engine.raw_connection()
        if self.backend == "sqlite":
            cur = self.raw.cursor()
            cur.execute("PRAGMA synchronous=OFF")
            cur.execute("PRAGMA cache_size=-200000")
            cur.execute("PRAGMA foreign_keys=OFF")  # rows are written parents first anyway
            cur.close()

    def has_table(self, name: str) -> bool:
        return self.inspector.has_table(name)

    def table_columns(self, name: str) -> list[dict[str, Any]]:
        return self.inspector.get_columns(name)

    def check_columns(self, table: str, given: Sequence[str]) -> None:
        """Fail clearly when the schema has a required column the generator does not fill."""
        missing = [
            c["name"]
            for c in self.table_columns(table)
            if not c["nullable"]
            and c.get("default") is None
            and c["name"] not in given
            and not (c["name"] == "id" and c.get("autoincrement", True))
        ]
        if missing:
            raise SystemExit(
                f"table {table} has required columns the generator does not fill: {missing}; "
                "update bench/generate.py"
            )

    def insert(
        self,
        table: str,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        progress: Progress | None = None,
        *,
        datetimes: Sequence[str] = (),
        booleans: Sequence[str] = (),
    ) -> int:
        self.check_columns(table, columns)
        convert: list[tuple[int, Callable[[Any], Any]]] = []
        if self.backend == "sqlite":
            convert += [(columns.index(c), _sqlite_datetime) for c in datetimes]
            convert += [
                (columns.index(c), lambda v: None if v is None else int(v)) for c in booleans
            ]
        count = 0
        cur = self.raw.cursor()
        if self.backend == "sqlite":
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            chunk: list[Sequence[Any]] = []
            for row in rows:
                if convert:
                    row = list(row)
                    for i, fn in convert:
                        row[i] = fn(row[i])
                chunk.append(row)
                if len(chunk) >= CHUNK:
                    cur.executemany(sql, chunk)
                    count += len(chunk)
                    chunk = []
                    if progress:
                        progress.set(count)
            if chunk:
                cur.executemany(sql, chunk)
                count += len(chunk)
        else:
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
                    if progress and count % CHUNK == 0:
                        progress.set(count)
        cur.close()
        self.raw.commit()
        if progress:
            progress.set(count)
        return count

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        cur = self.raw.cursor()
        cur.execute(sql, params) if params else cur.execute(sql)
        rows = cur.fetchall() if cur.description else []
        cur.close()
        self.raw.commit()
        return rows

    def reset_sequences(self, tables: Sequence[str]) -> None:
        if self.backend != "postgresql":
            return
        for table in tables:
            self.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )

    def close(self) -> None:
        self.raw.close()


# ---------------------------------------------------------------- the data set


@dataclass
class Sizes:
    solutions: int = 100_000
    orgs: int = 20_000
    reviews: int = 500_000

    @property
    def vendors(self) -> int:
        return max(1, self.orgs // 5)

    @property
    def enterprises(self) -> int:
        return max(1, self.orgs - self.vendors)


@dataclass
class Generated:
    brands: list[str] = field(default_factory=list)  # per vendor (index = vendor number)
    vendor_ids: list[int] = field(default_factory=list)
    enterprise_ids: list[int] = field(default_factory=list)
    user_of_org: dict[int, int] = field(default_factory=dict)
    solution_vendor: list[int] = field(default_factory=list)
    solution_category: list[int] = field(default_factory=list)
    solution_published: list[dt.datetime] = field(default_factory=list)
    solution_slugs: list[str] = field(default_factory=list)
    solution_names: list[str] = field(default_factory=list)
    solution_products: list[str] = field(default_factory=list)
    # Folded words of the shared texts (pools, category names, feature labels).
    vocabulary: set[str] = field(default_factory=set)
    rating_counts: list[int] = field(default_factory=list)


def _tax_code(n: int) -> str:
    return f"{800_000_000 + n:010d}"


def generate_orgs(w: Writer, rnd: random.Random, sizes: Sizes, g: Generated, timings: dict) -> None:
    from marketplace.core.text import slugify

    progress = Progress("organisations", sizes.orgs)
    pairs = [(a, b) for a in BRAND_SYLLABLES for b in BRAND_SYLLABLES if a != b]
    rnd.shuffle(pairs)
    rows = []
    for i in range(sizes.orgs):
        org_id = i + 1
        vendor = i < sizes.vendors
        created = BASE_TIME - dt.timedelta(days=rnd.randint(400, 3000))
        if vendor:
            a, b = pairs[i % len(pairs)]
            brand = f"{a} {b}" + ("" if i < len(pairs) else f" {i // len(pairs) + 1}")
            g.brands.append(brand)
            g.vendor_ids.append(org_id)
            name = f"{rnd.choice(COMPANY_FORMS)} {rnd.choice(VENDOR_FIELDS)} {brand}"
            verified = created + dt.timedelta(days=30) if rnd.random() < 0.6 else None
            # A few suspended vendors: their listings must stay out of every public page.
            active = rnd.random() >= 0.005
            kind, industry = "vendor", "ict"
            # Every vendor has its public address, as the app gives one when it is created.
            slug = f"{slugify(brand, 80)}-{org_id}"
        else:
            g.enterprise_ids.append(org_id)
            a, b = rnd.choice(pairs)
            name = f"{rnd.choice(COMPANY_FORMS)} {rnd.choice(ENTERPRISE_FIELDS)} {a} {b} {i}"
            verified, active, kind, slug = None, True, "enterprise", None
            industry = rnd.choice(INDUSTRIES)
        rows.append(
            (
                org_id, kind, name, _tax_code(i), rnd.choice(COMMUNES + [None]), industry,
                rnd.choice(SIZE_BANDS), None, f"02203{i % 1_000_000:06d}", verified, active,
                created, slug,
            )
        )  # fmt: skip
    w.insert(
        "organizations",
        ["id", "kind", "name", "tax_code", "commune_code", "industry", "size_band", "website",
         "phone", "verified_at", "active", "created_at", "slug"],
        rows,
        progress,
        datetimes=["verified_at", "created_at"],
        booleans=["active"],
    )  # fmt: skip
    timings["organisations"] = progress.finish()

    # One user per organisation (the authors of the reviews), each with a verified e-mail
    # address as writing a review requires.
    progress = Progress("users", sizes.orgs)
    users = []
    for i in range(sizes.orgs):
        org_id = i + 1
        g.user_of_org[org_id] = org_id
        role = "vendor" if i < sizes.vendors else "enterprise"
        created = BASE_TIME - dt.timedelta(days=300)
        users.append(
            (org_id, f"user{org_id}@bench.example", f"Người dùng {org_id}", PASSWORD_HASH, role,
             org_id, "vi", True, 1, created, created + dt.timedelta(hours=1))
        )  # fmt: skip
    w.insert(
        "users",
        ["id", "email", "name", "password_hash", "role", "organization_id", "locale", "active",
         "session_version", "created_at", "email_verified_at"],
        users,
        progress,
        datetimes=["created_at", "email_verified_at"],
        booleans=["active"],
    )  # fmt: skip
    # Each is its organisation's owner (what they may do follows their role in it).
    w.insert(
        "memberships",
        ["id", "user_id", "organization_id", "role", "created_at"],
        [(user[0], user[0], user[5], "owner", user[9]) for user in users],
        datetimes=["created_at"],
    )  # fmt: skip
    timings["users"] = progress.finish()


def _rating_counts(rnd: random.Random, n: int, total: int, cap: int) -> list[int]:
    """Split `total` reviews over `n` listings with a long tail (many with none).

    No listing gets more than `cap` (one review per enterprise, and a few thousand at most
    for the most popular listing).
    """
    if n == 0:
        return []
    total = min(total, n * cap)
    weights = [rnd.paretovariate(1.5) if rnd.random() < 0.75 else 0.0 for _ in range(n)]
    scale = total / (sum(weights) or 1.0)
    counts = [min(cap, int(wt * scale)) for wt in weights]
    # Hand out what rounding and the cap left, one each to listings that still have room.
    remainder = total - sum(counts)
    while remainder > 0:
        room = [i for i, c in enumerate(counts) if 0 < c < cap] or [
            i for i, c in enumerate(counts) if c < cap
        ]
        for i in rnd.sample(room, min(len(room), remainder)):
            counts[i] += 1
        remainder = total - sum(counts)
    return counts


def generate_solutions(
    w: Writer, rnd: random.Random, sizes: Sizes, g: Generated, timings: dict
) -> None:
    from marketplace.core.text import slugify

    categories = {
        slug: cid for cid, slug in w.execute("SELECT id, slug FROM categories ORDER BY id")
    }
    parents = {pid for (pid,) in w.execute("SELECT parent_id FROM categories") if pid}
    leaves = [slug for slug, cid in categories.items() if cid not in parents and slug in PRODUCTS]
    from marketplace.catalog.search import tokenize

    shared = [*PRODUCTS.values(), TAGLINES, OPENINGS, SENTENCES, TEXT_VALUES, PLAN_NAMES]
    texts = [t for pool in shared for t in pool]
    texts += [a for row in w.execute("SELECT name_vi, name_en FROM categories") for a in row]
    texts += [
        a for row in w.execute("SELECT label_vi, label_en FROM feature_definitions") for a in row
    ]
    g.vocabulary = {folded for text in texts for _accented, folded in tokenize(text)}
    definitions: dict[int, list[tuple[str, str]]] = {}
    for cid, key, kind in w.execute(
        "SELECT category_id, key, kind FROM feature_definitions ORDER BY category_id, position"
    ):
        definitions.setdefault(cid, []).append((key, kind))

    n = sizes.solutions
    # Popular vendors list many solutions: vendor index skewed towards the first ones.
    g.rating_counts = _rating_counts(rnd, n, sizes.reviews, min(sizes.enterprises, 2_000))
    stars_of: list[list[int]] = []
    progress = Progress("solutions", n)
    solution_rows, plan_rows, feature_rows = [], [], []
    plan_id = feature_id = 0
    for i in range(n):
        sid = i + 1
        vendor_no = min(sizes.vendors - 1, int(sizes.vendors * rnd.random() ** 1.5))
        vendor_id = g.vendor_ids[vendor_no]
        brand = g.brands[vendor_no]
        leaf = rnd.choice(leaves)
        category_id = categories[leaf]
        product = rnd.choice(PRODUCTS[leaf])
        name = f"{product} {brand}{rnd.choice(SUFFIXES)}"[:120]
        slug = f"{slugify(name, 80)}-{sid}"
        p = product.lower() if not product.isupper() else product
        tagline = rnd.choice(TAGLINES).format(p=p)
        tagline = tagline[0].upper() + tagline[1:]
        body = [rnd.choice(OPENINGS).format(name=name, p=p)]
        body += [" ".join(rnd.sample(SENTENCES, 3)) for _ in range(rnd.randint(1, 2))]
        body.append("- " + "\n- ".join(rnd.sample(SENTENCES, 3)))
        description = "\n\n".join(body)
        published = BASE_TIME - dt.timedelta(minutes=rnd.randint(0, 3 * 365 * 24 * 60))
        created = published - dt.timedelta(days=rnd.randint(1, 30))

        # Plans: 1–4, sometimes a free tier, a trial on some.
        n_plans = rnd.choice((1, 2, 2, 3, 3, 3, 4))
        start = rnd.randint(0, len(PRICES) - n_plans)
        has_trial = rnd.random() < 0.4
        trial = rnd.choice((7, 14, 30)) if has_trial else 0
        prices = []
        for k in range(n_plans):
            plan_id += 1
            price = 0 if k == 0 and rnd.random() < 0.1 else PRICES[start + k]
            prices.append(price)
            period = rnd.choice(("month", "month", "month", "year", "year", "once"))
            plan_rows.append(
                (plan_id, sid, PLAN_NAMES[k], price, period, trial if k < 2 else 0,
                 f"Tối đa {5 * (k + 1)} người dùng", True, k)
            )  # fmt: skip

        # Features: the category's vocabulary, sometimes an extra.
        position = 0
        for key, kind in definitions.get(category_id, []):
            if rnd.random() < 0.15:
                continue
            feature_id += 1
            value = rnd.choice(("yes", "yes", "no")) if kind == "bool" else rnd.choice(TEXT_VALUES)
            feature_rows.append((feature_id, sid, key, None, value, position))
            position += 1
        if rnd.random() < 0.3:
            feature_id += 1
            feature_rows.append((feature_id, sid, "x-support", "Hỗ trợ", "24/7", position))

        # Ratings: a quality per listing, each review scattered around it.
        count = g.rating_counts[i]
        quality = min(5.0, max(1.0, rnd.gauss(4.0, 0.6)))
        stars = [min(5, max(1, round(quality + rnd.gauss(0, 0.9)))) for _ in range(count)]
        stars_of.append(stars)

        g.solution_vendor.append(vendor_id)
        g.solution_category.append(category_id)
        g.solution_published.append(published)
        g.solution_slugs.append(slug)
        g.solution_names.append(name)
        g.solution_products.append(product)
        solution_rows.append(
            [sid, vendor_id, slug, "published", name, tagline, description, category_id,
             rnd.choice(DEPLOYMENTS), None, None, None, created, published, created, published,
             min(prices), trial, count, 0.0, 0.0]
        )  # fmt: skip
        if (i + 1) % CHUNK == 0:
            progress.set(i + 1)
    timings["solutions (build)"] = progress.finish()

    # Rating aggregates as the reviews domain keeps them: the average, and its Bayesian
    # score that pulls listings with few reviews towards the prior.
    for row, stars in zip(solution_rows, stars_of, strict=True):
        if stars:
            row[19] = round(sum(stars) / len(stars), 4)
            row[20] = round(bayesian_score(sum(stars), len(stars)), 4)

    progress = Progress("solutions", n)
    w.insert(
        "solutions",
        ["id", "vendor_id", "slug", "status", "name", "tagline", "description", "category_id",
         "deployment", "website", "logo_id", "status_reason", "created_at", "updated_at",
         "submitted_at", "published_at", "min_price_vnd", "max_trial_days", "rating_count",
         "rating_avg", "rating_score"],
        solution_rows,
        progress,
        datetimes=["created_at", "updated_at", "submitted_at", "published_at"],
    )  # fmt: skip
    timings["solutions"] = progress.finish()
    progress = Progress("plans", len(plan_rows))
    w.insert(
        "plans",
        ["id", "solution_id", "name", "price_vnd", "period", "trial_days", "limits", "active",
         "position"],
        plan_rows,
        progress,
        booleans=["active"],
    )  # fmt: skip
    timings["plans"] = progress.finish()
    progress = Progress("features", len(feature_rows))
    w.insert(
        "solution_features",
        ["id", "solution_id", "key", "label", "value", "position"],
        feature_rows,
        progress,
    )
    timings["features"] = progress.finish()
    g.stars = stars_of  # type: ignore[attr-defined]


# Review columns the generator knows how to fill (the reviews domain is being built):
# column name → function(review) giving its value.
def _review_fillers() -> dict[str, Callable[[dict], Any]]:
    return {
        "id": lambda r: r["id"],
        "solution_id": lambda r: r["solution_id"],
        "organization_id": lambda r: r["org_id"],
        "org_id": lambda r: r["org_id"],
        "enterprise_id": lambda r: r["org_id"],
        "author_id": lambda r: r["user_id"],
        "user_id": lambda r: r["user_id"],
        "overall": lambda r: r["stars"],
        "rating": lambda r: r["stars"],
        "stars": lambda r: r["stars"],
        "ease_of_use": lambda r: r["aspects"][0],
        "features": lambda r: r["aspects"][1],
        "support": lambda r: r["aspects"][2],
        "value": lambda r: r["aspects"][3],
        "title": lambda r: r["title"],
        "body": lambda r: r["body"],
        "verified": lambda r: r["verified"],
        "status": lambda r: "published",
        "helpful_count": lambda r: 0,
        "helpful_votes": lambda r: 0,
        "created_at": lambda r: r["created_at"],
        "updated_at": lambda r: r["created_at"],
        "published_at": lambda r: r["created_at"],
    }


def generate_reviews(
    w: Writer, rnd: random.Random, sizes: Sizes, g: Generated, timings: dict
) -> str:
    """Insert review rows when the reviews table exists; say what was done."""
    if not w.has_table("reviews"):
        return "aggregates only (no reviews table in the schema yet)"
    fillers = _review_fillers()
    reflected = w.table_columns("reviews")
    columns = [c["name"] for c in reflected if c["name"] in fillers]
    try:
        w.check_columns("reviews", columns)
    except SystemExit as err:
        return f"aggregates only (reviews table not fillable: {err})"
    datetimes = [
        c["name"] for c in reflected if c["name"] in columns and "DATE" in str(c["type"]).upper()
    ]
    booleans = [
        c["name"] for c in reflected if c["name"] in columns and "BOOL" in str(c["type"]).upper()
    ]
    progress = Progress("reviews", sizes.reviews)
    enterprises = g.enterprise_ids

    # What each listing's row keeps of its reviews (`rating_breakdown`, migration 0028), in
    # the reviews domain's own shape: per star, and the sums of the sub-ratings.
    from marketplace.reviews.models import ASPECTS
    from marketplace.reviews.queries import RatingSummary

    summaries: dict[int, RatingSummary] = {}

    def rows():
        review_id = 0
        for i, stars in enumerate(g.stars):  # type: ignore[attr-defined]
            if not stars:
                continue
            orgs = rnd.sample(enterprises, min(len(enterprises), len(stars)))
            for org_id, star in zip(orgs, stars, strict=False):
                review_id += 1
                review = {
                    "id": review_id,
                    "solution_id": i + 1,
                    "org_id": org_id,
                    "user_id": g.user_of_org[org_id],
                    "stars": star,
                    "aspects": [min(5, max(1, star + rnd.choice((-1, 0, 0, 1)))) for _ in "abcd"],
                    "title": rnd.choice(REVIEW_TITLES),
                    "body": rnd.choice(REVIEW_BODIES),
                    "verified": rnd.random() < 0.5,
                    "created_at": g.solution_published[i]
                    + dt.timedelta(hours=rnd.randint(1, 9000)),
                }
                kept = summaries.setdefault(i + 1, RatingSummary())
                kept.histogram[star] += 1
                for aspect, value in zip(ASPECTS, review["aspects"], strict=True):
                    kept.aspect_totals[aspect] += value
                yield [fillers[c](review) for c in columns]

    count = w.insert("reviews", columns, rows(), progress, datetimes=datetimes, booleans=booleans)
    timings["reviews"] = progress.finish()
    if any(c["name"] == "rating_breakdown" for c in w.table_columns("solutions")):
        started = time.perf_counter()
        from sqlalchemy import text

        update = text("UPDATE solutions SET rating_breakdown = :kept WHERE id = :id")
        items = [{"id": i, "kept": json.dumps(r.breakdown())} for i, r in summaries.items()]
        with w.engine.begin() as conn:
            for start in range(0, len(items), 5_000):
                conn.execute(update, items[start : start + 5_000])
        timings["rating breakdowns"] = time.perf_counter() - started
    return f"{count:,} review rows (columns: {', '.join(columns)})"


def choose_inputs(g: Generated, sizes: Sizes) -> dict[str, Any]:
    """Pick the pages the runner requests: a popular solution, four to compare, the queries."""
    from marketplace.core.text import fold

    n = len(g.solution_slugs)
    by_count = sorted(range(n), key=lambda i: -g.rating_counts[i])
    top = by_count[0]
    same_category = [i for i in by_count if g.solution_category[i] == g.solution_category[top]]
    compare = [g.solution_slugs[i] for i in same_category[:4]]
    # Selective: a brand with few listings, plus a word of one of its product names.
    listings: dict[int, list[int]] = {}
    for i, vendor_id in enumerate(g.solution_vendor):
        listings.setdefault(vendor_id, []).append(i)

    def rare(brand: str) -> bool:
        # No word of the brand appears in the shared texts ("Đông" would match "hợp đồng").
        return not any(word in g.vocabulary for word in fold(brand).split())

    brand_of = dict(zip(g.vendor_ids, g.brands, strict=False))
    candidates = sorted(
        (len(items), v) for v, items in listings.items() if len(items) >= 2 and rare(brand_of[v])
    ) or sorted((len(items), v) for v, items in listings.items())
    vendor_id = candidates[0][1]
    brand = brand_of[vendor_id]
    product = g.solution_products[listings[vendor_id][0]].split()
    per_page = 20
    pages = max(1, math.ceil(n / per_page))
    return {
        "solution": g.solution_slugs[top],
        "compare": compare,
        "broad_query": "quản lý",
        "selective_query": " ".join([*product[:2], brand]).lower(),
        "unaccented_query": "hoa don dien tu",
        "deep_page": min(10_000, max(1, pages // 2)),
    }


def generate(url: str, sizes: Sizes, seed: int = 2026, *, force: bool = False) -> dict[str, Any]:
    """Rebuild the benchmark database and fill it; return the summary (also written as JSON)."""
    started = time.perf_counter()
    timings: dict[str, float] = {}
    reset_database(url, force=force)
    app = make_app(url)
    from flask_migrate import upgrade
    from sqlalchemy import text

    from marketplace.catalog import search_index
    from marketplace.extensions import db

    t0 = time.perf_counter()
    with app.app_context():
        upgrade(directory=str(PROJECT_ROOT / "migrations"))
        engine = db.engine
        from alembic.migration import MigrationContext

        with engine.connect() as conn:
            revision = MigrationContext.configure(conn).get_current_revision()
    timings["migrations"] = time.perf_counter() - t0
    print(f"schema at revision {revision}", file=sys.stderr)

    rnd = random.Random(seed)
    g = Generated()
    with app.app_context():
        w = Writer(db.engine)
        try:
            generate_orgs(w, rnd, sizes, g, timings)
            generate_solutions(w, rnd, sizes, g, timings)
            reviews_note = generate_reviews(w, rnd, sizes, g, timings)
            w.reset_sequences(
                ["organizations", "users", "memberships", "solutions", "plans", "solution_features"]
            )
            if w.has_table("reviews"):
                w.reset_sequences(["reviews"])
        finally:
            w.close()

        if db.engine.dialect.name == "sqlite":
            # This connection only: the FTS5 merges want a large page cache, and a crash
            # midway means generating again anyway.
            db.session.execute(text("PRAGMA cache_size=-262144"))
            db.session.execute(text("PRAGMA synchronous=OFF"))
        gin = []
        if db.engine.dialect.name == "postgresql":
            # Building the GIN indexes once at the end is much faster than growing them
            # row by row (this database is the benchmark's own).
            gin = db.session.execute(
                text(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'solution_search'"
                    " AND indexdef ILIKE '%USING gin%'"
                )
            ).all()
            for name, _definition in gin:
                db.session.execute(text(f'DROP INDEX "{name}"'))
        progress = Progress("search index", sizes.solutions)
        indexed = search_index.reindex_all(progress=progress.set)
        db.session.commit()
        _create_indexes(db.engine, [definition for _name, definition in gin])
        timings["search index"] = progress.finish()
        # Rows written in bulk renewed no stamp: renew it, so that nothing kept before (an
        # engine's index, a kept page) is taken for this data.
        from marketplace.core import stamps

        stamps.stamp_for(app).renew()

        t0 = time.perf_counter()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            with db.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.commit()
        timings["analyze"] = time.perf_counter() - t0
        db.session.remove()
        db.engine.dispose()

    total = time.perf_counter() - started
    summary = {
        "backend": backend_of(url),
        "database": safe_url(url),
        "revision": revision,
        "data_version": DATA_VERSION,
        "seed": seed,
        "sizes": {
            "solutions": sizes.solutions,
            "organisations": sizes.orgs,
            "vendors": sizes.vendors,
            "enterprises": sizes.enterprises,
            "reviews": sizes.reviews,
            "indexed": indexed,
        },
        "reviews": reviews_note,
        "timings_s": {k: round(v, 2) for k, v in timings.items()},
        "generation_s": round(total, 1),
        "inputs": choose_inputs(g, sizes),
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    meta_path(url).write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"generated in {total:.1f}s; reviews: {reviews_note}", file=sys.stderr)
    return summary


def _create_indexes(engine, definitions: list[str]) -> None:
    """Build these indexes on as many connections as there are cores: PostgreSQL 15 builds
    a GIN index on one core, and the two large ones of the search table took about a
    minute each, one after the other."""
    from concurrent.futures import ThreadPoolExecutor

    def build(definition: str) -> None:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("SET maintenance_work_mem = '512MB'")
            conn.exec_driver_sql(definition)

    with ThreadPoolExecutor(max_workers=max(1, min(len(definitions), os.cpu_count() or 1))) as pool:
        list(pool.map(build, definitions))  # raises what a build raised


def meta_path(url: str) -> Path:
    return OUT_DIR / f"meta-{backend_of(url)}.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--solutions", type=int, default=Sizes.solutions)
    parser.add_argument("--orgs", type=int, default=Sizes.orgs)
    parser.add_argument("--reviews", type=int, default=Sizes.reviews)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--force", action="store_true", help="allow a database not named *bench*")
    args = parser.parse_args(argv)
    sizes = Sizes(solutions=args.solutions, orgs=args.orgs, reviews=args.reviews)
    generate(database_url(args.database_url), sizes, args.seed, force=args.force)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
