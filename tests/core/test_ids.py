"""Ids and dates from outside never reach the database out of range (a 500 before): too large
an id is no row (404) or no filter, an impossible date falls back or is refused."""

from __future__ import annotations

import pytest

from app.core.dates import parse_day
from app.core.ids import MAX_ID, to_id
from tests.conftest import csrf_token

HUGE = "99999999999999999999"


@pytest.mark.parametrize(("value", "expected"), [
    ("12", 12), (12, 12), (" 7 ", 7), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), None), (HUGE, None),
    ("0", None), ("-3", None), ("²", None), ("１２", None), ("1e3", None), ("", None), (None, None), (True, None),
])
def test_to_id(value, expected):
    assert to_id(value) == expected


@pytest.mark.parametrize("path", [
    f"/reports/{HUGE}", f"/reports/photos/{HUGE}", f"/reports/photos/{HUGE}/thumb", f"/console/reports/{HUGE}",
    f"/admin/users/{HUGE}", f"/admin/categories/{HUGE}", f"/open311/v2/requests/{HUGE}.json",
])
def test_huge_ids_in_paths_are_not_found(client, make_user, login, path):
    login(client, make_user(role="city_admin"))
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("query", [
    f"/reports?before={HUGE}", f"/reports?ward={HUGE}&category={HUGE}", f"/reports/map.json?ward={HUGE}",
    f"/reports/nearby?category={HUGE}&ward={HUGE}", f"/reports/wards?ward={HUGE}",
    f"/admin/audit?actor={HUGE}", f"/admin/audit?before={HUGE}", f"/console/?category={HUGE}",
    f"/open311/v2/requests.json?service_request_id={HUGE}", "/stats?from=0001-01-01&to=9999-12-31",
    "/admin/audit?date_from=0001-01-01&date_to=9999-12-31", f"/admin/users?q={HUGE}",
])
def test_huge_ids_and_dates_in_query_strings_are_ignored(client, make_user, login, query):
    login(client, make_user(role="city_admin"))
    assert client.get(query).status_code == 200


def test_a_holiday_out_of_the_years_is_refused(client, make_user, login):
    login(client, make_user(role="city_admin"))
    client.set_cookie("lang", "en")
    token = csrf_token(client, "/admin/holidays")
    response = client.post("/admin/holidays", data={"day": "9999-12-31", "name": "x", "csrf_token": token})
    assert response.status_code == 422 and "between 2000 and 2100" in response.get_data(as_text=True)


def test_parse_day_bounds():
    assert parse_day("2026-11-30").year == 2026
    assert parse_day("0001-01-01") is None and parse_day("9999-12-31") is None and parse_day("30/11/2026") is None
