"""Reception sessions, their time slots and the citizens' bookings.

A slot's ``booked`` counter is the seat count: it only moves by a conditional UPDATE
(``booked < capacity``) in the same transaction as the booking row, and a CHECK constraint
backs it, so the capacity holds whatever the number of concurrent requests.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.cases.models import sql_in
from app.core.database import db
from app.core.models import utcnow


class SessionStatus(enum.StrEnum):
    OPEN = "open"
    CANCELLED = "cancelled"


class BookingStatus(enum.StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"  # by the citizen
    SESSION_CANCELLED = "session_cancelled"  # the officials cancelled the whole session
    ATTENDED = "attended"
    NO_SHOW = "no_show"


# Statuses that hold a seat and count as the citizen's one booking in a session.
ACTIVE_BOOKING = frozenset({BookingStatus.BOOKED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW})
_ACTIVE_SQL = f"status IN {sql_in(sorted(ACTIVE_BOOKING))}"


class ReceptionSession(db.Model):
    """One day on which a leader of a ward or an agency receives citizens."""

    __tablename__ = "reception_sessions"
    __table_args__ = (
        sa.CheckConstraint(f"status IN {sql_in(SessionStatus)}", name="status"),
        sa.CheckConstraint("(ward_id IS NOT NULL AND agency_id IS NULL) OR (ward_id IS NULL AND agency_id IS NOT NULL)",
                           name="unit"),
        sa.CheckConstraint("cancel_cutoff_hours >= 0", name="cutoff"),
        sa.Index("ix_reception_sessions_day", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ward_id: Mapped[int | None] = mapped_column(sa.ForeignKey("wards.id"))
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"))
    leader: Mapped[str] = mapped_column(sa.String(200))
    place: Mapped[str] = mapped_column(sa.String(300))
    day: Mapped[date]
    topics: Mapped[str] = mapped_column(sa.Text)
    # A citizen may cancel until this many hours before the slot starts.
    cancel_cutoff_hours: Mapped[int] = mapped_column(default=24)
    status: Mapped[str] = mapped_column(sa.String(12), default=SessionStatus.OPEN)
    cancel_reason: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    ward = relationship("Ward")
    agency = relationship("Agency")
    slots: Mapped[list[ReceptionSlot]] = relationship(
        back_populates="session", order_by="ReceptionSlot.starts_at", cascade="all, delete-orphan")

    @property
    def topic_list(self) -> list[str]:
        return [t.strip() for t in self.topics.splitlines() if t.strip()]

    @property
    def is_open(self) -> bool:
        return self.status == SessionStatus.OPEN


class ReceptionSlot(db.Model):
    __tablename__ = "reception_slots"
    __table_args__ = (
        sa.CheckConstraint("capacity > 0", name="capacity"),
        sa.CheckConstraint("booked >= 0 AND booked <= capacity", name="booked"),
        sa.CheckConstraint("ends_at > starts_at", name="times"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("reception_sessions.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    capacity: Mapped[int]
    booked: Mapped[int] = mapped_column(default=0)

    session: Mapped[ReceptionSession] = relationship(back_populates="slots")

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)


class ReceptionBooking(db.Model):
    __tablename__ = "reception_bookings"
    __table_args__ = (
        sa.CheckConstraint(f"status IN {sql_in(BookingStatus)}", name="status"),
        # One active booking per citizen per session, whatever the slot.
        sa.Index("uq_reception_bookings_active", "session_id", "user_id", unique=True,
                 sqlite_where=sa.text(_ACTIVE_SQL), postgresql_where=sa.text(_ACTIVE_SQL)),
        sa.Index("ix_reception_bookings_user", "user_id", "id"),
        sa.Index("ix_reception_bookings_reminder", "status", "reminded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("reception_sessions.id", ondelete="CASCADE"))
    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("reception_slots.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    topic: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(20), default=BookingStatus.BOOKED)
    # Shown as text and in the QR code: what the reception desk checks, not personal data.
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    marked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    session: Mapped[ReceptionSession] = relationship()
    slot: Mapped[ReceptionSlot] = relationship()
    user = relationship("User", foreign_keys=[user_id])

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_BOOKING
