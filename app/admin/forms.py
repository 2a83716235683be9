import math

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp, ValidationError

from app.core import dates
from app.core.forms import BaseForm
from app.places.geo import in_hanoi


def _within_years(form, field) -> None:
    if field.data is not None and not dates.in_range(field.data):
        raise ValidationError(_l("Choose a date between %(first)d and %(last)d.", first=dates.EARLIEST.year,
                                 last=dates.LATEST.year))


class HolidayForm(BaseForm):
    day = DateField(_l("Date"), validators=[DataRequired(message=_l("Choose a date.")), _within_years])
    name = StringField(_l("Name of the holiday"), validators=[
        DataRequired(message=_l("Give the holiday a name.")), Length(max=120)])


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _int_or_none(value):
    if value in (None, "", "None"):
        return None
    return int(value)


class GrantRoleForm(BaseForm):
    """A role with its scope; choices for ward and agency are filled in by the view."""

    role = SelectField(_l("Role"), choices=choices([
        ("ward_official", _l("Ward official")), ("agency_official", _l("Agency official")),
        ("city_admin", _l("City admin"))]))
    ward = SelectField(_l("Ward"), coerce=_int_or_none, validate_choice=True)
    agency = SelectField(_l("Agency"), coerce=_int_or_none, validate_choice=True)
    supervisor = BooleanField(_l("Supervisor (told about overdue reports and doubtful fixes)"))

    def validate_ward(self, field):
        if self.role.data == "ward_official" and field.data is None:
            raise ValidationError(_l("Choose the ward."))

    def validate_agency(self, field):
        if self.role.data == "agency_official" and field.data is None:
            raise ValidationError(_l("Choose the agency."))


MAX_HOURS = 2000  # a year of working days; anything longer is a typing mistake


def _hours(label):
    return IntegerField(label, validators=[
        InputRequired(message=_l("Enter a number of working hours.")),
        NumberRange(min=1, max=MAX_HOURS, message=_l("Between %(min)s and %(max)s working hours."))])


class CategoryForm(BaseForm):
    name = StringField(_l("Name (Vietnamese)"), validators=[
        DataRequired(message=_l("Give the category a name.")), Length(max=120)])
    name_en = StringField(_l("Name (English)"), validators=[
        DataRequired(message=_l("Give the category a name.")), Length(max=120)])
    unit_type = SelectField(_l("Handled by"), choices=choices([
        ("ward", _l("The ward where the problem is")), ("agency", _l("A city agency"))]))
    agency = SelectField(_l("Agency"), coerce=_int_or_none, validate_choice=True)
    accept_hours = _hours(_l("Time to accept"))
    resolve_urgent_hours = _hours(_l("Time to resolve, urgent"))
    resolve_normal_hours = _hours(_l("Time to resolve, normal"))
    resolve_complex_hours = _hours(_l("Time to resolve, complex"))
    result_photo_required = BooleanField(_l("A photo of the result is required"))
    active = BooleanField(_l("Active (citizens can choose it)"))
    position = IntegerField(_l("Position in the list"), validators=[
        InputRequired(message=_l("Enter a number.")),
        NumberRange(min=0, max=10000, message=_l("Between %(min)s and %(max)s."))])

    def validate_agency(self, field):
        if self.unit_type.data == "agency" and field.data is None:
            raise ValidationError(_l("Choose the agency that handles this category."))


CODE_PATTERN = r"^[a-z0-9_]+$"


def _code(label):
    return StringField(label, validators=[
        DataRequired(message=_l("Enter a code.")), Length(max=40),
        Regexp(CODE_PATTERN, message=_l("Use only lower-case letters a–z, digits and _."))])


class NewCategoryForm(CategoryForm):
    code = _code(_l("Code (used by the API, cannot be changed)"))


def parse_options(text: str) -> list[dict]:
    """Lines ``value|Nhãn|Label`` → option dicts; ValueError names the first bad line."""
    options, seen = [], set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 3 or not all(parts):
            raise ValueError(number)
        if parts[0] in seen:
            raise ValueError(number)
        seen.add(parts[0])
        options.append({"value": parts[0], "label": parts[1], "label_en": parts[2]})
    return options


class QuestionForm(BaseForm):
    code = _code(_l("Code"))
    label = StringField(_l("Question (Vietnamese)"), validators=[
        DataRequired(message=_l("Write the question.")), Length(max=200)])
    label_en = StringField(_l("Question (English)"), validators=[
        DataRequired(message=_l("Write the question.")), Length(max=200)])
    kind = SelectField(_l("Kind of answer"), choices=choices([
        ("text", _l("Text")), ("single", _l("One choice")), ("multiple", _l("Several choices"))]))
    required = BooleanField(_l("An answer is required"))
    options = TextAreaField(_l("Choices, one a line: value|Nhãn|Label"))

    def validate_options(self, field):
        try:
            self.parsed_options = parse_options(field.data or "")
        except ValueError as error:
            raise ValidationError(_l("Line %(line)s is not value|Nhãn|Label, or repeats a value.",
                                     line=error.args[0])) from None
        if self.kind.data == "text" and self.parsed_options:
            raise ValidationError(_l("A text question has no choices."))
        if self.kind.data != "text" and len(self.parsed_options) < 2:
            raise ValidationError(_l("Give at least two choices."))


class AgencyNamesForm(BaseForm):
    name = StringField(_l("Name (Vietnamese)"), validators=[
        DataRequired(message=_l("Give the agency a name.")), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[
        DataRequired(message=_l("Give the agency a name.")), Length(max=200)])


class NewAgencyForm(AgencyNamesForm):
    code = _code(_l("Code"))


def _decimal(text: str | None) -> float | None:
    """A coordinate typed with a decimal point or comma; None when empty, ValueError otherwise."""
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(text)
    return number


class WardCentreForm(BaseForm):
    """A ward's centre point; both fields empty clears it."""

    lat = StringField(_l("Latitude"), validators=[Length(max=20)])
    lon = StringField(_l("Longitude"), validators=[Length(max=20)])

    def validate_lat(self, field):
        try:
            lat, lon = _decimal(self.lat.data), _decimal(self.lon.data)
        except ValueError:
            raise ValidationError(_l("Enter numbers in degrees, such as 21.0287 and 105.8524.")) from None
        if (lat is None) != (lon is None):
            raise ValidationError(_l("Enter both the latitude and the longitude, or leave both empty to clear."))
        if lat is not None and lon is not None and not in_hanoi(lat, lon):
            raise ValidationError(_l("This point is not in Hanoi: check the numbers and their order."))
        self.centre = (lat, lon)
