"""Faults a QA pass found in the lookups, one test per kind of mistake."""

from __future__ import annotations

import io
import os
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.lookups.models import AirportTrip, BusPassApplication
from tests.conftest import csrf_token
from tests.lookups.test_cases import _file_pass, people, school  # noqa: F401 (fixtures)


def _uploads(app) -> int:
    root = app.config.get("UPLOAD_FOLDER") or os.path.join(app.instance_path, "uploads")
    return sum(len(files) for _dir, _sub, files in os.walk(root)) if os.path.isdir(root) else 0


def test_a_refused_bus_pass_stores_no_photo(app, client, people, login, sample_network):  # noqa: F811
    login(client, people["citizen"])
    before = _uploads(app)
    bad = _file_pass(client, proof=(io.BytesIO(b"not a photo"), "card.jpg"))
    assert bad.status_code == 422
    assert _uploads(app) == before


def test_a_one_route_pass_needs_a_route_of_the_network(app, client, people, login, sample_network):  # noqa: F811
    login(client, people["citizen"])
    refused = _file_pass(client, route_short_name="999")
    assert refused.status_code == 422
    assert "999" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(BusPassApplication)) == 0


def test_the_parking_api_answers_json_errors(client):
    for path in ("/lookups/api/parking/99999999999999/availability", "/lookups/api/parking/٢/availability",
                 "/lookups/api/parking/1/availability", "/lookups/api/nothing"):
        response = client.post(path, json={"free_spaces": 1}, headers={"Authorization": "Bearer pk_x"})
        assert response.is_json, path
    response = client.get("/lookups/api/parking/1/availability")
    assert response.status_code == 405 and response.is_json


def _add_trip(client, **changes):
    token = csrf_token(client, "/lookups/manage/")
    data = {"csrf_token": token, "route_name": "86", "origin": "Ga Hà Nội", "destination": "Nội Bài",
            "departs_at": "2099-01-01 08:00", "seats_total": "30", "price_vnd": "45000", **changes}
    return client.post("/lookups/manage/airport", data=data, follow_redirects=True)


def test_airport_trips_refuse_past_absurd_and_bad_numbers(app, client, people, login):  # noqa: F811
    login(client, people["transport"])
    for departs in ("0001-01-01 00:00", "9999-12-31 23:59", "2020-01-01 08:00", "٢٠٩٩-01-01 08:00"):
        assert _add_trip(client, departs_at=departs).status_code == 200
    page = _add_trip(client, seats_total="-5").get_data(as_text=True)
    assert "Từ 1 đến 80 ghế." in page and "giờ Hà Nội." not in page.split("<main")[-1].split("<form")[0]
    assert _add_trip(client, seats_total="٣٠").status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AirportTrip)) == 0
    _add_trip(client)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AirportTrip)) == 1


def test_enrollment_checks_the_age_and_ascii_digits(app, client, people, login, school):  # noqa: F811
    login(client, people["citizen"])
    token = csrf_token(client, "/lookups/enrollment/new?level=grade1")
    data = {"csrf_token": token, "level": "grade1", "child_name": "Nguyễn Bé Na", "child_birth_date": "2020-03-04",
            "child_id": "001320001234", "school_1": str(school), "school_2": "0", "school_3": "0"}
    from app.lookups.forms import hanoi_today

    future = (hanoi_today() + timedelta(days=30)).isoformat()
    for bad in ({"child_birth_date": "0001-01-01"}, {"child_birth_date": future},
                {"child_birth_date": "2000-01-01"}, {"child_id": "٠٠١٣٢٠٠٠١٢٣٤"},
                {"school_1": "٢"}):
        assert client.post("/lookups/enrollment/new", data={**data, **bad}).status_code == 422, bad
    assert client.post("/lookups/enrollment/new", data=data).status_code == 303


def test_query_ids_and_coordinates_take_ascii_digits_only(client):
    assert client.get("/lookups/parking?ward=²").status_code == 200
    assert client.get("/lookups/schools?ward=99999999999999999").status_code == 200
    assert client.get("/lookups/bus/nearby?lat=٢١&lon=105.8").status_code == 200


def test_a_departed_or_boarded_ticket_does_not_verify_as_valid(app, client, people, login):  # noqa: F811
    from datetime import UTC, datetime

    from app.auth.models import User
    from app.lookups import airport
    from app.lookups.models import AirportTicket

    with app.app_context(), app.test_request_context():
        soon = AirportTrip(route_name="86", origin="A", destination="B", seats_total=10,
                           departs_at=datetime.now(UTC) + timedelta(hours=3))
        gone = AirportTrip(route_name="86", origin="A", destination="B", seats_total=10,
                           departs_at=datetime.now(UTC) - timedelta(hours=3))
        db.session.add_all([soon, gone])
        db.session.flush()
        citizen = db.session.get(User, people["citizen"])
        ok = AirportTicket(trip_id=soon.id, user_id=citizen.id, seats=1, status="booked")
        old = AirportTicket(trip_id=gone.id, user_id=citizen.id, seats=1, status="booked")
        db.session.add_all([ok, old])
        db.session.commit()
        ok_code, old_code = airport.ticket_code(ok), airport.ticket_code(old)
    page = client.get("/lookups/airport/verify", query_string={"code": old_code}).get_data(as_text=True)
    assert "đã khởi hành" in page and "Vé hợp lệ" not in page
    valid = client.get("/lookups/airport/verify", query_string={"code": ok_code}).get_data(as_text=True)
    assert "Vé hợp lệ" in valid
    login(client, people["citizen"])
    token = csrf_token(client, "/lookups/airport")
    assert client.post("/lookups/airport/verify/board", data={"csrf_token": token, "code": ok_code}).status_code == 403
    login(client, people["transport"])
    token = csrf_token(client, "/lookups/manage/")
    assert client.post("/lookups/airport/verify/board", data={"code": ok_code}).status_code == 400
    client.post("/lookups/airport/verify/board", data={"csrf_token": token, "code": ok_code})
    page = client.get("/lookups/airport/verify", query_string={"code": ok_code}).get_data(as_text=True)
    assert "Đã sử dụng" in page and "Vé hợp lệ" not in page
