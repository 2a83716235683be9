"""Nội Bài airport bus: never oversold (parallel bookings on this engine), signed tickets,
cancellation up to the cut-off."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.core.models import as_of, utcnow
from app.extensions import db
from app.lookups import airport
from app.lookups.models import AirportTicket, AirportTrip
from tests.conftest import csrf_token


@pytest.fixture
def make_trip(app):
    def factory(seats: int = 40, taken: int = 0, hours: float = 24) -> int:
        with app.app_context():
            trip = AirportTrip(route_name="86", origin="Ga Hà Nội", destination="Sân bay Nội Bài",
                               departs_at=utcnow() + timedelta(hours=hours), seats_total=seats, seats_taken=taken,
                               price_vnd=45000)
            db.session.add(trip)
            db.session.commit()
            trip_id = trip.id
            db.session.remove()
        return trip_id

    return factory


def _user(app, user_id):
    from app.auth.models import User

    return db.session.get(User, user_id)


def test_booking_takes_seats_and_refuses_more_than_left(app, make_trip, make_user):
    trip_id = make_trip(seats=5, taken=2)
    with app.app_context():
        user = _user(app, make_user())
        ticket = airport.book(trip_id, user, 3)
        db.session.commit()
        assert db.session.get(AirportTrip, trip_id).seats_left == 0 and ticket.seats == 3
        with pytest.raises(airport.BookingError) as refused:
            airport.book(trip_id, user, 1)
        assert refused.value.code == "sold_out"
        with pytest.raises(airport.BookingError) as refused:
            airport.book(trip_id, user, 5)
        assert refused.value.code == "seats"


def test_the_database_refuses_an_oversold_trip(app, make_trip):
    trip_id = make_trip(seats=2)
    with app.app_context():
        table = AirportTrip.__table__
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(sa.update(table).where(table.c.id == trip_id).values(seats_taken=3))
            db.session.flush()
        db.session.rollback()


def test_parallel_bookings_never_oversell(app, make_trip, make_user):
    """Twelve people press "book" at once for the last 5 seats, on SQLite or PostgreSQL."""
    trip_id = make_trip(seats=40, taken=35)
    users = [make_user() for _ in range(12)]
    barrier = threading.Barrier(len(users))
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(user_id: int, seats: int):
        with app.app_context():
            # Nothing read before the start: on SQLite a transaction holds the write lock.
            user = SimpleNamespace(id=user_id)
            barrier.wait()
            try:
                airport.book(trip_id, user, seats)
                db.session.commit()
                result = f"ok:{seats}"
            except airport.BookingError as error:
                db.session.rollback()
                result = error.code
            finally:
                db.session.remove()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(u, 1 + i % 2)) for i, u in enumerate(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    sold = sum(int(o.split(":")[1]) for o in outcomes if o.startswith("ok"))
    assert len(outcomes) == 12 and sold <= 5 and "sold_out" in outcomes
    with app.app_context():
        trip = db.session.get(AirportTrip, trip_id)
        tickets = db.session.scalar(sa.select(sa.func.sum(AirportTicket.seats)).where(AirportTicket.trip_id == trip_id))
        assert trip.seats_taken == 35 + sold == 35 + tickets
        assert trip.seats_taken <= trip.seats_total


def test_a_citizen_books_and_shows_a_signed_code(app, client, make_trip, make_user, login):
    trip_id = make_trip(seats=10)
    citizen = make_user()
    login(client, citizen)
    token = csrf_token(client, "/lookups/airport")
    response = client.post(f"/lookups/airport/trips/{trip_id}/book", data={"csrf_token": token, "seats": "2"})
    assert response.status_code == 303
    ticket_url = response.headers["Location"]
    page = client.get(ticket_url).get_data(as_text=True)
    assert re.search(r'<figure class="qr"[^>]*><svg', page)
    with app.app_context():
        ticket = db.session.scalars(sa.select(AirportTicket)).one()
        with app.test_request_context():
            code = airport.ticket_code(ticket)
    assert client.get(f"/lookups/airport/verify?code={code}").status_code == 200

    # Forged: another ticket number, another seat count, or a code signed with another key.
    from itsdangerous import URLSafeSerializer

    for forged in (code[:-6] + ("A" if code[-6] != "A" else "B") + code[-5:],
                   URLSafeSerializer("not-the-secret", salt="airport-ticket").dumps({"t": 1, "s": 2, "d": trip_id}),
                   URLSafeSerializer(app.config["SECRET_KEY"], salt="airport-ticket").dumps(
                       {"t": 1, "s": 4, "d": trip_id}),
                   "garbage"):
        response = client.get("/lookups/airport/verify", query_string={"code": forged})
        assert response.status_code == 400, forged

    other = make_user()
    login(client, other)
    assert client.get(ticket_url).status_code == 404
    token = csrf_token(client, "/lookups/airport")
    assert client.post(f"{ticket_url}/cancel", data={"csrf_token": token}).status_code == 404


def test_cancellation_returns_seats_until_the_cutoff(app, make_trip, make_user):
    soon = make_trip(seats=4, hours=3)
    with app.app_context():
        user = _user(app, make_user())
        ticket = airport.book(soon, user, 4)
        db.session.commit()
        airport.cancel(ticket, user)
        db.session.commit()
        assert db.session.get(AirportTrip, soon).seats_taken == 0
        assert db.session.get(AirportTicket, ticket.id).status == "cancelled"
        with pytest.raises(airport.BookingError):
            airport.cancel(db.session.get(AirportTicket, ticket.id), user)  # not twice

        again = airport.book(soon, user, 2)
        db.session.commit()
        with as_of(utcnow() + timedelta(hours=1, minutes=30)):  # less than 2 hours before departure
            assert not airport.can_cancel(again)
            with pytest.raises(airport.BookingError):
                airport.cancel(again, user)
        db.session.rollback()
        assert db.session.get(AirportTrip, soon).seats_taken == 2


def test_booking_needs_an_account_and_csrf(app, client, make_trip, make_user, login):
    trip_id = make_trip()
    response = client.post(f"/lookups/airport/trips/{trip_id}/book", data={"seats": "1"})
    assert response.status_code in (302, 400)
    login(client, make_user())
    assert client.post(f"/lookups/airport/trips/{trip_id}/book", data={"seats": "1"}).status_code == 400
