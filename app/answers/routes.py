"""The answer desk (/ask), questions sent to officials, and the FAQ in the console."""

from __future__ import annotations

import functools
import uuid

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.answers import bp, permissions, services
from app.answers.forms import FaqForm, QuestionForm
from app.answers.models import CitizenQuestion, FaqEntry
from app.auth.decorators import login_required, require
from app.auth.forms import invalid_status
from app.auth.permissions import is_city_admin
from app.cases import feedback
from app.cases.display import locale, unit_name
from app.cases.feedback import RateForm, ReopenForm
from app.cases.workflow import Action, allowed_actions
from app.core.htmx import redirect_to, render
from app.core.ratelimit import limiter
from app.extensions import db
from app.places.models import Agency

ASK_LIMIT = "30 per minute"
QUERY_MAX = 300


def _topics() -> list[tuple[int, str]]:
    return [(a.id, a.display_name(locale())) for a in db.session.scalars(
        sa.select(Agency).where(Agency.active).order_by(Agency.name))]


def _question_form(answer=None, formdata=None) -> QuestionForm:
    form = QuestionForm(formdata=formdata, agencies=_topics())
    if formdata is None:
        form.submission_id.data = str(uuid.uuid4())
        if answer is not None:
            form.question.data = answer.query
            best = answer.best
            form.agency.data = best.document.agency_id if best is not None else None
    return form


@bp.get("/ask")
@limiter.limit(ASK_LIMIT)
def ask():
    query = request.args.get("q", "").strip()[:QUERY_MAX]
    answer = services.ask(query) if query else None
    form = _question_form(answer) if answer is not None and not answer.confident else None
    return render("answers/ask.html", "answers/_results.html", query=query, answer=answer, form=form,
                  can_send=permissions.can_send_question(current_user))


@bp.post("/ask/questions")
@require(permissions.can_send_question)
def send_question():
    form = QuestionForm(agencies=_topics())
    submission_id = form.valid_submission_id() or str(uuid.uuid4())
    if form.validate():
        question, created = services.send_question(current_user, submission_id, form.question.data, form.agency.data)
        if created:
            flash(_("Your question #%(id)s was sent to %(unit)s.", id=question.id, unit=unit_name(question)),
                  "success")
        return redirect(url_for("answers.show_question", question_id=question.id), code=303)
    response = render("answers/ask.html", query=form.question.data or "", answer=None, form=form, can_send=True)
    response.status_code = invalid_status()
    return response


@bp.get("/ask/questions")
@login_required
def my_questions():
    return render("answers/questions.html", questions=services.questions_of(current_user))


def _question_or_404(question_id: int) -> CitizenQuestion:
    question = db.session.get(CitizenQuestion, question_id, options=[selectinload(CitizenQuestion.events)])
    if question is None or not permissions.can_view_question(current_user, question):
        abort(404)
    return question


@bp.get("/ask/questions/<int:question_id>")
@login_required
def show_question(question_id: int):
    return _render_question(_question_or_404(question_id))


def _render_question(question, *, rate_form=None, reopen_form=None):
    actions = allowed_actions(question, current_user)
    return render("answers/question.html", question=question,
                  events=services.cases.timeline(question, internal=False),
                  error_items=feedback.error_items(rate_form=rate_form, reopen_form=reopen_form),
                  rate_form=rate_form or (RateForm(formdata=None) if Action.RATE in actions else None),
                  reopen_form=reopen_form or (ReopenForm(formdata=None) if Action.REOPEN in actions else None))


@bp.route("/ask/questions/<int:question_id>/rate", methods=["GET", "POST"])
@login_required
def rate_question(question_id: int):
    question = _question_or_404(question_id)
    return feedback.rate_view(question, functools.partial(_render_question, question),
                              url_for("answers.show_question", question_id=question.id))


@bp.route("/ask/questions/<int:question_id>/reopen", methods=["GET", "POST"])
@login_required
def reopen_question(question_id: int):
    question = _question_or_404(question_id)
    return feedback.reopen_view(
        question, functools.partial(_render_question, question),
        url_for("answers.show_question", question_id=question.id),
        lambda: _("Your question was sent back to %(unit)s to be answered again.", unit=unit_name(question)))


@bp.get("/ask/faq/<int:faq_id>")
def show_faq(faq_id: int):
    faq = db.session.get(FaqEntry, faq_id)
    if faq is None or (not faq.published and not permissions.can_edit_faq(current_user, faq)):
        abort(404)
    return render("answers/faq.html", faq=faq)


# --- the FAQ in the console -------------------------------------------------------------

def _faq_agencies() -> list[tuple[int | None, str]]:
    query = sa.select(Agency).where(Agency.active).order_by(Agency.name)
    if not is_city_admin(current_user):
        query = query.where(Agency.id.in_(sorted(current_user.agency_ids)))
    choices = [(a.id, a.display_name(locale())) for a in db.session.scalars(query)]
    return ([(None, _("Every agency (general)"))] if is_city_admin(current_user) else []) + choices


@bp.get("/console/faq")
@require(permissions.can_manage_faq)
def faq_list():
    return render("answers/faq_list.html", entries=services.faqs(request.args.get("q", "")[:100]),
                  can_edit=lambda f: permissions.can_edit_faq(current_user, f))


@bp.route("/console/faq/new", methods=["GET", "POST"])
@require(permissions.can_manage_faq)
def new_faq():
    return _edit_faq(FaqEntry(published=True, sample=False))


@bp.route("/console/faq/<int:faq_id>", methods=["GET", "POST"])
@require(permissions.can_manage_faq)
def edit_faq(faq_id: int):
    faq = db.session.get(FaqEntry, faq_id) or abort(404)
    if not permissions.can_edit_faq(current_user, faq):
        abort(403)
    return _edit_faq(faq)


def _edit_faq(faq: FaqEntry):
    if request.method == "POST":
        form = FaqForm(agencies=_faq_agencies())
        if form.validate():
            services.save_faq(faq, current_user, question=form.question.data, answer=form.answer.data,
                              agency_id=form.agency.data, published=form.published.data)
            flash(_("The FAQ entry was saved."), "success")
            return redirect_to(url_for("answers.faq_list"))
    else:
        form = FaqForm(formdata=None, agencies=_faq_agencies(), question=faq.question, answer=faq.answer,
                       agency=faq.agency_id, published=faq.published)
    response = render("answers/faq_edit.html", form=form, faq=faq)
    if request.method == "POST":
        response.status_code = invalid_status()
    return response
