"""Building surveys (questions frozen once answered: a new version instead), answering once
per account, and the results: counts, shares, rating means, free text with personal data masked."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.audit import services as audit
from app.core import questions as q
from app.core.models import utcnow
from app.core.text import csv_line, mask_personal_data
from app.extensions import db
from app.surveys.models import Survey, SurveyQuestion, SurveyResponse, SurveyStatus

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_QUESTIONS = 50
TEXTS_SHOWN = 200


class SurveyError(Exception):
    """``args[0]`` is a code of :data:`app.surveys.routes.MESSAGES`."""


# --- building ---------------------------------------------------------------------------

def create(author, *, ward_id: int | None, agency_id: int | None, title: str, description: str,
           open_from: datetime, open_until: datetime, results_public_early: bool = False) -> Survey:
    if open_until <= open_from:
        raise SurveyError("period")
    survey = Survey(ward_id=ward_id, agency_id=agency_id, title=title, description=description,
                    open_from=open_from, open_until=open_until, results_public_early=results_public_early,
                    created_by_id=author.id)
    db.session.add(survey)
    db.session.flush()
    audit.record("survey.create", survey, actor=author)
    return survey


def edit_details(survey: Survey, actor, *, title: str, description: str, open_from: datetime,
                 open_until: datetime, results_public_early: bool) -> None:
    if open_until <= open_from:
        raise SurveyError("period")
    survey.title, survey.description = title, description
    survey.open_from, survey.open_until = open_from, open_until
    survey.results_public_early = results_public_early
    audit.record("survey.edit", survey, actor=actor)


def response_count(survey: Survey) -> int:
    return db.session.scalar(sa.select(sa.func.count(SurveyResponse.id))
                             .where(SurveyResponse.survey_id == survey.id)) or 0


def questions_locked(survey: Survey) -> bool:
    """Answered surveys keep their questions: the answers must still mean what was asked."""
    return response_count(survey) > 0


def _check_unlocked(survey: Survey) -> None:
    if questions_locked(survey):
        raise SurveyError("locked")


def add_question(survey: Survey, actor, *, label: str, label_en: str, kind: str, required: bool,
                 options: list[tuple[str, str]]) -> SurveyQuestion:
    _check_unlocked(survey)
    if kind not in set(q.QuestionKind):
        raise SurveyError("kind")
    if len(survey.questions) >= MAX_QUESTIONS:
        raise SurveyError("too_many")
    choices = kind in (q.QuestionKind.SINGLE, q.QuestionKind.MULTIPLE)
    if choices and len(options) < 2:
        raise SurveyError("options")
    taken = {question.code for question in survey.questions}
    number = len(survey.questions) + 1
    while f"q{number}" in taken:
        number += 1
    question = SurveyQuestion(
        code=f"q{number}", label=label, label_en=label_en, kind=kind, required=required,
        position=max((x.position for x in survey.questions), default=0) + 1,
        options=[{"value": f"o{i}", "label": vi, "label_en": en or vi}
                 for i, (vi, en) in enumerate(options, 1)] if choices else [])
    survey.questions.append(question)
    db.session.flush()
    audit.record("survey.add_question", survey, actor=actor, question=question.code)
    return question


def delete_question(survey: Survey, actor, question: SurveyQuestion) -> None:
    _check_unlocked(survey)
    survey.questions.remove(question)
    db.session.flush()
    audit.record("survey.delete_question", survey, actor=actor, question=question.code)


def move_question(survey: Survey, question: SurveyQuestion, direction: str) -> None:
    """Swap with the neighbour above (``up``) or below (``down``); at an end nothing moves."""
    _check_unlocked(survey)
    ordered = sorted(survey.questions, key=lambda x: (x.position, x.id))
    i = ordered.index(question)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(ordered):
        ordered[i], ordered[j] = ordered[j], ordered[i]
    for position, item in enumerate(ordered, 1):
        item.position = position
    db.session.flush()
    db.session.expire(survey, ["questions"])


def publish(survey: Survey, actor) -> None:
    if survey.status != SurveyStatus.DRAFT:
        raise SurveyError("not_draft")
    if not survey.questions:
        raise SurveyError("no_questions")
    survey.status = SurveyStatus.PUBLISHED
    audit.record("survey.publish", survey, actor=actor)


def new_version(survey: Survey, actor) -> Survey:
    """A draft copy with the same questions, to change what an answered survey asks."""
    now = utcnow()
    opens = max(survey.open_from, now)
    closes = survey.open_until if survey.open_until > opens else opens + (survey.open_until - survey.open_from)
    copy = Survey(ward_id=survey.ward_id, agency_id=survey.agency_id, title=survey.title,
                  description=survey.description, open_from=opens, open_until=closes,
                  results_public_early=survey.results_public_early, version=survey.version + 1,
                  previous_id=survey.id, created_by_id=actor.id)
    copy.questions = [SurveyQuestion(code=x.code, label=x.label, label_en=x.label_en, kind=x.kind,
                                     required=x.required, position=x.position, options=list(x.options))
                      for x in survey.questions]
    db.session.add(copy)
    db.session.flush()
    audit.record("survey.new_version", copy, actor=actor, previous=survey.id)
    return copy


# --- reading and answering ----------------------------------------------------------------

def is_open(survey: Survey, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return survey.status == SurveyStatus.PUBLISHED and survey.open_from <= now < survey.open_until


def is_closed(survey: Survey, now: datetime | None = None) -> bool:
    return survey.status == SurveyStatus.PUBLISHED and (now or utcnow()) >= survey.open_until


def results_public(survey: Survey, now: datetime | None = None) -> bool:
    """Public once closed, or earlier if the official chose so."""
    if survey.status != SurveyStatus.PUBLISHED:
        return False
    return is_closed(survey, now) or (survey.results_public_early and survey.open_from <= (now or utcnow()))


def open_surveys(now: datetime | None = None) -> list[Survey]:
    now = now or utcnow()
    return list(db.session.scalars(sa.select(Survey).where(
        Survey.status == SurveyStatus.PUBLISHED, Survey.open_from <= now, Survey.open_until > now)
        .order_by(Survey.open_until)))


def closed_surveys(now: datetime | None = None, limit: int = 50) -> list[Survey]:
    now = now or utcnow()
    return list(db.session.scalars(sa.select(Survey).where(
        Survey.status == SurveyStatus.PUBLISHED, Survey.open_until <= now)
        .order_by(Survey.open_until.desc()).limit(limit)))


def managed_surveys(units) -> list[Survey]:
    query = sa.select(Survey).order_by(Survey.id.desc()).limit(200)
    if not units.all:
        query = query.where(sa.or_(Survey.ward_id.in_(sorted(units.ward_ids)),
                                   Survey.agency_id.in_(sorted(units.agency_ids))))
    return list(db.session.scalars(query))


def answer_of(survey: Survey, user) -> SurveyResponse | None:
    return db.session.scalar(sa.select(SurveyResponse).where(
        SurveyResponse.survey_id == survey.id, SurveyResponse.user_id == user.id))


def submit(survey: Survey, user, answers: dict) -> SurveyResponse:
    """Store one account's answers; a second answer (even at the same instant) is refused by
    the unique constraint and raises ``SurveyError("already_answered")``."""
    if not is_open(survey):
        raise SurveyError("not_open")
    response = SurveyResponse(survey_id=survey.id, user_id=user.id, answers=answers)
    try:
        with db.session.begin_nested():
            db.session.add(response)
            db.session.flush()
    except sa.exc.IntegrityError as error:
        raise SurveyError("already_answered") from error
    return response


# --- results ----------------------------------------------------------------------------

@dataclass
class OptionCount:
    value: str
    label: str
    count: int
    share: float | None


@dataclass
class QuestionResult:
    question: SurveyQuestion
    answered: int
    options: list[OptionCount] = field(default_factory=list)
    mean: float | None = None
    texts: list[str] = field(default_factory=list)


@dataclass
class Results:
    respondents: int
    questions: list[QuestionResult]


def _responses(survey: Survey) -> list[SurveyResponse]:
    return list(db.session.scalars(sa.select(SurveyResponse).where(SurveyResponse.survey_id == survey.id)
                                   .order_by(SurveyResponse.id)))


def results(survey: Survey, locale: str) -> Results:
    """Counts and shares per option (of those who answered the question; for multiple choice
    the shares add up to more than 100%), the mean and distribution of ratings, free text masked."""
    responses = _responses(survey)
    out = []
    for question in survey.questions:
        values = [r.answers.get(question.code) for r in responses]
        values = [v for v in values if v not in (None, "", [])]
        result = QuestionResult(question, len(values))
        if question.kind in (q.QuestionKind.SINGLE, q.QuestionKind.MULTIPLE, q.QuestionKind.RATING):
            options = ([(r, r) for r in q.RATINGS] if question.kind == q.QuestionKind.RATING else
                       [(o["value"], question.option_label(o["value"], locale)) for o in question.options])
            counts = dict.fromkeys((v for v, _ in options), 0)
            for value in values:
                for v in value if isinstance(value, list) else [value]:
                    if v in counts:
                        counts[v] += 1
            result.options = [OptionCount(v, label, counts[v], counts[v] / len(values) if values else None)
                              for v, label in options]
            if question.kind == q.QuestionKind.RATING and values:
                result.mean = sum(int(v) for v in values) / len(values)
        else:
            result.texts = [mask_personal_data(v) for v in values[:TEXTS_SHOWN]]
        out.append(result)
    return Results(len(responses), out)


def csv_lines(survey: Survey, locale: str) -> Iterator[str]:
    """Every answer, one row per response (no account, only a running number), UTF-8 with a
    BOM so that spreadsheets read Vietnamese, cells that could be formulas made safe."""
    yield "\ufeff" + csv_line(["#", "submitted_at", *[x.display_label(locale) for x in survey.questions]])
    for number, response in enumerate(_responses(survey), 1):
        row = [number, response.submitted_at.astimezone(HANOI).strftime("%Y-%m-%d %H:%M")]
        for question in survey.questions:
            value = response.answers.get(question.code)
            values = value if isinstance(value, list) else ([] if value in (None, "") else [value])
            if question.kind in (q.QuestionKind.SINGLE, q.QuestionKind.MULTIPLE):
                values = [question.option_label(v, locale) for v in values]
            elif question.kind in (q.QuestionKind.TEXT, q.QuestionKind.LONG_TEXT):
                values = [mask_personal_data(v) for v in values]
            row.append("; ".join(values))
        yield csv_line(row)


def satisfaction(survey: Survey):
    """The ratings of the unit's answered cases (every kind) received in the survey's period,
    from the engine's statistics."""
    from app.cases.models import Case, UnitType
    from app.stats.services import Period, Scope, compute

    if survey.ward_id is not None:
        clause = sa.and_(Case.unit_type == UnitType.WARD, Case.unit_ward_id == survey.ward_id)
        key = ("ward", survey.ward_id)
    else:
        clause = sa.and_(Case.unit_type == UnitType.AGENCY, Case.unit_agency_id == survey.agency_id)
        key = ("agency", survey.agency_id)
    start = survey.open_from.astimezone(HANOI).date()
    end = min(survey.open_until, utcnow()).astimezone(HANOI).date()
    period = Period(start, max(start, end))
    return period, compute(period, Scope(key, clause), kind=None).city
