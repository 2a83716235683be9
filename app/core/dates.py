"""Calendar dates that come from outside (query strings, forms, APIs): ISO 8601 days within the
years the city's data can concern, or nothing.

Python's dates run from year 1 to 9999, but turning the first or the last day into a moment in
Hanoi (UTC+7) or the day after it overflows, and no case, holiday or statistic of this service is
that old or that far off. Every place a day enters uses these bounds.
"""

from __future__ import annotations

from datetime import date

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


def parse_day(value) -> date | None:
    """``YYYY-MM-DD`` as a date from :data:`EARLIEST` to :data:`LATEST`, or None."""
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value or "").strip())
        except ValueError:
            return None
    return day if EARLIEST <= day <= LATEST else None


def in_range(day: date) -> bool:
    return EARLIEST <= day <= LATEST
