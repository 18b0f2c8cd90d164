"""Reads of the readiness self-assessment that other domains ask for."""

from __future__ import annotations


def has_completed_assessment(organization_id: int) -> bool:
    """Whether the organisation has finished at least one readiness self-assessment."""
    return False
