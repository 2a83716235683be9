"""Citizen reception (tiếp công dân): officials of a ward or an agency publish reception
sessions with time slots; identity-verified citizens book a slot, get a QR code and a calendar
file, are reminded the day before, and are told when a session is cancelled."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.main.tiles import Tile, register_tile
from app.notifications import registry as _notifications

bp = Blueprint("reception", __name__, url_prefix="/reception")
register_tile(Tile("reception", "reception.list_sessions", _l("Citizen reception"),
                   _l("Book a time to meet the leaders of your ward or a city agency."), "users", 60))


def _describe(notifications: Sequence) -> dict:
    """Notifications about bookings: the sentence in the current locale and the booking's page."""
    import sqlalchemy as sa

    from app.core.urls import path_for
    from app.extensions import db
    from app.notifications.registry import Described
    from app.reception.models import ReceptionBooking
    from app.reception.services import notification_text

    ids = {n.subject_id for n in notifications if n.subject_id is not None}
    bookings = {b.id: b for b in db.session.scalars(
        sa.select(ReceptionBooking).where(ReceptionBooking.id.in_(ids)))} if ids else {}
    described = {}
    for note in notifications:
        booking = bookings.get(note.subject_id)
        if booking is None:
            continue
        described[note.id] = Described(notification_text(note.kind, booking),
                                       path_for("reception.show_booking", booking_id=booking.id),
                                       f"reception-{booking.id}")
    return described


_notifications.register_subject("reception_booking", _describe)

from app.reception import routes, tasks  # noqa: E402,F401
