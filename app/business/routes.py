"""Business consultation pages: declaring a business, consultations and their comments, the
public list of answered questions, asking one; the agencies' side: publish a draft, moderate
comments, publish the response summary. Questions are handled in the console (case engine)."""

from __future__ import annotations

import functools
import uuid
from datetime import UTC
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.decorators import login_required, require
from app.business import bp, permissions, services
from app.business.forms import (
    KIND_LABELS,
    ROLE_LABELS,
    BusinessForm,
    CommentForm,
    ConsultationForm,
    ModerationForm,
    QuestionForm,
    ResponseForm,
    choices,
)
from app.business.kind import topic_label
from app.business.models import BusinessQuestion, Consultation, ConsultationComment
from app.cases import feedback
from app.cases import services as cases
from app.cases.display import locale, unit_name
from app.cases.feedback import RateForm, ReopenForm
from app.cases.workflow import Action, allowed_actions
from app.core.clock import HANOI_TZ
from app.core.htmx import redirect_to, render
from app.core.text import vi_sorted
from app.extensions import db, limiter
from app.places.models import Agency


@bp.app_context_processor
def _helpers():
    return {"business_topic_label": topic_label, "consultation_phase": services.phase,
            "business_kind_label": lambda k: str(KIND_LABELS.get(k, k)),
            "business_role_label": lambda r: str(ROLE_LABELS.get(r, r))}


def _status(response, form):
    if request.method == "POST" and form.errors:
        response.status_code = 422
    return response


def _agencies() -> list[Agency]:
    return vi_sorted(db.session.scalars(sa.select(Agency).where(Agency.active)))


# --- public and businesses ------------------------------------------------------------------

@bp.get("/")
def home():
    return render("business/home.html", consultations=services.public_consultations(),
                  businesses=services.businesses_of(current_user), questions=services.answered_questions(limit=5))


@bp.route("/profile", methods=["GET", "POST"])
@require(permissions.can_declare_business)
def profile():
    form = BusinessForm()
    if form.validate_on_submit():
        try:
            services.declare_business(current_user, name=form.name.data, tax_code=form.tax_code.data,
                                      kind=form.kind.data, role=form.role.data)
        except services.ConsultationError as error:
            form.tax_code.errors = [services.message(error.code)]
        else:
            flash(_("Your business is declared."), "success")
            return redirect_to(url_for("business.profile"))
    return _status(render("business/profile.html", form=form, businesses=services.businesses_of(current_user)), form)


@bp.get("/consultations/<int:consultation_id>")
def show_consultation(consultation_id: int):
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None:
        abort(404)
    form = CommentForm()
    form.business.choices = choices((b.id, b.name) for b in services.businesses_of(current_user))
    return render("business/consultation.html", consultation=consultation, form=form,
                  comments=services.published_comments(consultation), steps=services.timeline(consultation),
                  phase=services.phase(consultation))


@bp.post("/consultations/<int:consultation_id>/comments")
@require(permissions.can_declare_business)
def comment(consultation_id: int):
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None:
        abort(404)
    form = CommentForm()
    form.business.choices = choices((b.id, b.name) for b in services.businesses_of(current_user))
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors) or _("Check the form."), "error")
        return redirect_to(url_for("business.show_consultation", consultation_id=consultation.id))
    try:
        services.add_comment(consultation, current_user, services.own_business(current_user, form.business.data),
                             form.body.data)
    except services.ConsultationError as error:
        flash(services.message(error.code), "error")
    else:
        flash(_("Thank you. Your comment will be published after moderation."), "success")
    return redirect_to(url_for("business.show_consultation", consultation_id=consultation.id))


@bp.get("/questions")
@limiter.limit("60/minute")
def list_questions():
    query = (request.args.get("q") or "")[:200]
    return render("business/questions.html", questions=services.answered_questions(query), query=query)


@bp.route("/questions/new", methods=["GET", "POST"])
@require(permissions.can_declare_business)
def ask_question():
    businesses = services.businesses_of(current_user)
    if not businesses:
        flash(_("Declare your business first."), "error")
        return redirect_to(url_for("business.profile"))
    form = QuestionForm()
    form.business.choices = choices((b.id, b.name) for b in businesses)
    form.agency.choices = choices([(0, _("Chosen by topic"))] + [(a.id, a.display_name(locale())) for a in _agencies()])
    if request.method == "GET":
        form.submission_id.data = str(uuid.uuid4())
    elif form.validate_on_submit():
        submission_id = form.submission_id.data if 8 <= len(form.submission_id.data or "") <= 64 else None
        question, _created = services.ask(
            current_user, services.own_business(current_user, form.business.data), topic=form.topic.data,
            agency_id=form.agency.data or None, title=form.title.data, body=form.body.data,
            anonymous=form.anonymous.data, submission_id=submission_id)
        flash(_("Your question was sent."), "success")
        return redirect_to(url_for("business.show_question", question_id=question.id))
    return _status(render("business/ask.html", form=form), form)


@bp.get("/questions/mine")
@require(permissions.can_declare_business)
def my_questions():
    return render("business/mine.html", questions=services.questions_of(current_user))


def _question_or_404(question_id: int) -> BusinessQuestion:
    question = db.session.get(BusinessQuestion, question_id)
    if question is None or not permissions.can_view_question(current_user, question):
        abort(404)
    return question


@bp.get("/questions/<int:question_id>")
def show_question(question_id: int):
    return _render_question(_question_or_404(question_id))


def _render_question(question, *, rate_form=None, reopen_form=None):
    """The question's page; a rating or reopening sent back with its errors keeps what was typed."""
    actions = allowed_actions(question, current_user)
    return render("business/question.html", question=question, actions=actions,
                  events=cases.timeline(question, internal=False), Action=Action,
                  error_items=feedback.error_items(rate_form=rate_form, reopen_form=reopen_form),
                  rate_form=rate_form or (RateForm(formdata=None) if Action.RATE in actions else None),
                  reopen_form=reopen_form or (ReopenForm(formdata=None) if Action.REOPEN in actions else None),
                  rate_action=url_for("business.rate_question", question_id=question.id),
                  reopen_action=url_for("business.reopen_question", question_id=question.id))


@bp.route("/questions/<int:question_id>/rate", methods=["GET", "POST"])
@login_required
def rate_question(question_id: int):
    question = _question_or_404(question_id)
    return feedback.rate_view(question, functools.partial(_render_question, question),
                              url_for("business.show_question", question_id=question.id),
                              allowed=Action.RATE in allowed_actions(question, current_user))


@bp.route("/questions/<int:question_id>/reopen", methods=["GET", "POST"])
@login_required
def reopen_question(question_id: int):
    question = _question_or_404(question_id)
    return feedback.reopen_view(
        question, functools.partial(_render_question, question),
        url_for("business.show_question", question_id=question.id),
        lambda: _("Your question was sent back to %(unit)s to be answered again.", unit=unit_name(question)),
        allowed=Action.REOPEN in allowed_actions(question, current_user))


# --- agencies -------------------------------------------------------------------------------

def _managed_or_403(consultation_id: int) -> Consultation:
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None:
        abort(404)
    if not permissions.can_manage_consultation(current_user, consultation):
        abort(403)
    return consultation


def _managed_agencies() -> list[Agency]:
    from app.auth.permissions import is_city_admin

    if is_city_admin(current_user):
        return _agencies()
    return list(db.session.scalars(sa.select(Agency).where(Agency.id.in_(sorted(current_user.agency_ids) or [-1]))))


@bp.get("/manage")
@require(permissions.can_manage_consultations)
def manage():
    return render("business/manage_list.html", consultations=services.consultations_of(current_user))


@bp.route("/manage/new", methods=["GET", "POST"])
@require(permissions.can_manage_consultations)
def new_consultation():
    form = ConsultationForm()
    form.agency.choices = choices((a.id, a.display_name(locale())) for a in _managed_agencies())
    if form.validate_on_submit():
        tz = ZoneInfo(HANOI_TZ)
        try:
            consultation = services.create_consultation(
                current_user, agency_id=form.agency.data, title=form.title.data, summary=form.summary.data,
                body=form.body.data, opens_at=form.opens_at.data.replace(tzinfo=tz).astimezone(UTC),
                closes_at=form.closes_at.data.replace(tzinfo=tz).astimezone(UTC))
        except services.ConsultationError as error:
            form.closes_at.errors = [services.message(error.code)]
        else:
            flash(_("The draft is published for comment."), "success")
            return redirect_to(url_for("business.manage_consultation", consultation_id=consultation.id))
    return _status(render("business/manage_new.html", form=form), form)


@bp.get("/manage/<int:consultation_id>")
@require(permissions.can_manage_consultations)
def manage_consultation(consultation_id: int):
    consultation = _managed_or_403(consultation_id)
    return render("business/manage_consultation.html", consultation=consultation,
                  pending=services.pending_comments(consultation), phase=services.phase(consultation),
                  moderation=ModerationForm(), response=ResponseForm())


@bp.post("/manage/comments/<int:comment_id>")
@require(permissions.can_manage_consultations)
def moderate_comment(comment_id: int):
    comment = db.session.get(ConsultationComment, comment_id)
    if comment is None:
        abort(404)
    consultation = _managed_or_403(comment.consultation_id)
    form = ModerationForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.moderate(comment, current_user, form.decision.data == "publish", form.reason.data or "")
    except services.ConsultationError as error:
        flash(services.message(error.code), "error")
    return redirect_to(url_for("business.manage_consultation", consultation_id=consultation.id))


@bp.post("/manage/<int:consultation_id>/response")
@require(permissions.can_manage_consultations)
def publish_response(consultation_id: int):
    consultation = _managed_or_403(consultation_id)
    form = ResponseForm()
    if not form.validate_on_submit():
        flash(services.message("empty"), "error")
    else:
        try:
            services.publish_response(consultation, current_user, form.summary.data)
        except services.ConsultationError as error:
            flash(services.message(error.code), "error")
        else:
            flash(_("The response summary is published."), "success")
    return redirect_to(url_for("business.manage_consultation", consultation_id=consultation.id))
