"""Reads of the public vendor pages: the directory and one vendor's page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from marketplace.accounts.models import Organization, OrgKind
from marketplace.catalog.models import Solution, SolutionStatus, VendorProfile
from marketplace.catalog.queries import category_ids
from marketplace.core import stamps
from marketplace.core.text import fold
from marketplace.extensions import db

PER_PAGE = 12
DIRECTORY_PER_PAGE = 24


@dataclass
class VendorSummary:
    organization: Organization
    profile: VendorProfile | None
    solutions: int
    rating_count: int
    rating_avg: float | None


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    def iter_pages(self, *, left_edge=1, right_edge=1, left_current=2, right_current=2):
        """Yield page numbers with None for gaps, as Flask-SQLAlchemy's pagination does."""
        last = 0
        for n in range(1, self.pages + 1):
            if (
                n <= left_edge
                or self.page - left_current <= n <= self.page + right_current
                or n > self.pages - right_edge
            ):
                if last + 1 != n:
                    yield None
                yield n
                last = n


def _figures(*where) -> select:
    """Published solutions, review count and weighted average rating per vendor."""
    rated = func.sum(Solution.rating_avg * Solution.rating_count)
    reviews = func.sum(Solution.rating_count)
    return (
        select(
            Solution.vendor_id,
            func.count(Solution.id),
            reviews,
            case((reviews > 0, rated / reviews), else_=None),
        )
        .where(Solution.status == SolutionStatus.PUBLISHED, *where)
        .group_by(Solution.vendor_id)
    )


def directory(*, q: str = "", category: str = "", verified: bool = False, page: int = 1) -> Page:
    """Return one page of the vendors with published solutions: one query for the page's
    vendors once the directory's rows are kept (three when they are not).

    The name search folds Vietnamese (`viettel hai duong` finds `Viettel Hải Dương`); it runs
    over the kept rows (a few thousand vendors at most) in Python, like the tray's slugs, so
    the same folding as the catalogue applies on every database.
    """
    listed = stamps.public_value(("vendor-directory", category), lambda: _directory_rows(category))
    wanted = fold(q).split()
    rows = [
        r for r in listed if (not verified or r.verified) and all(w in r.folded for w in wanted)
    ]
    total = len(rows)
    pages = max(1, -(-total // DIRECTORY_PER_PAGE))
    page = min(max(1, page), pages)
    shown = rows[(page - 1) * DIRECTORY_PER_PAGE : page * DIRECTORY_PER_PAGE]
    chosen = [r.id for r in shown]
    loaded = (
        {
            org.id: (org, profile)
            for org, profile in db.session.execute(
                select(Organization, VendorProfile)
                .outerjoin(VendorProfile, VendorProfile.organization_id == Organization.id)
                .options(joinedload(VendorProfile.logo))
                .where(Organization.id.in_(chosen))
            ).all()
        }
        if chosen
        else {}
    )
    items = []
    for row in shown:
        org, profile = loaded[row.id]
        items.append(VendorSummary(org, profile, row.solutions, row.reviews, row.average))
    return Page(items, total, page, DIRECTORY_PER_PAGE)


@dataclass(frozen=True)
class _DirectoryRow:
    id: int
    folded: str  # the name folded, for the search by name
    verified: bool
    solutions: int
    reviews: int
    average: float | None


def _directory_rows(category: str) -> list[_DirectoryRow]:
    """Every active vendor with published solutions (in `category` and its children), in
    the directory's order: most solutions first, then by name. Kept under the content stamp
    (stamps.public_value): it groups every published listing (0.1–0.2 s at 100,000)."""
    where = []
    if category:
        ids = category_ids(category)
        if ids is None:
            return []
        where.append(Solution.category_id.in_(ids))
    figures = {row[0]: row[1:] for row in db.session.execute(_figures(*where)).all()}
    if not figures:
        return []
    vendors = db.session.execute(
        select(Organization.id, Organization.name, Organization.verified_at.is_not(None)).where(
            Organization.id.in_(figures),
            Organization.kind == OrgKind.VENDOR,
            Organization.active.is_(True),
        )
    ).all()
    rows = []
    for org_id, name, verified in vendors:
        count, reviews, average = figures[org_id]
        rows.append(
            _DirectoryRow(
                org_id, fold(name), bool(verified), int(count), int(reviews or 0), _rounded(average)
            )
        )
    rows.sort(key=lambda r: (-r.solutions, r.folded, r.id))
    return rows


def _rounded(value) -> float | None:
    return round(float(value), 1) if value is not None else None


def vendor_by_slug(slug: str) -> VendorSummary | None:
    """Return an active vendor by its slug with its profile and figures (two queries)."""
    row = db.session.execute(
        select(Organization, VendorProfile)
        .outerjoin(VendorProfile, VendorProfile.organization_id == Organization.id)
        .options(joinedload(VendorProfile.logo))
        .where(
            Organization.slug == slug[:90],
            Organization.kind == OrgKind.VENDOR,
            Organization.active.is_(True),
        )
    ).first()
    if row is None:
        return None
    org, profile = row
    figures = db.session.execute(_figures(Solution.vendor_id == org.id)).first()
    count, reviews, average = figures[1:] if figures else (0, 0, None)
    return VendorSummary(org, profile, int(count), int(reviews or 0), _rounded(average))


def vendor_solutions_page(vendor_id: int, page: int, total: int) -> Page:
    """Return one page of a vendor's published solutions, best rated first (one query)."""
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, page), pages)
    items = list(
        db.session.scalars(
            select(Solution)
            .where(Solution.vendor_id == vendor_id, Solution.status == SolutionStatus.PUBLISHED)
            .options(
                joinedload(Solution.vendor),
                joinedload(Solution.category),
                joinedload(Solution.logo),
            )
            .order_by(
                Solution.rating_score.desc(), Solution.published_at.desc(), Solution.id.desc()
            )
            .limit(PER_PAGE)
            .offset((page - 1) * PER_PAGE)
        ).unique()
    )
    return Page(items, total, page, PER_PAGE)
