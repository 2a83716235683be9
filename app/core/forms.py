"""The base of every form: text fields pass through :func:`app.core.text.normalize_text` first,
and WTForms' own messages (which ship no Vietnamese) come from the app's catalog."""

from __future__ import annotations

from datetime import datetime

from flask_babel import get_translations, ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import ValidationError

from app.core import dates
from app.core.text import normalize_text


def normalized(value):
    """WTForms filter: a ``ForbiddenCharacterError`` (a ValueError) becomes the field's error."""
    return normalize_text(value) if isinstance(value, str) else value


# WTForms' default messages, listed so that they are extracted into the app's catalog and
# translated; a validator given its own message does not use them.
WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Invalid input."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
    _l("Not a valid date value."),
    _l("Not a valid datetime value."),
    _l("Not a valid time value."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Invalid value, must be one of: %(values)s."),
    _l("Invalid URL."),
    _l("Invalid CSRF Token."),
    _l("CSRF token missing."),
    _l("CSRF failed."),
    _l("CSRF token expired."),
)


def _plural_messages():  # pragma: no cover - only read by the message extractor
    return (
        ngettext("Field must be at least %(min)d character long.",
                 "Field must be at least %(min)d characters long.", 1),
        ngettext("Field cannot be longer than %(max)d character.",
                 "Field cannot be longer than %(max)d characters.", 1),
        ngettext("Field must be exactly %(max)d character long.",
                 "Field must be exactly %(max)d characters long.", 1),
        ngettext("'%(value)s' is not a valid choice for this field.",
                 "'%(value)s' are not valid choices for this field.", 1),
    )


def within_dates(form, field) -> None:
    """WTForms validator for every date or date-time field: the day lies from
    :data:`app.core.dates.EARLIEST` to :data:`~app.core.dates.LATEST` (year 1 or 9999 would overflow
    when turned into a moment in Hanoi or stored)."""
    value = field.data
    if value is None:
        return
    day = value.date() if isinstance(value, datetime) else value
    if not dates.in_range(day):
        raise ValidationError(_l("Choose a date between %(first)d and %(last)d.", first=dates.EARLIEST.year,
                                 last=dates.LATEST.year))


class _Translations:
    """WTForms asks its ``meta`` for translations; these are the app's, in the current locale."""

    # The catalog itself: WTForms fills the placeholders in, Flask-Babel's helpers would too early.
    def gettext(self, string: str) -> str:
        return get_translations().gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ngettext(singular, plural, n)


_TRANSLATIONS = _Translations()


class BaseForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _TRANSLATIONS

        def bind_field(self, form, unbound_field, options):
            # Every text field (text areas and hidden fields are StringFields too), before the
            # field's own filters, so its validators check lengths on the normalised text.
            if issubclass(unbound_field.field_class, StringField):
                options = {**options, "filters": [normalized, *unbound_field.kwargs.get("filters", ())]}
            return unbound_field.bind(form=form, **options)
