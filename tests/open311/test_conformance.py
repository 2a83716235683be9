"""GeoReport v2 conformance: errors in the API's format, empty parameters, 404 for unknown
services, one of id or token, paging, the notice's language, the ward from the position."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.reports.conftest import HOAN_KIEM

API = "/open311/v2"


def _form(raw_key: str, **fields) -> dict:
    data = {"api_key": raw_key, "service_code": "road_damage", "address_id": HOAN_KIEM,
            "lat": "21.0287", "long": "105.8524", "description": "Ổ gà lớn trước số 12 Hàng Bài."}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def _error(response, code: int) -> str:
    assert response.status_code == code, response.get_data(as_text=True)
    if response.mimetype == "text/xml":
        root = ET.fromstring(response.data)
        assert root.tag == "errors" and [e.tag for e in root.find("error")] == ["code", "description"]
        assert root.findtext("error/code") == str(code)
        return root.findtext("error/description")
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert isinstance(body, list) and len(body) == 1 and body[0]["code"] == code
    return body[0]["description"]


def _count_reports(app) -> int:
    from app.reports.models import Report

    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count(Report.id)))
        db.session.remove()
    return count


@pytest.fixture
def road(make_category):
    return make_category("road_damage", name="Hư hỏng đường", name_en="Road damage")


# --- 13: every answer in the API's format ---------------------------------------------------

@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("DELETE", "/v2/requests/1.json", None),
    ("PUT", "/v2/requests.json", "GET, HEAD, OPTIONS, POST"),
    ("PATCH", "/v2/services.xml", "GET, HEAD, OPTIONS"),
    ("POST", "/v2/services/road.json", "GET, HEAD, OPTIONS"),
    ("DELETE", "/discovery.xml", "GET, HEAD, OPTIONS"),
    ("POST", "/openapi.json", "GET, HEAD, OPTIONS"),
])
def test_a_method_not_allowed_is_405_in_the_api_format(client, method, path, allowed):
    response = client.open(f"/open311{path}", method=method)
    assert _error(response, 405).startswith("method not allowed")
    assert "GET" in response.headers["Allow"]
    if allowed:
        assert response.headers["Allow"] == allowed
    assert b"<html" not in response.data.lower()


@pytest.mark.parametrize(("path", "mimetype"), [
    ("/v2/nothing.json", "application/json"), ("/v2/nothing.xml", "text/xml"), ("/nothing", "application/json"),
    ("/v2/requests/1/extra.xml", "text/xml"), ("", "application/json"), ("/", "application/json"),
])
def test_an_unknown_path_is_404_in_the_api_format(client, path, mimetype):
    response = client.post(f"/open311{path}") if path.endswith("extra.xml") else client.get(f"/open311{path}")
    assert response.mimetype == mimetype
    _error(response, 404)


def test_an_unexpected_failure_is_500_in_the_api_format(app, client, monkeypatch):
    from app.open311 import services

    def broken():
        raise RuntimeError("database on fire")

    monkeypatch.setattr(services, "services", broken)
    for fmt in ("json", "xml"):
        response = client.get(f"{API}/services.{fmt}")
        description = _error(response, 500)
        assert "fire" not in description and "Traceback" not in response.get_data(as_text=True)


def test_web_pages_keep_their_html_errors(client):
    response = client.delete("/reports/")
    assert response.status_code == 405 and response.mimetype == "text/html"
    assert client.get("/open311-not-the-api").mimetype == "text/html"


def test_a_nul_is_refused_and_control_characters_are_dropped_from_text(app, client, make_api_key, road,
                                                                     report_of):
    _key_id, raw = make_api_key()
    assert "NUL" in _error(client.post(f"{API}/requests.xml", data=_form(raw, description="Ổ gà\x00 lớn lắm")), 400)
    assert "NUL" in _error(client.get(f"{API}/requests.json?status=open%00"), 400)
    assert "control characters" in _error(client.get(f"{API}/requests.json?service_code=road%01"), 400)
    body = client.post(f"{API}/requests.json", data=_form(
        raw, description="O\u0302\u0309 ga\u0300\x01 lớn\x1b trước\r\nsố 12\x7f\u0085",
        address_string="12\x0b Hàng Bài")).get_json()
    report = report_of(int(body[0]["service_request_id"]))
    assert report.description == "Ổ gà lớn trước\nsố 12" and report.address == "12 Hàng Bài"
    ET.fromstring(client.get(f"{API}/requests.xml").data)


# --- 14: the ward from the position -------------------------------------------------------

def _set_centres(app, **centres):
    from app.places import services as places

    with app.app_context():
        for codename, (lat, lon) in centres.items():
            places.set_centre(places.ward_by_codename(codename), lat, lon)
        db.session.commit()
        db.session.remove()


def test_lat_long_without_address_id_takes_the_nearest_ward(app, client, make_api_key, road, report_of):
    _set_centres(app, phuong_hoan_kiem=(21.0287, 105.8524), phuong_cua_nam=(21.0245, 105.8412))
    _key_id, raw = make_api_key()
    body = client.post(f"{API}/requests.json", data=_form(raw, address_id="", lat="21.0250",
                                                          long="105.8420")).get_json()
    report = report_of(int(body[0]["service_request_id"]))
    with app.app_context():
        from app.places import services as places

        assert report.ward_id == places.ward_by_codename("phuong_cua_nam").id
        db.session.remove()
    assert "Phường Cửa Nam" in body[0]["service_notice"]


def test_a_given_address_id_wins_over_the_position(app, client, make_api_key, road, report_of):
    _set_centres(app, phuong_cua_nam=(21.0245, 105.8412))
    _key_id, raw = make_api_key()
    body = client.post(f"{API}/requests.json", data=_form(raw, lat="21.0245", long="105.8412")).get_json()
    assert "Phường Hoàn Kiếm" in body[0]["service_notice"]


@pytest.mark.parametrize("fields", [
    {"address_id": None},                                                      # no centre known
    {"address_id": None, "lat": "21.2187", "long": "105.8047"},                # no centre within 3 km
    {"address_id": None, "lat": "21.0450", "long": "105.8524"},                # 1.8 km: unknown wards between
    {"address_id": None, "lat": None, "long": None, "address_string": "Ngõ 5 Hàng Bạc"},
], ids=["no-centres", "no-centre-near", "neighbour-unknown", "address-only"])
def test_without_a_ward_the_request_goes_to_the_city_triage(app, client, make_api_key, road, report_of,
                                                           fields):
    if "lat" in fields:
        _set_centres(app, phuong_hoan_kiem=(21.0287, 105.8524))
    _key_id, raw = make_api_key()
    response = client.post(f"{API}/requests.json", data=_form(raw, **fields))
    assert response.status_code == 200, response.get_data(as_text=True)
    report = report_of(int(response.get_json()[0]["service_request_id"]))
    assert report.ward_id is None and report.due_at is not None
    shown = client.get(f"{API}/requests/{report.id}.json").get_json()[0]
    assert shown["address_id"] is None


def test_the_api_documents_how_the_ward_is_chosen(client):
    doc = client.get("/open311/openapi.json").get_json()
    body = doc["paths"]["/v2/requests.{format}"]["post"]["requestBody"]["content"]
    schema = body["application/x-www-form-urlencoded"]["schema"]
    assert "address_id" not in schema["required"]
    assert "nearest" in schema["properties"]["address_id"]["description"]
    assert "triage" in schema["properties"]["address_id"]["description"]
    assert {"70", "phuong_hoan_kiem"} <= set(schema["properties"]["address_id"]["enum"])


# --- 15: empty optional parameters are absent ----------------------------------------------

@pytest.mark.parametrize("query", [
    "start_date=", "end_date=", "start_date=&end_date=", "status=", "service_code=", "service_request_id=",
    "page=", "page_size=", "locale=", "jurisdiction_id=", "start_date=%20&status=%20",
])
def test_empty_query_parameters_are_absent(client, make_user, make_report, road, query):
    report_id = make_report(make_user(), category_id=road)
    for path in ("requests.json", "services.json", f"requests/{report_id}.json", "services/road_damage.json"):
        response = client.get(f"{API}/{path}?{query}")
        assert response.status_code == 200, (path, response.get_data(as_text=True))
    assert [r["service_request_id"] for r in client.get(f"{API}/requests.json?{query}").get_json()] == [
        str(report_id)]


def test_empty_optional_form_fields_are_absent(client, make_api_key, road, report_of):
    _key_id, raw = make_api_key()
    response = client.post(f"{API}/requests.json", data=_form(
        raw, address_string="", email="", first_name="", media_url="", submission_id="", jurisdiction_id="",
        device_id=" "))
    assert response.status_code == 200, response.get_data(as_text=True)
    report = report_of(int(response.get_json()[0]["service_request_id"]))
    assert report.address is None and "media_url" not in (report.answers or {})


# --- 16: unknown service codes, and the id without a token ---------------------------------

@pytest.mark.parametrize("request_args", [
    ("get", f"{API}/services/nothing.json", {}),
    ("get", f"{API}/service/nothing.xml", {}),
    ("get", f"{API}/requests.json?service_code=nothing", {}),
    ("get", f"{API}/requests.json?service_code=road_damage,nothing", {}),
    ("post", f"{API}/requests.json", {"service_code": "nothing"}),
    ("post", f"{API}/requests.xml", {"service_code": "retired"}),
])
def test_an_unknown_service_code_is_404(app, client, make_api_key, make_category, road, request_args):
    make_category("retired", active=False)
    _key_id, raw = make_api_key()
    method, url, fields = request_args
    response = client.post(url, data=_form(raw, **fields)) if method == "post" else client.get(url)
    assert "service_code" in _error(response, 404)
    assert _count_reports(app) == 0


def test_a_retired_service_still_filters_its_requests(client, make_user, make_report, make_category):
    old = make_category("retired")
    report_id = make_report(make_user(), category_id=old)
    with client.application.app_context():
        from app.reports.models import Category

        db.session.get(Category, old).active = False
        db.session.commit()
        db.session.remove()
    body = client.get(f"{API}/requests.json?service_code=retired").get_json()
    assert [r["service_request_id"] for r in body] == [str(report_id)]


def test_a_post_answers_the_id_and_no_token(client, make_api_key, road):
    _key_id, raw = make_api_key()
    body = client.post(f"{API}/requests.json", data=_form(raw)).get_json()
    assert set(body[0]) == {"service_request_id", "service_notice", "account_id"}
    root = ET.fromstring(client.post(f"{API}/requests.xml", data=_form(raw, submission_id="x-1")).data)
    assert root.find("request/token") is None and root.findtext("request/service_request_id")


# --- 17: paging ------------------------------------------------------------------------------

def test_requests_page_by_page(client, make_user, make_report, road):
    reporter = make_user()
    ids = [make_report(reporter, category_id=road) for _ in range(5)]
    newest_first = [str(i) for i in reversed(ids)]

    def page(query: str) -> list[str]:
        return [r["service_request_id"] for r in client.get(f"{API}/requests.json?{query}").get_json()]

    assert page("") == newest_first
    assert page("page_size=2") == newest_first[:2]
    assert page("page_size=2&page=2") == newest_first[2:4]
    assert page("page_size=2&page=3") == newest_first[4:]
    assert page("page_size=2&page=4") == []
    assert page("page=2") == []
    assert page("page_size=1000") == newest_first
    assert page(f"service_request_id={ids[0]},{ids[1]},{ids[2]}&page_size=2") == [str(ids[2]), str(ids[1])]
    root = ET.fromstring(client.get(f"{API}/requests.xml?page_size=3&page=2").data)
    assert [r.findtext("service_request_id") for r in root] == newest_first[3:]


@pytest.mark.parametrize("query", ["page=0", "page=-1", "page=x", "page=1.5", "page=10001", "page_size=0",
                                   "page_size=1001", "page_size=٣", "page=99999999999999999999999"])
def test_bad_paging_is_400(client, query):
    assert "whole number from 1 to" in _error(client.get(f"{API}/requests.json?{query}"), 400)


def test_paging_is_documented_with_its_maximum(client):
    doc = client.get("/open311/openapi.json").get_json()
    params = {p["name"]: p for p in doc["paths"]["/v2/requests.{format}"]["get"]["parameters"]}
    assert params["page_size"]["schema"]["anyOf"][0]["maximum"] == 1000
    assert "at most 1000" in params["page_size"]["description"]
    assert params["page"]["schema"]["anyOf"][0]["minimum"] == 1


# --- 18: the notice's language; Retry-After only where it means something ----------------

@pytest.mark.parametrize(("query", "headers", "expected"), [
    ("", {}, "Đã chuyển đến Phường Hoàn Kiếm"),
    ("?locale=en", {}, "Sent to Phường Hoàn Kiếm"),
    ("?locale=en-US", {}, "Sent to Phường Hoàn Kiếm"),
    ("", {"Accept-Language": "en-GB,en;q=0.8"}, "Sent to Phường Hoàn Kiếm"),
    ("", {"Accept-Language": "fr, vi;q=0.5"}, "Đã chuyển đến Phường Hoàn Kiếm"),
    ("?locale=vi", {"Accept-Language": "en"}, "Đã chuyển đến Phường Hoàn Kiếm"),
    ("?locale=xx", {}, "Đã chuyển đến Phường Hoàn Kiếm"),
])
def test_the_service_notice_follows_the_language(app, client, make_api_key, road, query, headers, expected):
    _key_id, raw = make_api_key()
    response = client.post(f"{API}/requests.json{query}", data=_form(raw), headers=headers)
    notice = response.get_json()[0]["service_notice"]
    assert notice.startswith(expected), notice
    assert "Accept-Language" in response.headers["Vary"]


def test_the_language_in_the_form_counts_too(client, make_api_key, road):
    _key_id, raw = make_api_key()
    body = client.post(f"{API}/requests.json", data=_form(raw, locale="en")).get_json()
    assert body[0]["service_notice"].startswith("Sent to")


def test_service_names_follow_accept_language(client, road):
    body = client.get(f"{API}/services.json", headers={"Accept-Language": "en-US"}).get_json()
    assert body[0]["service_name"] == "Road damage"
    assert client.get(f"{API}/services.json").get_json()[0]["service_name"] == "Hư hỏng đường"


def test_no_retry_after_unless_limited(app, client, make_api_key, road):
    _key_id, raw = make_api_key()
    for response in (client.get(f"{API}/services.json"), client.get(f"{API}/requests.xml"),
                     client.get("/open311/discovery.json"), client.get(f"{API}/services/nothing.json"),
                     client.post(f"{API}/requests.json", data=_form(raw))):
        assert response.status_code in (200, 404)
        assert "Retry-After" not in response.headers
        assert "X-RateLimit-Limit" in response.headers
    app.config["OPEN311_READ_LIMIT"] = "1/minute"
    try:
        client.get(f"{API}/services.json")
        limited = client.get(f"{API}/services.json")
        assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    finally:
        app.config.pop("OPEN311_READ_LIMIT")


def test_discovery_also_next_to_the_endpoint(client):
    assert client.get(f"{API}/discovery.json").get_json() == client.get("/open311/discovery.json").get_json()
    assert json.loads(client.get("/open311/openapi.json").data)["servers"] == [{"url": "/open311"}]


def test_parameters_are_cleaned_once():
    from werkzeug.datastructures import MultiDict

    from app.open311.services import ApiError, clean_params

    cleaned = clean_params(MultiDict([(None, "x"), ("a", " 1 "), ("a", ""), ("b", "\t\n"), ("c\u0301", "e\u0301")]))
    assert list(cleaned.items(multi=True)) == [("a", "1"), ("ć", "é")]
    assert clean_params(MultiDict([("d", "x\x01y\r\nz")]), text=True)["d"] == "xy\nz"
    for bad in ("x\x01y", "x\r\ny", "\x85"):
        with pytest.raises(ApiError):
            clean_params(MultiDict([("d", bad)]))
