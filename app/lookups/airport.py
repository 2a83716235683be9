"""Nội Bài airport bus tickets: booking never oversells, a signed QR code, cancellation.

A booking is one conditional UPDATE (``seats_taken + n <= seats_total``) that the database
applies atomically, backed by a CHECK constraint: however many bookings race for the last
seats, at most the seats there are get sold. The ticket's code is signed with the app's secret
(itsdangerous), so an inspector's page refuses a forged or altered code.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from app.audit import services as audit
from app.core.models import utcnow
from app.extensions import db
from app.lookups.models import AirportTicket, AirportTrip

MAX_SEATS = 4
CANCEL_CUTOFF = timedelta(hours=2)
BOOKING_CLOSES = timedelta(minutes=10)


class BookingError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def upcoming_trips(now: datetime | None = None, limit: int = 50) -> list[AirportTrip]:
    now = now or utcnow()
    return list(db.session.scalars(sa.select(AirportTrip).where(AirportTrip.departs_at > now + BOOKING_CLOSES)
                                   .order_by(AirportTrip.departs_at).limit(limit)))


def book(trip_id: int, user, seats: int) -> AirportTicket:
    """Take ``seats`` seats on the trip for ``user``; raises :class:`BookingError` (``seats``,
    ``sold_out``, ``closed``). Flushes; the caller commits."""
    if not 1 <= seats <= MAX_SEATS:
        raise BookingError("seats")
    now = utcnow()
    trips = AirportTrip.__table__
    result = db.session.execute(
        sa.update(trips).where(trips.c.id == trip_id, trips.c.seats_taken + seats <= trips.c.seats_total,
                               trips.c.departs_at > now + BOOKING_CLOSES)
        .values(seats_taken=trips.c.seats_taken + seats))
    if result.rowcount != 1:
        trip = db.session.get(AirportTrip, trip_id)
        if trip is None or trip.departs_at <= now + BOOKING_CLOSES:
            raise BookingError("closed")
        raise BookingError("sold_out")
    ticket = AirportTicket(trip_id=trip_id, user_id=user.id, seats=seats, status="booked", created_at=now)
    db.session.add(ticket)
    db.session.flush()
    db.session.expire_all()
    audit.record("airport_ticket.booked", ticket, actor=user, seats=seats)
    return ticket


def can_cancel(ticket: AirportTicket, now: datetime | None = None) -> bool:
    return ticket.status == "booked" and (now or utcnow()) <= ticket.trip.departs_at - CANCEL_CUTOFF


def cancel(ticket: AirportTicket, user) -> None:
    if not can_cancel(ticket):
        raise BookingError("cannot_cancel")
    trips = AirportTrip.__table__
    tickets = AirportTicket.__table__
    # Only the request that flips the ticket returns its seats.
    flipped = db.session.execute(sa.update(tickets).where(tickets.c.id == ticket.id, tickets.c.status == "booked")
                                 .values(status="cancelled", cancelled_at=utcnow()))
    if flipped.rowcount != 1:
        raise BookingError("cannot_cancel")
    db.session.execute(sa.update(trips).where(trips.c.id == ticket.trip_id)
                       .values(seats_taken=trips.c.seats_taken - ticket.seats))
    db.session.expire_all()
    audit.record("airport_ticket.cancelled", ticket, actor=user)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="airport-ticket")


def ticket_code(ticket: AirportTicket) -> str:
    return _serializer().dumps({"t": ticket.id, "s": ticket.seats, "d": ticket.trip_id})


def verify_code(code: str) -> AirportTicket | None:
    """The ticket a code stands for, or None for a forged, altered or unknown code."""
    if not code or len(code) > 300:
        return None
    try:
        data = _serializer().loads(code)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("t"), int):
        return None
    ticket = db.session.get(AirportTicket, data["t"])
    if ticket is None or ticket.seats != data.get("s") or ticket.trip_id != data.get("d"):
        return None
    return ticket


DEPARTED_AFTER = timedelta(minutes=30)


def verdict(ticket: AirportTicket, now: datetime | None = None) -> str:
    """What an inspector's scan says: ``valid``, ``cancelled``, ``used`` (boarded already) or
    ``departed`` (the trip left more than :data:`DEPARTED_AFTER` ago; times are UTC-aware, so
    this is the same moment as in Hanoi)."""
    now = now or utcnow()
    if ticket.status == "cancelled":
        return "cancelled"
    if ticket.boarded_at is not None:
        return "used"
    if now > ticket.trip.departs_at + DEPARTED_AFTER:
        return "departed"
    return "valid"


def board(ticket: AirportTicket, inspector) -> bool:
    """Mark a valid ticket boarded, once (a conditional UPDATE: two scans cannot both board)."""
    if verdict(ticket) != "valid":
        return False
    tickets = AirportTicket.__table__
    flipped = db.session.execute(sa.update(tickets).where(
        tickets.c.id == ticket.id, tickets.c.status == "booked", tickets.c.boarded_at.is_(None))
        .values(boarded_at=utcnow()))
    db.session.expire_all()
    if flipped.rowcount != 1:
        return False
    audit.record("airport_ticket.boarded", ticket, actor=inspector)
    return True
