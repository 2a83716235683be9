"""Forms of the identity check (the phone login's are in :mod:`app.auth.phone`)."""

from __future__ import annotations

import re
import unicodedata

from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from app.auth.models import Gender
from app.core.forms import BaseForm

GENDER_CHOICES = (
    (Gender.MALE.value, _l("Male")),
    (Gender.FEMALE.value, _l("Female")),
    (Gender.OTHER.value, _l("Other")),
)


def _clean_cccd(value):
    if not isinstance(value, str):
        return value
    return re.sub(r"[\s.\-]", "", unicodedata.normalize("NFKC", value))


def _clean_name(value):
    if not isinstance(value, str):
        return value
    return " ".join(unicodedata.normalize("NFC", value).split())


class IdentityForm(BaseForm):
    cccd = StringField(
        _l("ID card number (CCCD)"), filters=[_clean_cccd],
        validators=[InputRequired(_l("Enter the 12-digit number on your ID card."))],
    )
    full_name = StringField(
        _l("Full name"), filters=[_clean_name],
        validators=[InputRequired(_l("Enter your full name as on your ID card.")),
                    Length(max=200, message=_l("The name is too long."))],
    )
    # Browsers send ISO dates from <input type=date>; people typing by hand write 15/08/1990.
    birth_date = DateField(
        _l("Date of birth"), format=["%Y-%m-%d", "%d/%m/%Y"],
        validators=[InputRequired(_l("Enter your date of birth, for example 15/08/1990."))],
    )
    # A plain field with the options listed by the template: WTForms' SelectField changes its
    # choices API between the versions we allow.
    gender = StringField(
        _l("Gender"), validators=[InputRequired(_l("Choose your gender as on your ID card."))],
    )

    def validate_birth_date(self, field) -> None:
        # DateField leaves its own English message when the text does not parse.
        if field.data is None:
            field.errors[:] = []
            raise ValidationError(_l("Enter your date of birth, for example 15/08/1990."))

    def validate_gender(self, field) -> None:
        if field.data not in {g.value for g in Gender}:
            raise ValidationError(_l("Choose your gender as on your ID card."))


def invalid_status() -> int:
    """Status for a form sent back with errors: 422, or 200 to htmx.

    htmx 2 swaps only 2xx responses by default, so a boosted form answered with 422 would
    show nothing; plain browsers (no JavaScript) show any status.
    """
    return 200 if request.headers.get("HX-Request") == "true" else 422
