"""Who may see and act on a report. Views and templates call these; the scope rule and the
workflow's own checks come from the case engine."""

from __future__ import annotations

from app.auth.models import IdentityLevel
from app.auth.permissions import has_level, is_city_admin
from app.cases.permissions import can_handle_case, is_requester
from app.cases.workflow import Action, allowed_actions
from app.reports.models import Report


def is_reporter(user, report: Report) -> bool:
    return is_requester(user, report)


def can_file_report(user) -> bool:
    return has_level(user, IdentityLevel.PHONE)


def can_handle_report(user, report: Report) -> bool:
    """The officials of the unit in charge (and city admins) handle a report."""
    return can_handle_case(user, report)


def can_view_report(user, report: Report) -> bool:
    """Hidden reports are visible only to their reporter and to the officials in charge."""
    if not report.hidden:
        return True
    return is_reporter(user, report) or can_handle_report(user, report) or is_city_admin(user)


def can_see_internal(user, report: Report) -> bool:
    """Internal notes and the proof-check details are for officials only."""
    return can_handle_report(user, report) or is_city_admin(user)


def can_follow(user, report: Report) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and not is_reporter(user, report) \
        and can_view_report(user, report)


def can_rate(user, report: Report) -> bool:
    return Action.RATE in allowed_actions(report, user)


def can_request_reopen(user, report: Report) -> bool:
    """Once, after an unsatisfied rating (or instead of rating), while resolved."""
    return Action.REOPEN in allowed_actions(report, user)
