"""Alert pages: role gates and agency scope, the officials' forms, citizens' lists, the home line."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from tests.conftest import csrf_token


def _form(token, **changes):
    data = {"csrf_token": token, "kind": "scam", "severity": "severe", "urgency": "Immediate",
            "certainty": "Observed", "title": "Lừa đảo qua mã QR giả", "summary": "Dán mã QR giả tại quán.",
            "body": "Kiểm tra **tên người nhận** trước khi chuyển.", "instruction": "Báo công an phường.",
            "valid_from": "2026-01-01T08:00", "valid_until": "2099-01-01T08:00", "area": "city"}
    data.update(changes)
    return data


def test_police_officer_writes_and_publishes_an_alert(app, client, login, police):
    from app.alerts.models import Alert
    from app.places import services as places

    login(client, police)
    with app.app_context():
        agency = places.agency_by_code("police").id
    token = csrf_token(client, "/alerts/new")
    response = client.post("/alerts/new", data=_form(token, agency=str(agency)))
    assert response.status_code == 303
    alert_url = response.headers["Location"]
    with app.app_context():
        alert = db.session.scalar(sa.select(Alert))
        assert (alert.status, alert.agency_id, alert.severity) == ("draft", agency, "severe")
    # A draft is the agency's alone.
    assert client.get("/alerts").get_data(as_text=True).count("Lừa đảo qua mã QR giả") == 0
    response = client.post(f"{alert_url}/publish", data={"csrf_token": token})
    assert response.status_code == 303
    page = client.get(alert_url).get_data(as_text=True)
    assert "<strong>tên người nhận</strong>" in page
    home = client.get("/").get_data(as_text=True)
    assert 'id="home-alert"' in home and "Lừa đảo qua mã QR giả" in home


def test_invalid_form_keeps_what_was_typed(app, client, login, police):
    from app.places import services as places

    login(client, police)
    with app.app_context():
        agency = places.agency_by_code("police").id
    token = csrf_token(client, "/alerts/new")
    response = client.post("/alerts/new", data=_form(token, agency=str(agency), area="wards",
                                                     valid_until="2025-01-01T08:00"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Lừa đảo qua mã QR giả" in page and 'aria-invalid="true"' in page


def test_who_may_write_alerts(app, client, login, make_user):
    citizen = make_user()
    ward_official = make_user(role="ward_official", ward="phuong_hoan_kiem")
    for user in (citizen, ward_official):
        login(client, user)
        assert client.get("/alerts/new").status_code == 403
        assert client.get("/alerts/manage").status_code == 403
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/alerts")})


def test_another_agency_cannot_touch_the_alert(app, client, login, make_user, make_alert):
    health = make_user(role="agency_official", agency="health")
    draft = make_alert(publish=False)
    published = make_alert()
    login(client, health)
    token = csrf_token(client, "/alerts/new")
    # Only the police may be chosen as issuer by a police officer: here, only health.
    page = client.get("/alerts/new").get_data(as_text=True)
    assert "Sở Y tế" in page and "Công an Thành phố" not in page
    assert client.get(f"/alerts/{draft}").status_code == 404
    assert client.get(f"/alerts/{draft}/edit").status_code == 404
    assert client.post(f"/alerts/{draft}/publish", data={"csrf_token": token}).status_code == 404
    assert client.get(f"/alerts/{published}/update").status_code == 403
    assert client.post(f"/alerts/{published}/withdraw", data={"csrf_token": token, "note": "x"}).status_code == 403


def test_drafts_are_hidden_from_visitors(client, make_alert):
    draft = make_alert(publish=False)
    assert client.get(f"/alerts/{draft}").status_code == 404


def test_publish_without_csrf_is_refused(app, client, login, police, make_alert):
    draft = make_alert(publish=False)
    login(client, police)
    assert client.post(f"/alerts/{draft}/publish").status_code == 400


def test_update_and_withdraw_through_the_pages(app, client, login, police, make_alert):
    alert_id = make_alert()
    login(client, police)
    token = csrf_token(client, f"/alerts/{alert_id}/update")
    response = client.post(f"/alerts/{alert_id}/update", data=_form(token, note="Thêm địa điểm"))
    assert response.status_code == 303
    new_url = response.headers["Location"]
    page = client.get(new_url).get_data(as_text=True)
    assert "Thêm địa điểm" in page
    old = client.get(f"/alerts/{alert_id}").get_data(as_text=True)
    assert new_url.split("/")[-1] in old  # the old version links to the latest
    response = client.post(f"{new_url}/withdraw", data={"csrf_token": token, "note": "Hết nguy cơ"})
    assert response.status_code == 303
    archive = client.get("/alerts/archive").get_data(as_text=True)
    assert "Lừa đảo qua mã QR giả" in archive
    assert "Lừa đảo qua mã QR giả" not in client.get("/alerts").get_data(as_text=True)


def test_lists_filter_by_kind_and_search_without_diacritics(client, make_alert):
    make_alert(title="Giả danh ngân hàng")
    make_alert(kind="weather", title="Mưa lớn gây ngập")
    page = client.get("/alerts?kind=weather").get_data(as_text=True)
    assert "Mưa lớn gây ngập" in page and "Giả danh ngân hàng" not in page
    page = client.get("/alerts?q=ngan+hang").get_data(as_text=True)
    assert "Giả danh ngân hàng" in page and "Mưa lớn gây ngập" not in page
    partial = client.get("/alerts?q=mua", headers={"HX-Request": "true"})
    assert partial.get_data(as_text=True).lstrip().startswith(('{', '<div id="alert-list"')) or \
        "<html" not in partial.get_data(as_text=True)
    assert "HX-Request" in partial.headers.get("Vary", "")


def test_pages_in_english(client, make_alert):
    make_alert()
    client.set_cookie("lang", "en")
    page = client.get("/alerts").get_data(as_text=True)
    assert "Fake police calls asking for money" in page and "Scams and fraud methods" in page


def _jpeg() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 40, 40)).save(buf, "JPEG")
    return buf.getvalue()


def test_alert_with_a_photo_through_the_shared_pipeline(app, client, login, police):
    import io
    from pathlib import Path

    from lxml import etree

    from app.alerts.cap import rule_problems
    from app.places import services as places

    login(client, police)
    with app.app_context():
        agency = places.agency_by_code("police").id
    token = csrf_token(client, "/alerts/new")
    data = _form(token, agency=str(agency))
    data["image"] = (io.BytesIO(_jpeg()), "anh.jpg")
    response = client.post("/alerts/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    url = response.headers["Location"]
    client.post(f"{url}/publish", data={"csrf_token": token})
    alert_id = int(url.rsplit("/", 1)[1])
    image = client.get(f"/alerts/{alert_id}/image")
    assert image.status_code == 200 and image.mimetype == "image/jpeg" and image.data[:2] == b"\xff\xd8"
    assert client.get(f"/alerts/{alert_id}/image/thumb").status_code == 200
    # A browser that has the photo revalidates it for nothing.
    assert image.headers["ETag"] and "public" in image.headers["Cache-Control"]
    assert client.get(f"/alerts/{alert_id}/image", headers={"If-None-Match": image.headers["ETag"]}).status_code == 304
    body = client.get(f"/alerts/{alert_id}.cap.xml").data
    schema = etree.XMLSchema(etree.parse(str(Path("/work/shared/cap/CAP-v1.2.xsd"))))
    assert schema.validate(etree.fromstring(body)) and rule_problems(body) == []
    assert b"<mimeType>image/jpeg</mimeType>" in body
    # A version made by an update keeps the photo.
    response = client.post(f"/alerts/{alert_id}/update", data=_form(token, note="Bổ sung"))
    assert client.get(response.headers["Location"] + "/image").status_code == 200


def test_a_file_that_is_not_a_photo_is_refused(app, client, login, police):
    import io

    from app.places import services as places

    login(client, police)
    with app.app_context():
        agency = places.agency_by_code("police").id
    token = csrf_token(client, "/alerts/new")
    data = _form(token, agency=str(agency))
    data["image"] = (io.BytesIO(b"not an image"), "x.jpg")
    response = client.post("/alerts/new", data=data, content_type="multipart/form-data")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "flash-error" in page and "/image" not in page


def test_ids_and_dates_from_outside_never_overflow(app, client, login, police):
    """A ward id past any database id is no ward (not a 500); a year-1 start is refused with a message."""
    from app.places import services as places

    assert client.get("/alerts", query_string={"ward": "99999999999999999999"}).status_code == 200
    login(client, police)
    with app.app_context():
        agency = places.agency_by_code("police").id
    token = csrf_token(client, "/alerts/new")
    for start in ("0001-01-01T00:00", "9999-12-31T23:59"):
        response = client.post("/alerts/new", data=_form(token, agency=str(agency), valid_from=start,
                                                         valid_until="9999-12-31T23:59"))
        assert response.status_code == 200
        assert "2000" in response.get_data(as_text=True)
