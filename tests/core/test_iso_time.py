"""Point 21 of issue 10: every machine-readable time is a valid HTML date/time, to the second."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from app.core.filters import iso_time
from tests.reports.conftest import HOAN_KIEM

# HTML's "valid global date and time string" (or a date): at most three fractional digits.
HTML_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?")


def test_iso_time_is_utc_to_the_second():
    moment = datetime(2026, 11, 28, 15, 13, 34, 806846, tzinfo=timezone(timedelta(hours=7)))
    assert iso_time(moment) == "2026-11-28T08:13:34Z"
    assert iso_time(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)) == "2026-01-02T03:04:05Z"
    assert iso_time(date(2026, 9, 2)) == "2026-09-02"
    assert iso_time(None) == ""
    with pytest.raises(ValueError):
        iso_time(datetime(2026, 1, 1))


def test_every_datetime_attribute_on_the_pages_is_valid_html(app, client, make_user, make_report, login):
    reporter = make_user()
    official = make_user(role="ward_official", ward=HOAN_KIEM)
    resolved = make_report(reporter, status="resolved", official_id=official)
    waiting = make_report(reporter, official_id=official)
    found = []
    login(client, reporter)
    for path in (f"/reports/{resolved}", "/notifications/"):
        found += re.findall(r'datetime="([^"]*)"', client.get(path, follow_redirects=True).get_data(as_text=True))
    login(client, official)
    for path in ("/console/", f"/console/reports/{resolved}", f"/console/reports/{waiting}"):
        found += re.findall(r'datetime="([^"]*)"', client.get(path).get_data(as_text=True))
    assert len(found) >= 8
    assert [value for value in found if not HTML_DATETIME.fullmatch(value)] == []
