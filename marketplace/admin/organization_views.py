"""The console's organisation pages: the list, an organisation's page, corrections, merging."""

from __future__ import annotations

from functools import partial

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from marketplace.accounts import choices
from marketplace.accounts.models import Organization
from marketplace.accounts.services import OrgDetails
from marketplace.accounts.validation import normalise_tax_code
from marketplace.admin import bp, merge, organizations
from marketplace.admin.forms import AdminOrganizationForm, MergeForm, ReasonForm
from marketplace.admin.rules import ConsoleError
from marketplace.core import geography
from marketplace.core.actions import perform
from marketplace.core.params import page_arg, parse_id
from marketplace.core.permissions import admin_required
from marketplace.extensions import db

_perform = partial(perform, errors=ConsoleError)


def _area_choices() -> list[tuple[str, str]]:
    served = geography.served_province_code()
    out = [("", _("Mọi địa bàn")), ("none", _("Chưa chọn phường/xã"))]
    out += [(f"former:{code}", label) for code, label in geography.former_areas(served)]
    out += [(c.code, c.name) for c in geography.served_communes()]
    return out


@bp.get("/organizations")
@admin_required
def organizations_list():
    args = request.args
    filters = organizations.OrgFilter(
        q=args.get("q", "")[:100],
        kind=args.get("kind", "")[:20],
        verified=args.get("verified", "")[:5],
        area=args.get("area", "")[:20],
        size_band=args.get("size_band", "")[:20],
        industry=args.get("industry", "")[:40],
        status=args.get("status", "")[:10],
    )
    return render_template(
        "admin/organizations.html",
        page=organizations.search_organizations(filters, page_arg()),
        filters=filters,
        kinds=choices.ORG_KINDS,
        sizes=choices.SIZE_BANDS,
        industries=choices.INDUSTRIES,
        areas=_area_choices(),
    )


def _org_page(org, status: int = 200, **forms):
    forms.setdefault("deactivate_form", ReasonForm(prefix="deactivate"))
    forms.setdefault("reactivate_form", ReasonForm(prefix="reactivate"))
    return render_template(
        "admin/organization.html",
        org=org,
        held=organizations.holdings(org),
        **forms,
    ), status


@bp.get("/organizations/<int:org_id>")
@admin_required
def organization(org_id: int):
    return _org_page(organizations.get_organization(org_id))


def _details(form) -> OrgDetails:
    return OrgDetails(
        name=form.org_name.data,
        tax_code=form.tax_code.data,
        phone=form.phone.data,
        industry=form.industry.data,
        street_address=form.street_address.data,
        province_code=form.province_code.data,
        commune_code=form.commune_code.data,
        size_band=form.size_band.data,
        website=form.website.data,
    )


@bp.route("/organizations/<int:org_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_organization(org_id: int):
    org = organizations.get_organization(org_id)
    form = AdminOrganizationForm(enterprise=not org.is_vendor, current_tax_code=org.tax_code)
    if request.method == "GET":
        form.org_name.data = org.name
        form.tax_code.data = org.tax_code
        form.street_address.data = org.street_address or ""
        form.province_code.data = org.province_code or geography.served_province_code()
        form.commune_code.data = org.commune_code or ""
        form.industry.data = org.industry or ""
        form.size_band.data = org.size_band or ""
        form.phone.data = org.phone
        form.website.data = org.website

    def rerender():
        page = render_template("admin/organization_edit.html", form=form, org=org)
        return page, (400 if form.is_submitted() else 200)

    if request.method == "GET":
        return rerender()
    return _perform(
        lambda: organizations.update_profile(current_user, org, _details(form), form.reason.data),
        success=_("Đã lưu hồ sơ tổ chức."),
        next_url=url_for("admin.organization", org_id=org.id),
        form=form,
        rerender=rerender,
    )


def _set_active(org_id: int, active: bool):
    org = organizations.get_organization(org_id)
    name = "reactivate" if active else "deactivate"
    form = ReasonForm(prefix=name)
    return _perform(
        lambda: organizations.set_organization_active(current_user, org, active, form.reason.data),
        success=_("Đã cho tổ chức hoạt động trở lại.")
        if active
        else _("Đã ngừng hoạt động tổ chức: giải pháp của tổ chức đã rời khỏi danh mục."),
        next_url=url_for("admin.organization", org_id=org.id),
        form=form,
        rerender=lambda: _org_page(org, 400, **{f"{name}_form": form}),
    )


@bp.post("/organizations/<int:org_id>/deactivate")
@admin_required
def deactivate_organization(org_id: int):
    return _set_active(org_id, False)


@bp.post("/organizations/<int:org_id>/reactivate")
@admin_required
def reactivate_organization(org_id: int):
    return _set_active(org_id, True)


def _find_target(org: Organization, typed: str) -> Organization | None:
    """The organisation an administrator named by its id or its tax code (same kind)."""
    org_id = parse_id(typed)
    found = db.session.get(Organization, org_id) if org_id is not None else None
    if found is None:
        found = db.session.scalar(
            select(Organization).where(
                Organization.kind == org.kind,
                Organization.tax_code == normalise_tax_code(typed or "")[:14],
            )
        )
    return found


@bp.route("/organizations/<int:org_id>/merge", methods=["GET", "POST"])
@admin_required
def merge_organization(org_id: int):
    """Choose the organisation that stays, see what moves and what clashes, then confirm."""
    source = organizations.get_organization(org_id)
    form = MergeForm()
    plan = None
    lines: list[str] = []
    if form.validate_on_submit():
        target = _find_target(source, form.target_id.data)
        if target is None:
            form.target_id.errors = [_("Không tìm thấy tổ chức này.")]
        else:
            try:
                plan = merge.plan_merge(source, target)
            except ConsoleError as err:
                form.attach_error(err.field, err.message)
            else:
                lines = merge.conflict_lines(plan)
                if form.confirm.data == str(target.id) and not plan.conflicts:
                    try:
                        merge.merge_organizations(current_user, source, target, form.reason.data)
                    except ConsoleError as err:
                        db.session.rollback()
                        flash(err.message, "danger")
                        return redirect(url_for("admin.merge_organization", org_id=org_id))
                    db.session.commit()
                    flash(_("Đã gộp hai tổ chức."), "success")
                    return redirect(url_for("admin.organization", org_id=target.id))
    status = 400 if form.is_submitted() and (form.errors or (plan and plan.conflicts)) else 200
    return render_template(
        "admin/merge.html",
        source=source,
        form=form,
        plan=plan,
        conflicts=lines,
        row_label=merge.row_label,
    ), status
