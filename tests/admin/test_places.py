"""City admins switch wards on and off and keep the agencies; all audited."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.extensions import db
from app.places import services as places
from app.places.models import Agency, Ward
from tests.conftest import csrf_token


@pytest.fixture(autouse=True)
def _restore_places(app):
    """Wards and agencies are reference data the database cleaner keeps: put them back."""
    yield
    with app.app_context():
        db.session.execute(sa.update(Ward).values(active=True))
        codes = [code for code, _, _ in places.AGENCIES]
        db.session.execute(sa.delete(Agency).where(Agency.code.not_in(codes)))
        db.session.execute(sa.update(Agency).values(active=True))
        places.load_agencies()
        db.session.commit()
        db.session.remove()


def _ward(app, codename="phuong_hoan_kiem"):
    with app.app_context():
        ward = db.session.scalar(sa.select(Ward).where(Ward.codename == codename))
        result = (ward.id, ward.active)
        db.session.remove()
    return result


def _agency(app, code):
    with app.app_context():
        agency = db.session.scalar(sa.select(Agency).where(Agency.code == code))
        result = agency and (agency.id, agency.name, agency.name_en, agency.active)
        db.session.remove()
    return result


def _actions(app):
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEntry.action)).all()
        db.session.remove()
    return actions


def test_admin_lists_and_toggles_wards(app, client, make_user, login):
    login(client, make_user(role="city_admin"))
    client.set_cookie("lang", "en")
    html = client.get("/admin/places").get_data(as_text=True)
    assert "126 wards." in html and "Phường Hoàn Kiếm" in html
    ward_id, _ = _ward(app)
    token = csrf_token(client, "/admin/places")
    assert client.post(f"/admin/places/wards/{ward_id}/active", data={"csrf_token": token}).status_code == 303
    assert _ward(app) == (ward_id, False)
    with app.app_context():
        assert "Phường Hoàn Kiếm" not in [w.name for w in places.search_wards("hoan kiem")]
        db.session.remove()
    assert client.post(f"/admin/places/wards/{ward_id}/active", data={"csrf_token": token}).status_code == 303
    assert _ward(app) == (ward_id, True)
    assert {"ward.deactivated", "ward.activated"} <= set(_actions(app))
    assert client.post("/admin/places/wards/1/active", data={"csrf_token": token}).status_code == 404


def test_admin_creates_renames_and_toggles_agencies(app, client, make_user, login):
    login(client, make_user(role="city_admin"))
    client.set_cookie("lang", "en")
    token = csrf_token(client, "/admin/places")
    response = client.post("/admin/places/agencies", data={
        "code": "water", "name": "Sở Nước", "name_en": "Water Department", "csrf_token": token})
    assert response.status_code == 303
    agency_id, *rest = _agency(app, "water")
    assert rest == ["Sở Nước", "Water Department", True]
    prefix = f"agency{agency_id}-"
    assert client.post(f"/admin/places/agencies/{agency_id}", data={
        prefix + "name": "Công ty Nước sạch", prefix + "name_en": "Clean Water Company",
        prefix + "csrf_token": token}).status_code == 303
    assert _agency(app, "water")[1:3] == ("Công ty Nước sạch", "Clean Water Company")
    assert client.post(f"/admin/places/agencies/{agency_id}/active", data={"csrf_token": token}).status_code == 303
    assert _agency(app, "water")[3] is False
    assert {"agency.created", "agency.renamed", "agency.deactivated"} <= set(_actions(app))


def test_invalid_agency_input_is_refused_and_kept(app, client, make_user, login):
    login(client, make_user(role="city_admin"))
    client.set_cookie("lang", "en")
    token = csrf_token(client, "/admin/places")
    taken = client.post("/admin/places/agencies", data={
        "code": "police", "name": "Công an mới", "name_en": "New police", "csrf_token": token})
    html = taken.get_data(as_text=True)
    assert taken.status_code == 422 and "Another agency already has this code." in html and "Công an mới" in html
    bad = client.post("/admin/places/agencies", data={"code": "Nước!", "name": "", "name_en": "x",
                                                      "csrf_token": token})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Use only lower-case letters" in html and "Give the agency a name." in html
    agency_id, name, *_ = _agency(app, "police")
    prefix = f"agency{agency_id}-"
    rename = client.post(f"/admin/places/agencies/{agency_id}", data={
        prefix + "name": "", prefix + "name_en": "Kept English", prefix + "csrf_token": token})
    assert rename.status_code == 422 and 'value="Kept English"' in rename.get_data(as_text=True)
    assert _agency(app, "police")[1] == name
    assert _agency(app, "nước!") is None


def test_places_are_for_city_admins_only(app, client, make_user, login):
    ward_id, _ = _ward(app)
    agency_id = _agency(app, "police")[0]
    for user in (make_user(role="ward_official", ward="phuong_hoan_kiem"), make_user()):
        login(client, user)
        token = csrf_token(client, "/")
        assert client.get("/admin/places").status_code == 403
        assert client.post(f"/admin/places/wards/{ward_id}/active", data={"csrf_token": token}).status_code == 403
        assert client.post(f"/admin/places/agencies/{agency_id}/active",
                           data={"csrf_token": token}).status_code == 403
    assert app.test_client().get("/admin/places").status_code == 302
    assert _ward(app)[1] is True and _agency(app, "police")[3] is True


def test_place_changes_need_the_csrf_token(app, client, make_user, login):
    login(client, make_user(role="city_admin"))
    ward_id, _ = _ward(app)
    agency_id = _agency(app, "police")[0]
    assert client.post(f"/admin/places/wards/{ward_id}/active").status_code == 400
    assert client.post(f"/admin/places/agencies/{agency_id}/active").status_code == 400
    assert client.post("/admin/places/agencies", data={"code": "x", "name": "x", "name_en": "x"}).status_code == 400
    assert _ward(app)[1] is True and _agency(app, "police")[3] is True


def _centre(app, codename="phuong_hoan_kiem"):
    with app.app_context():
        centre = places.ward_by_codename(codename).centre
        db.session.remove()
    return centre


def test_admin_sets_and_clears_a_ward_centre(app, client, make_user, login):
    login(client, make_user(role="city_admin"))
    client.set_cookie("lang", "en")
    ward_id, _ = _ward(app)
    token = csrf_token(client, "/admin/places")
    prefix = f"ward{ward_id}-"
    response = client.post(f"/admin/places/wards/{ward_id}/centre", data={
        prefix + "lat": "21,0287", prefix + "lon": " 105.8524 ", prefix + "csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"#ward-{ward_id}")
    assert _centre(app) == (21.0287, 105.8524)
    html = client.get("/admin/places").get_data(as_text=True)
    assert "Centre of Phường Hoàn Kiếm saved." in html
    assert f'id="{prefix}lat"' in html and 'value="21.028700"' in html
    assert client.post(f"/admin/places/wards/{ward_id}/centre", data={
        prefix + "lat": "", prefix + "lon": "", prefix + "csrf_token": token}).status_code == 303
    assert _centre(app) is None
    assert "Centre of Phường Hoàn Kiếm cleared." in client.get("/admin/places").get_data(as_text=True)
    assert {"ward.centre_set", "ward.centre_cleared"} <= set(_actions(app))


@pytest.mark.parametrize(("lang", "lat", "lon", "message"), [
    ("en", "21.1861", "106.0763", "This point is not in Hanoi: check the numbers and their order."),
    ("en", "105.8524", "21.0287", "This point is not in Hanoi: check the numbers and their order."),
    ("en", "21.0287", "", "Enter both the latitude and the longitude, or leave both empty to clear."),
    ("en", "bắc", "105.85", "Enter numbers in degrees, such as 21.0287 and 105.8524."),
    ("en", "nan", "105.85", "Enter numbers in degrees, such as 21.0287 and 105.8524."),
    ("vi", "21.1861", "106.0763", "Điểm này không thuộc Hà Nội: hãy kiểm tra các số và thứ tự của chúng."),
])
def test_a_wrong_centre_is_refused_and_kept(app, client, make_user, login, lang, lat, lon, message):
    login(client, make_user(role="city_admin"))
    client.set_cookie("lang", lang)
    ward_id, _ = _ward(app)
    token = csrf_token(client, "/admin/places")
    prefix = f"ward{ward_id}-"
    response = client.post(f"/admin/places/wards/{ward_id}/centre", data={
        prefix + "lat": lat, prefix + "lon": lon, prefix + "csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    assert f'value="{lat}"' in html
    assert _centre(app) is None
    assert "ward.centre_set" not in _actions(app)


def test_ward_centres_are_for_city_admins_only(app, client, make_user, login):
    ward_id, _ = _ward(app)
    prefix = f"ward{ward_id}-"
    for user in (make_user(role="ward_official", ward="phuong_hoan_kiem"), make_user()):
        login(client, user)
        token = csrf_token(client, "/")
        assert client.post(f"/admin/places/wards/{ward_id}/centre", data={
            prefix + "lat": "21.03", prefix + "lon": "105.85", "csrf_token": token}).status_code == 403
    assert _centre(app) is None
    login(client, make_user(role="city_admin"))
    assert client.post(f"/admin/places/wards/{ward_id}/centre", data={
        prefix + "lat": "21.03", prefix + "lon": "105.85"}).status_code == 400
    assert client.post("/admin/places/wards/1/centre", data={
        "csrf_token": csrf_token(client, "/admin/places")}).status_code == 404
