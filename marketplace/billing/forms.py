"""The checkout and cancel forms: ids only (the price never comes from the request)."""

from __future__ import annotations

from wtforms import HiddenField

from marketplace.core.forms import Form, strip


def parse_id(value: object) -> int | None:
    """Return a positive id from a form or query value, or None for anything else."""
    text = strip(value) if isinstance(value, str) else ""
    if not text or not text.isascii() or not text.isdigit() or len(text) > 12:
        return None
    number = int(text)
    return number or None


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
