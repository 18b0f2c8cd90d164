"""The terms of use and the privacy policy: their versions, and users' consents to them."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.accounts.models import Consent, User
from marketplace.core import site_settings
from marketplace.core.database import utcnow
from marketplace.extensions import db

# The versions (effective dates) in force until an administrator publishes a newer one in
# the console (/admin/settings, kept in `site_settings`); the page shows the version and
# each consent records it.
TERMS_VERSION = "2026-12-01"
PRIVACY_VERSION = "2026-12-01"
DOCUMENTS = ("terms", "privacy")


def current_versions() -> dict[str, str]:
    """Return the version in force of each document: document → ISO date."""
    settings = site_settings.current()
    return {
        "terms": settings.terms_version or TERMS_VERSION,
        "privacy": settings.privacy_version or PRIVACY_VERSION,
    }


def versions_key() -> str:
    """Name the versions in force in one string (kept in a session once accepted)."""
    return "|".join(f"{doc}:{version}" for doc, version in sorted(current_versions().items()))


def record_consents(user: User) -> list[Consent]:
    """Record that `user` accepted the current terms and privacy policy, now."""
    now = utcnow()
    consents = [
        Consent(user_id=user.id, document=document, version=version, accepted_at=now)
        for document, version in current_versions().items()
    ]
    db.session.add_all(consents)
    db.session.flush()
    return consents


def consents_of(user: User) -> list[Consent]:
    """Return every consent the user gave, oldest first."""
    return list(
        db.session.scalars(select(Consent).where(Consent.user_id == user.id).order_by(Consent.id))
    )


def outdated_documents(user: User) -> list[str]:
    """Name the documents whose version changed since the user last accepted them.

    Accounts made before consents were recorded have none and are not asked here.
    """
    latest = dict(
        db.session.execute(
            select(Consent.document, func.max(Consent.version))
            .where(Consent.user_id == user.id)
            .group_by(Consent.document)
        ).all()
    )
    if not latest:
        return []
    return [doc for doc, version in current_versions().items() if latest.get(doc) != version]
