"""Writing the audit log now lives in core; kept importable from here for older imports."""

from __future__ import annotations

from marketplace.core.audit import AuditLog, record_audit

__all__ = ["AuditLog", "record_audit"]
