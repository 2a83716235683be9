"""Parking lots: search near a point or by ward, staleness, operators' form and token API."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core.models import utcnow
from app.core.text import fold
from app.extensions import db
from app.lookups import parking
from app.lookups.models import ParkingLot, ParkingOperator
from tests.conftest import csrf_token


@pytest.fixture
def lots(app):
    from app.places import services as places

    with app.app_context():
        hk = places.ward_by_codename("phuong_hoan_kiem").id
        cn = places.ward_by_codename("phuong_cua_nam").id
        ours, theirs = ParkingOperator(name="Ours"), ParkingOperator(name="Theirs")
        db.session.add_all([ours, theirs])
        now = utcnow()
        rows = [
            ParkingLot(name="Gần hồ", search_name=fold("Gần hồ"), address="1", ward_id=hk, lat=21.0287, lon=105.8524,
                       capacity=50, vehicle_types="motorbike", prices="5.000", opening_hours="24/7", operator=ours,
                       free_spaces=10, free_updated_at=now - timedelta(minutes=5)),
            ParkingLot(name="Xa hơn", search_name=fold("Xa hơn"), address="2", ward_id=hk, lat=21.0330, lon=105.8524,
                       capacity=80, vehicle_types="car,motorbike", prices="30.000", opening_hours="6-22",
                       operator=theirs, free_spaces=3, free_updated_at=now - timedelta(minutes=45)),
            ParkingLot(name="Cửa Nam", search_name=fold("Cửa Nam"), address="3", ward_id=cn, lat=21.0275, lon=105.8420,
                       capacity=30, vehicle_types="car", prices="25.000", opening_hours="6-22"),
        ]
        db.session.add_all(rows)
        db.session.flush()
        token = parking.new_token(ours)
        db.session.commit()
        ids = {"near": rows[0].id, "far": rows[1].id, "cn": rows[2].id, "token": token, "hk": hk, "cn_ward": cn}
        db.session.remove()
    return ids


def test_search_near_a_point_by_distance_and_by_ward(app, lots):
    with app.app_context():
        found = parking.search(lat=21.0287, lon=105.8524, radius_m=1000)
        assert [(f.lot.name, f.distance_m, f.stale) for f in found] == [("Gần hồ", 0, False), ("Xa hơn", 478, True)]
        assert [f.lot.name for f in parking.search(ward_id=lots["cn_ward"])] == ["Cửa Nam"]
        assert [f.lot.name for f in parking.search(lat=21.0287, lon=105.8524, radius_m=1000, vehicle="car")] == [
            "Xa hơn"]
        never = parking.search(ward_id=lots["cn_ward"])[0]
        assert never.stale  # never reported


def test_the_page_marks_stale_availability(client, lots):
    page = client.get("/lookups/parking?lat=21.0287&lon=105.8524").get_data(as_text=True)
    assert "Gần hồ" in page and "Xa hơn" in page
    assert page.count('class="muted stale"') == 1 and page.count('class="fresh"') == 1


def test_the_api_updates_with_the_operators_token_only(app, client, lots):
    url = f"/lookups/api/parking/{lots['near']}/availability"
    auth = {"Authorization": f"Bearer {lots['token']}"}
    response = client.post(url, json={"free_spaces": 7}, headers=auth)
    assert response.status_code == 200 and response.get_json()["free_spaces"] == 7
    assert client.post(url, json={"free_spaces": 7}).status_code == 401
    assert client.post(url, json={"free_spaces": 7}, headers={"Authorization": "Bearer pk_forged"}).status_code == 401
    assert client.post(url, json={"free_spaces": 51}, headers=auth).status_code == 422
    assert client.post(url, json={"free_spaces": "7"}, headers=auth).status_code == 400
    other = f"/lookups/api/parking/{lots['far']}/availability"
    assert client.post(other, json={"free_spaces": 1}, headers=auth).status_code == 404
    with app.app_context():
        operator = db.session.scalar(sa.select(ParkingOperator).where(ParkingOperator.name == "Ours"))
        assert operator.token_hash != lots["token"] and len(operator.token_hash) == 64
        assert db.session.get(ParkingLot, lots["near"]).free_spaces == 7


def test_the_console_form_is_for_transport_officials(app, client, lots, make_user, login):
    login(client, make_user(role="agency_official", agency="education"))
    token = csrf_token(client, "/lookups/")
    url = f"/lookups/manage/parking/{lots['cn']}/availability"
    assert client.post(url, data={"csrf_token": token, "free_spaces": "4"}).status_code == 403
    login(client, make_user(role="agency_official", agency="transport"))
    token = csrf_token(client, "/lookups/manage/")
    assert client.post(url, data={"csrf_token": token, "free_spaces": "4"}).status_code == 303
    assert client.post(url, data={"csrf_token": token, "free_spaces": "31"}).status_code == 303
    with app.app_context():
        lot = db.session.get(ParkingLot, lots["cn"])
        assert lot.free_spaces == 4 and not parking.is_stale(lot)
    response = client.post(f"/lookups/manage/parking/operators/{1}/token", data={"csrf_token": token})
    assert response.status_code == 200 and "pk_" in response.get_data(as_text=True)
