"""The audit log's model now lives in core; kept importable from here for older imports."""

from __future__ import annotations

from marketplace.core.audit import AuditLog

__all__ = ["AuditLog"]
