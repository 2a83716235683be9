"""Reception sessions and bookings: the rules live here.

Capacity: a booking takes a seat with one conditional ``UPDATE reception_slots SET booked =
booked + 1 WHERE id = :slot AND booked < capacity``. On PostgreSQL the row lock makes a second
writer wait and re-check the condition on the committed row; on SQLite write transactions
begin IMMEDIATE (app.core.database), so writers queue. Either way a full slot answers "no row
updated" and the booking is refused; the CHECK ``booked <= capacity`` backs it. The partial
unique index on active bookings keeps one per citizen per session.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.audit import services as audit
from app.core import dates
from app.core.clock import HANOI_TZ
from app.core.i18n import datetime_text
from app.core.models import utcnow
from app.extensions import db
from app.notifications import services as notifications
from app.reception.models import (
    ACTIVE_BOOKING,
    BookingStatus,
    ReceptionBooking,
    ReceptionSession,
    ReceptionSlot,
    SessionStatus,
)

TZ = ZoneInfo(HANOI_TZ)
# The reminder goes out once the slot is less than this far ahead.
REMIND_AHEAD = timedelta(hours=24)


class BookingError(Exception):
    """A refused booking action; ``code`` is a key of :data:`MESSAGES`, ``values`` fill its placeholders."""

    def __init__(self, code: str, **values):
        super().__init__(code)
        self.code = code
        self.values = values

    @property
    def text(self) -> str:
        return message(self.code, **self.values)


MESSAGES = {
    "full": _l("This time slot is full. Please choose another one."),
    "already_booked": _l("You already have a booking for this session. Cancel it first to choose another slot."),
    "session_closed": _l("This session is no longer open for booking."),
    "slot_past": _l("This time slot has already started."),
    "past_cutoff": _l("It is too late to cancel this booking online. Please contact the reception office."),
    "not_active": _l("This booking is not active."),
    "bad_slots": _l("Write one time slot per line, such as 08:00-08:30, with the end after the start."),
    "in_past": _l("The session must be on a future date."),
    "out_of_range": _l("Choose a date between %(first)d and %(last)d.", first=dates.EARLIEST.year,
                       last=dates.LATEST.year),
    "overlapping_slots": _l("Time slots must not repeat or overlap: %(first)s and %(second)s."),
    "reason_required": _l("Give a reason."),
}

STATUS_LABELS = {
    BookingStatus.BOOKED: _l("Booked"),
    BookingStatus.CANCELLED: _l("Cancelled"),
    BookingStatus.SESSION_CANCELLED: _l("Session cancelled"),
    BookingStatus.ATTENDED: _l("Came"),
    BookingStatus.NO_SHOW: _l("Did not come"),
}

NOTIFICATION_TEXTS = {
    "reception_booked": _l("Your reception booking %(code)s on %(when)s is confirmed."),
    "reception_reminder": _l("Reminder: your citizen reception is tomorrow, %(when)s, at %(place)s."),
    "reception_session_cancelled": _l("The reception session on %(when)s was cancelled: %(reason)s"),
}


def message(code: str, **values) -> str:
    text = str(MESSAGES.get(code, code))
    return text % values if values else text


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def local(moment: datetime) -> datetime:
    return moment.astimezone(TZ)


def notification_text(kind: str, booking: ReceptionBooking) -> str:
    template = NOTIFICATION_TEXTS.get(kind, NOTIFICATION_TEXTS["reception_booked"])
    return str(template) % {"code": booking.code, "when": datetime_text(booking.slot.starts_at, "short"),
                            "place": booking.session.place, "reason": booking.session.cancel_reason or ""}


# --- sessions ---------------------------------------------------------------------------

def parse_slots(day: date, text: str) -> list[tuple[datetime, datetime]]:
    """``"08:00-08:30"`` per line into (start, end) UTC datetimes on ``day`` in Hanoi time.

    Slots may touch (08:00-08:30 then 08:30-09:00) but not repeat or overlap: a citizen booked
    into one of two overlapping slots would meet the leader at the same time as another.
    """
    slots = []
    lines: dict[tuple[datetime, datetime], str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            start_text, end_text = (p.strip() for p in line.replace("–", "-").split("-"))
            start, end = time.fromisoformat(start_text), time.fromisoformat(end_text)
        except ValueError as exc:
            raise BookingError("bad_slots") from exc
        if end <= start:
            raise BookingError("bad_slots")
        slot = (datetime.combine(day, start, TZ).astimezone(UTC), datetime.combine(day, end, TZ).astimezone(UTC))
        lines.setdefault(slot, f"{start:%H:%M}-{end:%H:%M}")
        slots.append(slot)
    if not slots:
        raise BookingError("bad_slots")
    slots.sort()
    for before, after in zip(slots, slots[1:], strict=False):
        if after[0] < before[1]:
            raise BookingError("overlapping_slots", first=lines[before], second=lines[after])
    return slots


def create_session(actor, *, ward_id: int | None, agency_id: int | None, leader: str, place: str, day: date,
                   topics: str, slots: str, capacity: int, cancel_cutoff_hours: int = 24) -> ReceptionSession:
    if not dates.in_range(day):
        raise BookingError("out_of_range")
    if day <= local(utcnow()).date():
        raise BookingError("in_past")
    times = parse_slots(day, slots)
    session = ReceptionSession(ward_id=ward_id, agency_id=agency_id, leader=leader.strip(), place=place.strip(),
                               day=day, topics=topics.strip(), cancel_cutoff_hours=cancel_cutoff_hours,
                               created_by_id=getattr(actor, "id", None), status=SessionStatus.OPEN)
    session.slots = [ReceptionSlot(starts_at=s, ends_at=e, capacity=capacity, booked=0) for s, e in times]
    db.session.add(session)
    db.session.flush()
    audit.record("reception.session_created", session, actor=actor, slots=len(times), capacity=capacity)
    return session


def upcoming_sessions(limit: int = 50) -> list[ReceptionSession]:
    today = local(utcnow()).date()
    return list(db.session.scalars(sa.select(ReceptionSession).where(
        ReceptionSession.day >= today, ReceptionSession.status == SessionStatus.OPEN)
        .order_by(ReceptionSession.day, ReceptionSession.id).limit(limit)))


def sessions_of(user) -> list[ReceptionSession]:
    """Sessions of the units ``user`` manages (every session for city admins), newest day first."""
    from app.auth.permissions import is_city_admin

    query = sa.select(ReceptionSession).order_by(ReceptionSession.day.desc(), ReceptionSession.id.desc())
    if not is_city_admin(user):
        query = query.where(sa.or_(ReceptionSession.ward_id.in_(sorted(user.ward_ids) or [-1]),
                                   ReceptionSession.agency_id.in_(sorted(user.agency_ids) or [-1])))
    return list(db.session.scalars(query.limit(200)))


def cancel_session(session: ReceptionSession, actor, reason: str) -> int:
    """Cancel a session: every active booking ends and its citizen is told. Returns how many."""
    if not reason.strip():
        raise BookingError("reason_required")
    if not session.is_open:
        raise BookingError("session_closed")
    session.status = SessionStatus.CANCELLED
    session.cancel_reason = reason.strip()
    bookings = db.session.scalars(sa.select(ReceptionBooking).where(
        ReceptionBooking.session_id == session.id, ReceptionBooking.status.in_(ACTIVE_BOOKING))).all()
    now = utcnow()
    for booking in bookings:
        booking.status = BookingStatus.SESSION_CANCELLED
        booking.cancelled_at = now
        notifications.add(booking.user_id, "reception_session_cancelled", subject_type="reception_booking",
                          subject_id=booking.id)
    db.session.execute(sa.update(ReceptionSlot).where(ReceptionSlot.session_id == session.id).values(booked=0))
    audit.record("reception.session_cancelled", session, actor=actor, bookings=len(bookings))
    return len(bookings)


# --- bookings ---------------------------------------------------------------------------

def active_booking(user, session: ReceptionSession) -> ReceptionBooking | None:
    return db.session.scalar(sa.select(ReceptionBooking).where(
        ReceptionBooking.session_id == session.id, ReceptionBooking.user_id == user.id,
        ReceptionBooking.status.in_(ACTIVE_BOOKING)))


def book(user, slot: ReceptionSlot, topic: str, description: str) -> ReceptionBooking:
    """Take a seat in ``slot`` for ``user``; raises :class:`BookingError` (full, already booked…)."""
    session = slot.session
    if not session.is_open:
        raise BookingError("session_closed")
    if slot.starts_at <= utcnow():
        raise BookingError("slot_past")
    if active_booking(user, session) is not None:
        raise BookingError("already_booked")
    try:
        with db.session.begin_nested():
            taken = db.session.execute(
                sa.update(ReceptionSlot)
                .where(ReceptionSlot.id == slot.id, ReceptionSlot.booked < ReceptionSlot.capacity)
                .values(booked=ReceptionSlot.booked + 1)
                .execution_options(synchronize_session=False))
            if taken.rowcount != 1:
                raise BookingError("full")
            booking = ReceptionBooking(session_id=session.id, slot_id=slot.id, user_id=user.id,
                                       topic=topic.strip(), description=description.strip(),
                                       status=BookingStatus.BOOKED, code=_new_code(), created_at=utcnow())
            db.session.add(booking)
            db.session.flush()
    except sa.exc.IntegrityError as exc:
        # Another request of the same citizen booked this session in between.
        raise BookingError("already_booked") from exc
    db.session.expire(slot, ["booked"])
    notifications.add(user.id, "reception_booked", subject_type="reception_booking", subject_id=booking.id)
    audit.record("reception.booked", booking, actor=user, slot=slot.id)
    return booking


def _new_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "TCD-" + "".join(secrets.choice(alphabet) for _ in range(8))


def cancel_deadline(booking: ReceptionBooking) -> datetime:
    return booking.slot.starts_at - timedelta(hours=booking.session.cancel_cutoff_hours)


def can_cancel(booking: ReceptionBooking, now: datetime | None = None) -> bool:
    return booking.status == BookingStatus.BOOKED and (now or utcnow()) < cancel_deadline(booking)


def cancel_booking(booking: ReceptionBooking, user) -> None:
    """The citizen cancels, up to the session's cut-off before the slot; the seat is freed."""
    if booking.status != BookingStatus.BOOKED:
        raise BookingError("not_active")
    if not can_cancel(booking):
        raise BookingError("past_cutoff")
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = utcnow()
    db.session.execute(sa.update(ReceptionSlot).where(ReceptionSlot.id == booking.slot_id, ReceptionSlot.booked > 0)
                       .values(booked=ReceptionSlot.booked - 1).execution_options(synchronize_session=False))
    db.session.expire(booking.slot, ["booked"])
    audit.record("reception.booking_cancelled", booking, actor=user)


def mark_attendance(booking: ReceptionBooking, actor, attended: bool) -> None:
    """Officials mark a booked citizen as come or not come (and may correct it)."""
    if booking.status not in ACTIVE_BOOKING:
        raise BookingError("not_active")
    booking.status = BookingStatus.ATTENDED if attended else BookingStatus.NO_SHOW
    booking.marked_by_id = actor.id
    audit.record("reception.attendance", booking, actor=actor, attended=attended)


def bookings_of_user(user) -> list[ReceptionBooking]:
    return list(db.session.scalars(sa.select(ReceptionBooking).where(ReceptionBooking.user_id == user.id)
                                   .order_by(ReceptionBooking.id.desc()).limit(100)))


def bookings_of_session(session: ReceptionSession) -> list[ReceptionBooking]:
    return list(db.session.scalars(sa.select(ReceptionBooking).join(ReceptionSlot).where(
        ReceptionBooking.session_id == session.id).order_by(ReceptionSlot.starts_at, ReceptionBooking.id)))


def send_reminders(now: datetime | None = None) -> int:
    """Remind citizens whose slot starts within the next day; each booking once (the
    ``reminded_at IS NULL`` condition of the UPDATE decides, also between concurrent runs)."""
    now = now or utcnow()
    due = db.session.scalars(sa.select(ReceptionBooking.id).join(ReceptionSlot).where(
        ReceptionBooking.status == BookingStatus.BOOKED, ReceptionBooking.reminded_at.is_(None),
        ReceptionSlot.starts_at > now, ReceptionSlot.starts_at <= now + REMIND_AHEAD)).all()
    sent = 0
    for booking_id in due:
        claimed = db.session.execute(sa.update(ReceptionBooking).where(
            ReceptionBooking.id == booking_id, ReceptionBooking.reminded_at.is_(None))
            .values(reminded_at=now).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            continue
        user_id = db.session.scalar(sa.select(ReceptionBooking.user_id).where(ReceptionBooking.id == booking_id))
        notifications.add(user_id, "reception_reminder", subject_type="reception_booking", subject_id=booking_id)
        sent += 1
    return sent


# --- what the citizen takes away ----------------------------------------------------------

def ics(booking: ReceptionBooking, url: str) -> bytes:
    """The booking as an iCalendar file: one event in Asia/Ho_Chi_Minh time."""
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", "-//Cong dan Thu do so//reception//VI")
    cal.add("version", "2.0")
    event = icalendar.Event()
    event.add("uid", f"reception-booking-{booking.code}@congdanthudo")
    event.add("dtstamp", utcnow())
    event.add("dtstart", local(booking.slot.starts_at))
    event.add("dtend", local(booking.slot.ends_at))
    event.add("summary", str(_l("Citizen reception: %(leader)s", leader=booking.session.leader)))
    event.add("location", booking.session.place)
    event.add("description", f"{booking.code} · {booking.topic}\n{url}")
    event.add("url", url)
    cal.add_component(event)
    if hasattr(cal, "add_missing_timezones"):
        cal.add_missing_timezones()
    return cal.to_ical()


def qr_svg(booking: ReceptionBooking) -> str:
    """The booking code as an inline SVG QR code (no personal data in it)."""
    import segno

    return segno.make(booking.code, error="m").svg_inline(scale=5, title=booking.code)
