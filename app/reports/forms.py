"""Forms of the citizen side: filing a report, rating the answer, asking to reopen.

WTForms' own messages are English only, so every check that can fail carries its own
translated message, and choices are coerced without ever raising.
"""

from __future__ import annotations

import math
import re

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, MultipleFileField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.cases import feedback
from app.core import questions
from app.core.forms import BaseForm
from app.core.ids import to_id
from app.core.text import ForbiddenCharacterError, normalize_text
from app.places.geo import in_hanoi

DESCRIPTION_MIN = 10
DESCRIPTION_MAX = 4000
ADDRESS_MAX = 300
ANSWER_MAX = questions.ANSWER_MAX
COMMENT_MAX = 2000
_SUBMISSION_ID = re.compile(r"[A-Za-z0-9-]{8,64}")


def _to_id(value) -> int | None:
    """Coerce a submitted id; anything that is not an id (:func:`app.core.ids.to_id`) becomes None."""
    return to_id(value)


def _clean_text(value):
    """Surrounding blanks off; the base form has normalised the text already."""
    return value.strip() if isinstance(value, str) else value


def _coordinate(value: str | None) -> float | None:
    text = (value or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return math.nan
    return number


class ReportForm(BaseForm):
    category = RadioField(_l("What is the problem?"), coerce=_to_id, validate_choice=False)
    description = TextAreaField(
        _l("Describe the problem"), filters=[_clean_text],
        validators=[
            DataRequired(_l("Describe the problem in a few words.")),
            Length(min=DESCRIPTION_MIN, max=DESCRIPTION_MAX,
                   message=_l("Describe the problem in %(min)d to %(max)d characters.")),
        ],
    )
    photos = MultipleFileField(_l("Photos"))
    ward = SelectField(_l("Ward or commune"), coerce=_to_id, validate_choice=False)
    lat = HiddenField()
    lon = HiddenField()
    address = StringField(
        _l("Address or landmark (optional)"), filters=[_clean_text],
        validators=[Optional(), Length(max=ADDRESS_MAX, message=_l(
            "The address is too long (at most %(max)d characters)."))],
    )
    show_name = BooleanField(_l("Show my name publicly with this report"), default=False)
    submission_id = HiddenField()

    def __init__(self, *args, categories=(), ward_ids=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {c.id: c for c in categories}
        self.ward_ids = ward_ids
        self.coordinates: tuple[float, float] | None = None

    @property
    def chosen_category(self):
        return self.categories.get(self.category.data)

    def validate_category(self, field) -> None:
        if field.data not in self.categories:
            raise ValidationError(_l("Choose what the problem is about."))

    def validate_ward(self, field) -> None:
        if field.data not in self.ward_ids:
            raise ValidationError(_l("Choose the ward or commune where the problem is."))

    def validate_lat(self, field) -> None:
        lat, lon = _coordinate(self.lat.data), _coordinate(self.lon.data)
        if lat is None and lon is None:
            self.coordinates = None
            return
        if lat is None or lon is None:
            raise ValidationError(_l("The location needs both a latitude and a longitude. "
                                     "Set the location again or leave it out."))
        # Hanoi's own boundary, not a box around it: Bắc Ninh is inside the box.
        if not in_hanoi(lat, lon):
            raise ValidationError(_l("This location is not in Hanoi. Set the location again or leave it out."))
        self.coordinates = (round(lat, 6), round(lon, 6))

    def valid_submission_id(self) -> str | None:
        value = (self.submission_id.data or "").strip()
        return value if _SUBMISSION_ID.fullmatch(value) else None


def parse_answers(category, formdata) -> tuple[dict, dict[int, str]]:
    """The answers to ``category``'s extra questions from ``answer-<question id>`` fields.

    Returns ``(answers by question code, error messages by question id)``. Questions of other
    categories are ignored: only the chosen category's answers are kept. Validation is the
    shared one of :mod:`app.core.questions`.
    """
    if category is None:
        return {}, {}
    given: dict[str, list[str]] = {}
    errors: dict[int, str] = {}
    for question in category.questions:
        try:
            given[question.code] = [normalize_text(v).strip() for v in formdata.getlist(f"answer-{question.id}")]
        except ForbiddenCharacterError as error:
            errors[question.id] = str(error.args[0])
    answers, problems = questions.validate(category.questions, given)
    for question in category.questions:
        if question.code in problems and question.id not in errors:
            errors[question.id] = questions.problem_message(problems[question.code])
    return answers, {q.id: errors[q.id] for q in category.questions if q.id in errors}


class RateForm(feedback.RateForm):
    """The engine's rating form; a report's comment is normalised like the report's own text."""

    comment = TextAreaField(
        _l("Comment (optional)"), filters=[_clean_text],
        validators=[Optional(), Length(max=COMMENT_MAX, message=_l(
            "The comment is too long (at most %(max)d characters)."))],
    )


class ReopenForm(feedback.ReopenForm):
    """The engine's reopen form, asked in a report's words."""

    reason = TextAreaField(
        _l("Why is the problem not solved?"), filters=[_clean_text],
        validators=[
            DataRequired(_l("Tell the officials what is still wrong.")),
            Length(max=COMMENT_MAX, message=_l("The reason is too long (at most %(max)d characters).")),
        ],
    )
