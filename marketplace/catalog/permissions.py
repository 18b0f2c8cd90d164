"""Who may see and change catalogue objects."""

from __future__ import annotations

from sqlalchemy import exists, or_, select

from marketplace.accounts.models import User
from marketplace.catalog.models import Screenshot, Solution, SolutionStatus, Upload, VendorProfile
from marketplace.core.permissions import deny, require
from marketplace.extensions import db


def can_upload(user: User) -> bool:
    """Vendors upload images for their listings and verification; nobody else does."""
    return bool(
        user.is_authenticated and user.role == "vendor" and user.organization_id is not None
    )


def is_public_upload(upload: Upload) -> bool:
    """Tell whether the upload is the logo or a screenshot of a published solution, or the
    logo on its vendor's public page."""
    # The solution must belong to the upload's organisation, so an upload linked by a
    # foreign id (say another vendor's verification document) never becomes public.
    published = (Solution.status == SolutionStatus.PUBLISHED) & (
        Solution.vendor_id == upload.org_id
    )
    as_logo = exists().where(Solution.logo_id == upload.id, published)
    as_screenshot = (
        exists()
        .where(Screenshot.upload_id == upload.id, published)
        .where(Screenshot.solution_id == Solution.id)
    )
    as_vendor_logo = exists().where(
        VendorProfile.logo_id == upload.id, VendorProfile.organization_id == upload.org_id
    )
    return bool(db.session.scalar(select(or_(as_logo, as_screenshot, as_vendor_logo))))


def can_view_upload(user: User, upload: Upload) -> bool:
    """Anyone sees published images; staff and the owning organisation see the rest."""
    return is_public_upload(upload) or can_view_unpublished_upload(user, upload)


def can_view_unpublished_upload(user: User, upload: Upload) -> bool:
    """Staff and members of the owning organisation see images the public does not."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return user.organization_id is not None and user.organization_id == upload.org_id


def is_member(user: User, org_id: int | None) -> bool:
    """Tell whether the user acts for the organisation `org_id`."""
    return bool(
        getattr(user, "is_authenticated", False)
        and org_id is not None
        and user.organization_id == org_id
    )


def can_view_solution(user: User, solution: Solution) -> bool:
    """Published listings are public; any other state only to its vendor and to staff."""
    if solution.status == SolutionStatus.PUBLISHED:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_staff or is_member(user, solution.vendor_id)


def can_edit_solution(user: User, solution: Solution) -> bool:
    """Only members of the owning vendor edit its content; moderators decide, never edit."""
    return (
        getattr(user, "is_authenticated", False)
        and user.role == "vendor"
        and is_member(user, solution.vendor_id)
    )


def require_view_solution(user: User, solution: Solution) -> None:
    require(can_view_solution(user, solution), hide=True)


def require_edit_solution(user: User, solution: Solution) -> None:
    """Refuse: 404 to other vendors (existence must not leak), 403 to everyone else."""
    if can_edit_solution(user, solution):
        return
    other_vendor = getattr(user, "is_authenticated", False) and user.role == "vendor"
    hide = other_vendor or not can_view_solution(user, solution)
    if getattr(user, "is_authenticated", False) and user.role == "enterprise":
        hide = False
    deny(hide=hide)


def can_moderate(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_staff)


def require_moderator(user: User) -> None:
    require(can_moderate(user))
