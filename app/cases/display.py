"""Words for case states and deadlines, shared by the citizen pages and the console.

Registered app-wide as Jinja globals by :func:`init_app`, so any template can call
``status_label(case.status)``, ``time_left(case)``, ``unit_name(case)``,
``deadline_info(case)``, ``deadline_step(case)`` or ``allowed_actions(case)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Flask
from flask_babel import get_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.cases import workflow
from app.cases.kinds import case_type, registered
from app.cases.messages import workflow_message
from app.cases.models import Case, CaseEvent, Level, RejectReason, Status, UnitType
from app.core.models import utcnow
from app.core.workcal import calendar
from app.extensions import db

STATUS_LABELS = {
    Status.SUBMITTED: _l("Awaiting acceptance"),
    Status.ACCEPTED: _l("In progress"),
    Status.RESOLVED: _l("Resolved"),
    Status.REJECTED: _l("Rejected"),
    Status.CLOSED: _l("Closed"),
}

LEVEL_LABELS = {
    Level.URGENT: _l("Urgent"),
    Level.NORMAL: _l("Normal"),
    Level.COMPLEX: _l("Complex"),
}

REJECT_REASON_LABELS = {
    RejectReason.OUT_OF_SCOPE: _l("Not within the city's responsibility"),
    RejectReason.NOT_ENOUGH_INFORMATION: _l("Not enough information"),
    RejectReason.DUPLICATE: _l("Duplicate of another report"),
}


def locale() -> str:
    return get_locale().language if get_locale() else "vi"


def status_label(status: str | None) -> str:
    return str(STATUS_LABELS.get(status, status or ""))


def level_label(level: str | None) -> str:
    return str(LEVEL_LABELS.get(level, level or ""))


def reject_reason_label(reason: str | None) -> str:
    return str(REJECT_REASON_LABELS.get(reason, reason or ""))


def unit_name(case: Case) -> str:
    """The unit in charge: the ward, or the agency in the reader's language."""
    if case.unit_type == UnitType.WARD:
        return case.unit_ward.name if case.unit_ward else ""
    if case.unit_type == UnitType.CITY:
        return gettext("The city's triage (choosing the ward)")
    return case.unit_agency.display_name(locale()) if case.unit_agency else ""


def unit_ref_name(ref: dict | None) -> str:
    """A unit as stored in timeline data: ``{"type": "ward"|"agency", "id": ...}``."""
    from app.places.models import Agency, Ward

    if not ref:
        return ""
    if ref.get("type") == "city":
        return gettext("The city's triage (choosing the ward)")
    if ref.get("type") == "ward":
        ward = db.session.get(Ward, ref.get("id"))
        return ward.name if ward else ""
    agency = db.session.get(Agency, ref.get("id"))
    return agency.display_name(locale()) if agency else ""


def is_overdue(case: Case, now: datetime | None = None) -> bool:
    """Open and past its deadline on the wall clock (flagged or not yet flagged by the sweep)."""
    if not case.is_open or case.due_at is None:
        return False
    return case.overdue_since is not None or case.due_at < (now or utcnow())


def time_left(case: Case, now: datetime | None = None) -> str:
    """Working time left on the current step ("3 working hours left"), or how late it is."""
    if not case.is_open or case.due_at is None:
        return ""
    left = calendar().remaining(now or utcnow(), case.due_at)
    if left.overdue:
        if left.days:
            return ngettext("Overdue by %(num)d working day", "Overdue by %(num)d working days", left.days)
        if left.hours:
            return ngettext("Overdue by %(num)d working hour", "Overdue by %(num)d working hours", left.hours)
        return gettext("Overdue")
    if left.days:
        return ngettext("%(num)d working day left", "%(num)d working days left", left.days)
    if left.hours:
        return ngettext("%(num)d working hour left", "%(num)d working hours left", left.hours)
    return gettext("Less than one working hour left")


@dataclass(frozen=True)
class DeadlineChip:
    """What the deadline chip of an open case shows.

    ``text`` is :func:`time_left` in the current language ("Còn 3 giờ làm việc", "Quá hạn 2 ngày
    làm việc"); ``state`` is ``"overdue"`` past the deadline, ``"soon"`` with less than one working
    day left, else ``"ok"``; ``due_at`` is the deadline (aware UTC) for the chip's tooltip and
    ``<time>`` element.
    """

    text: str
    state: str
    due_at: datetime


def deadline_info(case: Case, now: datetime | None = None) -> DeadlineChip | None:
    """The deadline chip of a case, counted in working time with the city's calendar
    (:func:`app.core.workcal.calendar`), or None when the case is not open or has no deadline."""
    if not case.is_open or case.due_at is None:
        return None
    now = now or utcnow()
    if is_overdue(case, now):
        state = "overdue"
    else:
        left = calendar().remaining(now, case.due_at)
        state = "ok" if left.days else "soon"
    return DeadlineChip(time_left(case, now), state, case.due_at)


def deadline_step(case: Case) -> str | None:
    """Which step the deadline is for: ``"accept"`` while submitted, ``"resolve"`` while accepted."""
    return {Status.SUBMITTED: "accept", Status.ACCEPTED: "resolve"}.get(case.status)


def shows_answer(case: Case) -> bool:
    """Whether the case has an answer in force (resolved, or closed after it): a reopened case's
    old answer is not shown as its answer."""
    return bool(case.answer_text) and case.status in (Status.RESOLVED, Status.CLOSED)


@dataclass
class AnswerEntry:
    """One answer given to a case (a ``resolved`` event) with what the requester made of it:
    their rating, or the reopening that sent it back."""

    answer: CaseEvent
    rating: CaseEvent | None = None
    reopen: CaseEvent | None = None


def answer_history(case: Case) -> list[AnswerEntry]:
    """Every answer of the case, oldest first, each with its own rating (issue 10, point 23)."""
    entries: list[AnswerEntry] = []
    for event in case.events:
        if event.kind == "resolved":
            entries.append(AnswerEntry(event))
        elif event.kind == "rated" and entries:
            target = next((e for e in entries if e.answer.id == (event.data or {}).get("answer_event")), entries[-1])
            target.rating = event
        elif event.kind == "reopened" and entries:
            entries[-1].reopen = event
    return entries


def parse_time(value: str | None) -> datetime | None:
    """A time stored as ISO 8601 text in timeline data, or None when absent or unreadable."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def allowed_actions(case: Case, user=None) -> frozenset[workflow.Action]:
    """:func:`app.cases.workflow.allowed_actions` for the current user (templates)."""
    return workflow.allowed_actions(case, current_user if user is None else user)


GLOBALS = {
    "status_label": status_label,
    "level_label": level_label,
    "reject_reason_label": reject_reason_label,
    "unit_name": unit_name,
    "unit_ref_name": unit_ref_name,
    "is_overdue": is_overdue,
    "time_left": time_left,
    "deadline_info": deadline_info,
    "workflow_message": workflow_message,
    "allowed_actions": allowed_actions,
    "deadline_step": deadline_step,
    "shows_answer": shows_answer,
    "case_type": case_type,
    "parse_time": parse_time,
    "answer_history": answer_history,
    "case_types": registered,
    "Action": workflow.Action,
}


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(GLOBALS)
