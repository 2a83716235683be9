"""Bus pass and enrollment: level-2 gates, kinds of the engine, agency scope, QR of an approved pass."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
import sqlalchemy as sa

from app.cases import services as cases
from app.cases.models import Level, Status, UnitType
from app.extensions import db
from app.lookups.models import BusPassApplication, EnrollmentApplication, School
from tests.conftest import csrf_token
from tests.reports.conftest import photo_bytes


@pytest.fixture
def people(make_user):
    return {
        "citizen": make_user(level=2),
        "phone_only": make_user(level=1),
        "other": make_user(level=2),
        "transport": make_user(role="agency_official", agency="transport"),
        "education": make_user(role="agency_official", agency="education"),
    }


def _file_pass(client, **extra):
    token = csrf_token(client, "/lookups/bus-pass/new")
    data = {"csrf_token": token, "pass_type": "single", "route_short_name": "02", "priority_group": "student",
            "pickup_point": "kim_ma", "portrait": (io.BytesIO(photo_bytes()), "me.jpg"),
            "proof": (io.BytesIO(photo_bytes(color=(10, 200, 10))), "card.jpg"), **extra}
    return client.post("/lookups/bus-pass/new", data=data, content_type="multipart/form-data")


def test_a_bus_pass_needs_level_two(client, people, login):
    login(client, people["phone_only"])
    assert client.get("/lookups/bus-pass/new").status_code == 403
    assert client.get("/lookups/enrollment/new").status_code == 403
    assert client.post("/lookups/bus-pass/new", data={}).status_code in (400, 403)


def test_a_bus_pass_goes_through_the_engine_and_shows_a_qr_when_approved(app, client, people, login, sample_network):
    from app.auth.models import User
    from app.notifications.models import Notification

    login(client, people["citizen"])
    refused = _file_pass(client, portrait="")
    assert refused.status_code == 422
    response = _file_pass(client)
    assert response.status_code == 303
    url = response.headers["Location"]
    case_id = int(re.search(r"/bus-pass/(\d+)", url).group(1))
    page = client.get(url).get_data(as_text=True)
    assert 'class="qr"' not in page  # no QR code before approval
    assert client.get(f"{url}/photos/portrait").status_code == 200

    with app.app_context():
        case = db.session.get(BusPassApplication, case_id)
        from app.places import services as places

        assert (case.kind, case.unit_type, case.unit_agency_id) == (
            "bus_pass", UnitType.AGENCY, places.agency_by_code("transport").id)
        assert case.due_at is not None
    # The transport official handles it in the console; the education official may not.
    login(client, people["education"])
    assert client.get(f"/console/reports/{case_id}").status_code == 403
    assert client.get(url).status_code == 404
    login(client, people["transport"])
    console = client.get(f"/console/reports/{case_id}").get_data(as_text=True)
    assert "/photos/proof" in console
    assert client.get(f"{url}/photos/proof").status_code == 200
    with app.app_context():
        official = db.session.get(User, people["transport"])
        case = db.session.get(BusPassApplication, case_id)
        cases.accept(case, official, Level.NORMAL)
        cases.resolve(case, official, "Đã duyệt, nhận vé tại Kim Mã.")
        db.session.commit()
        kinds = db.session.scalars(sa.select(Notification.kind).where(
            Notification.user_id == people["citizen"])).all()
        assert "resolved" in kinds

    login(client, people["citizen"])
    page = client.get(url).get_data(as_text=True)
    assert re.search(r'<figure class="qr"[^>]*><svg', page)
    with app.app_context(), app.test_request_context():
        from app.lookups import services

        good = services.pass_code(db.session.get(BusPassApplication, case_id))
    verified = client.get("/lookups/bus-pass/verify", query_string={"code": good})
    assert verified.status_code == 200
    holder = verified.get_data(as_text=True)
    assert 'id="holder"' in holder and "Tuyến 02" in holder and "Học sinh, sinh viên" in holder
    # A changed character inside the signature (the last one may only carry padding bits).
    forged = good[:-6] + ("A" if good[-6] != "A" else "B") + good[-5:]
    assert client.get("/lookups/bus-pass/verify", query_string={"code": forged}).status_code == 400

    login(client, people["other"])
    assert client.get(url).status_code == 404
    assert client.get(f"{url}/photos/portrait").status_code == 404


@pytest.fixture
def school(app):
    from app.places import services as places

    with app.app_context():
        hk = places.ward_by_codename("phuong_hoan_kiem").id
        row = School(name="Trường Tiểu học Thử", level="grade1", ward_id=hk, quota=100, catchment_ward_ids=[hk])
        db.session.add(row)
        db.session.commit()
        school_id = row.id
        db.session.remove()
    return school_id


def test_an_enrollment_keeps_the_child_id_encrypted_and_goes_to_education(app, client, people, login, school):
    login(client, people["citizen"])
    form = client.get("/lookups/enrollment/new?level=grade1").get_data(as_text=True)
    assert "Trường Tiểu học Thử" in form
    token = csrf_token(client, "/lookups/enrollment/new?level=grade1")
    data = {"csrf_token": token, "level": "grade1", "child_name": "Nguyễn Bé Na", "child_birth_date": "2020-03-04",
            "child_id": "001320001234", "school_1": str(school), "school_2": "0", "school_3": "0"}
    bad = client.post("/lookups/enrollment/new", data={**data, "child_id": "123"})
    assert bad.status_code == 422
    response = client.post("/lookups/enrollment/new", data=data)
    assert response.status_code == 303
    url = response.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert "Nguyễn Bé Na" in page and "•••••••••234" in page
    assert "001320001234" not in page
    with app.app_context():
        case = db.session.scalars(sa.select(EnrollmentApplication)).one()
        raw = db.session.execute(sa.text("SELECT child_id_encrypted FROM enrollment_applications")).scalar()
        assert b"001320001234" not in bytes(raw)
        from app.lookups import services

        assert services.child_id(case) == "001320001234"
        assert case.school_ids == [school] and case.child_birth_date == date(2020, 3, 4)
        from app.places import services as places

        assert case.unit_agency_id == places.agency_by_code("education").id and case.status == Status.SUBMITTED
        case_id = case.id
    login(client, people["transport"])
    assert client.get(f"/console/reports/{case_id}").status_code == 403
    login(client, people["education"])
    assert client.get(f"/console/reports/{case_id}").status_code == 200
    login(client, people["other"])
    assert client.get(url).status_code == 404


def test_schools_per_ward_and_rules_pages(app, client, school):
    from app.places import services as places

    with app.app_context():
        cn = places.ward_by_codename("phuong_cua_nam").id
        hk = places.ward_by_codename("phuong_hoan_kiem").id
    assert "Trường Tiểu học Thử" in client.get(f"/lookups/schools?ward={hk}").get_data(as_text=True)
    assert "Trường Tiểu học Thử" not in client.get(f"/lookups/schools?ward={cn}").get_data(as_text=True)
    for level in ("kindergarten", "grade1", "grade6", "grade10"):
        assert client.get(f"/lookups/schools/rules/{level}").status_code == 200
    assert client.get("/lookups/schools/rules/grade99").status_code == 404


def test_officials_pages_are_role_gated(client, people, login):
    login(client, people["citizen"])
    assert client.get("/lookups/manage/").status_code == 403
    login(client, people["education"])
    page = client.get("/lookups/manage/").get_data(as_text=True)
    assert "/lookups/manage/exams" in page and "/lookups/manage/gtfs" not in page
    login(client, people["transport"])
    page = client.get("/lookups/manage/").get_data(as_text=True)
    assert "/lookups/manage/gtfs" in page and "/lookups/manage/exams" not in page
    token = csrf_token(client, "/lookups/manage/")
    assert client.post("/lookups/manage/exams", data={"csrf_token": token, "year": "2026"}).status_code == 403


def test_officials_add_schools_and_parking_lots_of_their_agency(app, client, people, login):
    from app.lookups.models import ParkingLot
    from app.places import services as places

    with app.app_context():
        hk = places.ward_by_codename("phuong_hoan_kiem").id
        cn = places.ward_by_codename("phuong_cua_nam").id
    school = {"name": "Trường THCS Mới", "level": "grade6", "ward": str(hk), "quota": "300", "catchment": [str(hk),
                                                                                                           str(cn)]}
    lot = {"name": "Bãi xe mới", "address": "9 Lý Thái Tổ", "ward": str(hk), "lat": "21.03", "lon": "105.85",
           "capacity": "40", "vehicle_types": ["car", "motorbike"], "prices": "5.000", "opening_hours": "24/7",
           "operator": "0"}
    login(client, people["transport"])
    token = csrf_token(client, "/lookups/manage/")
    assert client.post("/lookups/manage/schools", data={"csrf_token": token, **school}).status_code == 403
    assert client.post("/lookups/manage/parking", data={"csrf_token": token, **lot}).status_code == 303
    login(client, people["education"])
    token = csrf_token(client, "/lookups/manage/")
    assert client.post("/lookups/manage/parking", data={"csrf_token": token, **lot}).status_code == 403
    assert client.post("/lookups/manage/schools", data={"csrf_token": token, **school}).status_code == 303
    with app.app_context():
        added = db.session.scalars(sa.select(School)).one()
        assert (added.name, added.quota, added.catchment_ward_ids) == ("Trường THCS Mới", 300, [hk, cn])
        parked = db.session.scalars(sa.select(ParkingLot)).one()
        assert parked.vehicle_types == "car,motorbike" and parked.capacity == 40
