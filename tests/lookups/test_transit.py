"""Find a bus on the sample network, whose right answers are known (app/lookups/sample_feed.py)."""

from __future__ import annotations

import pytest

from app.core.models import as_of
from app.lookups import transit
from app.lookups.sample_feed import SAMPLE_POINTS
from tests.lookups.conftest import MONDAY_8AM, NATIONAL_DAY_8AM, SATURDAY_8AM, TUESDAY_0020


@pytest.fixture
def network(app, sample_network):
    with app.app_context():
        yield


def _legs(journey):
    return [(leg.route.short_name, leg.board.stop_id, leg.alight.stop_id) for leg in journey.legs]


def test_route_search_ignores_diacritics_and_case(network):
    assert [r.short_name for r in transit.search_routes("giap bat")] == ["02"]
    assert [r.short_name for r in transit.search_routes("GIÁP BÁT")] == ["02"]
    assert [r.short_name for r in transit.search_routes("hoang hoa tham")] == ["03"]
    assert [r.short_name for r in transit.search_routes("04")][0] == "04"
    assert transit.search_routes("100% không có") == []


def test_a_route_has_its_stops_per_direction_first_and_last_departures_and_headways(network):
    [route] = transit.search_routes("01")[:1]
    outbound, inbound = transit.route_directions(route, MONDAY_8AM.date())
    assert [s.stop_id for s, _m in outbound.stops] == ["A0", "A1", "A2", "A3", "X", "A5"]
    assert [m for _s, m in outbound.stops] == [0, 3, 6, 9, 12, 15]
    assert [s.stop_id for s, _m in inbound.stops] == ["A5", "X", "A3", "A2", "A1", "A0"]
    # The last trip leaves at 24:30, i.e. 00:30 after midnight.
    assert (outbound.first, outbound.last) == ("05:00", "00:30")
    assert {b.headway_min for b in outbound.bands} == {10}
    slow = transit.search_routes("03")[0]
    assert transit.route_directions(slow, SATURDAY_8AM.date())[0].first is None  # weekdays only


def test_stops_near_a_point_with_next_departures_today(network):
    stops = transit.nearby(*SAMPLE_POINTS["A0"], now=MONDAY_8AM)
    assert [(s.stop.stop_id, s.distance_m) for s in stops] == [("A0", 0), ("D0", 76)]
    a0 = stops[0]
    assert [r.short_name for r in a0.routes] == ["01"]
    # A0 is where the westbound trips end: only the eastbound departures are offered.
    assert [d.at for d in a0.departures] == ["08:00", "08:10", "08:20", "08:30", "08:40"]
    assert [d.at for d in stops[1].departures][:2] == ["08:00", "08:30"]


def test_the_calendar_is_applied(network):
    saturday = transit.nearby(*SAMPLE_POINTS["A0"], now=SATURDAY_8AM)
    assert saturday[1].stop.stop_id == "D0" and saturday[1].departures == []
    national_day = transit.nearby(*SAMPLE_POINTS["A0"], now=NATIONAL_DAY_8AM)
    assert national_day[1].departures == []  # a Wednesday running the weekend timetable
    assert [d.at for d in national_day[0].departures][:1] == ["08:00"]


def test_trips_after_midnight_belong_to_yesterday_service(network):
    after_midnight = transit.nearby(*SAMPLE_POINTS["A0"], now=TUESDAY_0020)
    # Monday's trips at 24:20 and 24:30, then Tuesday's first ones.
    assert [d.at for d in after_midnight[0].departures] == ["00:20", "00:30", "05:00", "05:10", "05:20"]


def test_one_transfer_beats_a_slow_direct_route(network):
    journeys = transit.plan(*SAMPLE_POINTS["A0"], *SAMPLE_POINTS["B7"], now=MONDAY_8AM)
    assert _legs(journeys[0]) == [("01", "A0", "X"), ("02", "X", "B7")]
    assert journeys[0].transfers == 1 and journeys[0].walk_transfer_m == 0
    direct = [j for j in journeys if j.transfers == 0]
    assert _legs(direct[0]) == [("03", "D0", "D4")]
    assert journeys[0].total_min < direct[0].total_min
    assert [j.total_s for j in journeys] == sorted(j.total_s for j in journeys)


def test_a_transfer_may_walk_between_nearby_stops(network):
    journeys = transit.plan(*SAMPLE_POINTS["B0"], *SAMPLE_POINTS["C4"], now=MONDAY_8AM)
    assert _legs(journeys[0]) == [("02", "B0", "B5"), ("04", "C0", "C4")]
    assert 140 <= journeys[0].walk_transfer_m <= 170


def test_without_weekday_service_the_direct_slow_route_is_not_offered(network):
    journeys = transit.plan(*SAMPLE_POINTS["A0"], *SAMPLE_POINTS["B7"], now=SATURDAY_8AM)
    assert journeys and all("03" not in [leg.route.short_name for leg in j.legs] for j in journeys)


def test_a_direct_route_when_both_points_are_on_it(network):
    journeys = transit.plan(21.0200, 105.8080, 21.0200, 105.8400, now=MONDAY_8AM)
    assert _legs(journeys[0]) == [("01", "A1", "A5")] and journeys[0].transfers == 0


def test_no_journey_far_from_any_stop(network):
    assert transit.plan(21.2, 105.6, *SAMPLE_POINTS["B7"], now=MONDAY_8AM) == []


@pytest.mark.parametrize("lang, words", [("vi", ("Đi tuyến 01", "đổi xe")), ("en", ("Take route 01", "one change"))])
def test_the_journey_page_works_without_javascript(app, client, sample_network, lang, words):
    client.set_cookie("lang", lang)
    with as_of(MONDAY_8AM):
        response = client.get("/lookups/bus/journey?from_place=21.02,105.8&to_place=21.06,105.832")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Ngã tư Tràng Tiền" in page
    for word in words:
        assert word in page


def test_pages_of_find_a_bus(app, client, sample_network):
    page = client.get("/lookups/bus?q=giap+bat").get_data(as_text=True)
    assert "Giáp Bát - Hàng Đào - Ba Đình" in page and "Bến xe Kim Mã" not in page
    fragment = client.get("/lookups/bus?q=giap", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "Giáp Bát" in fragment
    with app.app_context():
        route_id = transit.search_routes("02")[0].id
    page = client.get(f"/lookups/bus/routes/{route_id}").get_data(as_text=True)
    assert "Ngã tư Tràng Tiền" in page
    assert client.get("/lookups/bus/routes/999999").status_code == 404
    page = client.get("/lookups/bus/nearby?lat=21.02&lon=105.8").get_data(as_text=True)
    assert "Phố Tràng Thi số 1" in page
    page = client.get("/lookups/bus/nearby?lat=abc&lon=1").get_data(as_text=True)
    assert 'role="alert"' in page
    assert client.get("/lookups/").status_code == 200


def test_after_the_last_buses_no_journey_is_offered(network):
    """A route that has stopped for the night is not recommended (a QA try found route 02 offered
    at 22:19 while the stop said no more trips today)."""
    from datetime import timedelta

    evening = MONDAY_8AM + timedelta(hours=13, minutes=30)   # 21:30 Hanoi: 02 still runs
    late = MONDAY_8AM + timedelta(hours=14, minutes=30)      # 22:30 Hanoi: 02, 03, 04 have stopped
    assert _legs(transit.plan(*SAMPLE_POINTS["A0"], *SAMPLE_POINTS["B7"], now=evening)[0]) == [
        ("01", "A0", "X"), ("02", "X", "B7")]
    assert transit.plan(*SAMPLE_POINTS["A0"], *SAMPLE_POINTS["B7"], now=late) == []
    # Route 01 runs past midnight: a journey along it alone is still offered.
    assert _legs(transit.plan(21.0200, 105.8080, 21.0200, 105.8400, now=late)[0]) == [("01", "A1", "A5")]
