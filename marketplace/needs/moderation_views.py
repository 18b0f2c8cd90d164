"""Needs board pages of the moderators: the queue, a need under review and the decision."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.core import actions
from marketplace.core.clock import local_today
from marketplace.core.params import paginate
from marketplace.core.permissions import role_required
from marketplace.needs import bp, presenters, queries, services
from marketplace.needs.forms import ReasonForm
from marketplace.needs.models import Need, NeedStatus
from marketplace.needs.views import PER_PAGE, STAFF, need_or_404


@bp.get("/moderation/needs")
@role_required(*STAFF)
def moderation_index():
    status = request.args.get("status", NeedStatus.PENDING)
    pagination = paginate(queries.moderation_query(status), per_page=PER_PAGE)
    return render_template("needs/moderation_index.html", pagination=pagination, status=status)


def _render_moderation(need: Need, status: int = 200, **forms):
    context = {
        "approve_form": ReasonForm(formdata=None, prefix="approve"),
        "reject_form": ReasonForm(formdata=None, prefix="reject"),
        **forms,
    }
    return (
        render_template(
            "needs/moderation_need.html",
            need=need,
            area=presenters.area_label(need),
            **context,
        ),
        status,
    )


@bp.get("/moderation/needs/<int:need_id>")
@role_required(*STAFF)
def moderation_need(need_id: int):
    return _render_moderation(need_or_404(need_id))


@bp.post("/moderation/needs/<int:need_id>/<any(approve, reject):decision>")
@role_required(*STAFF)
def moderate(need_id: int, decision: str):
    need = need_or_404(need_id)
    form = ReasonForm(prefix=decision)
    approve = decision == "approve"
    return actions.perform(
        lambda: services.moderate_need(
            current_user, need, approve=approve, reason=form.reason.data, today=local_today()
        ),
        form=form,
        rerender=lambda: _render_moderation(
            need_or_404(need_id), 400, **{f"{decision}_form": form}
        ),
        success=_("Đã duyệt bài toán; nhà cung cấp phù hợp đã được thông báo.")
        if approve
        else _("Đã từ chối bài toán; doanh nghiệp đã được thông báo lý do."),
        next_url=url_for("needs.moderation_index"),
        error_url=url_for("needs.moderation_need", need_id=need_id),
    )
