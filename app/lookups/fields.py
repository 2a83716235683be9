"""Numbers, days and ids typed into the lookups' forms: ASCII digits only.

Python's ``int``, ``float``, ``\\d`` and ``str.isdigit`` all take other scripts' digits
(``int("٢") == 2``, ``"²".isdigit()``), and ``float`` takes "nan" and "inf": a number entering
here must be written with 0-9 (a sign and a decimal point allowed where they make sense), a day
goes through :func:`app.core.dates.parse_day` and an id through :func:`app.core.ids.to_id`.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import DateField, FloatField, IntegerField

from app.core.dates import parse_day
from app.core.ids import to_id

INTEGER = re.compile(r"-?[0-9]{1,9}", re.ASCII)
DECIMAL = re.compile(r"-?[0-9]{1,4}(\.[0-9]{1,12})?", re.ASCII)


def ascii_digits(text: str, count: int) -> bool:
    """True when ``text`` is exactly ``count`` digits 0-9."""
    return isinstance(text, str) and re.fullmatch(rf"[0-9]{{{count}}}", text, re.ASCII) is not None


def ascii_float(text) -> float | None:
    """``text`` as a finite decimal number written with 0-9, or None."""
    text = str(text or "").strip()
    return float(text) if DECIMAL.fullmatch(text) else None


class AsciiIntegerField(IntegerField):
    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = str(valuelist[0] or "").strip()
        if not INTEGER.fullmatch(text):
            self.data = None
            raise ValueError(_l("Enter a whole number with the digits 0-9."))
        self.data = int(text)


class AsciiFloatField(FloatField):
    def process_formdata(self, valuelist):
        if not valuelist:
            return
        value = ascii_float(valuelist[0])
        if value is None:
            self.data = None
            raise ValueError(_l("Enter a number with the digits 0-9."))
        self.data = value


class DayField(DateField):
    """A day ``YYYY-MM-DD`` in 0-9 digits, from :data:`app.core.dates.EARLIEST` to ``LATEST``."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = str(valuelist[0] or "").strip()
        day = parse_day(text) if text.isascii() else None
        if day is None:
            self.data = None
            raise ValueError(_l("Enter a date as YYYY-MM-DD."))
        self.data = day


def choice_id(value) -> int:
    """``coerce`` of a select of ids where 0 means "none": 0, an id, or ``ValueError``."""
    if value in (0, "0", "", None):
        return 0
    number = to_id(value)
    if number is None:
        raise ValueError("not an id")
    return number
