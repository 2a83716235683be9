"""Who may do what in the lookups: agency officials manage their agency's data, level-2 citizens
file bus passes and enrollments, requesters and handlers see a case."""

from __future__ import annotations

from app.auth.models import IdentityLevel
from app.auth.permissions import has_level, is_city_admin
from app.cases.permissions import can_handle_case, is_requester
from app.places import services as places

TRANSPORT, EDUCATION = "transport", "education"


def _of_agency(user, code: str) -> bool:
    if is_city_admin(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    agency = places.agency_by_code(code)
    return agency is not None and agency.id in user.agency_ids


def can_manage_transport(user) -> bool:
    return _of_agency(user, TRANSPORT)


def can_manage_education(user) -> bool:
    return _of_agency(user, EDUCATION)


def can_manage_any(user) -> bool:
    return can_manage_transport(user) or can_manage_education(user)


def can_book(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_apply(user) -> bool:
    """Bus passes and school enrollment need an identity-verified account (level 2)."""
    return has_level(user, IdentityLevel.VERIFIED)


def can_view_case(user, case) -> bool:
    return is_requester(user, case) or can_handle_case(user, case)


def can_view_ticket(user, ticket) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and ticket.user_id == user.id
