"""Survey pages: citizens answer (once, level 1+), officials build, preview, publish and read
results; results are public after the survey closes, or earlier if the official chose so."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, flash, request, url_for
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.decorators import login_required
from app.auth.permissions import is_city_admin
from app.cases.permissions import handled_units
from app.core import questions as q
from app.core.htmx import is_htmx, redirect_to, render
from app.core.ids import to_id
from app.core.text import ForbiddenCharacterError, normalize_text, vi_sorted
from app.extensions import db
from app.places.models import Agency, Ward
from app.stats.charts import share_bars
from app.surveys import bp, permissions, services
from app.surveys.forms import KIND_LABELS, QuestionForm, SurveyForm, choices, local_time, to_utc
from app.surveys.models import Survey, SurveyQuestion

MESSAGES = {
    "period": _l("The end must be after the start."),
    "locked": _l("People have answered this survey: its questions cannot change. Make a new version instead."),
    "kind": _l("Choose a kind of answer."),
    "too_many": _l("A survey has at most 50 questions."),
    "options": _l("Give at least two options."),
    "not_draft": _l("This survey is already published."),
    "no_questions": _l("Add at least one question first."),
    "not_open": _l("This survey is not open for answers."),
    "already_answered": _l("You have already answered this survey. Thank you!"),
}


def _lang() -> str:
    return str(get_locale() or "vi")


def _load(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None or not permissions.can_view_survey(current_user, survey):
        abort(404)
    return survey


def _managed(survey_id: int) -> Survey:
    survey = _load(survey_id)
    if not permissions.can_manage_survey(current_user, survey):
        abort(403)
    return survey


def _question(survey: Survey, question_id: int) -> SurveyQuestion:
    question = db.session.get(SurveyQuestion, question_id)
    if question is None or question.survey_id != survey.id:
        abort(404)
    return question


def _error(error: services.SurveyError) -> None:
    flash(str(MESSAGES[error.args[0]]), "error")


# --- citizens ----------------------------------------------------------------------------

@bp.get("", strict_slashes=False)
def index():
    return render("surveys/index.html", open_surveys=services.open_surveys(),
                  closed=[s for s in services.closed_surveys()],
                  can_build=permissions.can_build_surveys(current_user))


def parse_answers(survey: Survey, formdata) -> tuple[dict, dict[int, str]]:
    """Answers from ``answer-<question id>`` fields, checked by :mod:`app.core.questions`."""
    given: dict[str, list[str]] = {}
    errors: dict[int, str] = {}
    for question in survey.questions:
        try:
            given[question.code] = [normalize_text(v).strip() for v in formdata.getlist(f"answer-{question.id}")]
        except ForbiddenCharacterError as error:
            errors[question.id] = str(error.args[0])
    answers, problems = q.validate(survey.questions, given)
    for question in survey.questions:
        if question.code in problems and question.id not in errors:
            errors[question.id] = q.problem_message(problems[question.code], question.kind)
    return answers, errors


@bp.route("/<int:survey_id>", methods=["GET", "POST"])
def show(survey_id: int):
    survey = _load(survey_id)
    errors: dict[int, str] = {}
    answered = services.answer_of(survey, current_user) if current_user.is_authenticated else None
    if request.method == "POST":
        if not current_user.is_authenticated:
            return redirect_to(url_for("auth.login", next=request.path))
        if not permissions.can_answer(current_user):
            abort(403)
        answers, errors = parse_answers(survey, request.form)
        if not errors:
            try:
                services.submit(survey, current_user, answers)
            except services.SurveyError as error:
                _error(error)
                return redirect_to(url_for("surveys.show", survey_id=survey.id))
            flash(gettext("Thank you: your answers are recorded."), "success")
            return redirect_to(url_for("surveys.show", survey_id=survey.id))
    response = render("surveys/show.html", survey=survey, errors=errors, answered=answered,
                      open=services.is_open(survey), results_public=services.results_public(survey),
                      can_manage=permissions.can_manage_survey(current_user, survey), preview=False,
                      kind_labels=KIND_LABELS)
    if errors:
        response.status_code = 422
    return response


@bp.get("/<int:survey_id>/results")
def results(survey_id: int):
    survey = _load(survey_id)
    can_manage = permissions.can_manage_survey(current_user, survey)
    if not (services.results_public(survey) or can_manage):
        abort(404)
    lang = _lang()
    data = services.results(survey, lang)
    charts = {}
    for result in data.questions:
        if result.options:
            charts[result.question.id] = share_bars(
                f"chart-q{result.question.id}", result.question.display_label(lang),
                [(o.label, o.share) for o in result.options], gettext("no answers"))
    period, figures = services.satisfaction(survey)
    return render("surveys/results.html", survey=survey, results=data, charts=charts, can_manage=can_manage,
                  period=period, figures=figures)


@bp.get("/<int:survey_id>/results.csv")
@login_required
def results_csv(survey_id: int):
    survey = _managed(survey_id)
    body = "".join(services.csv_lines(survey, _lang()))
    response = Response(body.encode("utf-8"), mimetype="text/csv")
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="survey-{survey.id}.csv"'
    response.cache_control.no_store = True
    return response


# --- officials ---------------------------------------------------------------------------

def _require_builder() -> None:
    if not permissions.can_build_surveys(current_user):
        abort(403)


def _unit_choices() -> list:
    if is_city_admin(current_user):
        wards = vi_sorted(db.session.scalars(sa.select(Ward).where(Ward.active.is_(True))))
        agencies = vi_sorted(db.session.scalars(sa.select(Agency).where(Agency.active.is_(True))))
    else:
        wards = vi_sorted(db.session.get(Ward, i) for i in sorted(current_user.ward_ids))
        agencies = vi_sorted(db.session.get(Agency, i) for i in sorted(current_user.agency_ids))
    return choices([(f"a:{a.id}", a.name) for a in agencies] + [(f"w:{w.id}", w.name) for w in wards])


def _unit_ids(value: str) -> tuple[int | None, int | None]:
    kind, _, number = value.partition(":")
    return (to_id(number), None) if kind == "w" else (None, to_id(number))


@bp.get("/manage")
@login_required
def manage():
    _require_builder()
    return render("surveys/manage.html", surveys=services.managed_surveys(handled_units(current_user)),
                  results_public=services.results_public, is_open=services.is_open)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_survey():
    _require_builder()
    form = SurveyForm()
    form.unit.choices = _unit_choices()
    if form.validate_on_submit():
        ward_id, agency_id = _unit_ids(form.unit.data)
        try:
            survey = services.create(current_user, ward_id=ward_id, agency_id=agency_id,
                                     title=form.title.data.strip(), description=(form.description.data or "").strip(),
                                     open_from=to_utc(form.open_from.data), open_until=to_utc(form.open_until.data),
                                     results_public_early=form.results_public_early.data)
        except services.SurveyError as error:
            _error(error)
        else:
            return redirect_to(url_for("surveys.edit_survey", survey_id=survey.id))
    return render("surveys/new.html", form=form)


def _builder(survey: Survey, form: SurveyForm | None = None, question_form: QuestionForm | None = None,
             status: int = 200):
    if form is None:
        form = SurveyForm()
        form.title.data, form.description.data = survey.title, survey.description
        form.open_from.data, form.open_until.data = local_time(survey.open_from), local_time(survey.open_until)
        form.results_public_early.data = survey.results_public_early
    response = render("surveys/edit.html", "surveys/_questions.html", survey=survey, form=form,
                      question_form=question_form or QuestionForm(formdata=None),
                      locked=services.questions_locked(survey), kind_labels=KIND_LABELS,
                      responses=services.response_count(survey))
    response.status_code = status
    return response


@bp.route("/<int:survey_id>/edit", methods=["GET", "POST"])
@login_required
def edit_survey(survey_id: int):
    survey = _managed(survey_id)
    if request.method == "GET":
        return _builder(survey)
    form = SurveyForm()
    del form.unit
    if form.validate_on_submit():
        try:
            services.edit_details(survey, current_user, title=form.title.data.strip(),
                                  description=(form.description.data or "").strip(),
                                  open_from=to_utc(form.open_from.data), open_until=to_utc(form.open_until.data),
                                  results_public_early=form.results_public_early.data)
        except services.SurveyError as error:
            _error(error)
        else:
            flash(gettext("Saved."), "success")
            return redirect_to(url_for("surveys.edit_survey", survey_id=survey.id))
    return _builder(survey, form=form, status=422)


@bp.post("/<int:survey_id>/questions")
@login_required
def add_question(survey_id: int):
    survey = _managed(survey_id)
    form = QuestionForm()
    if not form.validate_on_submit():
        return _builder(survey, question_form=form, status=422)
    try:
        services.add_question(survey, current_user, label=form.label.data.strip(),
                              label_en=(form.label_en.data or "").strip(), kind=form.kind.data,
                              required=form.required.data, options=form.parsed_options)
    except services.SurveyError as error:
        _error(error)
    return redirect_to(url_for("surveys.edit_survey", survey_id=survey.id) + "#questions")


@bp.post("/<int:survey_id>/questions/<int:question_id>/delete")
@login_required
def delete_question(survey_id: int, question_id: int):
    survey = _managed(survey_id)
    try:
        services.delete_question(survey, current_user, _question(survey, question_id))
    except services.SurveyError as error:
        _error(error)
    return redirect_to(url_for("surveys.edit_survey", survey_id=survey.id) + "#questions")


@bp.post("/<int:survey_id>/questions/<int:question_id>/move")
@login_required
def move_question(survey_id: int, question_id: int):
    """Move a question up or down: htmx swaps the list in place, without JavaScript the page reloads."""
    survey = _managed(survey_id)
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400)
    try:
        services.move_question(survey, _question(survey, question_id), direction)
    except services.SurveyError as error:
        _error(error)
    if is_htmx():
        return _builder(survey)
    return redirect_to(url_for("surveys.edit_survey", survey_id=survey.id) + "#questions")


@bp.get("/<int:survey_id>/preview")
@login_required
def preview(survey_id: int):
    survey = _managed(survey_id)
    return render("surveys/show.html", survey=survey, errors={}, answered=None, open=False,
                  results_public=False, can_manage=True, preview=True, kind_labels=KIND_LABELS)


@bp.post("/<int:survey_id>/publish")
@login_required
def publish(survey_id: int):
    survey = _managed(survey_id)
    try:
        services.publish(survey, current_user)
    except services.SurveyError as error:
        _error(error)
        return redirect_to(url_for("surveys.edit_survey", survey_id=survey.id))
    flash(gettext("The survey is published."), "success")
    return redirect_to(url_for("surveys.show", survey_id=survey.id))


@bp.post("/<int:survey_id>/new-version")
@login_required
def new_version(survey_id: int):
    survey = _managed(survey_id)
    copy = services.new_version(survey, current_user)
    flash(gettext("A new version was made as a draft: change its questions, then publish it."), "success")
    return redirect_to(url_for("surveys.edit_survey", survey_id=copy.id))
