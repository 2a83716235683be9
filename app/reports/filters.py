"""Words for report states and deadlines, shared by the citizen pages and the console.

Registered app-wide as Jinja globals, so any template can call ``status_label(report.status)``,
``time_left(report)`` or ``unit_name(report)``.
"""

from __future__ import annotations

from datetime import datetime

from flask import url_for
from flask_babel import get_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l

from app.core.models import utcnow
from app.extensions import db
from app.reports import bp, permissions, services
from app.reports.models import Level, RejectReason, Report, ReportPhoto, Status

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

# What the service's WorkflowError codes mean to the person who tried.
WORKFLOW_MESSAGES = {
    "transition_not_allowed": _l("This report cannot be changed that way in its current state."),
    "cannot_rate": _l("This answer can no longer be rated."),
    "cannot_reopen": _l("This report cannot be reopened: a report can be reopened only once, "
                        "after it was resolved and if you were not satisfied."),
    "reason_required": _l("Please give a reason."),
    "not_reporter": _l("Only the person who filed the report can do this."),
}


def locale() -> str:
    return get_locale().language if get_locale() else "vi"


@bp.app_template_global()
def status_label(status: str | None) -> str:
    return str(STATUS_LABELS.get(status, status or ""))


@bp.app_template_global()
def level_label(level: str | None) -> str:
    return str(LEVEL_LABELS.get(level, level or ""))


@bp.app_template_global()
def reject_reason_label(reason: str | None) -> str:
    return str(REJECT_REASON_LABELS.get(reason, reason or ""))


def workflow_message(code: str) -> str:
    return str(WORKFLOW_MESSAGES.get(code, WORKFLOW_MESSAGES["transition_not_allowed"]))


@bp.app_template_global()
def category_name(category) -> str:
    return category.display_name(locale()) if category is not None else ""


@bp.app_template_global()
def unit_name(report: Report) -> str:
    """The unit in charge: the ward, or the agency in the reader's language."""
    if report.unit_type == "ward":
        return report.unit_ward.name if report.unit_ward else ""
    return report.unit_agency.display_name(locale()) if report.unit_agency else ""


@bp.app_template_global()
def unit_ref_name(ref: dict | None) -> str:
    """A unit as stored in timeline data: ``{"type": "ward"|"agency", "id": ...}``."""
    from app.places.models import Agency, Ward

    if not ref:
        return ""
    if ref.get("type") == "ward":
        ward = db.session.get(Ward, ref.get("id"))
        return ward.name if ward else ""
    agency = db.session.get(Agency, ref.get("id"))
    return agency.display_name(locale()) if agency else ""


@bp.app_template_global()
def is_overdue(report: Report, now: datetime | None = None) -> bool:
    if not report.is_open or report.due_at is None:
        return False
    return report.overdue_since is not None or report.due_at < (now or utcnow())


@bp.app_template_global()
def time_left(report: Report, now: datetime | None = None) -> str:
    """Working time left on the current step ("3 working hours left"), or how late it is."""
    if not report.is_open or report.due_at is None:
        return ""
    left = services.calendar().remaining(now or utcnow(), report.due_at)
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


@bp.app_template_global()
def photo_url(photo: ReportPhoto, thumb: bool = False) -> str:
    if thumb:
        return url_for("reports.photo_thumb", photo_id=photo.id)
    return url_for("reports.photo", photo_id=photo.id)


@bp.app_template_global()
def event_title(event) -> str:
    """One line for a timeline event, in the reader's language."""
    data = event.data or {}
    kind = event.kind
    if kind == "submitted":
        return gettext("Submitted to %(unit)s", unit=unit_ref_name(data.get("unit")))
    if kind == "accepted":
        return gettext("Accepted (%(level)s)", level=level_label(data.get("level")))
    if kind == "transferred":
        return gettext("Transferred to %(unit)s", unit=unit_ref_name(data.get("to_unit")))
    if kind == "rejected":
        return gettext("Rejected: %(reason)s", reason=reject_reason_label(data.get("reason")))
    if kind == "resolved":
        return gettext("Resolved")
    if kind == "reopened":
        return gettext("Reopened at the reporter's request")
    if kind == "rated":
        return gettext("The reporter was satisfied with the answer") if data.get("satisfied") \
            else gettext("The reporter was not satisfied with the answer")
    if kind == "closed":
        return gettext("Closed")
    # Internal events, shown to the officials in charge only.
    internal = {
        "note": _l("Internal note"),
        "proof_flagged": _l("Result photos flagged by the proof check"),
        "overdue": _l("Deadline missed"),
        "hidden": _l("Hidden from the public"),
        "unhidden": _l("Shown to the public again"),
        "redacted": _l("Content redacted"),
    }
    return str(internal.get(kind, kind))


@bp.app_template_global()
def event_detail(event) -> str:
    """The free text that goes with an event (a reason, an answer, a comment, a note)."""
    data = event.data or {}
    for key in ("reason", "text", "comment", "answer"):
        if key == "reason" and event.kind == "rejected":
            continue
        if data.get(key):
            return str(data[key])
    return ""


NOTIFICATION_TEXTS = {
    "submitted": _l("Report #%(id)s (%(category)s) was submitted."),
    "accepted": _l("Report #%(id)s (%(category)s) was accepted and is being handled."),
    "transferred": _l("Report #%(id)s (%(category)s) was transferred to another unit."),
    "rejected": _l("Report #%(id)s (%(category)s) was rejected."),
    "resolved": _l("Report #%(id)s (%(category)s) was resolved: see the answer."),
    "reopened": _l("Report #%(id)s (%(category)s) was reopened."),
    "rated": _l("The reporter rated the answer to report #%(id)s (%(category)s)."),
    "closed": _l("Report #%(id)s (%(category)s) was closed."),
    "overdue": _l("Report #%(id)s (%(category)s) is past its deadline."),
    "proof_flagged": _l("The result photos of report #%(id)s (%(category)s) need checking."),
}


@bp.app_template_global()
def notification_text(notification, report: Report | None) -> str:
    template = NOTIFICATION_TEXTS.get(notification.kind, _l("Report #%(id)s (%(category)s) was updated."))
    category = category_name(report.category) if report is not None else ""
    return str(template) % {"id": notification.report_id or "", "category": category}


@bp.app_template_global()
def answer_items(report: Report) -> list[tuple[str, str]]:
    """The extra questions answered when filing, as (question, answer) in the reader's language."""
    lang = locale()
    items = []
    for question in report.category.questions:
        value = (report.answers or {}).get(question.code)
        if value in (None, "", []):
            continue
        values = value if isinstance(value, list) else [value]
        shown = ", ".join(question.option_label(v, lang) if question.kind != "text" else v for v in values)
        items.append((question.display_label(lang), shown))
    return items



# Permission and state checks the templates need, under the names the views use.
bp.add_app_template_global(permissions.can_follow, "can_follow")
bp.add_app_template_global(permissions.can_view_report, "can_view_report")
bp.add_app_template_global(services.is_following, "is_following")
