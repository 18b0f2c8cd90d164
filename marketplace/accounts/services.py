"""Account rules: sign-up, sign-in, profile and password changes, staff creation."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from marketplace.accounts import membership, roles
from marketplace.accounts.legal import record_consents
from marketplace.accounts.models import (
    STAFF_ROLES,
    Membership,
    Organization,
    OrgKind,
    Role,
    User,
    VerificationRequest,
)
from marketplace.accounts.validation import (
    HOUSEHOLD,
    normalise_phone,
    normalise_tax_code,
    password_problem,
    tax_code_problem,
)
from marketplace.core import database, events, geography, stamps
from marketplace.core.audit import record_audit
from marketplace.core.database import utcnow
from marketplace.core.errors import DomainError
from marketplace.core.media import upload_owner_id
from marketplace.core.params import parse_id, parse_int
from marketplace.core.permissions import deny, require
from marketplace.core.text import clean_reason
from marketplace.extensions import db


class AccountError(DomainError):
    """A rule was broken; `field` names the form field the message belongs to."""


class TaxCodeTaken(AccountError):
    """The tax code belongs to an organisation already on the marketplace."""


@dataclass
class OrgDetails:
    name: str
    tax_code: str
    phone: str
    industry: str | None = None
    street_address: str | None = None
    province_code: str | None = None
    commune_code: str | None = None
    size_band: str | None = None
    website: str | None = None


def check_address(kind: str, details: OrgDetails) -> None:
    """Normalise the address in `details`, or raise AccountError by its field.

    Enterprises are in the served province and must choose one of its commune-level units.
    A vendor's head office may be in any province and its address is optional: in the served
    province it may choose the commune, elsewhere the commune is part of the street address
    (the select lists the served province's units only, so it works without JavaScript).
    """
    served = geography.served_province_code()
    if kind == OrgKind.ENTERPRISE:
        asked = geography.normalise_province_code(details.province_code)
        if details.province_code and asked != served:
            raise AccountError(
                _(
                    "Doanh nghiệp tham gia Chợ cần có trụ sở tại %(province)s.",
                    province=geography.served_province().full_name,
                ),
                "province_code",
            )
        province_code = served
    else:
        province_code = geography.normalise_province_code(details.province_code)
        if province_code is None and details.province_code:
            raise AccountError(_("Vui lòng chọn tỉnh/thành phố của trụ sở."), "province_code")
    code = (details.commune_code or "").strip()
    if province_code is None and code:
        province_code = served  # a vendor that chose a commune of the list
    if province_code != served:
        if code:
            raise AccountError(
                _("Phường/xã đã chọn không thuộc tỉnh/thành phố của trụ sở."), "commune_code"
            )
        details.province_code, details.commune_code = province_code, None
    elif not code:
        if kind == OrgKind.ENTERPRISE:
            raise AccountError(_("Vui lòng chọn phường/xã."), "commune_code")
        details.province_code, details.commune_code = province_code, None
    else:
        commune = geography.commune(code)
        if commune is None:
            # Also what a form of before 2025 sends: a district code such as "cam-giang".
            raise AccountError(
                _("Phường/xã không có trong danh mục đơn vị hành chính hiện hành."), "commune_code"
            )
        if commune.province_code != served:
            raise AccountError(
                _(
                    "Phường/xã này không thuộc %(province)s.",
                    province=geography.served_province().full_name,
                ),
                "commune_code",
            )
        details.province_code, details.commune_code = served, commune.code
    details.street_address = (details.street_address or "").strip()[:255] or None


def hash_password(password: str) -> str:
    """Hash a password with the configured method (scrypt unless configured otherwise)."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return generate_password_hash(password, method=method)


# A hash to compare against when no user matches, so timing does not reveal which e-mails exist.
_DUMMY_HASH: dict[str, str] = {}


def _dummy_hash() -> str:
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    if method not in _DUMMY_HASH:
        _DUMMY_HASH[method] = generate_password_hash("not-a-real-password", method=method)
    return _DUMMY_HASH[method]


def normalise_email(email: str) -> str:
    """Return the one stored form of an e-mail address, so that variants find one account.

    NFKC folds compatibility forms (full-width `ｄｅｍｏ.ｖｎ` is `demo.vn`), the address is
    lower-cased whole (as it always was here: e-mails are unique whatever their case), and an
    internationalised domain is kept in its IDNA (`xn--…`) form. Text that is not an e-mail
    address is only folded and lower-cased: it can match no account.
    """
    text = unicodedata.normalize("NFKC", (email or "").strip()).lower()
    try:
        checked = validate_email(text, check_deliverability=False)
    except (EmailNotValidError, UnicodeError, ValueError):
        return text
    return f"{checked.local_part}@{checked.ascii_domain}".lower()


def find_user_by_email(email: str) -> User | None:
    """Return the user with this e-mail, whatever its case or Unicode variant."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def email_taken(email: str) -> bool:
    return find_user_by_email(email) is not None


def check_org_unique(kind: str, tax_code: str, exclude_id: int | None = None) -> None:
    query = select(Organization.id).where(
        Organization.kind == kind, Organization.tax_code == tax_code
    )
    if exclude_id is not None:
        query = query.where(Organization.id != exclude_id)
    if db.session.scalar(query) is not None:
        raise TaxCodeTaken(
            _(
                "Mã số thuế này đã được đăng ký trên Chợ. Nếu bạn làm việc cho tổ chức này, "
                "hãy gửi yêu cầu gia nhập."
            ),
            "tax_code",
        )


def is_household(kind: str, size_band: str | None) -> bool:
    """Tell whether an organisation is a household business (may use a personal id number)."""
    return kind == OrgKind.ENTERPRISE and size_band == HOUSEHOLD


def checked_tax_code(value: str, *, household: bool) -> str:
    """Return the tax identifier in its stored form; raise AccountError naming the rule broken."""
    problem = tax_code_problem(value, household=household)
    if problem:
        raise AccountError(problem, "tax_code")
    return normalise_tax_code(value)


def register_account(
    *, kind: str, email: str, name: str, password: str, org: OrgDetails, locale: str = "vi"
) -> User:
    """Create an organisation of `kind` and its first user; vendors start unverified."""
    if kind not in (OrgKind.ENTERPRISE, OrgKind.VENDOR):
        raise AccountError(_("Loại tài khoản không hợp lệ."), "kind")
    email = normalise_email(email)
    if len(email) > 254 or "@" not in email:
        raise AccountError(_("Địa chỉ e-mail không hợp lệ."), "email")
    if email_taken(email):
        raise AccountError(_("E-mail này đã được dùng cho một tài khoản khác."), "email")
    problem = password_problem(password, email=email)
    if problem:
        raise AccountError(problem, "password")
    phone = normalise_phone(org.phone)
    if phone is None:
        raise AccountError(_("Số điện thoại không hợp lệ."), "phone")
    tax_code = checked_tax_code(org.tax_code, household=is_household(kind, org.size_band))
    check_address(kind, org)
    check_org_unique(kind, tax_code)

    organization = Organization(
        kind=kind,
        name=org.name,
        tax_code=tax_code,
        street_address=org.street_address or None,
        province_code=org.province_code,
        commune_code=org.commune_code,
        industry=org.industry or None,
        size_band=org.size_band or None,
        website=org.website or None,
        phone=phone,
    )
    user = User(
        email=email,
        name=name,
        password_hash=hash_password(password),
        role=Role.VENDOR if kind == OrgKind.VENDOR else Role.ENTERPRISE,
        organization=organization,
        locale=locale if locale in ("vi", "en") else "vi",
    )
    db.session.add_all([organization, user])
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        # A concurrent sign-up won the race for the e-mail or the tax code.
        text = str(exc.orig).lower()
        if "email" in text:
            raise AccountError(
                _("E-mail này đã được dùng cho một tài khoản khác."), "email"
            ) from exc
        raise AccountError(_("Mã số thuế này đã được đăng ký trên Chợ."), "tax_code") from exc
    # Whoever registers the organisation owns it.
    db.session.add(Membership(user_id=user.id, organization_id=organization.id, role="owner"))
    db.session.flush()
    # The form's checkbox accepted the versions on the pages now: keep which and when.
    record_consents(user)
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None."""
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(_dummy_hash(), password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    if not user.is_active:
        return None
    return user


def record_login(user: User) -> None:
    user.last_login_at = utcnow()
    db.session.flush()


def update_profile(actor: User, *, name: str, locale: str) -> None:
    """Change the actor's own display name and interface language."""
    actor.name = name
    if locale in ("vi", "en"):
        actor.locale = locale
    db.session.flush()


def change_password(actor: User, *, current: str, new: str) -> None:
    """Replace the actor's password and end every other session."""
    if not check_password_hash(actor.password_hash, current or ""):
        raise AccountError(_("Mật khẩu hiện tại không đúng."), "current_password")
    problem = password_problem(new, email=actor.email)
    if problem:
        raise AccountError(problem, "password")
    actor.password_hash = hash_password(new)
    end_all_sessions(actor)


def end_all_sessions(user: User) -> None:
    """Invalidate every session and remember-me cookie of this user."""
    user.session_version = (user.session_version or 1) + 1
    db.session.flush()


def create_staff_user(*, role: str, email: str, name: str, password: str) -> User:
    """Create a moderator or administrator (command line only)."""
    if role not in STAFF_ROLES:
        raise AccountError("role must be moderator or admin", "role")
    email = normalise_email(email)
    if not email or "@" not in email:
        raise AccountError("a valid e-mail is required", "email")
    if email_taken(email):
        raise AccountError(f"{email} is already registered", "email")
    problem = password_problem(password, email=email)
    if problem:
        raise AccountError(problem, "password")
    user = User(email=email, name=name, password_hash=hash_password(password), role=role)
    db.session.add(user)
    db.session.flush()
    return user


def load_user(user_id: str) -> User | None:
    """Resolve a session's `id:version` to a user, refusing stale sessions.

    The user's row is kept per process until any commit writes a user
    (`stamps.account_value`): a signed-in page then reads no row to know who asks, and a
    password change, a sign-out everywhere or a closed account is still seen at once.
    """
    raw_id, _, raw_version = (user_id or "").partition(":")
    user_pk, version = parse_id(raw_id), parse_int(raw_version, low=0, high=2**31 - 1)
    if user_pk is None or version is None:
        return None
    read: list[User | None] = []

    def row() -> dict | None:
        # With the membership the request's first permission check reads (one statement).
        read.append(membership.user_with_membership(user_pk))
        return None if read[0] is None else _columns(read[0])

    columns = stamps.account_value(("user", user_pk), row)
    user = read[0] if read else (None if columns is None else database.loaded(User, columns))
    if user is None or user.session_version != version or not user.active:
        return None  # a stale session, or an account an administrator closed
    return user


def _columns(user: User) -> dict:
    return {key: getattr(user, key) for key in membership.USER_KEYS}


def public_counts() -> dict[str, int]:
    """Count the organisations on the marketplace, by kind."""
    rows = db.session.execute(
        select(Organization.kind, func.count(Organization.id)).group_by(Organization.kind)
    ).all()
    counts = {"vendor": 0, "enterprise": 0}
    counts.update(dict(rows))
    return counts


def landing_endpoint(user: User) -> str:
    """Name the page a user lands on after signing in: admins the console, moderators the
    moderation desk."""
    if user.role == Role.ADMIN:
        return "admin.index"
    if user.role in STAFF_ROLES:
        return "moderation.index"
    if user.role == Role.VENDOR:
        return "vendor.index"
    return "account.index"


# ---------------------------------------------------------------- vendor verification


@dataclass
class VerificationDetails:
    legal_name: str
    tax_code: str
    address: str
    representative: str
    business_license_no: str = ""
    document_id: int | None = None


def latest_verification(org: Organization | None):
    """Return the organisation's most recent verification request, if any."""
    if org is None:
        return None
    return db.session.scalar(
        select(VerificationRequest)
        .where(VerificationRequest.organization_id == org.id)
        .order_by(VerificationRequest.created_at.desc(), VerificationRequest.id.desc())
        .limit(1)
    )


def request_verification(actor: User, details: VerificationDetails):
    """File a vendor's verification request for the moderators (one open at a time)."""
    org = actor.organization
    if actor.role != Role.VENDOR or org is None:
        deny()
    roles.require_action(actor, "org.request_verification")
    if org.is_verified:
        raise AccountError(_("Nhà cung cấp đã được xác thực."), "form")
    latest = latest_verification(org)
    if latest is not None and latest.status == "pending":
        raise AccountError(_("Yêu cầu xác thực trước đó đang chờ duyệt."), "form")
    if details.tax_code != org.tax_code:
        raise AccountError(_("Mã số thuế phải trùng với mã số thuế của tổ chức."), "tax_code")
    if details.document_id is None:
        raise AccountError(_("Vui lòng tải lên giấy chứng nhận đăng ký doanh nghiệp."), "document")
    if upload_owner_id(details.document_id) != org.id:
        raise AccountError(_("Tài liệu không hợp lệ."), "document")
    request = VerificationRequest(
        organization_id=org.id,
        submitted_by_id=actor.id,
        legal_name=details.legal_name,
        tax_code=details.tax_code,
        address=details.address,
        representative=details.representative,
        business_license_no=details.business_license_no,
        document_id=details.document_id,
    )
    db.session.add(request)
    db.session.flush()
    record_audit(actor, "verification.request", org, data={"request_id": request.id})
    events.verification_requested.send(request)
    return request


def decide_verification(moderator: User, request, *, approve: bool, reason: str | None) -> None:
    """Verify the vendor, or reject its request with a reason; the vendor is told either way."""
    require(moderator.is_authenticated and moderator.is_staff)
    reason = clean_reason(reason, required=not approve, error=AccountError)
    if request.status != "pending":
        raise AccountError(_("Yêu cầu này đã được xử lý."), "form")
    org = request.organization
    old_name = org.name
    request.status = "approved" if approve else "rejected"
    request.reason = reason
    request.decided_at = utcnow()
    request.decided_by_id = moderator.id
    if approve:
        org.verified_at = utcnow()
        org.name = request.legal_name or org.name
    db.session.flush()
    if approve:
        events.vendor_changed.send(org)
    record_audit(
        moderator,
        "verification.approve" if approve else "verification.reject",
        org,
        reason=reason,
        # Verification may rename the organisation to its legal name: an identity change.
        data={"request_id": request.id, "old_name": old_name, "new_name": org.name},
    )
    events.verification_decided.send(request, approve=approve, reason=reason)
