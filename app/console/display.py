"""What the console shows beyond the shared report words of :mod:`app.reports.filters`.

The labels of statuses, levels and reject reasons, the working time left (``time_left``,
``is_overdue``) and unit names are app-wide Jinja globals defined there; this module adds what
only officials see: workflow errors, the allowed steps and the proof-check problems.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import format_number, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.reports import services
from app.reports.models import Report, Status

# Every code app.reports.services raises WorkflowError with.
WORKFLOW_MESSAGES = {
    "transition_not_allowed": _l("This action is not possible in the report's current status. "
                                 "Someone may have handled it already: please check its timeline."),
    "choose_one_unit": _l("Choose one unit to transfer the report to: a ward or an agency."),
    "reason_required": _l("Please give a reason."),
    "same_unit": _l("The report is already with this unit: choose another one."),
    "duplicate_of_required": _l("Enter the number of another existing report that this one duplicates."),
    "answer_required": _l("Write the answer that the citizen will see."),
    "result_photo_required": _l("Add at least one photo that shows the problem was fixed."),
    "not_reporter": _l("Only the person who filed the report can do this."),
    "cannot_rate": _l("This report cannot be rated now."),
    "cannot_reopen": _l("This report cannot be reopened."),
    "text_required": _l("Please write the text of the note."),
}


def workflow_message(code: str) -> str:
    message = WORKFLOW_MESSAGES.get(code)
    return str(message) if message is not None else _("This action could not be done.")


def hours_label(hours: int) -> str:
    """A category deadline: whole working days when it is one, else working hours."""
    if hours and hours % 8 == 0:
        return ngettext("%(num)d working day", "%(num)d working days", hours // 8)
    return ngettext("%(num)d working hour", "%(num)d working hours", hours)


@dataclass(frozen=True)
class Actions:
    """Which workflow steps the report's status allows (the caller has checked the person)."""

    accept: bool
    transfer: bool
    reject: bool
    resolve: bool

    @property
    def any(self) -> bool:
        return self.accept or self.transfer or self.reject or self.resolve


def actions(report: Report) -> Actions:
    allowed = services.TRANSITIONS[Status(report.status)]
    is_open = report.status in (Status.SUBMITTED, Status.ACCEPTED)
    return Actions(
        accept=report.status == Status.SUBMITTED and Status.ACCEPTED in allowed,
        transfer=is_open and Status.SUBMITTED in allowed,
        reject=is_open and Status.REJECTED in allowed,
        resolve=report.status == Status.ACCEPTED and Status.RESOLVED in allowed,
    )


def proof_problems(report: Report) -> list[dict]:
    """The proof-check problems recorded on the report's internal timeline."""
    problems: list[dict] = []
    for event in report.events:
        if event.kind == "proof_flagged":
            problems.extend(event.data.get("problems", []))
    return problems


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def context() -> dict:
    """Helpers for the console's templates."""
    return {"hours_label": hours_label, "parse_time": parse_time, "format_number": format_number}
