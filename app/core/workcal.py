"""The city's working calendar: the pure clock of :mod:`app.core.clock` with the holidays table.

Deadlines of every kind of case are counted in working time (Decision 1207/QĐ-UBND: Mon–Fri
08:00–12:00 and 13:00–17:00 Asia/Ho_Chi_Minh, minus the public holidays that city admins keep
in :class:`Holiday`). The calendar is loaded once per request (or once per call outside one).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import g, has_request_context
from sqlalchemy.orm import Mapped, mapped_column

from app.core import clock, pagecache
from app.core.database import db


class Holiday(db.Model):
    """A public holiday: no working time that day (admin-managed)."""

    __tablename__ = "holidays"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))


def calendar() -> clock.WorkCalendar:
    """The working calendar with the holidays table, loaded once per request."""
    if has_request_context() and "work_calendar" in g:
        return g.work_calendar
    days = db.session.scalars(sa.select(Holiday.day)).all()
    cal = clock.WorkCalendar(holidays=days)
    if has_request_context():
        g.work_calendar = cal
    return cal


def forget_calendar() -> None:
    """Drop the request's cached calendar (after the holidays table changed)."""
    if has_request_context():
        g.pop("work_calendar", None)


def due_after(start: datetime, hours: int) -> datetime:
    """The instant (UTC) when ``hours`` working hours have passed since ``start``."""
    return calendar().add_working_time(start, timedelta(hours=hours))


def working_seconds(start: datetime, end: datetime) -> int:
    """Working seconds between two instants (0 when ``end`` is not after ``start``)."""
    return calendar().working_time_between(start, end) // timedelta(seconds=1)


pagecache.watch(Holiday, "holidays")  # see app.core.pagecache
