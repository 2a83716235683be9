"""Row ids that come from outside (URLs, query strings, forms): whole ASCII numbers within the
range a database id can hold, or nothing.

An id past that range is no row of ours: answering 404 (or ignoring a filter) is right, while
handing it to the database overflows (SQLite's 64-bit INTEGER, PostgreSQL's 32-bit integer)
and fails with a 500. Every place an id enters uses this module; the ``int`` URL converter of
the app is :class:`IdConverter`.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

# PostgreSQL's ``integer``, the type of every id column.
MAX_ID = 2**31 - 1


def to_id(value) -> int | None:
    """``value`` (text or int) as an id from 1 to :data:`MAX_ID`, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= MAX_ID else None
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def arg_id(value) -> int:
    """For ``request.args.get(name, type=arg_id)``: an id, or ``ValueError`` so the default applies."""
    number = to_id(value)
    if number is None:
        raise ValueError("not an id")
    return number


class IdConverter(IntegerConverter):
    """``<int:…>`` in the app's routes: numbers past :data:`MAX_ID` do not match (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter
