"""Forms of citizen reception. WTForms' own messages are English only: every check carries its
own translated message."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange

from app.core.forms import BaseForm, within_dates
from app.core.ids import to_id

REQUIRED = _l("This field is required.")


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _to_int(value):
    return to_id(value)


class BookingForm(BaseForm):
    slot = RadioField(_l("Time slot"), coerce=_to_int, validate_choice=True,
                      validators=[DataRequired(_l("Choose a time slot."))])
    topic = SelectField(_l("Topic"), validators=[DataRequired(REQUIRED)], validate_choice=True)
    description = TextAreaField(_l("What you want to raise, in a few sentences"), validators=[
        DataRequired(REQUIRED), Length(min=10, max=1000, message=_l("Between 10 and 1000 characters."))])

    def __init__(self, *args, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        if session is not None:
            self.slot.choices = choices((s.id, str(s.id)) for s in session.slots)
            self.topic.choices = choices((t, t) for t in session.topic_list)
        self.slot.pre_validate = self._slot_known

    def _slot_known(self, form):
        from wtforms.validators import ValidationError

        if self.slot.data not in {choice.value for choice in self.slot.choices or ()}:
            raise ValidationError(_l("Choose a time slot."))


class SessionForm(BaseForm):
    unit = SelectField(_l("Unit"), validators=[DataRequired(REQUIRED)], validate_choice=True)
    leader = StringField(_l("Leader receiving citizens"), validators=[
        DataRequired(REQUIRED), Length(max=200)])
    place = StringField(_l("Place"), validators=[DataRequired(REQUIRED), Length(max=300)])
    day = DateField(_l("Date"), validators=[DataRequired(_l("Give a valid date.")), within_dates])
    topics = TextAreaField(_l("Topics (one per line)"), validators=[DataRequired(REQUIRED), Length(max=2000)])
    slots = TextAreaField(_l("Time slots (one per line, such as 08:00-08:30)"),
                          validators=[DataRequired(REQUIRED), Length(max=2000)])
    capacity = IntegerField(_l("Citizens per slot"), default=3, validators=[
        DataRequired(REQUIRED), NumberRange(min=1, max=200, message=_l("Between 1 and 200."))])
    cancel_cutoff_hours = IntegerField(_l("Citizens may cancel until this many hours before"), default=24,
                                       validators=[NumberRange(min=0, max=336, message=_l("Between 0 and 336."))])


class ReasonForm(BaseForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(_l("Give a reason.")), Length(max=1000)])


class AttendanceForm(BaseForm):
    attended = RadioField(choices=choices([("1", "1"), ("0", "0")]), validators=[DataRequired(REQUIRED)])
