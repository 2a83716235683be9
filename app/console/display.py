"""What the console shows beyond the case words of :mod:`app.cases.display`.

The labels of statuses, levels and reject reasons, the working time left (``time_left``,
``is_overdue``), unit names, workflow messages and ``allowed_actions`` are app-wide Jinja
globals defined there; this module adds what only officials see: deadline lengths and the
proof-check problems.
"""

from __future__ import annotations

from flask_babel import format_number, ngettext

from app.reports.models import Report


def hours_label(hours: int) -> str:
    """A category deadline: whole working days when it is one, else working hours."""
    if hours and hours % 8 == 0:
        return ngettext("%(num)d working day", "%(num)d working days", hours // 8)
    return ngettext("%(num)d working hour", "%(num)d working hours", hours)


def proof_problems(report: Report) -> list[dict]:
    """The proof-check problems recorded on the report's internal timeline."""
    problems: list[dict] = []
    for event in report.events:
        if event.kind == "proof_flagged":
            problems.extend(event.data.get("problems", []))
    return problems


def context() -> dict:
    """Helpers for the console's templates."""
    return {"hours_label": hours_label, "format_number": format_number}
