"""Forms of the lookups. WTForms' own messages are English only: each check carries its own
translated message."""

from __future__ import annotations

import re
from datetime import date
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import RadioField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from app.core.clock import HANOI_TZ
from app.core.forms import BaseForm
from app.core.models import utcnow
from app.lookups.fields import AsciiFloatField, AsciiIntegerField, DayField, choice_id

PRIORITY_GROUPS = {
    "none": _l("No priority (standard price)"),
    "student": _l("Pupil or student"),
    "elderly": _l("Elderly person (60 and over)"),
    "industrial_worker": _l("Worker in an industrial zone"),
    "disability": _l("Person with a disability"),
    "merit": _l("Person with meritorious services"),
}
PICKUP_POINTS = {
    "kim_ma": _l("Kim Mã bus station ticket office"),
    "cau_giay": _l("Cầu Giấy ticket office"),
    "giap_bat": _l("Giáp Bát bus station ticket office"),
    "long_bien": _l("Long Biên ticket office"),
    "yen_nghia": _l("Yên Nghĩa bus station ticket office"),
}
LEVELS = {
    "kindergarten": _l("Kindergarten (age 5)"),
    "grade1": _l("Grade 1"),
    "grade6": _l("Grade 6"),
    "grade10": _l("Grade 10"),
}

# Age in the enrollment year (year of enrollment minus year of birth) per level, see
# EnrollmentForm.validate_child_birth_date.
AGES = {"kindergarten": (3, 5), "grade1": (5, 7), "grade6": (10, 12), "grade10": (14, 16)}


def hanoi_today() -> date:
    return utcnow().astimezone(ZoneInfo(HANOI_TZ)).date()


VEHICLES = {"motorbike": _l("Motorbike"), "car": _l("Car"), "bicycle": _l("Bicycle")}


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class BookForm(BaseForm):
    seats = AsciiIntegerField(_l("Seats"), default=1, validators=[
        InputRequired(_l("Choose how many seats.")),
        NumberRange(min=1, max=4, message=_l("You can book 1 to 4 seats."))])


class ExamLookupForm(BaseForm):
    candidate_number = StringField(_l("Candidate number (8 digits)"), filters=[_strip], validators=[
        DataRequired(_l("Enter the candidate number.")),
        Regexp(r"^[0-9]{8}$", message=_l("The candidate number has 8 digits."))])
    birth_date = DayField(_l("Date of birth"), validators=[
        InputRequired(_l("Enter the date of birth."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.birth_date.gettext_error = _l("Enter the date of birth.")

    def validate_birth_date(self, field):
        if field.data is None:
            raise ValidationError(_l("Enter the date of birth."))


class BusPassForm(BaseForm):
    pass_type = RadioField(_l("Pass type"), choices=choices([("single", _l("One route")), ("all", _l("All routes"))]),
                           default="single", validators=[InputRequired(_l("Choose a pass type."))])
    route_short_name = StringField(_l("Route number (for a one-route pass)"), filters=[_strip],
                                   validators=[Optional(), Length(max=20)])
    priority_group = SelectField(_l("Priority group"), choices=choices(PRIORITY_GROUPS.items()), default="none")
    pickup_point = SelectField(_l("Where you will pick up the pass"), choices=choices(PICKUP_POINTS.items()))
    portrait = FileField(_l("Portrait photo (3×4, face visible)"))
    proof = FileField(_l("Proof of the priority group (student card, certificate…)"))
    submission_id = StringField(validators=[Optional(), Length(max=64)])

    def validate_route_short_name(self, field):
        if self.pass_type.data == "single" and not field.data:
            raise ValidationError(_l("Enter the route number for a one-route pass."))
        if field.data and not re.fullmatch(r"[0-9A-Za-z]{1,6}", field.data):
            raise ValidationError(_l("Enter a route number such as 02 or 86."))
        if self.pass_type.data == "single" and field.data:
            from app.lookups import transit

            if not transit.route_exists(field.data):
                raise ValidationError(_l("There is no route %(name)s in the bus network.", name=field.data))


class EnrollmentForm(BaseForm):
    level = SelectField(_l("School level"), choices=choices(LEVELS.items()))
    child_name = StringField(_l("Child's full name"), filters=[_strip], validators=[
        DataRequired(_l("Enter the child's full name.")), Length(max=120)])
    child_birth_date = DayField(_l("Child's date of birth"), validators=[
        InputRequired(_l("Enter the child's date of birth."))])
    child_id = StringField(_l("Child's personal ID number (12 digits)"), filters=[_strip], validators=[
        DataRequired(_l("Enter the child's personal ID number.")),
        Regexp(r"^[0-9]{12}$", message=_l("The personal ID number has 12 digits."))])
    school_1 = SelectField(_l("First choice"), coerce=choice_id, validate_choice=False)
    school_2 = SelectField(_l("Second choice"), coerce=choice_id, validate_choice=False)
    school_3 = SelectField(_l("Third choice"), coerce=choice_id, validate_choice=False)
    submission_id = StringField(validators=[Optional(), Length(max=64)])

    def validate_child_birth_date(self, field):
        """The child's age in the enrollment year (the current year in Hanoi; a school year starts in
        September) is the year of enrollment minus the year of birth, and must fit the level:
        kindergarten 3 to 5; grade 1 six, grade 6 eleven, grade 10 fifteen, each with one year of
        tolerance either way (an early or late start, a repeated year). A future day or a day
        outside app.core.dates' range is refused too."""
        born = field.data
        if born is None:
            return
        today = hanoi_today()
        if born > today:
            raise ValidationError(_l("The date of birth cannot be in the future."))
        low, high = AGES.get(self.level.data, (0, 200))
        if not low <= today.year - born.year <= high:
            raise ValidationError(_l("A child born in %(year)d is not of the age for this level "
                                     "(born %(first)d to %(last)d).", year=born.year,
                                     first=today.year - high, last=today.year - low))

    def chosen(self) -> list[int]:
        out = []
        for f in (self.school_1, self.school_2, self.school_3):
            if f.data and f.data not in out:
                out.append(f.data)
        return out


class GtfsUploadForm(BaseForm):
    feed = FileField(_l("GTFS feed (ZIP)"))


class ExamUploadForm(BaseForm):
    year = AsciiIntegerField(_l("Exam year"), validators=[
        InputRequired(_l("Enter the exam year.")), NumberRange(min=2000, max=2100, message=_l("Enter the exam year."))])
    scores = FileField(_l("Scores (CSV)"))


class AvailabilityForm(BaseForm):
    free_spaces = AsciiIntegerField(_l("Free spaces now"), validators=[
        InputRequired(_l("Enter the number of free spaces.")), NumberRange(min=0, message=_l("Enter 0 or more."))])


class TripForm(BaseForm):
    route_name = StringField(_l("Route"), filters=[_strip], validators=[DataRequired(_l("Enter the route.")),
                                                                        Length(max=120)])
    origin = StringField(_l("Leaves from"), filters=[_strip],
                         validators=[DataRequired(_l("Enter where it leaves from.")), Length(max=200)])
    destination = StringField(_l("Goes to"), filters=[_strip], validators=[DataRequired(_l("Enter where it goes.")),
                                                                      Length(max=200)])
    departs_at = StringField(_l("Departure (YYYY-MM-DD HH:MM, Hanoi time)"), filters=[_strip],
                             validators=[DataRequired(_l("Enter the departure time."))])
    seats_total = AsciiIntegerField(_l("Seats"), validators=[InputRequired(_l("Enter the number of seats.")),
                                                       NumberRange(min=1, max=80, message=_l("1 to 80 seats."))])
    price_vnd = AsciiIntegerField(_l("Price (VND)"), default=45000, validators=[Optional(), NumberRange(min=0)])


class SchoolForm(BaseForm):
    name = StringField(_l("School name"), filters=[_strip], validators=[DataRequired(_l("Enter the school's name.")),
                                                                       Length(max=200)])
    level = SelectField(_l("School level"), choices=choices(LEVELS.items()))
    ward = SelectField(_l("Ward"), coerce=choice_id, validate_choice=False)
    quota = AsciiIntegerField(_l("Quota"), validators=[InputRequired(_l("Enter the quota.")),
                                                  NumberRange(min=1, max=5000, message=_l("Enter the quota."))])
    catchment = SelectMultipleField(_l("Catchment wards"), coerce=choice_id, validate_choice=False)


class ParkingLotForm(BaseForm):
    name = StringField(_l("Name"), filters=[_strip], validators=[DataRequired(_l("Enter the name.")), Length(max=200)])
    address = StringField(_l("Address"), filters=[_strip], validators=[DataRequired(_l("Enter the address.")),
                                                                       Length(max=300)])
    ward = SelectField(_l("Ward"), coerce=choice_id, validate_choice=False)
    lat = AsciiFloatField(_l("Latitude"), validators=[
        InputRequired(_l("Enter the coordinates.")),
        NumberRange(min=20.5, max=21.5, message=_l("Enter the coordinates."))])
    lon = AsciiFloatField(_l("Longitude"), validators=[
        InputRequired(_l("Enter the coordinates.")),
        NumberRange(min=105.2, max=106.1, message=_l("Enter the coordinates."))])
    capacity = AsciiIntegerField(_l("Capacity"), validators=[InputRequired(_l("Enter the capacity.")),
                                                        NumberRange(min=1, message=_l("Enter the capacity."))])
    vehicle_types = SelectMultipleField(_l("Vehicles"), choices=choices(VEHICLES.items()),
                                        validators=[DataRequired(_l("Choose at least one vehicle."))])
    prices = StringField(_l("Prices"), filters=[_strip], validators=[Length(max=300)])
    opening_hours = StringField(_l("Opening hours"), filters=[_strip], validators=[Length(max=100)])
    operator = SelectField(_l("Operator"), coerce=choice_id, validate_choice=False)
