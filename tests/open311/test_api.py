"""Open311 GeoReport v2: every JSON body validated against the official schemas, the XML
shapes, every error case, filing through the API into the workflow, and privacy."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest
import sqlalchemy as sa
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7
from werkzeug.datastructures import MultiDict

from app.extensions import db
from tests.reports.conftest import CUA_NAM, HOAN_KIEM

SCHEMAS = Path(__file__).resolve().parents[2].parent / "shared" / "open311" / "georeport-v2"
API = "/open311/v2"
SIZE = {"code": "size", "label": "Kích thước", "label_en": "Size", "kind": "single", "required": True,
        "options": [{"value": "small", "label": "Nhỏ", "label_en": "Small"},
                    {"value": "large", "label": "Lớn", "label_en": "Large"}]}
DANGER = {"code": "danger", "label": "Nguy hiểm cho", "label_en": "Dangerous for", "kind": "multiple",
          "options": [{"value": "motorbikes", "label": "Xe máy", "label_en": "Motorbikes"},
                      {"value": "cars", "label": "Ô tô", "label_en": "Cars"}]}
NOTE = {"code": "note", "label": "Ghi chú", "label_en": "Note", "kind": "text"}
# Words that must never leave the API: the reporter and the partner's personal fields.
PERSONAL = ("Nguyễn Văn Dân", "+84912", "dan@example.com", "Trần", "0912345678", "device-42", "acct-7",
            "API: ", "reporter", "phone", "email")


def _schema(name: str):
    return json.loads((SCHEMAS / name).read_text())


@pytest.fixture(scope="module")
def validate():
    """``validate(body, "requests.json")`` against the official schema; ``$ref``s between the
    files (``requests.json`` → ``request.json``) resolve through a registry."""
    registry = Registry().with_resources(
        (path.name, Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT7))
        for path in SCHEMAS.glob("*.json") if path.name != "swagger.json")

    def check(body, name: str) -> None:
        validator = jsonschema.Draft7Validator(_schema(name), registry=registry,
                                               format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
        validator.validate(body)

    return check


def _assert_dates(item: dict) -> None:
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        if item.get(name) is not None:
            assert item[name].endswith("+07:00"), item[name]
            assert datetime.fromisoformat(item[name]).tzinfo is not None


@pytest.fixture
def road(make_category):
    return make_category("road_damage", name="Hư hỏng đường", name_en="Road damage",
                         questions=[SIZE, DANGER, NOTE])


def _post(client, data, fmt="json", **kwargs):
    return client.post(f"{API}/requests.{fmt}", data=data, **kwargs)


def _form(raw_key: str, **fields) -> dict:
    data = {"api_key": raw_key, "service_code": "road_damage", "address_id": "phuong_hoan_kiem",
            "lat": "21.0287", "long": "105.8524", "description": "Ổ gà lớn trước số 12 Hàng Bài.",
            "attribute[size]": "large"}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def _errors(response, code: int) -> str:
    assert response.status_code == code, response.get_data(as_text=True)
    body = response.get_json()
    assert isinstance(body, list) and len(body) == 1 and body[0]["code"] == code
    assert set(body[0]) == {"code", "description"}
    return body[0]["description"]


# --- discovery and services -------------------------------------------------------------

def test_discovery_in_json_and_xml(client):
    body = client.get("/open311/discovery.json").get_json()
    assert body["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert body["endpoints"][0]["url"].endswith("/open311/v2/")
    assert set(body["endpoints"][0]["formats"]) == {"application/json", "text/xml"}
    root = ET.fromstring(client.get("/open311/discovery.xml").data)
    assert root.tag == "discovery"
    assert [e.tag for e in root] == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert [f.text for f in endpoint.findall("formats/format")] == ["application/json", "text/xml"]


def test_services_list_the_active_categories(client, validate, road, make_category):
    make_category("traffic", name="Ùn tắc", name_en="Traffic", unit_type="agency", agency="transport")
    make_category("old", active=False)
    body = client.get(f"{API}/services.json").get_json()
    validate(body, "services.json")
    by_code = {s["service_code"]: s for s in body}
    assert set(by_code) == {"road_damage", "traffic"}
    assert by_code["road_damage"]["service_name"] == "Hư hỏng đường"
    assert by_code["road_damage"]["metadata"] is True and by_code["traffic"]["metadata"] is False
    assert by_code["traffic"]["group"] == "transport" and by_code["road_damage"]["type"] == "realtime"
    english = client.get(f"{API}/services.json?locale=en").get_json()
    assert {s["service_name"] for s in english} == {"Road damage", "Traffic"}
    root = ET.fromstring(client.get(f"{API}/services.xml").data)
    assert root.tag == "services" and {e.tag for e in root} == {"service"}
    assert root.find("service/service_code").text in by_code
    assert root.find("service/metadata").text in ("true", "false")


def test_service_definition_has_the_extra_questions(client, validate, road):
    body = client.get(f"{API}/services/road_damage.json").get_json()
    validate(body, "service-definition.json")
    attributes = {a["code"]: a for a in body["attributes"]}
    assert attributes["size"]["datatype"] == "singlevaluelist" and attributes["size"]["required"] is True
    assert attributes["danger"]["datatype"] == "multivaluelist" and attributes["danger"]["required"] is False
    assert attributes["note"]["datatype"] == "string" and "values" not in attributes["note"]
    assert attributes["size"]["values"] == [{"key": "small", "name": "Nhỏ"}, {"key": "large", "name": "Lớn"}]
    assert [a["order"] for a in body["attributes"]] == [1, 2, 3]
    assert all(a["variable"] is True for a in body["attributes"])
    root = ET.fromstring(client.get(f"{API}/services/road_damage.xml").data)
    assert root.tag == "service_definition"
    assert [e.tag for e in root] == ["service_code", "attributes"]
    first = root.find("attributes/attribute")
    assert first.findtext("code") == "size" and first.findtext("required") == "true"
    assert [v.findtext("key") for v in first.findall("values/value")] == ["small", "large"]


# --- reading requests -------------------------------------------------------------------

def test_requests_show_public_fields_only(client, validate, make_user, make_report, road):
    reporter = make_user(name="Nguyễn Văn Dân", phone="+84912000999")
    open_id = make_report(reporter, category_id=road, lat=21.0287, lon=105.8524, address="12 Hàng Bài",
                          answers={"size": "large"})
    resolved = make_report(reporter, category_id=road, status="resolved", answer="Đã vá xong.")
    rejected = make_report(reporter, category_id=road, status="rejected", reject_text="Trùng lặp.")
    hidden = make_report(reporter, category_id=road, hidden=True)
    response = client.get(f"{API}/requests.json")
    body = response.get_json()
    validate(body, "requests.json")
    ids = [r["service_request_id"] for r in body]
    assert str(hidden) not in ids and set(ids) == {str(open_id), str(resolved), str(rejected)}
    by_id = {r["service_request_id"]: r for r in body}
    first = by_id[str(open_id)]
    assert first["status"] == "open" and first["service_code"] == "road_damage"
    assert first["agency_responsible"] == "Phường Hoàn Kiếm"
    assert first["address"] == "12 Hàng Bài, Phường Hoàn Kiếm" and first["address_id"]
    assert (first["lat"], first["long"]) == (21.0287, 105.8524)
    assert first["media_url"].startswith("http://localhost/reports/photos/")
    assert client.get(first["media_url"]).status_code == 200
    assert by_id[str(resolved)]["status"] == "closed"
    assert by_id[str(resolved)]["status_notes"] == "Đã vá xong."
    assert by_id[str(rejected)]["status_notes"] == "Trùng lặp."
    assert by_id[str(resolved)]["expected_datetime"] is None
    for item in body:
        _assert_dates(item)
    text = response.get_data(as_text=True)
    for word in ("Nguyễn Văn Dân", "+84912000999", "reporter"):
        assert word not in text
    one = client.get(f"{API}/requests/{open_id}.json").get_json()
    validate(one, "requests.json")
    assert len(one) == 1 and one[0] == first
    assert client.get(f"{API}/requests/{hidden}.json").status_code == 404
    assert client.get(f"{API}/requests.json?service_request_id={hidden}").get_json() == []


def test_requests_in_xml(client, make_user, make_report, road):
    report_id = make_report(make_user(), category_id=road)
    root = ET.fromstring(client.get(f"{API}/requests.xml").data)
    assert root.tag == "service_requests" and [e.tag for e in root] == ["request"]
    request = root.find("request")
    tags = [e.tag for e in request]
    assert tags[:4] == ["service_request_id", "status", "status_notes", "service_name"]
    assert {"requested_datetime", "expected_datetime", "agency_responsible", "lat", "long", "media_url"} <= set(tags)
    assert request.findtext("service_request_id") == str(report_id)
    assert request.findtext("requested_datetime").endswith("+07:00")
    one = ET.fromstring(client.get(f"{API}/requests/{report_id}.xml").data)
    assert one.tag == "service_requests" and len(one.findall("request")) == 1


def test_request_filters(client, validate, make_user, make_report, road, make_category):
    reporter = make_user()
    other = make_category("waste")
    now = datetime.now(UTC)
    recent = make_report(reporter, category_id=road)
    closed = make_report(reporter, category_id=road, status="closed")
    waste = make_report(reporter, category_id=other)
    old = make_report(reporter, category_id=road, created_at=now - timedelta(days=120))

    def ids(query: str) -> set[str]:
        body = client.get(f"{API}/requests.json?{query}").get_json()
        validate(body, "requests.json")
        return {r["service_request_id"] for r in body}

    assert ids("") == {str(recent), str(closed), str(waste)}
    assert ids("status=open") == {str(recent), str(waste)}
    assert ids("status=closed") == {str(closed)}
    assert ids("status=open,closed") == {str(recent), str(closed), str(waste)}
    assert ids("service_code=waste") == {str(waste)}
    assert ids("service_code=road_damage,waste&status=open") == {str(recent), str(waste)}
    assert ids(f"service_request_id={old},{waste},x") == {str(old), str(waste)}
    start = (now - timedelta(days=130)).strftime("%Y-%m-%dT%H:%M:%S%%2B00:00")
    end = (now - timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%S")
    assert ids(f"start_date={start}&end_date={end}") == {str(old)}
    assert ids(f"start_date={start}") == {str(old)}


def test_requests_are_capped_and_newest_first(client, make_user, make_report, road):
    reporter = make_user()
    first, second = make_report(reporter, category_id=road), make_report(reporter, category_id=road)
    body = client.get(f"{API}/requests.json").get_json()
    assert [r["service_request_id"] for r in body] == [str(second), str(first)]


# --- filing -----------------------------------------------------------------------------

def test_urlencoded_post_enters_the_workflow(app, client, validate, make_api_key, road, report_of):
    key_id, raw = make_api_key()
    response = _post(client, MultiDict([
        *_form(raw, **{"first_name": "Trần", "last_name": "Thị", "email": "dan@example.com",
                       "phone": "0912345678", "device_id": "device-42", "account_id": "acct-7"}).items(),
        ("attribute[danger][]", "cars"), ("attribute[danger][]", "motorbikes"),
        ("media_url", "https://partner.example/a.jpg"), ("media_url", "https://partner.example/b.jpg"),
    ]))
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert len(body) == 1 and body[0]["account_id"] is None and "token" not in body[0]
    assert "Phường Hoàn Kiếm" in body[0]["service_notice"]
    report_id = int(body[0]["service_request_id"])
    report = report_of(report_id)
    token_value = report.submission_id
    assert report.source == "open311" and report.api_key_id == key_id
    assert report.status == "submitted" and report.unit_type == "ward" and report.due_at is not None
    assert report.answers == {"size": "large", "danger": ["cars", "motorbikes"],
                              "media_url": ["https://partner.example/a.jpg", "https://partner.example/b.jpg"]}
    with app.app_context():
        from app.auth.models import User
        from app.places import services as places

        assert report.unit_ward_id == places.ward_by_codename(HOAN_KIEM).id
        reporter = db.session.get(User, report.reporter_id)
        assert reporter.full_name == "API: Tổng đài 1022" and reporter.phone is None
        db.session.remove()
    stored = json.dumps(report.answers, ensure_ascii=False) + report.description
    for word in ("Trần", "dan@example.com", "0912345678", "device-42", "acct-7"):
        assert word not in stored
    shown = client.get(f"{API}/requests/{report_id}.json").get_json()
    validate(shown, "requests.json")
    assert shown[0]["expected_datetime"] == report.due_at.astimezone(
        datetime.fromisoformat(shown[0]["expected_datetime"]).tzinfo).isoformat(timespec="seconds")
    assert shown[0]["media_url"] == "https://partner.example/a.jpg"
    text = client.get(f"{API}/requests.json").get_data(as_text=True)
    for word in PERSONAL:
        assert word not in text
    token = client.get(f"{API}/tokens/{token_value}.json").get_json()
    assert token == [{"service_request_id": str(report_id), "token": token_value}]
    root = ET.fromstring(client.get(f"{API}/tokens/{token_value}.xml").data)
    assert root.tag == "service_requests"
    assert root.find("request/service_request_id").text == str(report_id)
    assert root.find("request/token").text == token_value


def test_multipart_post_with_api_key_in_the_query(client, make_api_key, road, report_of):
    _key_id, raw = make_api_key()
    data = _form(raw)
    data.pop("api_key")
    data["attribute[danger][]"] = ["cars"]
    data["attribute[note]"] = "Cột số 7"
    data["media_url"] = ["http://partner.example/1.jpg", "http://partner.example/2.jpg"]
    response = client.post(f"{API}/requests.xml?api_key={raw}", data=data, content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/xml"
    root = ET.fromstring(response.data)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert [e.tag for e in request] == ["service_request_id", "service_notice", "account_id"]
    report = report_of(int(request.findtext("service_request_id")))
    assert report.answers["danger"] == ["cars"] and report.answers["note"] == "Cột số 7"
    assert report.answers["media_url"] == ["http://partner.example/1.jpg", "http://partner.example/2.jpg"]


def test_agency_category_is_routed_to_the_agency(client, make_api_key, make_category, report_of):
    make_category("traffic", unit_type="agency", agency="transport")
    _key_id, raw = make_api_key()
    body = _post(client, _form(raw, service_code="traffic", **{"attribute[size]": None})).get_json()
    report = report_of(int(body[0]["service_request_id"]))
    assert report.unit_type == "agency" and report.unit_agency_id is not None


def test_a_retried_submission_id_files_once(client, make_api_key, road, app):
    _key_id, raw = make_api_key()
    first = _post(client, _form(raw, submission_id="partner-123")).get_json()
    again = _post(client, _form(raw, submission_id="partner-123")).get_json()
    assert first == again
    with app.app_context():
        from app.reports.models import Report

        assert db.session.scalar(sa.select(sa.func.count(Report.id))) == 1
        db.session.remove()


def test_ward_by_its_official_code(client, make_api_key, road, report_of, app):
    with app.app_context():
        from app.places import services as places

        ward_id = places.ward_by_codename(CUA_NAM).id
        db.session.remove()
    _key_id, raw = make_api_key()
    body = _post(client, _form(raw, address_id=str(ward_id), lat=None, long=None,
                               address_string="Ga Hà Nội")).get_json()
    report = report_of(int(body[0]["service_request_id"]))
    assert report.ward_id == ward_id and report.lat is None and report.address == "Ga Hà Nội"


def test_console_shows_the_api_report_with_its_source(client, make_api_key, make_user, login, road):
    _key_id, raw = make_api_key()
    body = _post(client, _form(raw)).get_json()
    official = make_user(role="ward_official", ward=HOAN_KIEM, name="Cán bộ phường")
    login(client, official)
    inbox = client.get("/console/").get_data(as_text=True)
    assert "Ổ gà lớn trước số 12 Hàng Bài" in inbox
    page = client.get(f"/console/reports/{body[0]['service_request_id']}")
    assert page.status_code == 200


# --- errors -----------------------------------------------------------------------------

@pytest.mark.parametrize(("change", "message"), [
    ({"api_key": None}, "api_key was not provided"),
    ({"api_key": "cdtd_not-a-key"}, "api_key is invalid"),
])
def test_post_without_a_valid_key_is_403(client, make_api_key, road, change, message):
    _key_id, raw = make_api_key()
    assert _errors(_post(client, _form(raw, **change)), 403) == message


def test_a_revoked_key_is_refused(client, make_api_key, road):
    _key_id, raw = make_api_key(revoked=True)
    assert _errors(_post(client, _form(raw)), 403) == "api_key has been revoked"
    xml = _post(client, _form(raw), fmt="xml")
    assert xml.status_code == 403
    root = ET.fromstring(xml.data)
    assert root.tag == "errors" and root.find("error/code").text == "403"
    assert root.find("error/description").text == "api_key has been revoked"


@pytest.mark.parametrize(("change", "fragment"), [
    ({"service_code": None}, "service_code was not provided"),
    ({"address_id": None, "lat": None, "long": None}, "a location is required"),
    ({"address_id": "", "lat": " ", "long": ""}, "a location is required"),
    ({"address_id": "99999999"}, "is not a ward code"),
    ({"description": None}, "description must have"),
    ({"description": "ngắn"}, "description must have"),
    ({"description": "x" * 4001}, "description must have"),
    ({"lat": "abc"}, "lat and long must be numbers"),
    ({"lat": "nan"}, "must be in Hanoi"),
    ({"lat": "48.85", "long": "2.35"}, "must be in Hanoi"),
    ({"lat": "21.1861", "long": "106.0763"}, "must be in Hanoi"),  # Bắc Ninh, with ward Hoàn Kiếm
    ({"long": None}, "lat and long must be given together"),
    ({"attribute[size]": None}, "attribute[size] is required"),
    ({"attribute[size]": "huge"}, "attribute[size] must be one of its values"),
    ({"attribute[danger][]": "planes"}, "attribute[danger] must be among its values"),
    ({"attribute[colour]": "red"}, "unknown attribute 'colour'"),
    ({"attribute[size": "large"}, "malformed attribute field"),
    ({"media_url": "ftp://partner.example/a.jpg"}, "media_url must be an http or https URL"),
    ({"media_url": "https://"}, "media_url must be an http or https URL"),
    ({"media_url": ["https://p.example/x.jpg"] * 6}, "at most 5 media_url"),
    ({"address_string": "x" * 301}, "address_string is longer than 300"),
])
def test_post_bad_input_is_400(client, make_api_key, road, change, fragment, app):
    _key_id, raw = make_api_key()
    assert fragment in _errors(_post(client, _form(raw, **change)), 400)
    with app.app_context():
        from app.reports.models import Report

        assert db.session.scalar(sa.select(sa.func.count(Report.id))) == 0
        db.session.remove()


@pytest.mark.parametrize(("query", "fragment"), [
    ("start_date=yesterday", "start_date is not an ISO 8601"),
    ("end_date=2026-13-01", "end_date is not an ISO 8601"),
    ("start_date=2026-05-01T00:00:00Z&end_date=2026-04-01T00:00:00Z", "end_date is before start_date"),
    ("start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", "may not span more than 90 days"),
    ("status=pending", "status must be open or closed"),
    ("status=open,", "status must be open or closed"),
])
def test_bad_request_filters_are_400(client, query, fragment):
    assert fragment in _errors(client.get(f"{API}/requests.json?{query}"), 400)


@pytest.mark.parametrize("path", [
    "/v2/services/nothing.json", "/v2/requests/999999.json", "/v2/requests/abc.json",
    "/v2/tokens/no-such-token.json", "/v2/services.csv", "/v2/requests.html", "/v2/requests/1.yaml",
    "/v2/tokens/x.txt", "/discovery.yaml", "/v2/unknown.json",
])
def test_unknown_things_are_404(client, path):
    _errors(client.get(f"/open311{path}"), 404)


def test_unknown_format_on_post_is_404(client, make_api_key, road):
    _key_id, raw = make_api_key()
    _errors(_post(client, _form(raw), fmt="csv"), 404)


def test_errors_in_xml(client):
    root = ET.fromstring(client.get(f"{API}/services/nothing.xml").data)
    assert root.tag == "errors" and [e.tag for e in root.find("error")] == ["code", "description"]
    assert root.find("error/code").text == "404"


def test_a_token_of_a_hidden_report_is_404(client, make_api_key, road, app, make_user):
    _key_id, raw = make_api_key()
    body = _post(client, _form(raw)).get_json()
    official = make_user(role="ward_official", ward=HOAN_KIEM)
    with app.app_context():
        from app.auth.models import User
        from app.reports import services
        from app.reports.models import Report

        services.set_hidden(db.session.get(Report, int(body[0]["service_request_id"])),
                            db.session.get(User, official), True, "Nội dung không phù hợp")
        db.session.commit()
        db.session.remove()
    with app.app_context():
        token = db.session.get(Report, int(body[0]["service_request_id"])).submission_id
        db.session.remove()
    _errors(client.get(f"{API}/tokens/{token}.json"), 404)
    _errors(client.get(f"{API}/requests/{body[0]['service_request_id']}.json"), 404)
    assert client.get(f"{API}/requests.json").get_json() == []


# --- limits -----------------------------------------------------------------------------

def test_posts_are_rate_limited_per_key(app, client, make_api_key, road):
    _key_id, raw = make_api_key()
    _other_id, other = make_api_key("Zalo OA")
    app.config["OPEN311_WRITE_LIMIT"] = "2/minute"
    try:
        for _ in range(2):
            _post(client, _form(raw, description=None))
        limited = _post(client, _form(raw))
        assert _errors(limited, 429) == "rate limit exceeded: 2 per 1 minute"
        assert "Retry-After" in limited.headers
        assert _post(client, _form(other)).status_code == 200
    finally:
        app.config.pop("OPEN311_WRITE_LIMIT")


def test_reads_are_rate_limited_per_address(app, client):
    app.config["OPEN311_READ_LIMIT"] = "2/minute"
    try:
        assert client.get(f"{API}/services.json").status_code == 200
        assert client.get(f"{API}/requests.json").status_code == 200
        _errors(client.get(f"{API}/services/road.json"), 429)
        other = client.get(f"{API}/services.json", environ_base={"REMOTE_ADDR": "10.0.0.9"})
        assert other.status_code == 200
    finally:
        app.config.pop("OPEN311_READ_LIMIT")
