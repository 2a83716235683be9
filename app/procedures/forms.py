"""Forms of the procedure catalogue and of procedure complaints.

Every check that can fail carries its own translated message (WTForms' own are English only).
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.core.forms import BaseForm
from app.core.ids import to_id

_SUBMISSION_ID = re.compile(r"[A-Za-z0-9-]{8,64}")
LONG = 8000


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _to_int(value):
    return to_id(value)


class ProcedureForm(BaseForm):
    name = StringField(_l("Name"), filters=[_strip], validators=[
        DataRequired(_l("Enter the procedure's name.")),
        Length(max=300, message=_l("At most %(max)d characters."))])
    field = SelectField(_l("Field"), validate_choice=False)
    agency_id = SelectField(_l("Agency"), coerce=_to_int, validate_choice=False)
    level = SelectField(_l("Level"), validate_choice=False)
    summary = TextAreaField(_l("Summary"), filters=[_strip], validators=[
        Optional(), Length(max=2000, message=_l("At most %(max)d characters."))])
    documents = TextAreaField(_l("Required documents (one per line)"), filters=[_strip], validators=[
        Optional(), Length(max=LONG, message=_l("At most %(max)d characters."))])
    fees = TextAreaField(_l("Fees"), filters=[_strip], validators=[
        Optional(), Length(max=2000, message=_l("At most %(max)d characters."))])
    processing_days = IntegerField(_l("Processing time (working days)"), validators=[
        NumberRange(min=0, max=365, message=_l("Enter a number of working days from 0 to 365."))])
    steps = TextAreaField(_l("Steps (one per line)"), filters=[_strip], validators=[
        Optional(), Length(max=LONG, message=_l("At most %(max)d characters."))])
    legal_basis = TextAreaField(_l("Legal basis (one per line)"), filters=[_strip], validators=[
        Optional(), Length(max=LONG, message=_l("At most %(max)d characters."))])
    portal_url = StringField(_l("Link to the online-services portal"), filters=[_strip], validators=[
        Optional(), Length(max=500, message=_l("At most %(max)d characters."))])
    active = BooleanField(_l("Shown in the catalogue"))

    def __init__(self, *args, fields=(), agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.field.choices = list(fields)
        self.agency_id.choices = list(agencies)
        self.level.choices = [("ward", _l("Ward or commune")), ("city", _l("City"))]

    def validate_field(self, field) -> None:
        if field.data not in {code for code, _label in field.choices}:
            raise ValidationError(_l("Choose a field."))

    def validate_agency_id(self, field) -> None:
        if field.data not in {code for code, _label in field.choices}:
            raise ValidationError(_l("Choose an agency you manage."))

    def validate_level(self, field) -> None:
        if field.data not in ("ward", "city"):
            raise ValidationError(_l("Choose a level."))

    def validate_portal_url(self, field) -> None:
        if field.data and not field.data.startswith("https://"):
            raise ValidationError(_l("The link must start with https://"))

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "name", "field", "agency_id", "level", "summary", "documents", "fees", "processing_days",
            "steps", "legal_basis", "portal_url", "active")} | {
            "summary": self.summary.data or "", "documents": self.documents.data or "",
            "fees": self.fees.data or "", "steps": self.steps.data or "",
            "legal_basis": self.legal_basis.data or "", "portal_url": self.portal_url.data or ""}


class ComplaintForm(BaseForm):
    submission_id = HiddenField()
    procedure = SelectField(_l("Procedure"), coerce=_to_int, validate_choice=False)
    file_number = StringField(_l("File number (on your receipt), if you have one"), filters=[_strip], validators=[
        Optional(), Length(max=60, message=_l("At most %(max)d characters."))])
    description = TextAreaField(_l("What happened?"), filters=[_strip], validators=[
        DataRequired(_l("Describe what happened.")),
        Length(min=10, max=4000, message=_l("Write between %(min)d and %(max)d characters."))])
    files = MultipleFileField(_l("Photos or PDF documents (up to 5)"))

    def __init__(self, *args, procedure_ids=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self._procedure_ids = procedure_ids

    def validate_procedure(self, field) -> None:
        if field.data not in self._procedure_ids:
            raise ValidationError(_l("Choose the procedure your complaint is about."))

    def valid_submission_id(self) -> str | None:
        value = self.submission_id.data or ""
        return value if _SUBMISSION_ID.fullmatch(value) else None
