"""Who may book, see a booking, and manage a session."""

from __future__ import annotations

from app.auth.models import IdentityLevel
from app.auth.permissions import can_handle_agency, can_handle_ward, can_use_console, has_level


def can_book(user) -> bool:
    """Booking a reception slot needs a verified identity (PRODUCT.md: level 2)."""
    return has_level(user, IdentityLevel.VERIFIED)


def can_view_booking(user, booking) -> bool:
    """Only the citizen who booked sees the booking's page, QR code and calendar file."""
    return bool(getattr(user, "is_authenticated", False)) and booking.user_id == user.id


def can_manage_receptions(user) -> bool:
    return can_use_console(user)


def can_manage_session(user, session) -> bool:
    """Officials of the session's ward or agency, and city admins."""
    if session.ward_id is not None:
        return can_handle_ward(user, session.ward_id)
    return can_handle_agency(user, session.agency_id)
