"""The checkout and cancel forms: ids only (the price never comes from the request)."""

from __future__ import annotations

from wtforms import HiddenField

from marketplace.core.forms import Form, strip
from marketplace.core.params import parse_id as core_parse_id


def parse_id(value: object) -> int | None:
    """Return an id (1..2³¹−1) from a form or query value, or None for anything else."""
    return core_parse_id(value) if isinstance(value, str) else None


class CheckoutForm(Form):
    """Buy a plan: which plan, the listing it was shown on and the trial it converts."""

    plan_id = HiddenField(filters=[strip])
    solution_id = HiddenField(filters=[strip])
    trial_id = HiddenField(filters=[strip])

    @property
    def ids(self) -> tuple[int | None, int | None, int | None]:
        return (
            parse_id(self.plan_id.data),
            parse_id(self.solution_id.data),
            parse_id(self.trial_id.data),
        )


class CancelSubscriptionForm(Form):
    """Cancel at the end of the paid period (only the CSRF token)."""
