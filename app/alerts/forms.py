from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateTimeLocalField,
    FileField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.alerts.display import CERTAINTIES, KINDS, SEVERITIES, URGENCIES
from app.alerts.models import Certainty, Urgency
from app.alerts.services import AlertData
from app.core.forms import BaseForm, within_dates

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
FORMAT = "%Y-%m-%dT%H:%M"


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def local_time(value: datetime) -> datetime:
    """A UTC time as the naive Hanoi time of a ``datetime-local`` input."""
    return value.astimezone(HANOI).replace(tzinfo=None)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=HANOI).astimezone(UTC)


class AlertForm(BaseForm):
    agency = SelectField(_l("Issued by"), coerce=int, validate_choice=True)
    kind = RadioField(_l("Kind"), choices=choices(KINDS.items()),
                      validators=[DataRequired(message=_l("Choose the kind of alert."))])
    severity = RadioField(_l("Severity"), choices=choices(SEVERITIES.items()),
                          validators=[DataRequired(message=_l("Choose the severity."))])
    urgency = SelectField(_l("Urgency"), choices=choices(URGENCIES.items()), default=Urgency.EXPECTED)
    certainty = SelectField(_l("Certainty"), choices=choices(CERTAINTIES.items()), default=Certainty.LIKELY)
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Give the alert a title.")),
                                                 Length(max=200)])
    summary = TextAreaField(_l("Summary (one or two sentences)"), validators=[
        DataRequired(message=_l("Write a short summary.")), Length(max=500)])
    body = TextAreaField(_l("Details (Markdown: **bold**, lists, links)"), validators=[Length(max=20000)])
    instruction = TextAreaField(_l("What people should do"), validators=[Length(max=4000)])
    title_en = StringField(_l("Title in English (optional)"), validators=[Length(max=200)])
    summary_en = TextAreaField(_l("Summary in English (optional)"), validators=[Length(max=500)])
    instruction_en = TextAreaField(_l("What people should do, in English (optional)"),
                                   validators=[Length(max=4000)])
    valid_from = DateTimeLocalField(_l("Valid from"), format=FORMAT, validators=[
        DataRequired(message=_l("Enter a date and time.")), within_dates])
    valid_until = DateTimeLocalField(_l("Valid until"), format=FORMAT, validators=[
        DataRequired(message=_l("Enter a date and time.")), within_dates])
    area = RadioField(_l("Area"), choices=choices([("city", _l("The whole city")), ("wards", _l("Some wards"))]),
                      default="city")
    wards = SelectMultipleField(_l("Wards"), coerce=int, validate_choice=True)
    image = FileField(_l("Photo (optional: JPEG, PNG or WebP)"))

    def validate_valid_until(self, field) -> None:
        if field.data and self.valid_from.data and field.data <= self.valid_from.data:
            raise ValidationError(_l("The end must be after the start."))

    def validate_wards(self, field) -> None:
        if self.area.data == "wards" and not field.data:
            raise ValidationError(_l("Choose at least one ward."))

    def data_object(self) -> AlertData:
        city_wide = self.area.data != "wards"
        return AlertData(
            kind=self.kind.data, severity=self.severity.data, urgency=self.urgency.data,
            certainty=self.certainty.data, title=self.title.data.strip(), summary=self.summary.data.strip(),
            body=(self.body.data or "").strip(), instruction=(self.instruction.data or "").strip(),
            title_en=(self.title_en.data or "").strip(), summary_en=(self.summary_en.data or "").strip(),
            instruction_en=(self.instruction_en.data or "").strip(),
            valid_from=_utc(self.valid_from.data), valid_until=_utc(self.valid_until.data),
            city_wide=city_wide, ward_ids=() if city_wide else tuple(self.wards.data or ()))


class UpdateForm(AlertForm):
    note = TextAreaField(_l("What changed"), validators=[DataRequired(message=_l("Say what changed.")),
                                                        Length(max=500)])


class WithdrawForm(BaseForm):
    note = TextAreaField(_l("Why the alert is withdrawn"), validators=[
        DataRequired(message=_l("Please give a reason.")), Length(max=500)])


class SubscriptionForm(BaseForm):
    ward = SelectField(_l("Area"), coerce=str, validate_choice=True)
    kinds = SelectMultipleField(_l("Kinds of alert"), choices=choices(KINDS.items()), validate_choice=True)


class SearchForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
