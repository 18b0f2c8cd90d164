"""Review pages: the reviews section of a solution, the review form, votes, replies, reports,
and the moderators' review pages."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from marketplace.accounts import roles
from marketplace.accounts.models import Role
from marketplace.accounts.refusals import refusal_page
from marketplace.catalog import public_queries
from marketplace.catalog.models import Solution, SolutionStatus
from marketplace.core import actions
from marketplace.core.params import paginate
from marketplace.core.permissions import role_required
from marketplace.core.urls import safe_next
from marketplace.extensions import db, login_manager
from marketplace.reviews import bp, permissions, presenters, rules, services
from marketplace.reviews import queries as reviews_queries
from marketplace.reviews.forms import DecisionForm, ReplyForm, ReportForm, ReviewForm, VoteForm
from marketplace.reviews.models import Review, ReviewStatus

STAFF = ("moderator", "admin")


# ---------------------------------------------------------------- the solution page's section


@dataclass
class ReviewPanel:
    """What the reviews section of a solution page shows for everyone: the summary and one
    page of reviews. What differs per visitor (the write button, their eligibility, each
    review's votes and actions) are slots (reviews/slots.py)."""

    solution: Solution
    summary: reviews_queries.RatingSummary
    page: reviews_queries.ReviewPage

    @property
    def params(self) -> reviews_queries.ListParams:
        return self.page.params

    def url(self, **changes) -> str:
        """Return the solution page with the list's state changed, anchored at the list."""
        return url_for(
            "catalog.solution",
            slug=self.solution.slug,
            **self.params.to_args(**changes),
            _anchor="reviews",
        )

    def here(self, review: Review) -> str:
        """Return where to come back to after acting on a review (same sort and page)."""
        return (
            url_for("catalog.solution", slug=self.solution.slug, **self.params.to_args())
            + f"#review-{review.id}"
        )

    def action_args(self, review: Review) -> tuple:
        """The public arguments of a review's actions slot (`reviews.slots.review_actions`)."""
        return (
            tuple(r.id for r in self.page.items),
            review.id,
            review.organization_id,
            self.solution.vendor_id,
            review.is_published,
            review.helpful_count,
            review.reply is not None,
            self.here(review),
        )


def review_panel(solution: Solution) -> ReviewPanel:
    """Collect the reviews section of a solution page: the summary (kept on the listing's
    row) and one page (one query), the same for every visitor."""
    params = reviews_queries.parse_list_params(request.args)
    rating = reviews_queries.summary_of(solution)
    page = reviews_queries.review_page(solution.id, params, rating)
    return ReviewPanel(solution, rating, page)


# ---------------------------------------------------------------- writing a review


def _signed_in_or_login():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


@bp.route("/solutions/<slug>/review", methods=["GET", "POST"])
def write(slug: str):
    if (response := _signed_in_or_login()) is not None:
        return response
    solution = public_queries.public_solution(slug)
    if solution is None:
        abort(404)
    allowed, reason = permissions.can_review(current_user, solution)
    own = None
    if current_user.role == Role.ENTERPRISE:
        own = reviews_queries.own_review(current_user.organization_id, solution.id)
    if not allowed:
        return (
            render_template("reviews/not_allowed.html", solution=solution, reason=reason, own=own),
            403,
        )
    if not roles.allows(current_user, "review.write"):
        return refusal_page("review.write", url_for("catalog.solution", slug=solution.slug))
    form = ReviewForm()
    if request.method == "GET":
        if own is not None:
            form.fill_from(own)
    elif form.validate_on_submit():
        try:
            review = services.record_review(current_user, solution, form.to_input())
        except rules.ReviewValidationError as err:
            db.session.rollback()
            form.attach_errors(err.errors)
        except rules.ReviewError as err:
            db.session.rollback()
            flash(err.message, "danger")
        else:
            db.session.commit()
            if own is None:
                flash(_("Cảm ơn bạn! Nhận xét đã được đăng."), "success")
            else:
                flash(_("Đã cập nhật nhận xét. Bản trước được lưu trong lịch sử."), "success")
            if review.is_published:
                return redirect(
                    url_for("catalog.solution", slug=solution.slug, _anchor=f"review-{review.id}")
                )
            return redirect(url_for("reviews.write", slug=solution.slug))
    status = 400 if form.is_submitted() and form.errors else 200
    return (
        render_template("reviews/form.html", solution=solution, form=form, own=own, reason=reason),
        status,
    )


# ---------------------------------------------------------------- acting on a review


def _public_review(review_id: int) -> Review:
    """Return a published review of a public solution, else 404 (hidden ones included)."""
    review = reviews_queries.get_review(review_id)
    if (
        review is None
        or review.status != ReviewStatus.PUBLISHED
        or review.solution.status != SolutionStatus.PUBLISHED
        or not review.solution.vendor.active
    ):
        abort(404)
    return review


@bp.post("/reviews/<int:review_id>/helpful")
def helpful(review_id: int):
    if (response := _signed_in_or_login()) is not None:
        return response
    review = _public_review(review_id)
    permissions.require_vote(current_user, review)
    form = VoteForm()
    back = safe_next(form.next.data, presenters.public_link(review))
    if not form.validate_on_submit():
        flash(_("Phiên làm việc đã hết hạn. Vui lòng thử lại."), "warning")
        return redirect(back)
    now_helpful = services.vote_helpful(current_user, review, helpful=form.wants_helpful())
    db.session.commit()
    if now_helpful:
        flash(_("Cảm ơn bạn! Đã ghi nhận nhận xét này hữu ích."), "success")
    else:
        flash(_("Đã bỏ đánh dấu hữu ích."), "info")
    return redirect(back)


@bp.route("/reviews/<int:review_id>/reply", methods=["GET", "POST"])
def reply(review_id: int):
    if (response := _signed_in_or_login()) is not None:
        return response
    review = _public_review(review_id)
    permissions.require_reply(current_user, review)
    form = ReplyForm()
    if request.method == "GET":
        if review.reply is not None:
            form.body.data = review.reply.body
    elif form.validate_on_submit():
        existed = review.reply is not None
        try:
            services.save_reply(current_user, review, form.body.data)
        except rules.ReviewValidationError as err:
            db.session.rollback()
            form.attach_errors(err.errors)
        else:
            db.session.commit()
            flash(
                _("Đã cập nhật phản hồi.") if existed else _("Đã đăng phản hồi của nhà cung cấp."),
                "success",
            )
            return redirect(presenters.public_link(review))
    status = 400 if form.is_submitted() and form.errors else 200
    return render_template("reviews/reply.html", review=review, form=form), status


@bp.route("/reviews/<int:review_id>/report", methods=["GET", "POST"])
def report(review_id: int):
    if (response := _signed_in_or_login()) is not None:
        return response
    review = _public_review(review_id)
    permissions.require_report(current_user, review)
    existing = reviews_queries.open_report_for(current_user.id, review.id)
    form = ReportForm()
    if request.method == "POST" and existing is not None:
        flash(rules.DuplicateReportError().message, "info")
        return redirect(presenters.public_link(review))
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.report_review(current_user, review, form.reason.data)
        except rules.DuplicateReportError as err:
            db.session.rollback()
            flash(err.message, "info")
            return redirect(presenters.public_link(review))
        except rules.ReviewValidationError as err:
            db.session.rollback()
            form.attach_errors(err.errors)
        else:
            db.session.commit()
            flash(_("Đã gửi báo cáo vi phạm. Kiểm duyệt viên sẽ xem xét nhận xét này."), "success")
            return redirect(presenters.public_link(review))
    status = 400 if form.is_submitted() and form.errors else 200
    return (
        render_template("reviews/report.html", review=review, form=form, existing=existing),
        status,
    )


# ---------------------------------------------------------------- moderators


@bp.get("/moderation/reviews")
@role_required(*STAFF)
def moderation_list():
    filters = reviews_queries.ModerationFilters(
        status=request.args.get("status", "")[:20],
        reported=request.args.get("reported") == "1",
        q=request.args.get("q", "")[:100],
    )
    page = paginate(
        reviews_queries.moderation_query(filters), per_page=current_app.config["PER_PAGE"]
    )
    return render_template(
        "reviews/moderation_list.html",
        page=page,
        filters=filters,
        report_counts=reviews_queries.open_report_counts(r.id for r in page.items),
        statuses=list(ReviewStatus),
    )


def _staff_review(review_id: int) -> Review:
    review = reviews_queries.get_review(review_id)
    if review is None:
        abort(404)
    return review


def _render_moderation(review: Review, status: int = 200, **forms: FlaskForm):
    context = {
        "hide_form": DecisionForm(formdata=None, prefix="hide"),
        "restore_form": DecisionForm(formdata=None, prefix="restore"),
        "dismiss_form": DecisionForm(formdata=None, prefix="dismiss", required=False),
        **forms,
    }
    return (
        render_template(
            "reviews/moderation_review.html",
            review=review,
            reports=reviews_queries.reports_of(review.id),
            history=review.revisions,
            audit=reviews_queries.audit_of(review.id),
            **context,
        ),
        status,
    )


@bp.get("/moderation/reviews/<int:review_id>")
@role_required(*STAFF)
def moderation_review(review_id: int):
    return _render_moderation(_staff_review(review_id))


def _decide(review_id: int, prefix: str, action, success: str):
    review = _staff_review(review_id)
    form = DecisionForm(prefix=prefix, required=prefix != "dismiss")
    return actions.perform(
        lambda: action(current_user, review, form.reason.data),
        form=form,
        rerender=lambda: _render_moderation(
            _staff_review(review_id), 400, **{f"{prefix}_form": form}
        ),
        errors=rules.ReviewError,
        error_category="warning",
        success=success,
        next_url=url_for("reviews.moderation_review", review_id=review_id),
    )


@bp.post("/moderation/reviews/<int:review_id>/hide")
@role_required(*STAFF)
def hide(review_id: int):
    return _decide(
        review_id, "hide", services.hide_review, _("Đã ẩn nhận xét và đóng các báo cáo liên quan.")
    )


@bp.post("/moderation/reviews/<int:review_id>/restore")
@role_required(*STAFF)
def restore(review_id: int):
    return _decide(review_id, "restore", services.restore_review, _("Đã hiển thị lại nhận xét."))


@bp.post("/moderation/reviews/<int:review_id>/dismiss")
@role_required(*STAFF)
def dismiss(review_id: int):
    return _decide(
        review_id,
        "dismiss",
        services.dismiss_reports,
        _("Đã bỏ qua các báo cáo; nhận xét được giữ nguyên."),
    )
