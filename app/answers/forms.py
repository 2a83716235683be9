"""Forms of the answer desk and of the FAQ in the console."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from app.core.forms import BaseForm

_SUBMISSION_ID = re.compile(r"[A-Za-z0-9-]{8,64}")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _to_int(value):
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 12 else None


class QuestionForm(BaseForm):
    submission_id = HiddenField()
    question = TextAreaField(_l("Your question"), filters=[_strip], validators=[
        DataRequired(_l("Write your question.")),
        Length(min=10, max=2000, message=_l("Write between %(min)d and %(max)d characters."))])
    agency = SelectField(_l("Topic"), coerce=_to_int, validate_choice=False)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.agency.choices = list(agencies)

    def validate_agency(self, field) -> None:
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose the topic of your question."))

    def valid_submission_id(self) -> str | None:
        value = self.submission_id.data or ""
        return value if _SUBMISSION_ID.fullmatch(value) else None


class FaqForm(BaseForm):
    question = StringField(_l("Question"), filters=[_strip], validators=[
        DataRequired(_l("Write the question.")), Length(max=300, message=_l("At most %(max)d characters."))])
    answer = TextAreaField(_l("Answer"), filters=[_strip], validators=[
        DataRequired(_l("Write the answer.")), Length(max=8000, message=_l("At most %(max)d characters."))])
    agency = SelectField(_l("Agency"), coerce=_to_int, validate_choice=False)
    published = BooleanField(_l("Published on the answer desk"))

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.agency.choices = list(agencies)

    def validate_agency(self, field) -> None:
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose an agency you manage."))
