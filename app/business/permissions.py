"""Who may declare a business, comment, ask, see a question, and manage consultations."""

from __future__ import annotations

from app.auth.models import IdentityLevel
from app.auth.permissions import can_handle_agency, has_level, is_city_admin
from app.cases.models import Status
from app.cases.permissions import can_handle_case, is_requester

PUBLIC_STATUSES = frozenset({Status.RESOLVED, Status.CLOSED})


def can_declare_business(user) -> bool:
    """A phone-verified account (level 1) may speak for a business."""
    return has_level(user, IdentityLevel.PHONE)


def can_view_question(user, question) -> bool:
    """Answered questions are public; before that, the asker and the agency in charge."""
    return question.status in PUBLIC_STATUSES or is_requester(user, question) or can_handle_case(user, question)


def can_manage_consultations(user) -> bool:
    return is_city_admin(user) or bool(getattr(user, "is_authenticated", False) and user.agency_ids)


def can_manage_consultation(user, consultation) -> bool:
    return can_handle_agency(user, consultation.agency_id)
