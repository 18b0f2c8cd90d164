"""Every route × every kind of visitor, with the outcome each must get.

A route missing from TABLE fails the test: add its row when you add a route.
Outcomes: "ok" (served or handled: 2xx, 3xx not to sign-in, or 400 for an empty form),
"login" (sent to sign in), or an exact status (403, 404).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from PIL import Image
from sqlalchemy import select

from marketplace.accounts.models import Membership
from marketplace.extensions import db
from tests import factories

ROLES = [
    "anonymous",
    "enterprise",
    "other_enterprise",
    "owner_vendor",
    "other_vendor",
    "moderator",
    "admin",
    # Organisation roles (accounts/roles.py): "enterprise" and "owner_vendor" are owners; these
    # act for the same organisations as a member or a manager.
    "enterprise_member",
    "enterprise_manager",
    "vendor_member",
    "vendor_manager",
]
ENTERPRISE_TEAM = ("enterprise", "enterprise_member", "enterprise_manager")
VENDOR_TEAM = ("owner_vendor", "vendor_member", "vendor_manager")
SIGNED_IN = ROLES[1:]


def every(outcome):
    return dict.fromkeys(ROLES, outcome)


def signed_in(outcome, **overrides):
    table = {"anonymous": "login", **dict.fromkeys(SIGNED_IN, outcome)}
    table.update(overrides)
    return table


def staff_only(outcome="ok"):
    return signed_in(403, moderator=outcome, admin=outcome)


def admin_only(outcome="ok"):
    """The operator's console (/admin/…): administrators; moderators and everyone else 403."""
    return signed_in(403, admin=outcome)


def team(names, outcome="ok"):
    return dict.fromkeys(names, outcome)


def vendors_only(**overrides):
    return signed_in(403, **{"other_vendor": "ok", **team(VENDOR_TEAM), **overrides})


def enterprises_only(**overrides):
    return signed_in(403, **{"other_enterprise": "ok", **team(ENTERPRISE_TEAM), **overrides})


def owner_only(**overrides):
    """A vendor's own listing: other vendors must not learn it exists."""
    return signed_in(403, **{"other_vendor": 404, **team(VENDOR_TEAM), **overrides})


def leads_only(base):
    """The vendor's action that its members (not managers or owners) are refused (403)."""
    return base(vendor_member=403)


def members_row(**overrides):
    """/account/… pages of one's organisation team: every organisation user, not staff."""
    return signed_in("ok", moderator=403, admin=403, **overrides)


# (endpoint, method) → (URL template filled from the world, outcomes by role)
TABLE = {
    ("core.home", "GET"): ("/", every("ok")),
    ("core.healthz", "GET"): ("/healthz", every("ok")),
    # The test client comes from loopback: allowed (other addresses: tests/core/test_operations.py).
    ("core.readyz", "GET"): ("/readyz", every("ok")),
    ("core.metrics_page", "GET"): ("/metrics", every("ok")),
    ("core.set_language", "POST"): ("/lang", every("ok")),
    ("static", "GET"): ("/static/css/app.css", every("ok")),
    ("bootstrap.static", "GET"): ("/bootstrap/static/css/bootstrap.min.css", every("ok")),
    ("auth.login", "GET"): ("/auth/login", every("ok")),
    ("auth.login", "POST"): ("/auth/login", every("ok")),
    ("auth.register", "GET"): ("/auth/register", every("ok")),
    ("auth.register", "POST"): ("/auth/register", every("ok")),
    ("account.consent", "GET"): ("/account/consent", signed_in("ok")),
    ("account.consent", "POST"): ("/account/consent", signed_in("ok")),
    ("legal.terms", "GET"): ("/terms", every("ok")),
    ("legal.privacy", "GET"): ("/privacy", every("ok")),
    ("legal.about", "GET"): ("/about", every("ok")),
    ("legal.contact", "GET"): ("/contact", every("ok")),
    ("auth.forgot", "GET"): ("/auth/forgot", every("ok")),
    ("auth.forgot", "POST"): ("/auth/forgot", every("ok")),
    ("auth.reset_password", "GET"): ("/auth/reset/not-a-token", every("ok")),
    ("auth.reset_password", "POST"): ("/auth/reset/not-a-token", every("ok")),
    # E-mail verification and changes: the token is the proof, whoever opens the link.
    ("auth.verify_email", "GET"): ("/auth/verify/not-a-token", every("ok")),
    ("auth.resend_verification", "POST"): ("/auth/verify/resend", signed_in("ok")),
    ("auth.confirm_email_change", "GET"): ("/auth/email-change/not-a-token", every("ok")),
    ("account.change_email", "POST"): ("/account/email", signed_in("ok")),
    # Data rights: each person their own data; staff accounts are closed by an administrator.
    ("account.export_data", "GET"): ("/account/export", signed_in("ok")),
    ("account.delete_account", "GET"): ("/account/delete", signed_in("ok")),
    ("account.delete_account", "POST"): (
        "/account/delete",
        # The only owner of a team must hand ownership over first (409).
        signed_in("ok", enterprise=409, owner_vendor=409, moderator=409, admin=409),
    ),
    ("auth.logout", "GET"): ("/auth/logout", every("ok")),
    ("auth.logout", "POST"): ("/auth/logout", every("ok")),
    ("account.index", "GET"): (
        "/account/",
        signed_in(403, other_enterprise="ok", **team(ENTERPRISE_TEAM)),
    ),
    ("account.profile", "GET"): ("/account/profile", signed_in("ok")),
    ("account.profile", "POST"): ("/account/profile", signed_in("ok")),
    ("account.password", "GET"): ("/account/password", signed_in("ok")),
    ("account.password", "POST"): ("/account/password", signed_in("ok")),
    ("account.organization", "GET"): (
        "/account/organization",
        signed_in("ok", moderator=403, admin=403),
    ),
    ("account.organization", "POST"): (
        "/account/organization",
        signed_in("ok", moderator=403, admin=403),
    ),
    # Teams: the enterprise's organisation has a member and a manager, an open invitation and
    # a join request. Only owners manage members; owners and managers invite.
    ("account.members", "GET"): ("/account/members", members_row()),
    ("account.invite", "POST"): (
        "/account/members/invite",
        members_row(vendor_member=403, enterprise_member=403),
    ),
    ("account.revoke_invitation", "POST"): (
        "/account/invitations/{invitation_id}/revoke",
        signed_in(404, enterprise="ok", enterprise_manager="ok", enterprise_member=403)
        | {"moderator": 403, "admin": 403},
    ),
    ("account.change_role", "POST"): (
        "/account/members/{member_membership_id}/role",
        signed_in(404, enterprise="ok", enterprise_manager=403, enterprise_member=403)
        | {"moderator": 403, "admin": 403},
    ),
    ("account.remove_member", "POST"): (
        "/account/members/{member_membership_id}/remove",
        signed_in(404, enterprise="ok", enterprise_manager=403, enterprise_member=403)
        | {"moderator": 403, "admin": 403},
    ),
    ("account.transfer_ownership", "POST"): (
        "/account/members/{manager_membership_id}/transfer",
        signed_in(404, enterprise="ok", enterprise_manager=403, enterprise_member=403)
        | {"moderator": 403, "admin": 403},
    ),
    ("account.leave", "POST"): ("/account/members/leave", members_row()),
    ("account.answer_join_request", "POST"): (
        "/account/join-requests/{join_request_id}/refuse",
        signed_in(404, enterprise="ok", enterprise_manager=403, enterprise_member=403)
        | {"moderator": 403, "admin": 403},
    ),
    ("account.organizations", "GET"): ("/account/organizations", members_row()),
    ("account.switch_organization", "POST"): (
        "/account/organization/switch",
        signed_in(404, moderator=403, admin=403),
    ),
    ("invitations.open", "GET"): ("/invitations/not-a-token", every("ok")),
    ("invitations.open", "POST"): ("/invitations/not-a-token", every("ok")),
    ("auth.join", "GET"): (
        "/auth/join?kind=enterprise&tax_code={enterprise_tax_code}",
        every("ok"),
    ),
    ("auth.join", "POST"): (
        "/auth/join?kind=enterprise&tax_code={enterprise_tax_code}",
        every("ok"),
    ),
    # The requester's private link (no account): a bad token is a 404 for everyone.
    ("moderation.dispute_join_request", "GET"): ("/moderation/disputes/not-a-token", every(404)),
    ("moderation.dispute_join_request", "POST"): ("/moderation/disputes/not-a-token", every(404)),
    ("moderation.join_request", "GET"): (
        "/moderation/join-requests/{join_request_id}",
        staff_only(),
    ),
    ("moderation.decide_join_request", "POST"): (
        "/moderation/join-requests/{join_request_id}/dismiss",
        staff_only(),
    ),
    ("catalog.index", "GET"): ("/solutions", every("ok")),
    ("catalog.solution", "GET"): ("/solutions/{published_slug}", every("ok")),
    ("compare.index", "GET"): ("/compare?s={published_slug},{draft_slug}", every("ok")),
    ("compare.add", "POST"): ("/compare/add", every("ok")),
    ("compare.remove", "POST"): ("/compare/remove", every("ok")),
    ("compare.clear", "POST"): ("/compare/clear", every("ok")),
    ("media.file", "GET"): (
        "/media/{private_upload}",
        every(404) | team(VENDOR_TEAM) | {"moderator": "ok", "admin": "ok"},
    ),
    ("api_docs.docs", "GET"): ("/api/docs", every("ok")),
    ("api.list_categories", "GET"): ("/api/v1/categories", every("ok")),
    ("api.compare_solutions", "GET"): (
        "/api/v1/compare?s={published_slug},{other_published_slug}",
        every("ok"),
    ),
    ("api.openapi_document", "GET"): ("/api/v1/openapi.json", every("ok")),
    ("api.list_solutions", "GET"): ("/api/v1/solutions", every("ok")),
    ("api.get_solution", "GET"): ("/api/v1/solutions/{draft_slug}", every(404)),
    ("api.stats", "GET"): ("/api/v1/stats", every("ok")),
    ("api.list_vendors", "GET"): ("/api/v1/vendors", every("ok")),
    ("api.list_needs", "GET"): ("/api/v1/needs", every("ok")),
    ("api.get_vendor", "GET"): ("/api/v1/vendors/{vendor_slug}", every("ok")),
    ("api.suggest", "GET"): ("/api/v1/suggest?q=hoa+don", every("ok")),
    ("insights.dashboard", "GET"): ("/dashboard", every("ok")),
    # Readiness self-assessment: anonymous visitors and enterprises take it; vendors and staff
    # only read the intro. A result is its organisation's (others: 404).
    ("assessment.intro", "GET"): ("/assessment", every("ok")),
    ("assessment.start", "POST"): ("/assessment/start", enterprises_only(anonymous="ok")),
    ("assessment.step", "GET"): ("/assessment/step/1", enterprises_only(anonymous="ok")),
    ("assessment.step", "POST"): ("/assessment/step/1", enterprises_only(anonymous="ok")),
    ("assessment.result", "GET"): (
        "/assessment/results/{assessment_id}",
        every(404) | team(ENTERPRISE_TEAM),
    ),
    ("assessment.history", "GET"): ("/assessment/history", enterprises_only()),
    ("insights.dashboard_csv", "GET"): ("/dashboard.csv", every("ok")),
    # Another vendor's solution id in the query is a 404: its figures are not theirs.
    ("insights.vendor_dashboard", "GET"): (
        "/vendor/insights?solution={published_id}",
        owner_only(),
    ),
    ("insights.vendor_csv", "GET"): ("/vendor/insights.csv?solution={published_id}", owner_only()),
    ("notifications.index", "GET"): ("/notifications/", signed_in("ok")),
    ("notifications.read", "POST"): (
        "/notifications/{notification_id}/read",
        signed_in(404, enterprise="ok"),
    ),
    ("notifications.read_all", "POST"): ("/notifications/read-all", signed_in("ok")),
    ("moderation.index", "GET"): ("/moderation/", staff_only()),
    ("admin.index", "GET"): ("/admin/", admin_only()),
    # The console's people and organisations (admin/people_views.py, organization_views.py).
    ("admin.users", "GET"): ("/admin/users?q=nguoi", admin_only()),
    ("admin.user", "GET"): ("/admin/users/{member_user_id}", admin_only()),
    ("admin.deactivate_user", "POST"): ("/admin/users/{member_user_id}/deactivate", admin_only()),
    ("admin.reactivate_user", "POST"): ("/admin/users/{member_user_id}/reactivate", admin_only()),
    ("admin.change_staff_role", "POST"): ("/admin/users/{member_user_id}/role", admin_only()),
    ("admin.send_password_reset", "POST"): (
        "/admin/users/{member_user_id}/password-reset",
        admin_only(),
    ),
    ("admin.resend_verification", "POST"): (
        "/admin/users/{member_user_id}/resend-verification",
        admin_only(),
    ),
    ("admin.clear_throttle", "POST"): (
        "/admin/users/{member_user_id}/clear-throttle",
        admin_only(),
    ),
    ("admin.resend_staff_invitation", "POST"): (
        "/admin/users/{member_user_id}/resend-invitation",
        admin_only(),
    ),
    ("admin.invite_staff", "GET"): ("/admin/staff/invite", admin_only()),
    ("admin.invite_staff", "POST"): ("/admin/staff/invite", admin_only()),
    ("admin.organizations_list", "GET"): ("/admin/organizations?q=cong+ty", admin_only()),
    ("admin.organization", "GET"): ("/admin/organizations/{enterprise_org_id}", admin_only()),
    ("admin.edit_organization", "GET"): (
        "/admin/organizations/{enterprise_org_id}/edit",
        admin_only(),
    ),
    ("admin.edit_organization", "POST"): (
        "/admin/organizations/{enterprise_org_id}/edit",
        admin_only(),
    ),
    ("admin.deactivate_organization", "POST"): (
        "/admin/organizations/{enterprise_org_id}/deactivate",
        admin_only(),
    ),
    ("admin.reactivate_organization", "POST"): (
        "/admin/organizations/{enterprise_org_id}/reactivate",
        admin_only(),
    ),
    ("admin.merge_organization", "GET"): (
        "/admin/organizations/{enterprise_org_id}/merge",
        admin_only(),
    ),
    ("admin.merge_organization", "POST"): (
        "/admin/organizations/{enterprise_org_id}/merge",
        admin_only(),
    ),
    # A staff member's invitation link: the token is the proof; a bad one is a 404.
    ("staff_invitation.accept", "GET"): ("/staff-invitation/not-a-token", every(404)),
    ("staff_invitation.accept", "POST"): ("/staff-invitation/not-a-token", every(404)),
    # The console's catalogue settings and site settings.
    ("category_admin.index", "GET"): ("/admin/categories/", admin_only()),
    ("category_admin.new", "GET"): ("/admin/categories/new", admin_only()),
    ("category_admin.new", "POST"): ("/admin/categories/new", admin_only()),
    ("category_admin.edit", "GET"): ("/admin/categories/{category_id}", admin_only()),
    ("category_admin.edit", "POST"): ("/admin/categories/{category_id}", admin_only()),
    ("category_admin.move", "POST"): ("/admin/categories/{category_id}/move", admin_only()),
    ("category_admin.retire", "POST"): ("/admin/categories/{category_id}/retire", admin_only()),
    ("category_admin.restore", "POST"): ("/admin/categories/{category_id}/restore", admin_only()),
    ("category_admin.delete", "POST"): ("/admin/categories/{category_id}/delete", admin_only()),
    ("category_admin.add_feature", "POST"): (
        "/admin/categories/{category_id}/features",
        admin_only(),
    ),
    ("category_admin.edit_feature", "GET"): (
        "/admin/categories/{category_id}/features/{feature_id}",
        admin_only(),
    ),
    ("category_admin.edit_feature", "POST"): (
        "/admin/categories/{category_id}/features/{feature_id}",
        admin_only(),
    ),
    ("category_admin.retire_feature", "POST"): (
        "/admin/categories/{category_id}/features/{feature_id}/retire",
        admin_only(),
    ),
    ("category_admin.restore_feature", "POST"): (
        "/admin/categories/{category_id}/features/{feature_id}/restore",
        admin_only(),
    ),
    ("category_admin.move_feature", "POST"): (
        "/admin/categories/{category_id}/features/{feature_id}/move",
        admin_only(),
    ),
    ("site_settings.index", "GET"): ("/admin/settings/", admin_only()),
    ("site_settings.contact", "POST"): ("/admin/settings/contact", admin_only()),
    ("site_settings.banner", "POST"): ("/admin/settings/banner", admin_only()),
    ("site_settings.versions", "POST"): ("/admin/settings/versions", admin_only()),
    # Closing the announcement banner: anyone (it only changes the visitor's own session).
    ("core.dismiss_banner", "POST"): ("/banner/dismiss", every("ok")),
    ("moderation.audit", "GET"): ("/moderation/audit", staff_only()),
    ("moderation.solutions", "GET"): ("/moderation/solutions", staff_only()),
    ("moderation.solution", "GET"): ("/moderation/solutions/{draft_id}", staff_only()),
    ("moderation.approve_solution", "POST"): (
        "/moderation/solutions/{pending_id}/approve",
        staff_only(),
    ),
    ("moderation.reject_solution", "POST"): (
        "/moderation/solutions/{pending_id}/reject",
        staff_only(),
    ),
    ("moderation.suspend_solution", "POST"): (
        "/moderation/solutions/{published_id}/suspend",
        staff_only(),
    ),
    ("moderation.restore_solution", "POST"): (
        "/moderation/solutions/{published_id}/restore",
        staff_only(),
    ),
    ("moderation.revision", "GET"): ("/moderation/revisions/{revision_id}", staff_only()),
    ("moderation.approve_revision", "POST"): (
        "/moderation/revisions/{revision_id}/approve",
        staff_only(),
    ),
    ("moderation.reject_revision", "POST"): (
        "/moderation/revisions/{revision_id}/reject",
        staff_only(),
    ),
    ("moderation.verification", "GET"): (
        "/moderation/verifications/{verification_id}",
        staff_only(),
    ),
    ("moderation.decide_verification", "POST"): (
        "/moderation/verifications/{verification_id}/reject",
        staff_only(),
    ),
    # The owner vendor's organisation asked for a new name: only moderators decide, only
    # its members withdraw (everyone else's organisation page never mentions it).
    ("moderation.organization_change", "GET"): (
        "/moderation/organization-changes/{organization_change_id}",
        staff_only(),
    ),
    ("moderation.decide_organization_change", "POST"): (
        "/moderation/organization-changes/{organization_change_id}/reject",
        staff_only(),
    ),
    ("account.withdraw_organization_change", "POST"): (
        "/account/organization/changes/{organization_change_id}/withdraw",
        signed_in(404, owner_vendor="ok", vendor_manager="ok", vendor_member=403)
        | {"moderator": 403, "admin": 403},
    ),
    ("vendor.index", "GET"): ("/vendor/", vendors_only()),
    ("vendor.new_solution", "GET"): ("/vendor/solutions/new", vendors_only()),
    ("vendor.new_solution", "POST"): ("/vendor/solutions/new", vendors_only()),
    ("vendor.verification", "GET"): ("/vendor/verification", vendors_only()),
    ("vendor.verification", "POST"): ("/vendor/verification", vendors_only()),
    ("vendor.solution_detail", "GET"): ("/vendor/solutions/{draft_id}", owner_only()),
    ("vendor.edit_solution", "GET"): ("/vendor/solutions/{draft_id}/edit", owner_only()),
    ("vendor.edit_solution", "POST"): ("/vendor/solutions/{draft_id}/edit", owner_only()),
    ("vendor.submit", "POST"): ("/vendor/solutions/{draft_id}/submit", leads_only(owner_only)),
    ("vendor.withdraw", "POST"): (
        "/vendor/solutions/{draft_id}/withdraw",
        leads_only(owner_only),
    ),
    ("vendor.discard_revision", "POST"): (
        "/vendor/solutions/{draft_id}/discard-revision",
        owner_only(),
    ),
    ("vendor.archive", "POST"): ("/vendor/solutions/{draft_id}/archive", leads_only(owner_only)),
    ("billing.index", "GET"): ("/billing/", enterprises_only()),
    # Buying is for owners and managers (order.create).
    ("billing.checkout", "GET"): (
        "/billing/checkout?plan_id={plan_id}",
        # A member is shown why ordering is for owners and managers (200).
        enterprises_only(),
    ),
    ("billing.checkout", "POST"): ("/billing/checkout", enterprises_only(enterprise_member=403)),
    ("billing.checkout_success", "GET"): ("/billing/success", enterprises_only()),
    ("billing.checkout_cancelled", "GET"): ("/billing/cancelled", enterprises_only()),
    ("billing.cancel_subscription", "POST"): (
        "/billing/subscriptions/{subscription_id}/cancel",
        signed_in(403, enterprise="ok", other_enterprise=404),
    ),
    # Called by Stripe: anonymous, no CSRF token, 400 without a valid signature.
    ("billing.webhook", "POST"): ("/billing/webhook", every(400)),
    ("billing.vendor_sales", "GET"): ("/vendor/sales", vendors_only(vendor_member=403)),
    # The renewal switch of a transfer-paid plan: the holder's owners (billing.manage).
    ("billing.set_auto_renew", "POST"): (
        "/billing/plans/{service_period_id}/auto-renew",
        signed_in(403, enterprise="ok", other_enterprise=404),
    ),
    # Orders: the enterprise ordered the owner's plan by bank transfer.
    ("billing.order", "GET"): (
        "/orders/{order_id}",
        signed_in("ok", other_enterprise=404, other_vendor=404),
    ),
    ("billing.cancel_order", "POST"): (
        "/orders/{order_id}/cancel",
        # A member is sent back to the order with the reason (order.create is for leads).
        signed_in(403, other_enterprise=404, **team(ENTERPRISE_TEAM)),
    ),
    ("billing.confirm_payment", "POST"): (
        "/orders/{order_id}/confirm-payment",
        signed_in(
            "ok",
            enterprise=403,
            enterprise_member=403,
            enterprise_manager=403,
            other_enterprise=403,
            other_vendor=404,
            vendor_member=403,
        ),
    ),
    ("billing.record_einvoice", "POST"): (
        "/orders/{order_id}/einvoice",
        signed_in(403, owner_vendor="ok", vendor_manager="ok", other_vendor=404),
    ),
    ("billing.vendor_orders_csv", "GET"): ("/vendor/sales/orders.csv", vendors_only()),
    ("billing.bank_account", "GET"): ("/vendor/bank-account", vendors_only()),
    ("billing.bank_account", "POST"): (
        "/vendor/bank-account",
        vendors_only(vendor_member=403, vendor_manager=403),
    ),
    ("billing.moderation_bank_accounts", "GET"): (
        "/moderation/billing/bank-accounts",
        staff_only(),
    ),
    ("billing.confirm_bank_account", "POST"): (
        "/moderation/billing/bank-accounts/{bank_account_id}/confirm",
        staff_only(),
    ),
    ("billing.reject_bank_account", "POST"): (
        "/moderation/billing/bank-accounts/{bank_account_id}/reject",
        staff_only(),
    ),
    ("billing.moderation_notifications", "GET"): (
        "/moderation/billing/notifications",
        staff_only(),
    ),
    ("billing.resolve_notification", "POST"): (
        "/moderation/billing/notifications/{bank_notification_id}/resolve",
        staff_only(),
    ),
    ("billing.moderation_missing_invoices", "GET"): (
        "/moderation/billing/orders-without-invoice",
        staff_only(),
    ),
    # Called by the bank hub: anonymous, no CSRF token, 400 without a valid signature.
    ("billing.bank_webhook_view", "POST"): ("/billing/bank/webhook", every(400)),
    # Trials: the enterprise has a requested trial of the published listing.
    ("trials.request_trial", "GET"): (
        "/solutions/{published_slug}/trial",
        enterprises_only(),
    ),
    ("trials.request_trial", "POST"): ("/solutions/{published_slug}/trial", enterprises_only()),
    ("trials.my_trials", "GET"): ("/account/trials", enterprises_only()),
    ("trials.my_trial", "GET"): (
        "/account/trials/{trial_id}",
        enterprises_only(other_enterprise=404),
    ),
    ("trials.cancel", "POST"): (
        "/account/trials/{trial_id}/cancel",
        enterprises_only(other_enterprise=404),
    ),
    ("trials.inbox", "GET"): ("/vendor/trials", vendors_only()),
    ("trials.inbox_csv", "GET"): ("/vendor/trials.csv", vendors_only()),
    ("trials.vendor_trial", "GET"): ("/vendor/trials/{trial_id}", owner_only()),
    # Acting on trials is for owners and managers (trial.respond).
    ("trials.accept", "POST"): ("/vendor/trials/{trial_id}/accept", leads_only(owner_only)),
    ("trials.decline", "POST"): ("/vendor/trials/{trial_id}/decline", leads_only(owner_only)),
    ("trials.start", "POST"): ("/vendor/trials/{trial_id}/start", leads_only(owner_only)),
    ("trials.end", "POST"): ("/vendor/trials/{trial_id}/end", leads_only(owner_only)),
    ("trials.convert", "POST"): ("/vendor/trials/{trial_id}/convert", leads_only(owner_only)),
    ("trials.staff_trial", "GET"): ("/moderation/trials/{trial_id}", staff_only()),
    # Quotes: the enterprise asked for a quote of the published listing and got an offer.
    ("quotes.request_quote", "GET"): (
        "/solutions/{published_slug}/quote",
        signed_in(403, other_enterprise="ok", **team(ENTERPRISE_TEAM)),
    ),
    ("quotes.request_quote", "POST"): (
        "/solutions/{published_slug}/quote",
        signed_in(403, other_enterprise="ok", **team(ENTERPRISE_TEAM)),
    ),
    ("quotes.my_quotes", "GET"): ("/account/quotes", enterprises_only()),
    ("quotes.my_quote", "GET"): (
        "/account/quotes/{quote_id}",
        signed_in(403, other_enterprise=404, **team(ENTERPRISE_TEAM)),
    ),
    ("quotes.accept", "POST"): (
        "/account/quotes/{quote_id}/accept",
        signed_in(403, other_enterprise=404, **team(ENTERPRISE_TEAM)),
    ),
    ("quotes.decline", "POST"): (
        "/account/quotes/{quote_id}/decline",
        signed_in(403, other_enterprise=404, **team(ENTERPRISE_TEAM)),
    ),
    ("quotes.withdraw", "POST"): (
        "/account/quotes/{quote_id}/withdraw",
        signed_in(403, other_enterprise=404, **team(ENTERPRISE_TEAM)),
    ),
    ("quotes.enterprise_message", "POST"): (
        "/account/quotes/{quote_id}/messages",
        signed_in(403, other_enterprise=404, **team(ENTERPRISE_TEAM)),
    ),
    ("quotes.inbox", "GET"): ("/vendor/quotes", vendors_only()),
    ("quotes.inbox_csv", "GET"): ("/vendor/quotes.csv", vendors_only()),
    ("quotes.vendor_quote", "GET"): ("/vendor/quotes/{quote_id}", owner_only()),
    ("quotes.offer", "POST"): ("/vendor/quotes/{quote_id}/offer", owner_only()),
    ("quotes.retract", "POST"): ("/vendor/quotes/{quote_id}/retract", owner_only()),
    ("quotes.close", "POST"): ("/vendor/quotes/{quote_id}/close", owner_only()),
    ("quotes.assign", "POST"): (
        "/vendor/quotes/{quote_id}/assign",
        # A member is sent back to the quote with the reason (quote.assign is for leads).
        owner_only(),
    ),
    ("quotes.vendor_message", "POST"): ("/vendor/quotes/{quote_id}/messages", owner_only()),
    # Moderators read quotes, never answer them.
    ("quotes.staff_quotes", "GET"): ("/moderation/quotes", staff_only()),
    ("quotes.staff_quote", "GET"): ("/moderation/quotes/{quote_id}", staff_only()),
    # Needs board: the enterprise has an open need (with the owner vendor's sealed proposal)
    # and a pending one. Verified vendors' members see it in full and propose; the owner
    # vendor is verified, the other vendor is not.
    ("needs.index", "GET"): ("/needs", every("ok")),
    ("needs.detail", "GET"): ("/needs/{need_id}", every("ok")),
    ("needs.export_csv", "GET"): ("/needs/export.csv", signed_in(403, **team(VENDOR_TEAM))),
    ("needs.alerts", "POST"): ("/vendor/needs/alerts", signed_in(403, **team(VENDOR_TEAM))),
    ("needs.new", "GET"): ("/needs/new", enterprises_only()),
    ("needs.new", "POST"): ("/needs/new", enterprises_only(enterprise_member=403)),
    ("needs.my_needs", "GET"): ("/account/needs", enterprises_only()),
    ("needs.ask", "POST"): ("/needs/{need_id}/questions", signed_in(403, **team(VENDOR_TEAM))),
    ("needs.proposal", "GET"): ("/needs/{need_id}/proposal", signed_in(403, **team(VENDOR_TEAM))),
    ("needs.proposal", "POST"): (
        "/needs/{need_id}/proposal",
        signed_in(403, **team(("owner_vendor", "vendor_manager"))),
    ),
    ("needs.withdraw", "POST"): (
        "/needs/{need_id}/proposal/withdraw",
        signed_in(403, **team(VENDOR_TEAM)),
    ),
    ("needs.answer", "POST"): (
        "/needs/{need_id}/answer",
        signed_in(403, **team(ENTERPRISE_TEAM), other_enterprise=404),
    ),
    ("needs.close", "POST"): (
        "/needs/{need_id}/close",
        signed_in(403, **team(ENTERPRISE_TEAM), other_enterprise=404),
    ),
    ("needs.compare", "GET"): (
        "/needs/{need_id}/compare",
        signed_in(403, **team(ENTERPRISE_TEAM), other_enterprise=404, moderator="ok", admin="ok"),
    ),
    ("needs.shortlist", "POST"): (
        "/needs/{need_id}/shortlist",
        signed_in(403, **team(ENTERPRISE_TEAM), other_enterprise=404),
    ),
    ("needs.trial", "POST"): (
        "/needs/{need_id}/trial",
        signed_in(403, **team(ENTERPRISE_TEAM), other_enterprise=404),
    ),
    ("needs.award", "POST"): (
        "/needs/{need_id}/award",
        signed_in(403, **team(ENTERPRISE_TEAM), other_enterprise=404),
    ),
    ("needs.moderation_index", "GET"): ("/moderation/needs", staff_only()),
    ("needs.moderation_need", "GET"): ("/moderation/needs/{pending_need_id}", staff_only()),
    ("needs.moderate", "POST"): ("/moderation/needs/{pending_need_id}/approve", staff_only()),
    # Vendor pages: public; the editor is the vendor's own.
    ("vendors.directory", "GET"): ("/vendors", every("ok")),
    ("vendors.profile", "GET"): ("/vendors/{vendor_slug}", every("ok")),
    ("vendor.profile_edit", "GET"): ("/vendor/profile", vendors_only()),
    ("vendor.profile_edit", "POST"): ("/vendor/profile", vendors_only(vendor_member=403)),
    # Reviews: the enterprise tried the published listing (an ended trial) and reviewed it.
    # Only it may write; vendors, staff and untried enterprises get 403 with the reason.
    ("reviews.write", "GET"): (
        "/solutions/{published_slug}/review",
        signed_in(403, **team(ENTERPRISE_TEAM)),
    ),
    ("reviews.write", "POST"): (
        "/solutions/{published_slug}/review",
        signed_in(403, **team(ENTERPRISE_TEAM)),
    ),
    # Not on one's own organisation's review, nor by the listing's vendor.
    ("reviews.helpful", "POST"): (
        "/reviews/{review_id}/helpful",
        signed_in("ok", **team(ENTERPRISE_TEAM + VENDOR_TEAM, 403)),
    ),
    # Replying is for the vendor's owners and managers (review.reply).
    ("reviews.reply", "GET"): (
        "/reviews/{review_id}/reply",
        signed_in(403, owner_vendor="ok", vendor_manager="ok"),
    ),
    ("reviews.reply", "POST"): (
        "/reviews/{review_id}/reply",
        signed_in(403, owner_vendor="ok", vendor_manager="ok"),
    ),
    ("reviews.report", "GET"): (
        "/reviews/{review_id}/report",
        signed_in("ok", **team(ENTERPRISE_TEAM, 403)),
    ),
    ("reviews.report", "POST"): (
        "/reviews/{review_id}/report",
        signed_in("ok", **team(ENTERPRISE_TEAM, 403)),
    ),
    ("reviews.moderation_list", "GET"): ("/moderation/reviews", staff_only()),
    ("reviews.moderation_review", "GET"): ("/moderation/reviews/{review_id}", staff_only()),
    ("reviews.hide", "POST"): ("/moderation/reviews/{review_id}/hide", staff_only()),
    ("reviews.restore", "POST"): ("/moderation/reviews/{review_id}/restore", staff_only()),
    ("reviews.dismiss", "POST"): ("/moderation/reviews/{review_id}/dismiss", staff_only()),
    # The SME support programme: the enterprise has an application on a paid order of a plan
    # in the programme; the owner vendor's plan has a pending opt-in.
    ("programme.public", "GET"): ("/programme", every("ok")),
    ("programme.my_applications", "GET"): ("/account/programme", enterprises_only()),
    ("programme.application", "GET"): (
        "/programme/applications/{application_id}",
        staff_only() | team(ENTERPRISE_TEAM) | {"other_enterprise": 404},
    ),
    ("programme.apply", "GET"): (
        "/orders/{order_id}/support",
        signed_in(403, other_enterprise=404, **team(ENTERPRISE_TEAM)) | {"enterprise_member": 403},
    ),
    ("programme.apply", "POST"): (
        "/orders/{order_id}/support",
        signed_in(403, other_enterprise=404, **team(ENTERPRISE_TEAM)) | {"enterprise_member": 403},
    ),
    ("programme.queue", "GET"): ("/moderation/programme", staff_only()),
    ("programme.approve", "POST"): (
        "/moderation/programme/{application_id}/approve",
        staff_only(),
    ),
    ("programme.reject", "POST"): ("/moderation/programme/{application_id}/reject", staff_only()),
    ("programme.disburse", "POST"): (
        "/moderation/programme/{application_id}/disburse",
        staff_only(),
    ),
    ("programme.decide_opt_in", "POST"): (
        "/moderation/programme/opt-ins/{opt_in_id}/approve",
        staff_only(),
    ),
    ("programme.vendor_plans", "GET"): ("/vendor/programme", vendors_only()),
    ("programme.opt_in", "POST"): (
        "/vendor/programme/plans/{plan_id}/opt-in",
        owner_only(vendor_member=403),
    ),
    ("programme.rules", "GET"): ("/admin/programme", admin_only()),
    ("programme.rules", "POST"): ("/admin/programme", admin_only()),
}


@dataclass
class World:
    users: dict
    ids: dict


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 40), "red").save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def world(app, tmp_path, web_app) -> World:
    from marketplace.accounts.models import OrganizationChange, VerificationRequest
    from marketplace.catalog import services
    from marketplace.catalog.content import content_of
    from marketplace.catalog.models import FeatureDefinition, Upload
    from marketplace.notifications.models import Notification

    for application in (app, web_app):
        application.config["UPLOAD_FOLDER"] = str(tmp_path)
    owner = factories.make_user("vendor", verified=True)
    users = {
        "enterprise": factories.make_user("enterprise"),
        "other_enterprise": factories.make_user("enterprise"),
        "owner_vendor": owner,
        "other_vendor": factories.make_user("vendor"),
        "moderator": factories.make_user("moderator"),
        "admin": factories.make_user("admin"),
    }
    enterprise_org = users["enterprise"].organization
    vendor_org = owner.organization
    users["enterprise_member"] = factories.make_user(
        "enterprise", org=enterprise_org, org_role="member"
    )
    users["enterprise_manager"] = factories.make_user(
        "enterprise", org=enterprise_org, org_role="manager"
    )
    users["vendor_member"] = factories.make_user("vendor", org=vendor_org, org_role="member")
    users["vendor_manager"] = factories.make_user("vendor", org=vendor_org, org_role="manager")
    (tmp_path / "private.png").write_bytes(_png())
    private = Upload(
        org_id=owner.organization_id,
        filename="private.png",
        content_type="image/png",
        size_bytes=10,
        width=40,
        height=40,
    )
    db.session.add(private)
    db.session.commit()
    draft = factories.make_solution(
        owner, status="draft", name="Bản nháp riêng", logo_id=private.id
    )
    published = factories.make_solution(owner, name="Giải pháp công khai")
    other_published = factories.make_solution(users["other_vendor"], name="Giải pháp khác")
    pending = factories.make_solution(owner, status="pending", name="Chờ duyệt")
    content = content_of(published)
    content.tagline = "Khẩu hiệu đề xuất"
    with app.test_request_context():
        services.save_solution(owner, published, content)
        revision = services.submit_solution(owner, published)
    request_row = VerificationRequest(
        organization_id=users["other_vendor"].organization_id,
        legal_name="X",
        tax_code="0100000001",
        address="Hải Dương",
        representative="Y",
    )
    note = Notification(user_id=users["enterprise"].id, kind="test", title="Thông báo", link="/")
    change = OrganizationChange(
        organization_id=owner.organization_id,
        requested_by_id=owner.id,
        old_name=owner.organization.name,
        old_tax_code=owner.organization.tax_code,
        new_name="Tên mới chờ duyệt",
    )
    db.session.add_all([request_row, note, change])
    db.session.commit()
    order, bank_account_id, bank_notification_id = _order_world(app, users, owner, published)
    subscription = _subscription(users["enterprise"], published)
    invitation, join_request = _invitation_and_join_request(app, users["enterprise"])
    member_membership = db.session.scalar(
        select(Membership).where(Membership.user_id == users["enterprise_member"].id)
    )
    trial_id, review_id = _trial_and_review(app, users["enterprise"], owner, published)
    ids = {
        "plan_id": published.plans[0].id,
        "subscription_id": subscription.id,
        "draft_id": draft.id,
        "draft_slug": draft.slug,
        "published_id": published.id,
        "published_slug": published.slug,
        "other_published_slug": other_published.slug,
        "pending_id": pending.id,
        "revision_id": revision.id,
        "verification_id": request_row.id,
        "notification_id": note.id,
        "organization_change_id": change.id,
        "private_upload": private.filename,
        "trial_id": trial_id,
        "quote_id": _quote(app, users["enterprise"], owner, published),
        **_needs(app, users["enterprise"], owner, users["moderator"]),
        "vendor_slug": owner.organization.slug,
        "review_id": review_id,
        "order_id": order.id,
        "service_period_id": _service_period(order).id,
        "bank_account_id": bank_account_id,
        "bank_notification_id": bank_notification_id,
        "invitation_id": invitation.id,
        "join_request_id": join_request.id,
        "member_membership_id": member_membership.id,
        "manager_membership_id": db.session.scalar(
            select(Membership.id).where(Membership.user_id == users["enterprise_manager"].id)
        ),
        "enterprise_tax_code": enterprise_org.tax_code,
        "enterprise_org_id": enterprise_org.id,
        "member_user_id": users["enterprise_member"].id,
        "category_id": published.category_id,
        "feature_id": db.session.scalar(
            select(FeatureDefinition.id).where(
                FeatureDefinition.category_id == published.category_id,
                FeatureDefinition.key == "decree_123",
            )
        ),
        "assessment_id": _assessment(users["enterprise"]),
        **_programme_world(users["enterprise"], published, other_published),
    }
    return World(users, ids)


def _assessment(user) -> int:
    """A completed readiness self-assessment of the user's organisation."""
    from marketplace.assessment.models import Assessment
    from marketplace.core.database import utcnow

    row = Assessment(
        organization_id=user.organization_id,
        user_id=user.id,
        version="2026.1",
        status="completed",
        step=6,
        answers={},
        pillar_scores=dict.fromkeys(
            ("customer", "strategy", "technology", "operations", "culture", "data"), 200
        ),
        overall_score=200,
        completed_at=utcnow(),
    )
    db.session.add(row)
    db.session.commit()
    return row.id


def _programme_world(enterprise, solution, other_solution) -> dict:
    """An application on a paid order of an approved plan; a pending opt-in of the owner's."""
    from marketplace.programme.models import PlanOptIn
    from tests.programme import support

    programme, order = support.world(enterprise, other_solution.plans[0])
    application = support.make_application(order)
    opt_in = PlanOptIn(
        programme_id=programme.id,
        plan_id=solution.plans[0].id,
        vendor_id=solution.vendor_id,
        requested_by_id=None,
    )
    db.session.add(opt_in)
    db.session.commit()
    return {"application_id": application.id, "opt_in_id": opt_in.id}


def _service_period(order):
    """A monthly period of the enterprise's order (as if paid by transfer today)."""
    import datetime as dt

    from marketplace.billing.models import ServicePeriod
    from marketplace.core.clock import local_today

    period = ServicePeriod(
        order_id=order.id,
        organization_id=order.organization_id,
        vendor_id=order.vendor_id,
        solution_id=order.solution_id,
        plan_id=order.plan_id,
        period="month",
        starts_on=local_today(),
        ends_on=local_today() + dt.timedelta(days=30),
    )
    db.session.add(period)
    db.session.commit()
    return period


def _order_world(app, users, owner, solution):
    """A confirmed account with a pending change, an order, a notification kept for review."""
    from marketplace.billing.models import BankNotification
    from marketplace.core.database import utcnow

    account = factories.confirm_bank_account(owner)
    account.pending_bank_bin = "970415"
    account.pending_account_number = "987654321"
    account.pending_account_holder = "CONG TY MOI"
    account.requested_at = utcnow()
    order = factories.make_transfer_order(users["enterprise"], solution.plans[0])
    note = BankNotification(
        reference="FT-MATRIX",
        amount_vnd=1,
        description="khong ro",
        account_number="",
        transaction_at=utcnow(),
        status="unknown_code",
    )
    db.session.add(note)
    db.session.commit()
    return order, account.id, note.id


def _invitation_and_join_request(app, owner):
    from marketplace.accounts import join_requests, teams

    with app.test_request_context():
        invitation = teams.invite(owner, "moi.vao@example.vn", "member")
        join_request = join_requests.request_to_join(
            owner.organization,
            email="xin.vao@example.vn",
            name="Người xin vào",
            password="mat-khau-xin-vao-2026",
        )
        db.session.commit()
    return invitation, join_request


def _subscription(user, solution):
    return factories.make_subscription(
        user.organization_id, solution.plans[0], stripe_id="sub_matrix"
    )


def _trial_and_review(app, enterprise, owner, solution) -> tuple[int, int]:
    """Give the enterprise an ended trial and a review of the listing, then an open request."""
    import datetime as dt

    from marketplace.core.clock import local_today
    from marketplace.reviews import rules as reviews_rules
    from marketplace.reviews import services as reviews
    from marketplace.trials import rules as trials_rules
    from marketplace.trials import services as trials

    def request():
        return trials.request_trial(
            enterprise,
            solution,
            trials_rules.TrialInput(
                plan_id=solution.plans[0].id,
                contact_name="Nguyễn Thị Hương",
                contact_phone="0912345678",
                preferred_start=local_today(),
                users_count=2,
            ),
            today=local_today(),
        )

    with app.test_request_context():
        used = request()
        trials.accept_trial(owner, used, instructions="Đăng nhập tại demo.vn")
        trials.start_trial(owner, used, today=local_today() - dt.timedelta(days=20))
        trials.end_trial(owner, used)
        review = reviews.record_review(
            enterprise,
            solution,
            reviews_rules.ReviewInput(
                overall=4,
                ease_of_use=4,
                features=4,
                support=4,
                value=4,
                title="Nhận xét của doanh nghiệp",
                body="Doanh nghiệp đã dùng thử hai tuần và hài lòng.",
            ),
        )
        trial = request()
        db.session.commit()
        return trial.id, review.id


def _needs(app, enterprise, owner, moderator) -> dict[str, int]:
    """Give the enterprise an open need with the owner vendor's proposal, and a pending one."""
    from tests.needs.conftest import make_need, propose

    with app.test_request_context():
        need = make_need(enterprise, moderator=moderator)
        propose(owner, need)
        pending = make_need(enterprise, status="pending", title="Bài toán chờ duyệt của tôi")
    return {"need_id": need.id, "pending_need_id": pending.id}


def _quote(app, enterprise, owner, solution) -> int:
    """Give the enterprise an offered quote request of the listing."""
    import datetime as dt

    from marketplace.core.clock import local_today
    from marketplace.quotes import rules as quotes_rules
    from marketplace.quotes import services as quotes

    with app.test_request_context():
        quote = quotes.request_quote(
            enterprise,
            solution,
            quotes_rules.QuoteInput(
                plan_id=None, users_count=10, contact_name="Lê Văn An", contact_phone="0912345678"
            ),
        )
        quotes.send_offer(
            owner,
            quote,
            quotes_rules.OfferInput(
                lines=[quotes_rules.LineInput(None, "Gói riêng", 10, 100_000, "10")],
                valid_until=local_today() + dt.timedelta(days=30),
            ),
        )
        db.session.commit()
        return quote.id


def _judge(response, expected) -> bool:
    status = response.status_code
    to_login = status == 302 and "/auth/login" in response.headers.get("Location", "")
    if expected == "login":
        return to_login
    if expected == "ok":
        return not to_login and (status < 300 or status in (301, 302, 303, 304, 308, 400))
    return status == expected


def test_every_route_is_in_the_table(app):
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    missing = sorted(routes - set(TABLE))
    assert not missing, f"add these routes to TABLE: {missing}"
    assert not sorted(set(TABLE) - routes), "TABLE lists routes that no longer exist"


@pytest.mark.parametrize("role", ROLES)
def test_authorization_matrix(world, web_app, role):
    client = web_app.test_client()
    if role != "anonymous":
        user = world.users[role]
        assert (
            client.post(
                "/auth/login", data={"email": user.email, "password": factories.PASSWORD}
            ).status_code
            == 302
        )
    failures = []
    # Changes of the visitor's own standing come last: giving away ownership, leaving, signing out.
    last = [
        ("account.transfer_ownership", "POST"),
        ("account.leave", "POST"),
        ("auth.logout", "POST"),
    ]
    ordered = sorted(
        TABLE.items(),
        key=lambda item: (item[0][1] == "POST", last.index(item[0]) if item[0] in last else -1),
    )
    for (endpoint, method), (template, outcomes) in ordered:
        url = template.format(**world.ids)
        response = client.get(url) if method == "GET" else client.post(url, data={})
        if not _judge(response, outcomes[role]):
            failures.append(
                (
                    endpoint,
                    method,
                    url,
                    outcomes[role],
                    response.status_code,
                    response.headers.get("Location"),
                )
            )
    assert not failures, failures
