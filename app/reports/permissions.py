"""Who may see and act on a report. Views and templates call these."""

from __future__ import annotations

from app.auth.models import IdentityLevel
from app.auth.permissions import can_handle_agency, can_handle_ward, has_level, is_city_admin
from app.reports.models import Report, Status, UnitType


def _authenticated(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_reporter(user, report: Report) -> bool:
    return _authenticated(user) and report.reporter_id == user.id


def can_file_report(user) -> bool:
    return has_level(user, IdentityLevel.PHONE)


def can_handle_report(user, report: Report) -> bool:
    """The officials of the unit in charge (and city admins) handle a report."""
    if not _authenticated(user):
        return False
    if report.unit_type == UnitType.WARD:
        return can_handle_ward(user, report.unit_ward_id)
    return can_handle_agency(user, report.unit_agency_id)


def can_view_report(user, report: Report) -> bool:
    """Hidden reports are visible only to their reporter and to the officials in charge."""
    if not report.hidden:
        return True
    return is_reporter(user, report) or can_handle_report(user, report) or is_city_admin(user)


def can_see_internal(user, report: Report) -> bool:
    """Internal notes and the proof-check details are for officials only."""
    return can_handle_report(user, report) or is_city_admin(user)


def can_follow(user, report: Report) -> bool:
    return _authenticated(user) and not is_reporter(user, report) and can_view_report(user, report)


def can_rate(user, report: Report) -> bool:
    return is_reporter(user, report) and report.status == Status.RESOLVED and report.rated_at is None


def can_request_reopen(user, report: Report) -> bool:
    """Once, after an unsatisfied rating (or instead of rating), while resolved."""
    return (is_reporter(user, report) and report.status == Status.RESOLVED
            and not report.reopened and report.satisfied is not True)
