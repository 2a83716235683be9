"""The map's data over HTTP: the feed's markers follow the feed's filters and carry public fields
only; the report form asks which ward a pin is in."""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.places import services as places
from app.places.models import Ward
from app.reports.routes import NEAREST_WARD_LIMIT
from tests.reports.conftest import CUA_NAM, HOAN_KIEM, LAKE, offset_m

CUA_NAM_CENTRE = (21.0245, 105.8412)


def feed_ids(client, query: str) -> set[int]:
    html = client.get(f"/reports?{query}").get_data(as_text=True)
    return {int(n) for n in re.findall(r'class="feed-title" href="/reports/(\d+)"', html)}


def map_ids(client, query: str) -> set[int]:
    return {p["id"] for p in client.get(f"/reports/map.json?{query}").get_json()["points"]}


def test_the_map_shows_what_the_feed_shows_for_every_filter(client, make_user, make_report, make_category):
    road, light = make_category("road"), make_category("light")
    reporter = make_user()
    here = {"lat": LAKE[0], "lon": LAKE[1]}
    make_report(reporter, category_id=road, **here)
    make_report(reporter, category_id=light, status="accepted", **here)
    make_report(reporter, category_id=road, status="accepted", overdue=True, **here)
    make_report(reporter, category_id=light, status="resolved", ward=CUA_NAM, **here)
    make_report(reporter, category_id=road, status="rejected", ward=CUA_NAM, **here)
    with client.application.app_context():
        cua_nam = places.ward_by_codename(CUA_NAM).id
    queries = ["", f"category={road}", f"category={light}", "status=accepted", "status=resolved",
               "overdue=1", f"ward={cua_nam}", f"ward={cua_nam}&category={light}",
               f"status=accepted&category={road}"]
    for query in queries:
        assert map_ids(client, query) == feed_ids(client, query), query
    assert len(map_ids(client, "status=accepted")) == 2
    assert len(map_ids(client, "overdue=1")) == 1
    assert map_ids(client, "status=nonsense") == map_ids(client, "")  # an unknown status is no filter


def test_map_points_name_the_marker_and_give_the_card(client, make_user, make_report, make_category):
    road = make_category("road", name="Ổ gà", name_en="Pothole")
    late = make_report(make_user(), category_id=road, status="accepted", overdue=True, lat=LAKE[0], lon=LAKE[1])
    done = make_report(make_user(), category_id=road, status="resolved", lat=LAKE[0], lon=LAKE[1])
    client.set_cookie("lang", "vi")
    points = {p["id"]: p for p in client.get("/reports/map.json").get_json()["points"]}
    assert points[late]["label"] == f"Ổ gà – Đang xử lý, #{late}, quá hạn"
    assert points[late]["title"] == f"Ổ gà #{late}"
    assert points[late]["overdue"] is True and points[late]["deadline"].startswith("Quá hạn")
    assert points[done]["label"] == f"Ổ gà – Đã xử lý, #{done}"
    assert points[done]["deadline"] == "" and points[done]["overdue"] is False
    client.set_cookie("lang", "en")
    points = {p["id"]: p for p in client.get("/reports/map.json").get_json()["points"]}
    assert points[done]["label"] == f"Pothole – Resolved, #{done}"


def test_map_points_carry_no_personal_data(client, make_user, make_report):
    reporter = make_user(name="Phạm Bí Mật", phone="+84911222333")
    make_report(reporter, lat=LAKE[0], lon=LAKE[1], show_name=True, address="Số 1 Tràng Tiền",
                description="Ổ gà lớn trước nhà bà Hoa, số điện thoại 0912345678")
    raw = json.dumps(client.get("/reports/map.json").get_json(), ensure_ascii=False)
    for secret in ("Phạm Bí Mật", "911222333", "Tràng Tiền", "bà Hoa", "0912345678", "reporter"):
        assert secret not in raw


def test_feed_has_the_map_box_with_legend_skip_link_and_lazy_files(client):
    html = client.get("/reports").get_data(as_text=True)
    box = html[html.index('id="feed-map-box"'):html.index('id="feed-list"')]
    assert 'href="#feed-map-end"' in box and 'id="feed-map-end"' in box
    for status in ("submitted", "accepted", "resolved", "rejected", "closed"):
        assert f'class="map-pin status-{status}"' in box
    # The plugin and the map's styles are named only in data attributes: loaded with the map.
    assert re.search(r'data-map-js="/static/vendor/markercluster/leaflet\.markercluster\.js', box)
    assert re.search(r'data-map-css="[^"]*css/map\.css', box)
    assert '<link rel="stylesheet" href="/static/css/map.css' not in html
    assert "markercluster" not in html.replace(box, "")


@pytest.fixture
def centres(app):
    """Known centres for Hoàn Kiếm and Cửa Nam (the other wards have none)."""
    with app.app_context():
        places.set_centre(places.ward_by_codename(HOAN_KIEM), *LAKE)
        places.set_centre(places.ward_by_codename(CUA_NAM), *CUA_NAM_CENTRE)
        db.session.commit()
        ids = {HOAN_KIEM: places.ward_by_codename(HOAN_KIEM).id, CUA_NAM: places.ward_by_codename(CUA_NAM).id}
        db.session.remove()
    return ids


def test_nearest_ward_follows_the_pin(client, centres):
    near_lake = offset_m(*LAKE, north_m=150, east_m=-100)
    answer = client.get(f"/reports/wards/nearest?lat={near_lake[0]}&lon={near_lake[1]}").get_json()
    assert answer == {"in_hanoi": True, "ward": {"id": centres[HOAN_KIEM], "name": "Phường Hoàn Kiếm"}}
    near_gate = offset_m(*CUA_NAM_CENTRE, north_m=-200)
    answer = client.get(f"/reports/wards/nearest?lat={near_gate[0]}&lon={near_gate[1]}").get_json()
    assert answer["ward"]["id"] == centres[CUA_NAM]


def test_nearest_ward_is_none_when_unsure_or_outside_hanoi(client, centres):
    # 3 km from any known centre while most wards have none: the city's triage chooses.
    far = offset_m(*LAKE, north_m=-3000)
    assert client.get(f"/reports/wards/nearest?lat={far[0]}&lon={far[1]}").get_json() == {
        "in_hanoi": True, "ward": None}
    # Ho Chi Minh City.
    assert client.get("/reports/wards/nearest?lat=10.7769&lon=106.7009").get_json() == {
        "in_hanoi": False, "ward": None}


@pytest.mark.parametrize("query", ["", "lat=21.02", "lat=abc&lon=105.8", "lat=nan&lon=105.8",
                                   "lat=91&lon=105.8", "lat=21&lon=inf"])
def test_nearest_ward_needs_a_point(client, query):
    response = client.get(f"/reports/wards/nearest?{query}", headers={"Accept": "*/*"})
    # The script reads JSON: its errors are JSON too, in the visitor's language.
    assert response.status_code == 400 and response.is_json
    client.set_cookie("lang", "vi")
    assert client.get(f"/reports/wards/nearest?{query}").get_json()["error"] == "Yêu cầu không hợp lệ"


def test_nearest_ward_is_rate_limited(client, centres, app):
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Ward.id))) > 2
    allowed = int(NEAREST_WARD_LIMIT.split("/")[0])
    url = f"/reports/wards/nearest?lat={LAKE[0]}&lon={LAKE[1]}"
    assert all(client.get(url).status_code == 200 for _ in range(allowed))
    refused = client.get(url)
    assert refused.status_code == 429 and refused.is_json
