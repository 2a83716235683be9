"""Forms of business consultation; every check carries its own translated message."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateTimeLocalField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.business import taxcode
from app.business.kind import TOPIC_LABELS
from app.business.models import BusinessKind, BusinessRole
from app.core.forms import BaseForm, within_dates
from app.core.ids import to_id

REQUIRED = _l("This field is required.")


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]

KIND_LABELS = {BusinessKind.ENTERPRISE: _l("Enterprise"), BusinessKind.HOUSEHOLD: _l("Household business")}
ROLE_LABELS = {BusinessRole.OWNER: _l("Owner"), BusinessRole.LEGAL_REPRESENTATIVE: _l("Legal representative"),
               BusinessRole.EMPLOYEE: _l("Employee")}


def _id_or_zero(value) -> int:
    return to_id(value) or 0


class BusinessForm(BaseForm):
    name = StringField(_l("Name of the business"), validators=[DataRequired(REQUIRED), Length(max=300)])
    tax_code = StringField(_l("Tax code"), validators=[DataRequired(REQUIRED), Length(max=20)])
    kind = RadioField(_l("Kind"), choices=choices(KIND_LABELS.items()), validators=[DataRequired(REQUIRED)])
    role = SelectField(_l("Your role"), choices=choices(ROLE_LABELS.items()), validators=[DataRequired(REQUIRED)])

    def validate_tax_code(self, field):
        if not taxcode.is_valid(field.data or ""):
            raise ValidationError(_l("This tax code is not valid: 10 digits (and -XXX for a branch) "
                                     "with the right check digit."))


class CommentForm(BaseForm):
    business = SelectField(_l("On behalf of"), coerce=int, validate_choice=True,
                           validators=[DataRequired(REQUIRED)])
    body = TextAreaField(_l("Your comment"), validators=[
        DataRequired(REQUIRED), Length(min=10, max=4000, message=_l("Between 10 and 4000 characters."))])


class QuestionForm(BaseForm):
    submission_id = HiddenField()
    business = SelectField(_l("On behalf of"), coerce=int, validate_choice=True, validators=[DataRequired(REQUIRED)])
    topic = SelectField(_l("Topic"), choices=choices(TOPIC_LABELS.items()), validators=[DataRequired(REQUIRED)])
    agency = SelectField(_l("Agency (optional: otherwise chosen by topic)"), coerce=_id_or_zero,
                         validate_choice=True, validators=[Optional()])
    title = StringField(_l("Question in one line"), validators=[DataRequired(REQUIRED), Length(min=5, max=300)])
    body = TextAreaField(_l("Details"), validators=[
        DataRequired(REQUIRED), Length(min=10, max=4000, message=_l("Between 10 and 4000 characters."))])
    anonymous = BooleanField(_l("Do not show my business's name on the public page"), default=True)


class ConsultationForm(BaseForm):
    agency = SelectField(_l("Agency"), coerce=int, validate_choice=True, validators=[DataRequired(REQUIRED)])
    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), Length(max=300)])
    summary = TextAreaField(_l("Summary"), validators=[DataRequired(REQUIRED), Length(max=2000)])
    body = TextAreaField(_l("Text of the draft"), validators=[DataRequired(REQUIRED), Length(max=50000)])
    opens_at = DateTimeLocalField(_l("Comments open"), format="%Y-%m-%dT%H:%M",
                                  validators=[DataRequired(_l("Give a valid date and time.")), within_dates])
    closes_at = DateTimeLocalField(_l("Comments close"), format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired(_l("Give a valid date and time.")), within_dates])


class ModerationForm(BaseForm):
    decision = RadioField(choices=choices([("publish", "publish"), ("refuse", "refuse")]),
                          validators=[DataRequired(REQUIRED)])
    reason = TextAreaField(_l("Reason for refusing"), validators=[Length(max=1000)])


class ResponseForm(BaseForm):
    summary = TextAreaField(_l("Response summary"), validators=[DataRequired(REQUIRED), Length(max=20000)])


