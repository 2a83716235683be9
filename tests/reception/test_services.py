"""Reception rules: capacity under concurrent bookings (both engines), one active booking per
citizen per session, cancelling up to the cut-off, reminders once, session cancellation."""

from __future__ import annotations

import threading
from datetime import timedelta

import icalendar
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.reception import services
from app.reception.models import BookingStatus, ReceptionBooking, ReceptionSlot
from tests.reception.conftest import slot_ids


def _user(user_id):
    from app.auth.models import User

    return db.session.get(User, user_id)


def _book(app, user_id, slot_id, topic="Đất đai"):
    with app.app_context():
        try:
            booking = services.book(_user(user_id), db.session.get(ReceptionSlot, slot_id), topic,
                                    "Tranh chấp ranh giới đất với hàng xóm")
            db.session.commit()
            return booking.id
        finally:
            db.session.remove()


def test_parallel_bookings_never_exceed_capacity(app, make_user, make_session):
    """Eight citizens fire at the last two seats at once: exactly two get one."""
    session_id = make_session(capacity=5, slots="09:00-10:00")
    [slot_id] = slot_ids(app, session_id)
    for _ in range(3):
        _book(app, make_user(level=2), slot_id)
    racers = [make_user(level=2) for _ in range(8)]
    barrier = threading.Barrier(len(racers))
    results: list[str] = []
    lock = threading.Lock()

    def race(user_id):
        barrier.wait()
        try:
            _book(app, user_id, slot_id)
            outcome = "booked"
        except services.BookingError as error:
            outcome = error.code
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=race, args=(u,)) for u in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == ["booked"] * 2 + ["full"] * 6
    with app.app_context():
        slot = db.session.get(ReceptionSlot, slot_id)
        active = db.session.scalar(sa.select(sa.func.count(ReceptionBooking.id)).where(
            ReceptionBooking.slot_id == slot_id, ReceptionBooking.status == BookingStatus.BOOKED))
        assert (slot.booked, active) == (5, 5)


def test_the_database_refuses_a_counter_past_capacity(app, make_session):
    session_id = make_session(capacity=1, slots="09:00-10:00")
    [slot_id] = slot_ids(app, session_id)
    with app.app_context(), pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.update(ReceptionSlot).where(ReceptionSlot.id == slot_id).values(booked=2))
        db.session.flush()


def test_one_active_booking_per_citizen_per_session(app, make_user, make_session):
    citizen = make_user(level=2)
    session_id = make_session(capacity=3)
    first, second = slot_ids(app, session_id)
    booking_id = _book(app, citizen, first)
    with pytest.raises(services.BookingError, match="already_booked"):
        _book(app, citizen, second)
    with app.app_context():
        # Even past the service's own check, the partial unique index refuses a second one.
        with pytest.raises(sa.exc.IntegrityError):
            db.session.add(ReceptionBooking(session_id=session_id, slot_id=second, user_id=citizen, topic="x",
                                            description="x", status="booked", code="TCD-DUPLICATE"))
            db.session.flush()
        db.session.rollback()
        services.cancel_booking(db.session.get(ReceptionBooking, booking_id), _user(citizen))
        db.session.commit()
        assert db.session.get(ReceptionSlot, first).booked == 0
        db.session.remove()
    assert _book(app, citizen, second)  # after cancelling, another slot may be booked


def test_cancel_only_until_the_cutoff(app, make_user, make_session):
    citizen = make_user(level=2)
    session_id = make_session(days=1, cutoff=48)  # tomorrow: already inside the 48 h cut-off
    booking_id = _book(app, citizen, slot_ids(app, session_id)[0])
    with app.app_context():
        booking = db.session.get(ReceptionBooking, booking_id)
        assert not services.can_cancel(booking)
        with pytest.raises(services.BookingError, match="past_cutoff"):
            services.cancel_booking(booking, _user(citizen))


def test_reminder_the_day_before_once(app, make_user, make_session):
    from app.notifications.models import Notification

    citizen, later = make_user(level=2), make_user(level=2)
    tomorrow = make_session(days=1, slots="09:00-10:00")
    next_week = make_session(days=7, slots="09:00-10:00")
    _book(app, citizen, slot_ids(app, tomorrow)[0])
    _book(app, later, slot_ids(app, next_week)[0])
    with app.app_context():
        slot_start = db.session.get(ReceptionSlot, slot_ids(app, tomorrow)[0]).starts_at
        now = slot_start - timedelta(hours=20)
        assert services.send_reminders(now) == 1
        assert services.send_reminders(now + timedelta(hours=1)) == 0
        db.session.commit()
        kinds = db.session.scalars(sa.select(Notification.kind).where(Notification.user_id == citizen)).all()
        assert kinds.count("reception_reminder") == 1
        assert "reception_reminder" not in db.session.scalars(
            sa.select(Notification.kind).where(Notification.user_id == later)).all()


def test_reminder_job_runs_through_the_queue(app, make_user, make_session, monkeypatch):
    from app.reception.tasks import remind_reception_bookings

    monkeypatch.setattr(services, "REMIND_AHEAD", timedelta(days=3))
    citizen = make_user(level=2)
    session_id = make_session(days=1, slots="09:00-09:30")
    booking_id = _book(app, citizen, slot_ids(app, session_id)[0])
    remind_reception_bookings.call_local()
    remind_reception_bookings.call_local()
    with app.app_context():
        from app.notifications.models import Notification

        assert db.session.get(ReceptionBooking, booking_id).reminded_at is not None
        assert db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
            Notification.kind == "reception_reminder")) == 1


def test_cancelling_a_session_tells_everyone_booked(app, make_user, make_session):
    from app.notifications.models import Notification
    from app.notifications.services import describe

    people = [make_user(level=2) for _ in range(3)]
    official = make_user(role="ward_official", ward="phuong_hoan_kiem")
    session_id = make_session(capacity=3, slots="09:00-10:00")
    [slot_id] = slot_ids(app, session_id)
    ids = [_book(app, p, slot_id) for p in people]
    with app.app_context():
        from app.reception.models import ReceptionSession

        services.cancel_booking(db.session.get(ReceptionBooking, ids[0]), _user(people[0]))
        told = services.cancel_session(db.session.get(ReceptionSession, session_id), _user(official),
                                       "Lãnh đạo đi công tác đột xuất")
        db.session.commit()
        assert told == 2
        notes = db.session.scalars(sa.select(Notification).where(
            Notification.kind == "reception_session_cancelled")).all()
        assert sorted(n.user_id for n in notes) == sorted(people[1:])
        with app.test_request_context(headers={"Accept-Language": "vi"}):
            [(_, described)] = describe(notes[:1])
        assert "Lãnh đạo đi công tác đột xuất" in described.text
        assert described.url == f"/reception/bookings/{notes[0].subject_id}"
        assert [db.session.get(ReceptionBooking, i).status for i in ids] == [
            "cancelled", "session_cancelled", "session_cancelled"]


def test_ics_has_the_right_times_in_hanoi(app, make_user, make_session):
    from zoneinfo import ZoneInfo

    citizen = make_user(level=2)
    session_id = make_session(slots="14:00-14:30")
    booking_id = _book(app, citizen, slot_ids(app, session_id)[0])
    with app.app_context(), app.test_request_context():
        booking = db.session.get(ReceptionBooking, booking_id)
        data = services.ics(booking, "http://localhost/reception/bookings/1")
        day = booking.session.day
        code = booking.code
    calendar = icalendar.Calendar.from_ical(data)
    [event] = [c for c in calendar.walk("VEVENT")]
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    hanoi = ZoneInfo("Asia/Ho_Chi_Minh")
    local_start = start.astimezone(hanoi)
    assert (local_start.date(), local_start.hour, local_start.minute) == (day, 14, 0)
    assert end - start == timedelta(minutes=30)
    assert start.utcoffset() == timedelta(hours=7)
    assert code in str(event.get("description"))


def test_slots_may_touch_but_never_repeat_or_overlap(app):
    from datetime import date

    day = date(2030, 5, 6)
    assert len(services.parse_slots(day, "08:00-08:30\n08:30-09:00")) == 2
    for text in ("08:00-08:30\n08:00-08:30", "08:00-08:30\n08:15-08:45", "09:00-10:00\n08:00-11:00"):
        with pytest.raises(services.BookingError) as caught:
            services.parse_slots(day, text)
        assert caught.value.code == "overlapping_slots"


def test_session_days_outside_the_service_years_or_past_are_refused(app):
    from datetime import date

    with app.app_context():
        for day, code in ((date(9999, 12, 31), "out_of_range"), (date(2101, 1, 1), "out_of_range"),
                          (date(2001, 1, 1), "in_past")):
            with pytest.raises(services.BookingError) as caught:
                services.create_session(None, ward_id=1, agency_id=None, leader="A", place="B", day=day,
                                        topics="Đất đai", slots="08:00-08:30", capacity=1)
            assert caught.value.code == code
