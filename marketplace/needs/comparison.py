"""How the enterprise's comparison of proposals reads: which proposals stand in it and in what
order, their compared prices, the "lowest" marks and the plans a trial may be asked for.

Pure functions over loaded proposals (the prices come from `rules.proposal_prices`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _

from marketplace.needs.models import Proposal, ProposalStatus
from marketplace.needs.rules import ProposalPrices
from marketplace.trials.rules import trial_plans


@dataclass
class Comparison:
    """The proposals side by side: `prices` and `cheapest` are keyed by proposal id."""

    proposals: list[Proposal] = field(default_factory=list)
    prices: dict[int, ProposalPrices] = field(default_factory=dict)
    cheapest: dict[int, str] = field(default_factory=dict)


def compare_proposals(proposals: Iterable[Proposal], *, sealed: bool) -> Comparison:
    """Return the comparison of a need's proposals: none while they are sealed, never a
    withdrawn one; the shortlisted first, then by price (`ProposalPrices.sort_key`)."""
    if sealed:
        return Comparison()
    standing = [p for p in proposals if p.status != ProposalStatus.WITHDRAWN]
    prices = {p.id: p.prices for p in standing}
    standing.sort(key=lambda p: (not p.shortlisted, prices[p.id].sort_key, p.id))
    return Comparison(proposals=standing, prices=prices, cheapest=cheapest(prices))


def cheapest(prices: dict[int, ProposalPrices]) -> dict[int, str]:
    """Return the proposals marked lowest and the row the mark belongs to.

    The catalogue's rule (issue 20): the lowest monthly cost among the proposals with
    recurring lines ("monthly"); one-time-only proposals compete with each other, by their
    one-time cost ("one_time"), only when no proposal recurs. A mark needs at least two
    comparable figures; the first-year total is never marked.
    """
    recurring = {k: v.monthly_vnd for k, v in prices.items() if v.monthly_vnd is not None}
    if recurring:
        group, row = recurring, "monthly"
    else:
        group = {k: v.one_time_vnd for k, v in prices.items() if v.one_time_vnd is not None}
        row = "one_time"
    if len(group) < 2:
        return {}
    low = min(group.values())
    return {k: row for k, v in group.items() if v == low}


def trial_choices(proposal: Proposal) -> list[tuple[str, str]]:
    """Return the trial plans of the proposed listings as ("solution:plan", label) choices."""
    return [
        (f"{s.id}:{p.id}", f"{s.name} — {p.name} ({p.trial_days} " + _("ngày") + ")")
        for s in proposal.solutions
        for p in trial_plans(s)
    ]
