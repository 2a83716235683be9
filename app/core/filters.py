"""Template filters every page may use: machine-readable times and masked personal numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Flask

from app.core.text import mask_personal_data


def iso_time(value: datetime | date | None) -> str:
    """A time for machines (``<time datetime>``, feeds): UTC to the second, ``2026-11-28T08:13:34Z``.

    HTML allows at most three fractional digits, and nobody needs them; a date stays a date.
    """
    if value is None:
        return ""
    if not isinstance(value, datetime):
        return value.isoformat()
    if value.tzinfo is None:
        raise ValueError("naive datetime given to iso_time")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def init_app(app: Flask) -> None:
    app.jinja_env.filters["iso_time"] = iso_time
    app.jinja_env.filters["mask_pii"] = mask_personal_data
