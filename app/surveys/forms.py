from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from app.core.forms import BaseForm, within_dates

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
FORMAT = "%Y-%m-%dT%H:%M"
KIND_LABELS = {
    "single": _l("One choice"),
    "multiple": _l("Several choices"),
    "rating": _l("Rating from 1 to 5"),
    "text": _l("Short text"),
    "long_text": _l("Long text"),
}


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def to_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=HANOI).astimezone(UTC)


def local_time(value: datetime) -> datetime:
    return value.astimezone(HANOI).replace(tzinfo=None)


def _unit(value):
    return value or ""


class SurveyForm(BaseForm):
    unit = SelectField(_l("About the service of"), coerce=_unit, validate_choice=True)
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Give the survey a title.")),
                                                 Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=4000)])
    open_from = DateTimeLocalField(_l("Opens"), format=FORMAT,
                                  validators=[DataRequired(message=_l("Enter a date and time.")), within_dates])
    open_until = DateTimeLocalField(_l("Closes"), format=FORMAT,
                                   validators=[DataRequired(message=_l("Enter a date and time.")), within_dates])
    results_public_early = BooleanField(_l("Show the results publicly while the survey is open"))

    def validate_open_until(self, field) -> None:
        if field.data and self.open_from.data and field.data <= self.open_from.data:
            raise ValidationError(_l("The end must be after the start."))


class QuestionForm(BaseForm):
    label = StringField(_l("Question"), validators=[DataRequired(message=_l("Write the question.")),
                                                    Length(max=300)])
    label_en = StringField(_l("Question in English (optional)"), validators=[Length(max=300)])
    kind = SelectField(_l("Kind of answer"), choices=choices(KIND_LABELS.items()), validate_choice=True)
    required = BooleanField(_l("An answer is required"))
    options = TextAreaField(_l("Options, one per line (for choices); an English label after a “|”"),
                            validators=[Length(max=4000)])

    @property
    def parsed_options(self) -> list[tuple[str, str]]:
        out = []
        for line in (self.options.data or "").splitlines():
            vi, _, en = line.partition("|")
            if vi.strip():
                out.append((vi.strip()[:200], en.strip()[:200]))
        return out

    def validate_options(self, field) -> None:
        if self.kind.data in ("single", "multiple") and len(self.parsed_options) < 2:
            raise ValidationError(_l("Give at least two options."))
