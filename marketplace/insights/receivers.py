"""The counters other domains feed by announcing what happened (receivers of core.events)."""

from __future__ import annotations

from marketplace.core import events
from marketplace.insights import services
from marketplace.insights.models import Metric

# The trial funnel: the statuses a trial is counted at when it reaches them.
TRIAL_METRICS = {
    "requested": Metric.TRIAL_REQUEST,
    "accepted": Metric.TRIAL_ACCEPT,
    "converted": Metric.TRIAL_CONVERT,
}


def count_trial_move(trial, *, status: str, **_details) -> None:
    """Count a trial that reached a step of the funnel."""
    metric = TRIAL_METRICS.get(str(status))
    if metric is not None:
        services.increment_counter(trial.solution_id, metric)


def count_quote_move(quote, *, status: str, previous: str | None = None, **_details) -> None:
    """Count a quote request when it is made, and when it gets its first offer."""
    if status == "requested" and previous is None:
        services.increment_counter(quote.solution_id, Metric.QUOTE_REQUEST)
    elif status == "offered" and previous == "requested" and not quote.offers:
        services.increment_counter(quote.solution_id, Metric.QUOTE_OFFER)


def count_offer_accepted(offer, **_details) -> None:
    """Count an accepted private offer (the quote became an order)."""
    services.increment_counter(offer.quote.solution_id, Metric.QUOTE_ACCEPT)


def count_purchase(payment, **_details) -> None:
    """Count a paid checkout as a purchase."""
    services.record_purchase(payment)


def count_view(solution_id, *, after_response, user, address, user_agent, **_details) -> None:
    """Count a view of a solution's page once the response has been sent."""
    visitor, capped = services.visitor_of(user, address, user_agent)
    services.record_view_after_response(after_response, solution_id, visitor, address=capped)


def count_compare_add(
    solution, *, already_in_tray: bool, user, address, user_agent, **_details
) -> None:
    """Count an addition to the comparison tray, once per visitor and day."""
    visitor, capped = services.visitor_of(user, address, user_agent)
    services.record_compare_add(
        solution.id, already_in_tray=already_in_tray, visitor=visitor, address=capped
    )


def connect() -> None:
    """Subscribe to the events this domain counts (called at app creation)."""
    events.trial_moved.connect(count_trial_move)
    events.quote_moved.connect(count_quote_move)
    events.offer_accepted.connect(count_offer_accepted)
    events.order_paid.connect(count_purchase)
    events.solution_viewed.connect(count_view)
    events.solution_compared.connect(count_compare_add)
