"""What happened in one domain that others react to: blinker signals.

A domain announces a change with `signal.send(sender, **details)` inside the service that
made it, in the caller's transaction; the domains that care connect a receiver in their
`init_app` (at app creation, so no module imports another domain's services to tell it).
Receivers run at once, in the same transaction: their writes commit or roll back with the
change. Each signal says who sends it, what the sender is and who listens today.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

solution_changed = _signals.signal("solution-changed")
"""What the public sees of a listing changed (published, approved revision, suspended,
restored, archived). Sender: the `Solution`. Listens: catalog (search index)."""

vendor_changed = _signals.signal("vendor-changed")
"""A vendor's public name or verification changed. Sender: the `Organization`.
Listens: catalog (re-indexes the vendor's published listings)."""

verification_requested = _signals.signal("verification-requested")
"""A vendor filed a verification request. Sender: the `VerificationRequest`.
Listens: notifications (tells the moderators)."""

verification_decided = _signals.signal("verification-decided")
"""A moderator decided a verification request. Sender: the `VerificationRequest`;
`approve` (bool), `reason` (str | None). Listens: notifications (tells the vendor)."""

organization_change_requested = _signals.signal("organization-change-requested")
"""An organisation asked to change its name or tax code. Sender: the `OrganizationChange`.
Listens: notifications (tells the moderators)."""

organization_change_decided = _signals.signal("organization-change-decided")
"""A moderator decided a name or tax-code change. Sender: the `OrganizationChange`;
`approve` (bool), `reason` (str | None). Listens: notifications (tells the requester)."""

password_reset_requested = _signals.signal("password-reset-requested")
"""Someone asked for a password-reset link for an existing active account. Sender: the
`User`; `path` (the site path of the link, carrying the token). Listens: notifications
(e-mails the link, and nothing in the app)."""

email_verification_requested = _signals.signal("email-verification-requested")
"""A link proving an e-mail address must be sent: after sign-up or a resend (`change` False,
the account's address) or for a new address the user asked to move to (`change` True).
Sender: the `User`; `path` (the site path of the link, carrying the token), `email` (the
address to write to). Listens: notifications (e-mails the link to `email`)."""

email_changed = _signals.signal("email-changed")
"""A user's e-mail address changed (the new one verified). Sender: the `User`;
`old_email`. Listens: notifications (tells the old address)."""

account_erased = _signals.signal("account-erased")
"""A person erased their account: every domain removes or clears the personal data it holds
about them, in the same transaction. Sender: the `User` (already pseudonymous); `old_email`
and `old_name` (what it had). Listens: notifications (deletes their notifications and
e-mails, takes their name out of others'), trials (clears the contact fields of the trials
they asked for)."""
member_invited = _signals.signal("member-invited")
"""Someone was invited to join an organisation. Sender: the `Invitation`; `path` (the site
path of the link, carrying the token), `actor` (the inviter). Listens: notifications (e-mails
the link to the invited address)."""

member_joined = _signals.signal("member-joined")
"""A person joined an organisation. Sender: the new `Membership`; `via` ("invitation" or
"join_request"). Listens: notifications (tells the organisation's owners)."""

membership_changed = _signals.signal("membership-changed")
"""A member's organisation role changed. Sender: the `Membership`; `change` ("role" or
"ownership"), `actor`. Listens: notifications (tells the member)."""

member_removed = _signals.signal("member-removed")
"""A person left or was removed from an organisation. Sender: the `Organization`; `user`,
`actor` (the user themselves when they left). Listens: notifications (tells the person)."""

join_requested = _signals.signal("join-requested")
"""Someone who registered with a taken tax code asks to join the organisation. Sender: the
`JoinRequest`; `dispute_path` (the requester's private link to the moderators). Listens:
notifications (tells the owners in the app and by e-mail, e-mails the requester the link)."""

join_request_decided = _signals.signal("join-request-decided")
"""An owner answered a join request, or a moderator decided its dispute. Sender: the
`JoinRequest`; `accept` (bool). Listens: notifications (e-mails the requester)."""

join_request_disputed = _signals.signal("join-request-disputed")
"""A requester took their join request to the moderators (the organisation was registered
by someone else, or nobody answered). Sender: the `JoinRequest`. Listens: notifications
(tells the moderators)."""

trial_moved = _signals.signal("trial-moved")
"""A trial request was made or changed status. Sender: the `TrialRequest`; `status` (the
new status). Listens: insights (the funnel's counters)."""

quote_moved = _signals.signal("quote-moved")
"""A quote request was made or changed status (a new offer included). Sender: the
`QuoteRequest`; `status` (the new status), `previous` (the old one, None for a new request).
Listens: insights (quotes requested, first offers)."""

offer_accepted = _signals.signal("offer-accepted")
"""An enterprise accepted a vendor's private offer. Sender: the `Offer` (its lines carry
the plan or custom item, quantity, unit price and VAT treatment; `offer.quote` the buyer,
the vendor and the solution); `user` (who accepted). Sent after the order is placed at the
offered price (quotes.services.place_order, same transaction). Listens: insights (quotes
accepted)."""

order_paid = _signals.signal("order-paid")
"""A purchase was paid. Sender: the `Payment` of a card checkout or renewal (Stripe), or the
`Order` of a bank transfer (a card order is announced once, through its `Payment`); both
have `solution_id` and `is_new_purchase`. Listens: insights (purchases)."""

staff_invited = _signals.signal("staff-invited")
"""An administrator created a moderator's or administrator's account: its link lets the
person choose a password. Sender: the new `User`; `path` (the site path of the link,
carrying the token), `actor` (the administrator), `days` (how long the link works).
Listens: notifications (e-mails the link)."""

solution_viewed = _signals.signal("solution-viewed")
"""A solution's public page was shown, rendered or served from the page cache. Sender: the
solution's id; `after_response` (registers a callable to run once the answer is sent),
`user` (None when served from memory), `address`, `user_agent`. Listens: insights (views,
counted after the response)."""

solution_compared = _signals.signal("solution-compared")
"""A solution was put in the comparison tray. Sender: the `Solution`; `already_in_tray`.
Listens: insights (additions to the comparison)."""

programme_changed = _signals.signal("programme-changed")
"""The support programme moved: an application filed or decided, a plan's opt-in decided.
Sender: the `Application` (`what="application"`) or the `PlanOptIn` (`what="opt_in"`);
`status` (the new status). Listens: notifications (tells the enterprise or the vendor)."""
need_published = _signals.signal("need-published")
"""A moderator approved a need: vendors may see it and propose. Sender: the `Need`.
Listens: needs (alerts the vendors whose listings match, once each, unless they opted out)."""

ALL = (
    solution_changed,
    vendor_changed,
    verification_requested,
    verification_decided,
    organization_change_requested,
    organization_change_decided,
    password_reset_requested,
    email_verification_requested,
    email_changed,
    account_erased,
    member_invited,
    member_joined,
    membership_changed,
    member_removed,
    join_requested,
    join_request_decided,
    join_request_disputed,
    trial_moved,
    quote_moved,
    offer_accepted,
    order_paid,
    staff_invited,
    solution_viewed,
    solution_compared,
    programme_changed,
    need_published,
)


def by_name(name: str):
    """Return the signal called `name` (a kept page names what to announce: core/pagecache)."""
    return _signals[name]
