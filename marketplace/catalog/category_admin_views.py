"""The console's category pages (/admin/categories): the tree, each category and its
feature vocabulary. Thin: the rules are in `category_admin` and `feature_admin`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.catalog import category_admin, feature_admin
from marketplace.catalog.category_forms import CategoryForm, FeatureForm, MoveForm, RetireForm
from marketplace.catalog.models import Category, FeatureDefinition
from marketplace.core import pagecache
from marketplace.core.actions import perform
from marketplace.core.params import parse_id
from marketplace.core.permissions import admin_required
from marketplace.extensions import db

bp = Blueprint("category_admin", __name__, url_prefix="/admin/categories")


def _category(category_id: int) -> Category:
    category = db.session.get(Category, category_id)
    if category is None:
        abort(404)
    return category


def _feature(category: Category, feature_id: int) -> FeatureDefinition:
    definition = db.session.get(FeatureDefinition, feature_id)
    if definition is None or definition.category_id != category.id:
        abort(404)
    return definition


def _vocabulary_url(category_id: int) -> str:
    return url_for("category_admin.edit", category_id=category_id) + "#vocabulary"


def _perform(act: Callable[[], Any], **options: Any):
    """Run `act` through `perform`; once it redirects (the change is committed), renew the
    content stamp (kept pages, search intents)."""
    response = perform(act, **options)
    if response.status_code in (302, 303):
        pagecache.content_changed()
    return response


def _parent_choices(form: CategoryForm, category: Category | None) -> None:
    form.parent_id.choices = [("", _("— Danh mục cấp trên —"))] + [
        (str(c.id), c.name) for c in category_admin.parent_choices(category)
    ]


def _retire_choices(form: RetireForm, category: Category) -> None:
    form.target_id.choices = [("", _("— Không chuyển (danh mục trống) —"))] + [
        (str(c.id), c.full_name) for c in category_admin.merge_targets(category)
    ]


def category_admin_submitted() -> bool:
    return request.method == "POST"


@bp.get("/")
@admin_required
def index():
    return render_template(
        "admin/categories.html",
        tree=category_admin.tree(),
        counts=category_admin.counts_by_category(),
        move_form=MoveForm(),
    )


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new():
    form = CategoryForm()
    _parent_choices(form, None)

    def rerender():
        return make_response(render_template("admin/category_new.html", form=form), 400)

    if not form.is_submitted():
        return render_template("admin/category_new.html", form=form)
    created: list[Category] = []

    def act():
        created.append(category_admin.create_category(current_user, form.values()))

    response = _perform(
        act,
        form=form,
        rerender=rerender,
        success=_("Đã thêm danh mục."),
        next_url=url_for("category_admin.index"),
    )
    if created and response.status_code == 302:
        response = redirect(url_for("category_admin.edit", category_id=created[0].id))
    return response


def _edit_page(category: Category, status: int = 200, **forms):
    form = forms.get("form") or CategoryForm(
        obj=category, parent_id=str(category.parent_id or ""), position=str(category.position)
    )
    _parent_choices(form, category)
    retire_form = forms.get("retire_form") or RetireForm()
    _retire_choices(retire_form, category)
    body = render_template(
        "admin/category_edit.html",
        category=category,
        form=form,
        feature_form=forms.get("feature_form") or FeatureForm(),
        retire_form=retire_form,
        move_form=MoveForm(),
        features=list(category.features),
        value_counts=feature_admin.value_counts(category.id),
        solutions=category_admin.solution_count(category.id),
    )
    return make_response(body, status)


@bp.route("/<int:category_id>", methods=["GET", "POST"])
@admin_required
def edit(category_id: int):
    category = _category(category_id)
    if not category_admin_submitted():
        return _edit_page(category)
    form = CategoryForm()
    _parent_choices(form, category)
    return _perform(
        lambda: category_admin.update_category(current_user, category, form.values()),
        form=form,
        rerender=lambda: _edit_page(category, 400, form=form),
        success=_("Đã lưu danh mục."),
        next_url=url_for("category_admin.edit", category_id=category.id),
    )


@bp.post("/<int:category_id>/move")
@admin_required
def move(category_id: int):
    category = _category(category_id)
    form = MoveForm()
    return _perform(
        lambda: category_admin.move_category(current_user, category, form.direction.data),
        form=form,
        rerender=lambda: redirect(url_for("category_admin.index")),
        success=_("Đã đổi thứ tự."),
        next_url=url_for("category_admin.index"),
    )


@bp.post("/<int:category_id>/retire")
@admin_required
def retire(category_id: int):
    category = _category(category_id)
    form = RetireForm()
    _retire_choices(form, category)

    def act():
        target_id = parse_id(form.target_id.data)
        target = db.session.get(Category, target_id) if target_id else None
        moved = category_admin.retire_category(current_user, category, target)
        return moved

    return _perform(
        act,
        form=form,
        rerender=lambda: _edit_page(category, 400, retire_form=form),
        success=_("Đã ngừng sử dụng danh mục."),
        next_url=url_for("category_admin.edit", category_id=category.id),
    )


@bp.post("/<int:category_id>/restore")
@admin_required
def restore(category_id: int):
    category = _category(category_id)
    return _perform(
        lambda: category_admin.restore_category(current_user, category),
        success=_("Đã khôi phục danh mục."),
        next_url=url_for("category_admin.edit", category_id=category.id),
    )


@bp.post("/<int:category_id>/delete")
@admin_required
def delete(category_id: int):
    category = _category(category_id)
    return _perform(
        lambda: category_admin.delete_category(current_user, category),
        success=_("Đã xóa danh mục."),
        next_url=url_for("category_admin.index"),
        error_url=url_for("category_admin.edit", category_id=category.id),
    )


@bp.post("/<int:category_id>/features")
@admin_required
def add_feature(category_id: int):
    category = _category(category_id)
    form = FeatureForm()
    return _perform(
        lambda: feature_admin.add_feature(current_user, category, form.values()),
        form=form,
        rerender=lambda: _edit_page(category, 400, feature_form=form),
        success=_("Đã thêm tính năng."),
        next_url=_vocabulary_url(category.id),
    )


@bp.route("/<int:category_id>/features/<int:feature_id>", methods=["GET", "POST"])
@admin_required
def edit_feature(category_id: int, feature_id: int):
    category = _category(category_id)
    definition = _feature(category, feature_id)
    form = FeatureForm(obj=definition) if not category_admin_submitted() else FeatureForm()

    def page(status: int = 200):
        return make_response(
            render_template(
                "admin/category_feature.html",
                category=category,
                definition=definition,
                form=form,
                values=feature_admin.value_counts(category.id).get(definition.key, 0),
            ),
            status,
        )

    if not category_admin_submitted():
        return page()
    return _perform(
        lambda: feature_admin.update_feature(current_user, definition, form.values()),
        form=form,
        rerender=lambda: page(400),
        success=_("Đã lưu tính năng."),
        next_url=_vocabulary_url(category.id),
    )


@bp.post("/<int:category_id>/features/<int:feature_id>/retire")
@admin_required
def retire_feature(category_id: int, feature_id: int):
    definition = _feature(_category(category_id), feature_id)
    return _perform(
        lambda: feature_admin.retire_feature(current_user, definition),
        success=_("Đã ngừng sử dụng tính năng. Giá trị đã nhập vẫn được giữ."),
        next_url=_vocabulary_url(category_id),
    )


@bp.post("/<int:category_id>/features/<int:feature_id>/restore")
@admin_required
def restore_feature(category_id: int, feature_id: int):
    definition = _feature(_category(category_id), feature_id)
    return _perform(
        lambda: feature_admin.restore_feature(current_user, definition),
        success=_("Đã khôi phục tính năng."),
        next_url=_vocabulary_url(category_id),
    )


@bp.post("/<int:category_id>/features/<int:feature_id>/move")
@admin_required
def move_feature(category_id: int, feature_id: int):
    definition = _feature(_category(category_id), feature_id)
    form = MoveForm()
    back = _vocabulary_url(category_id)
    return _perform(
        lambda: feature_admin.move_feature(current_user, definition, form.direction.data),
        form=form,
        rerender=lambda: redirect(back),
        success=_("Đã đổi thứ tự."),
        next_url=back,
    )
