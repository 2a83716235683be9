"""Words for alert kinds, severities and CAP codes, in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.alerts.models import Alert, AlertKind, AlertStatus, Certainty, Severity, Urgency

KINDS = {
    AlertKind.SCAM: _l("Scams and fraud methods"),
    AlertKind.CRIME: _l("Crime"),
    AlertKind.TRAFFIC: _l("Traffic"),
    AlertKind.WEATHER: _l("Floods and weather"),
    AlertKind.HEALTH: _l("Health"),
    AlertKind.OTHER: _l("Other"),
}
SEVERITIES = {
    Severity.INFO: _l("Information"),
    Severity.WARNING: _l("Warning"),
    Severity.SEVERE: _l("Severe"),
}
URGENCIES = {
    Urgency.IMMEDIATE: _l("Immediate: act now"),
    Urgency.EXPECTED: _l("Expected: act within the next hour"),
    Urgency.FUTURE: _l("Future: act in the near future"),
    Urgency.PAST: _l("Past: no action needed any more"),
    Urgency.UNKNOWN: _l("Unknown"),
}
CERTAINTIES = {
    Certainty.OBSERVED: _l("Observed: it has happened or is happening"),
    Certainty.LIKELY: _l("Likely: more likely than not"),
    Certainty.POSSIBLE: _l("Possible: as likely as not, or less"),
    Certainty.UNLIKELY: _l("Unlikely"),
    Certainty.UNKNOWN: _l("Unknown"),
}
STATUSES = {
    AlertStatus.DRAFT: _l("Draft"),
    AlertStatus.PUBLISHED: _l("In force"),
    AlertStatus.UPDATED: _l("Replaced by a newer version"),
    AlertStatus.EXPIRED: _l("Expired"),
    AlertStatus.WITHDRAWN: _l("Withdrawn"),
}


def kind_label(kind: str) -> str:
    return str(KINDS[AlertKind(kind)])


def severity_label(severity: str) -> str:
    return str(SEVERITIES[Severity(severity)])


def status_label(status) -> str:
    """The status of an alert (or of a bare status value) as readers should see it.

    An earlier version is stored as ``updated`` whatever came after it; when the chain ended in a
    withdrawal it is the alert that was withdrawn, not one replaced by a newer version.
    """
    if isinstance(status, Alert):
        status = effective_status(status)
    return str(STATUSES[AlertStatus(status)])


def effective_status(alert: Alert) -> str:
    if alert.status != AlertStatus.UPDATED:
        return alert.status
    from app.alerts.services import latest_version

    latest = latest_version(alert)
    return AlertStatus.WITHDRAWN if latest.status == AlertStatus.WITHDRAWN else AlertStatus.UPDATED


def init_app(app) -> None:
    app.add_template_global(kind_label, "alert_kind_label")
    app.add_template_global(severity_label, "alert_severity_label")
    app.add_template_global(status_label, "alert_status_label")
