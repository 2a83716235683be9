"""GTFS import: each kind of error named by file, line and field; warnings; atomic replacement."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.lookups import gtfs, sample_feed, transit
from app.lookups.models import BusRoute, BusStop, BusStopTime, GtfsFeed
from tests.conftest import csrf_token
from tests.lookups.conftest import sample_bytes


def _errors(data: bytes) -> list[gtfs.Issue]:
    with pytest.raises(gtfs.GtfsError) as caught:
        gtfs.import_feed(io.BytesIO(data))
    db.session.rollback()
    return caught.value.report.errors


def _replace_line(name: str, old: str, new: str) -> str:
    text = sample_feed.sample_files()[name]
    assert old in text
    return text.replace(old, new, 1)


def test_a_missing_required_file_is_named(app_ctx):
    errors = _errors(sample_bytes(stops__txt=None))
    assert [(e.file, e.code) for e in errors] == [("stops.txt", "missing_file")]
    errors = _errors(sample_bytes(calendar__txt=None, calendar_dates__txt=None))
    assert [e.code for e in errors] == ["missing_calendar"]


def test_a_missing_required_column_names_file_line_and_field(app_ctx):
    text = sample_feed.sample_files()["stops.txt"].replace("stop_lat", "latitude", 1)
    [error] = _errors(sample_bytes(stops__txt=text))
    assert (error.file, error.line, error.field, error.code) == ("stops.txt", 1, "stop_lat", "missing_column")


def test_broken_references_are_errors_with_their_line(app_ctx):
    trips = _replace_line("trips.txt", "R02,WEEKDAY,", "R99,WEEKDAY,")
    line = trips.splitlines().index(next(x for x in trips.splitlines() if x.startswith("R99"))) + 1
    errors = _errors(sample_bytes(trips__txt=trips))
    assert ("trips.txt", line, "route_id", "unknown_route") in [(e.file, e.line, e.field, e.code) for e in errors]

    stop_times = _replace_line("stop_times.txt", ",A1,", ",NOWHERE,")
    errors = _errors(sample_bytes(stop_times__txt=stop_times))
    assert {(e.file, e.field, e.code) for e in errors} == {("stop_times.txt", "stop_id", "unknown_stop")}

    trips = _replace_line("trips.txt", "R04,WEEKEND,", "R04,SUNDAYS,")
    errors = _errors(sample_bytes(trips__txt=trips))
    assert {(e.field, e.code) for e in errors} == {("service_id", "unknown_service")}


def test_bad_times_are_errors_and_times_past_midnight_are_fine(app_ctx):
    stop_times = _replace_line("stop_times.txt", "05:03:00,05:03:00", "5h03,05:03:00")
    [error] = _errors(sample_bytes(stop_times__txt=stop_times))
    assert (error.file, error.field, error.code, error.value) == ("stop_times.txt", "arrival_time", "bad_time", "5h03")
    assert error.line == stop_times.splitlines().index(next(x for x in stop_times.splitlines() if "5h03" in x)) + 1
    assert "stop_times.txt:" in str(error) and "[arrival_time]" in str(error)

    stop_times = _replace_line("stop_times.txt", "05:03:00,05:03:00", "49:00:00,49:00:00")
    assert {e.code for e in _errors(sample_bytes(stop_times__txt=stop_times))} == {"late_time"}

    assert gtfs.parse_time("24:30:00") == 88200 and gtfs.parse_time("25:10:00") == 90600
    feed = gtfs.import_feed(io.BytesIO(sample_bytes()))
    latest = db.session.scalar(sa.select(sa.func.max(BusStopTime.departure_s)).where(BusStopTime.feed_id == feed.id))
    assert latest > 24 * 3600


def test_bad_coordinates_are_errors_and_far_stops_only_warnings(app_ctx):
    stops = _replace_line("stops.txt", "(A0),21.02,105.8\n", "(A0),95.0,105.8\n")
    [error] = _errors(sample_bytes(stops__txt=stops))
    assert (error.file, error.line, error.field, error.code) == ("stops.txt", 2, "stop_lat", "bad_latitude")
    stops = _replace_line("stops.txt", "(A0),21.02,105.8\n", "(A0),21.02,abc\n")
    [error] = _errors(sample_bytes(stops__txt=stops))
    assert (error.field, error.code, error.value) == ("stop_lon", "bad_number", "abc")

    stops = _replace_line("stops.txt", "(A0),21.02,105.8\n", "(A0),10.77,106.7\n")  # Hồ Chí Minh City
    feed = gtfs.import_feed(io.BytesIO(sample_bytes(stops__txt=stops)))
    assert [(w["file"], w["line"], w["code"]) for w in feed.warnings] == [("stops.txt", 2, "outside_hanoi")]
    assert feed.active


def test_a_file_that_is_not_a_zip_is_refused(app_ctx):
    [error] = _errors(b"not a zip")
    assert error.code == "not_zip"


def test_a_failed_import_leaves_the_old_feed_serving(app_ctx):
    old = gtfs.import_feed(io.BytesIO(sample_bytes()))
    db.session.commit()
    old_id = old.id
    # The error is in the last line of stop_times.txt: everything before it was written.
    lines = sample_feed.sample_files()["stop_times.txt"].splitlines()
    lines[-1] = lines[-1].replace(lines[-1].split(",")[3], "NOWHERE")
    _errors(sample_bytes(stop_times__txt="\n".join(lines) + "\n"))
    assert db.session.scalars(sa.select(GtfsFeed.id)).all() == [old_id]
    assert transit.active_feed_id() == old_id
    assert {r.short_name for r in transit.search_routes("")} == {"01", "02", "03", "04"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BusStop).where(BusStop.feed_id != old_id)) == 0


def test_readers_see_the_old_feed_until_the_new_one_is_complete(app_ctx):
    from app.core.database import read_only_transactions

    old = gtfs.import_feed(io.BytesIO(sample_bytes()))
    db.session.commit()
    old_id = old.id
    routes = _replace_line("routes.txt", "Giáp Bát - Hàng Đào - Ba Đình", "Giáp Bát - Hàng Đào - Bưởi mới")
    seen = {}

    def look(feed):
        # Another connection, as another request would read while the import runs.
        with read_only_transactions(), db.engine.connect() as other:
            seen["active"] = other.execute(sa.select(GtfsFeed.id).where(GtfsFeed.active)).scalars().all()
            seen["names"] = other.execute(sa.select(BusRoute.long_name).join(
                GtfsFeed, GtfsFeed.id == BusRoute.feed_id).where(GtfsFeed.active)).scalars().all()
        seen["new"] = feed.id

    new = gtfs.import_feed(io.BytesIO(sample_bytes(routes__txt=routes)), before_activate=look)
    db.session.commit()
    assert seen["active"] == [old_id] and "Giáp Bát - Hàng Đào - Ba Đình" in seen["names"]
    assert seen["new"] == new.id != old_id
    assert db.session.scalars(sa.select(GtfsFeed.id)).all() == [new.id]
    assert [r.long_name for r in transit.search_routes("buoi moi")] == ["Giáp Bát - Hàng Đào - Bưởi mới"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BusStop).where(BusStop.feed_id == old_id)) == 0


def test_the_command_imports_and_reports_errors(app, tmp_path):
    good, bad = tmp_path / "good.zip", tmp_path / "bad.zip"
    good.write_bytes(sample_bytes())
    bad.write_bytes(sample_bytes(trips__txt=_replace_line("trips.txt", "R02,WEEKDAY,", "R99,WEEKDAY,")))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["lookups", "import-gtfs", str(bad)])
    assert result.exit_code == 1 and "trips.txt:" in result.output and "[route_id]" in result.output
    result = runner.invoke(args=["lookups", "import-gtfs", str(good)])
    assert result.exit_code == 0, result.output
    assert "routes 4" in result.output and "stops 23" in result.output


def test_console_upload_is_for_transport_officials(app, client, make_user, login):
    transport = make_user(role="agency_official", agency="transport")
    education = make_user(role="agency_official", agency="education")
    citizen = make_user()
    broken = sample_bytes(trips__txt=_replace_line("trips.txt", "R02,WEEKDAY,", "R99,WEEKDAY,"))

    for user, status in ((citizen, 403), (education, 403)):
        login(client, user)
        token = csrf_token(client, "/lookups/")
        response = client.post("/lookups/manage/gtfs", data={"csrf_token": token,
                                                            "feed": (io.BytesIO(broken), "feed.zip")})
        assert response.status_code == status

    login(client, transport)
    token = csrf_token(client, "/lookups/manage/")
    response = client.post("/lookups/manage/gtfs", data={"csrf_token": token, "feed": (io.BytesIO(broken), "f.zip")})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "trips.txt" in page and "route_id" in page
    response = client.post("/lookups/manage/gtfs",
                           data={"csrf_token": token, "feed": (io.BytesIO(sample_bytes()), "f.zip")})
    assert response.status_code == 200
    with app.app_context():
        assert transit.active_feed_id() is not None
