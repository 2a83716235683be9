"""Who may edit procedures, file complaints and see them."""

from __future__ import annotations

from app.auth.models import IdentityLevel
from app.auth.permissions import has_level, is_city_admin
from app.cases.permissions import can_handle_case, is_requester
from app.procedures.models import Procedure, ProcedureComplaint


def can_edit_procedure(user, procedure: Procedure) -> bool:
    """City admins edit every procedure; agency officials those of their agencies."""
    if is_city_admin(user):
        return True
    return bool(getattr(user, "is_authenticated", False)) and procedure.agency_id in user.agency_ids


def can_edit_some_procedure(user) -> bool:
    return is_city_admin(user) or bool(getattr(user, "is_authenticated", False) and user.agency_ids)


def can_file_complaint(user) -> bool:
    """Procedure complaints need an identity-verified account (level 2)."""
    return has_level(user, IdentityLevel.VERIFIED)


def can_view_complaint(user, complaint: ProcedureComplaint) -> bool:
    """Never public: the citizen who filed it and the officials in charge."""
    return is_requester(user, complaint) or can_handle_case(user, complaint)


def can_use_health_book(user) -> bool:
    return has_level(user, IdentityLevel.VERIFIED)
