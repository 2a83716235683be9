"""Real Open311 clients against a served instance.

``georeport`` (Python 3) runs as is, for every call it has, in JSON and XML. ``open311`` and
``three`` are Python 2 only: the tests below make the same HTTP calls they make, with the same
paths and parameters (read from their sources: open311 1.1, three 0.8.0).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

import pytest
import requests
from georeport import GeoReport

from tests.reports.conftest import HOAN_KIEM

SIZE = {"code": "size", "label": "Kích thước", "label_en": "Size", "kind": "single", "required": True,
        "options": [{"value": "small", "label": "Nhỏ", "label_en": "Small"},
                    {"value": "large", "label": "Lớn", "label_en": "Large"}]}


@pytest.fixture
def served(live_server, make_user, make_category, make_report, make_api_key):
    road = make_category("road_damage", name="Hư hỏng đường", name_en="Road damage", questions=[SIZE])
    reporter = make_user()
    first = make_report(reporter, category_id=road, ward=HOAN_KIEM, lat=21.0287, lon=105.8524)
    second = make_report(reporter, category_id=road, status="resolved")
    _key_id, raw = make_api_key()
    return {"root": f"{live_server}/open311/v2", "ids": [str(first), str(second)], "key": raw}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_every_call(served, fmt):
    client = GeoReport(served["root"], jurisdiction="hanoi", output_format=fmt)
    services = client.get_service_list()
    services = services if isinstance(services, list) else [services]
    assert [s["service_code"] for s in services] == ["road_damage"]
    definition = client.get_service_definition("road_damage")
    attributes = definition["attributes"] if fmt == "json" else definition["attributes"]["attribute"]
    attributes = attributes if isinstance(attributes, list) else [attributes]
    assert attributes[0]["code"] == "size"
    found = client.get_service_requests()
    assert {r["service_request_id"] for r in found} == set(served["ids"])
    since = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    until = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    # A list of one comes back from XML as the item itself.
    open_only = client.get_service_requests(status="open", service_code="road_damage", start_date=since,
                                            end_date=until)
    open_only = open_only if isinstance(open_only, list) else [open_only]
    assert [r["service_request_id"] for r in open_only] == [served["ids"][0]]
    by_id = client.get_service_requests(service_request_id=",".join(served["ids"]))
    assert {r["service_request_id"] for r in by_id} == set(served["ids"])
    one = client.get_service_request(served["ids"][0])
    assert one["service_request_id"] == served["ids"][0] and one["status"] == "open"


def test_georeport_errors_are_http_errors(served):
    client = GeoReport(served["root"])
    with pytest.raises(requests.HTTPError) as error:
        client.get_service_definition("nothing")
    assert error.value.response.status_code == 404
    assert error.value.response.json()[0]["code"] == 404


# --- open311 1.1 (Python 2): XML by default, jurisdiction_id always sent, even empty ----------

def test_open311_library_calls(served):
    root, key = served["root"], served["key"]

    def call_api(path: str, **params) -> ET.Element:
        response = requests.get(f"{root}/{path}?{urlencode(params)}", timeout=10)
        assert response.status_code == 200, response.text
        return ET.fromstring(response.content)

    assert call_api("services.xml", jurisdiction_id="").find("service/service_code").text == "road_damage"
    # Its service_definition asks "service/<code>", not "services/<code>".
    assert call_api("service/road_damage.xml", jurisdiction_id="").tag == "service_definition"
    listed = call_api("requests.xml", status="open", jurisdiction_id="")
    assert [r.findtext("service_request_id") for r in listed] == [served["ids"][0]]
    one = call_api(f"requests/{served['ids'][0]}.xml", jurisdiction_id="")
    assert one.findtext("request/service_request_id") == served["ids"][0]
    # post_service_request: jurisdiction_id and api_key in the query, the rest urlencoded.
    posted = requests.post(f"{root}/requests.xml?{urlencode({'jurisdiction_id': '', 'api_key': key})}",
                           data=urlencode({"service_code": "road_damage", "lat": "21.0287", "long": "105.8524",
                                           "address_id": HOAN_KIEM, "attribute[size]": "small",
                                           "description": "Ổ gà lớn trước số 12 Hàng Bài."}),
                           headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=10)
    assert posted.status_code == 200, posted.text
    new_id = ET.fromstring(posted.content).findtext("request/service_request_id")
    assert call_api(f"requests/{new_id}.xml", jurisdiction_id="").findtext("request/status") == "open"
    # request_id_from_token: a token from the server resolves (none is given for new requests).
    errors = requests.get(f"{root}/tokens/unknown.xml?jurisdiction_id=", timeout=10)
    assert errors.status_code == 404 and ET.fromstring(errors.content).tag == "errors"


# --- three 0.8.0 (Python 2): JSON by default, endpoint ends with a slash ---------------------

def test_three_library_calls(served):
    endpoint = served["root"] + "/"
    session = requests.Session()

    def get(*parts: str, **params):
        response = session.get(endpoint + "/".join(p for p in parts if p) + ".json", params=params, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()

    discovery = get("discovery")  # three.discovery() with no discovery URL: <endpoint>discovery.json
    assert discovery["endpoints"][0]["url"] == endpoint
    assert get("services")[0]["service_code"] == "road_damage"
    assert get("services", "road_damage")["service_code"] == "road_damage"
    assert {r["service_request_id"] for r in get("requests")} == set(served["ids"])
    # requests('road_damage', count=1, between=[...]) → service_code, page_size, start/end dates.
    page = get("requests", service_code="road_damage", page_size=1,
               start_date="2026-01-01T00:00:00Z", end_date="2026-03-01T00:00:00Z")
    assert page == []
    assert len(get("requests", page_size=1)) == 1
    assert get("requests", served["ids"][0])[0]["service_request_id"] == served["ids"][0]
    # post('road_damage', address=..., name='A B', phone=..., description=...): a form with
    # address_string, first_name, last_name and api_key in the body.
    posted = session.post(endpoint + "requests.json", data={
        "service_code": "road_damage", "address_string": "12 Hàng Bài", "first_name": "Văn", "last_name": "An",
        "phone": "0912345678", "description": "Ổ gà lớn trước số 12 Hàng Bài.", "attribute[size]": "large",
        "address_id": HOAN_KIEM, "api_key": served["key"]}, timeout=10)
    assert posted.status_code == 200, posted.text
    assert posted.json()[0]["service_request_id"].isdigit()
    token = session.get(endpoint + "tokens/nothing.json", timeout=10)
    assert token.status_code == 404 and token.json()[0]["code"] == 404
