"""Vendor pages: the public directory (/vendors) and profile (/vendors/<slug>), and the
profile editor in the vendor workspace (/vendor/profile)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.accounts.roles import allows
from marketplace.catalog import uploads, vendor_bp, vendor_profiles, vendor_queries, vendors_bp
from marketplace.catalog.forms import VendorProfileForm
from marketplace.catalog.models import Upload
from marketplace.catalog.public_queries import category_tree
from marketplace.core import panels
from marketplace.core.errors import DomainError
from marketplace.core.params import page_arg
from marketplace.core.permissions import role_required
from marketplace.core.text import render_markdown
from marketplace.extensions import db


@vendors_bp.get("", strict_slashes=False)
def directory():
    q = (request.args.get("q") or "").strip()[:100]
    category = (request.args.get("category") or "").strip()[:100]
    verified = request.args.get("verified") == "1"
    result = vendor_queries.directory(q=q, category=category, verified=verified, page=page_arg())
    return render_template(
        "catalog/vendors.html",
        result=result,
        q=q,
        category=category,
        verified=verified,
        tree=category_tree({}),
    )


@vendors_bp.get("/<slug>")
def profile(slug: str):
    vendor = vendor_queries.vendor_by_slug(slug)
    if vendor is None:
        abort(404)
    profile = vendor.profile
    return render_template(
        "catalog/vendor_profile.html",
        vendor=vendor,
        org=vendor.organization,
        profile=profile,
        about_html=render_markdown(profile.about) if profile and profile.about else "",
        localities=[vendor_profiles.locality_label(c) for c in (profile.localities or [])]
        if profile
        else [],
        solutions=vendor_queries.vendor_solutions_page(
            vendor.organization.id, page_arg(), vendor.solutions
        ),
        panels=panels.collect(panels.VENDOR_PROFILE, organization=vendor.organization),
    )


def _editor(form: VendorProfileForm, status: int = 200):
    org = current_user.organization
    profile = vendor_profiles.profile_of(org.id)
    logo_id = form.logo_upload_id()
    return (
        render_template(
            "vendor/profile.html",
            form=form,
            org=org,
            logo=db.session.get(Upload, logo_id) if logo_id else None,
            can_edit=allows(current_user, "org.edit_profile"),
            profile=profile,
        ),
        status,
    )


@vendor_bp.route("/profile", methods=["GET", "POST"])
@role_required("vendor")
def profile_edit():
    org = current_user.organization
    form = VendorProfileForm()
    form.localities.choices = dict(vendor_profiles.locality_choices())
    if request.method == "GET":
        profile = vendor_profiles.profile_of(org.id)
        if profile is not None:
            form.about.data = profile.about
            form.hotline.data = profile.hotline or ""
            form.sales_email.data = profile.sales_email or ""
            form.zalo_url.data = profile.zalo_url or ""
            form.website.data = profile.website or ""
            form.localities.data = list(profile.localities or [])
            form.logo_id.data = str(profile.logo_id or "")
        else:
            form.website.data = org.website or ""
            form.hotline.data = org.phone or ""
        return _editor(form)
    if not form.validate_on_submit():
        return _editor(form, 400)
    logo = request.files.get(form.logo.name)
    if logo is not None and logo.filename:
        try:
            form.logo_id.data = str(uploads.store_image(current_user, logo, purpose="logo").id)
            db.session.commit()
        except uploads.UploadError as err:
            db.session.rollback()
            form.logo.errors = [*list(form.logo.errors), err.message]
            return _editor(form, 400)
    if request.form.get("remove_logo"):
        form.logo_id.data = ""
    data = vendor_profiles.ProfileInput(
        about=form.about.data or "",
        hotline=form.hotline.data or "",
        sales_email=form.sales_email.data or "",
        zalo_url=form.zalo_url.data or "",
        website=form.website.data or "",
        localities=[str(c) for c in (form.localities.data or [])],
        logo_id=form.logo_upload_id(),
    )
    try:
        vendor_profiles.save_profile(current_user, org, data)
    except vendor_profiles.ProfileError as err:
        db.session.rollback()
        form.attach_errors(err.errors)
        return _editor(form, 400)
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "danger")
        return _editor(form, err.status)
    db.session.commit()
    flash(_("Đã lưu trang nhà cung cấp."), "success")
    return redirect(url_for("vendor.profile_edit"))
