"""GTFS import: validate a feed and replace the active one atomically.

Feeds from the field are messy. Problems that make the data wrong (a missing required file
or field, a reference to nothing, an unreadable time, a coordinate off the globe) are
errors: nothing is imported and each error names the file, the line and the field.
Problems that can be imported anyway (a stop far outside Hanoi, a stop time without a time,
an unknown column) are warnings kept with the feed.

The new feed's rows are written in the same transaction that retires the old feed, so
readers (who only ever look at the active feed) see the old one until the commit, then the
new one whole. ``stop_times.txt`` (a million rows in a city feed) is streamed in batches.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import has_request_context
from flask_babel import lazy_gettext as _l

from app.core import pagecache
from app.core.text import fold, normalize_text
from app.extensions import db
from app.lookups.fields import INTEGER, ascii_float
from app.lookups.models import (
    BusRoute,
    BusService,
    BusServiceException,
    BusStop,
    BusStopTime,
    BusTrip,
    GtfsFeed,
)

REQUIRED_FILES = ("agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt")
REQUIRED_FIELDS = {
    "agency.txt": ("agency_name", "agency_url", "agency_timezone"),
    "stops.txt": ("stop_id", "stop_name", "stop_lat", "stop_lon"),
    "routes.txt": ("route_id", "route_type"),
    "trips.txt": ("route_id", "service_id", "trip_id"),
    "stop_times.txt": ("trip_id", "stop_id", "stop_sequence"),
    "calendar.txt": ("service_id", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                     "start_date", "end_date"),
    "calendar_dates.txt": ("service_id", "date", "exception_type"),
}
# A rough box around Hanoi: stops outside are imported with a warning.
HANOI_BOX = (20.5, 21.5, 105.2, 106.1)
MAX_ISSUES = 200
BATCH = 20_000
_TIME = re.compile(r"^([0-9]{1,3}):([0-5][0-9]):([0-5][0-9])$")

MESSAGES = {
    "missing_file": _l("Required file is missing"),
    "missing_calendar": _l("Neither calendar.txt nor calendar_dates.txt is present"),
    "missing_column": _l("Required column is missing"),
    "missing_value": _l("Required value is empty"),
    "unknown_route": _l("Refers to a route that routes.txt does not define"),
    "unknown_service": _l("Refers to a service that neither calendar.txt nor calendar_dates.txt defines"),
    "unknown_trip": _l("Refers to a trip that trips.txt does not define"),
    "unknown_stop": _l("Refers to a stop that stops.txt does not define"),
    "duplicate_id": _l("The same id appears twice"),
    "bad_time": _l("Not a time of the form HH:MM:SS"),
    "late_time": _l("Time is more than 48 hours after the start of the service day"),
    "time_backwards": _l("Time is earlier than at the previous stop of the trip"),
    "bad_number": _l("Not a number"),
    "bad_latitude": _l("Latitude must be between -90 and 90"),
    "bad_longitude": _l("Longitude must be between -180 and 180"),
    "outside_hanoi": _l("Stop is far outside Hanoi"),
    "bad_date": _l("Not a date of the form YYYYMMDD"),
    "bad_flag": _l("Must be 0 or 1"),
    "bad_exception": _l("Must be 1 (added) or 2 (removed)"),
    "no_time": _l("Stop time without arrival or departure time: skipped"),
    "trip_without_stops": _l("Trip has fewer than two stop times: skipped"),
    "not_zip": _l("The file is not a ZIP archive"),
}

# Names of the counts an import keeps (GtfsFeed.counts), for people rather than tables.
COUNT_LABELS = {
    "agencies": _l("operators"),
    "stops": _l("stops"),
    "routes": _l("routes"),
    "trips": _l("trips"),
    "stop_times": _l("stop times"),
    "services": _l("service calendars"),
}


def plain(text) -> str:
    """A lazy message in the reader's language; the English text outside a request (commands)."""
    if has_request_context():
        return str(text)
    return text._args[0] if hasattr(text, "_args") else str(text)


@dataclass(frozen=True)
class Issue:
    file: str
    line: int | None
    field: str | None
    code: str
    value: str = ""

    @property
    def message(self) -> str:
        return plain(MESSAGES[self.code])

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "field": self.field, "code": self.code, "value": self.value}

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "") + (f" [{self.field}]" if self.field else "")
        return f"{where}: {self.message}" + (f" ({self.value})" if self.value else "")


@dataclass
class Report:
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0

    def error(self, *args, **kwargs) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ISSUES:
            self.errors.append(Issue(*args, **kwargs))

    def warn(self, *args, **kwargs) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_ISSUES:
            self.warnings.append(Issue(*args, **kwargs))


class GtfsError(Exception):
    """The feed has errors; ``report`` lists them. Nothing was imported."""

    def __init__(self, report: Report):
        super().__init__(f"{report.error_count} error(s)")
        self.report = report


def parse_time(text: str) -> int | None:
    """Seconds after the start of the service day; "25:10:00" (after midnight) is 90600."""
    match = _TIME.match(text.strip())
    if not match:
        return None
    h, m, s = (int(g) for g in match.groups())
    return h * 3600 + m * 60 + s


def _rows(archive: zipfile.ZipFile, name: str, report: Report) -> Iterator[tuple[int, dict]]:
    """(line number, row) of a file, its header checked; line 1 is the header."""
    with archive.open(name) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        reader = csv.reader(text)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            header = []
        missing = [f for f in REQUIRED_FIELDS.get(name, ()) if f not in header]
        for column in missing:
            report.error(name, 1, column, "missing_column")
        if missing:
            return
        for number, values in enumerate(reader, start=2):
            if not values or values == [""]:
                continue
            yield number, dict(zip(header, (v.strip() for v in values), strict=False))


def _required(report: Report, name: str, line: int, row: dict, *fields: str) -> bool:
    ok = True
    for f in fields:
        if not row.get(f):
            report.error(name, line, f, "missing_value")
            ok = False
    return ok


def _date(text: str) -> date | None:
    if len(text) != 8 or not (text.isascii() and text.isdigit()):
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def _next_id(model) -> int:
    return (db.session.scalar(sa.select(sa.func.max(model.id))) or 0) + 1


def import_feed(source, *, source_name: str = "feed.zip", imported_by_id: int | None = None, sample: bool = False,
                before_activate: Callable[[GtfsFeed], None] | None = None) -> GtfsFeed:
    """Validate and import the GTFS ZIP ``source`` (a path or a binary file), making it the active
    feed. Raises :class:`GtfsError` (nothing changed) when the feed has errors. Flushes; the
    caller commits. ``before_activate`` runs when every row is written but the old feed still
    serves (tests)."""
    report = Report()
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError):
        report.error(source_name, None, None, "not_zip")
        raise GtfsError(report) from None
    with archive:
        names = set(archive.namelist())
        for name in REQUIRED_FILES:
            if name not in names:
                report.error(name, None, None, "missing_file")
        if "calendar.txt" not in names and "calendar_dates.txt" not in names:
            report.error("calendar.txt", None, None, "missing_calendar")
        if report.error_count:
            raise GtfsError(report)
        if db.session.connection().dialect.name == "postgresql":
            # One import at a time: the importer numbers the rows itself. (SQLite's write
            # transaction already serialises imports.)
            db.session.execute(sa.text("SELECT pg_advisory_xact_lock(1401)"))
        feed = GtfsFeed(source_name=normalize_text(source_name)[:200], imported_by_id=imported_by_id, sample=sample,
                        active=False)
        db.session.add(feed)
        db.session.flush()
        _load(archive, names, feed, report)
        if report.error_count:
            raise GtfsError(report)
    feed.warnings = [w.as_dict() for w in report.warnings]
    if before_activate is not None:
        before_activate(feed)
    old = db.session.scalars(sa.select(GtfsFeed.id).where(GtfsFeed.active, GtfsFeed.id != feed.id)).all()
    feed.active = True
    from app.lookups import transit

    transit.forget_patterns()
    if old:
        _delete_feeds(old)
    db.session.flush()
    return feed


def _delete_feeds(feed_ids: list[int]) -> None:
    pagecache.touch("lookups")  # bulk statements: the ORM watch does not see them
    db.session.execute(sa.update(GtfsFeed).where(GtfsFeed.id.in_(feed_ids)).values(active=False))
    for model in (BusStopTime, BusTrip, BusServiceException, BusService, BusRoute, BusStop):
        db.session.execute(sa.delete(model).where(model.feed_id.in_(feed_ids)))
    db.session.execute(sa.delete(GtfsFeed).where(GtfsFeed.id.in_(feed_ids)))


def _load(archive: zipfile.ZipFile, names: set[str], feed: GtfsFeed, report: Report) -> None:
    conn = db.session.connection()
    # agency
    agencies = []
    for line, row in _rows(archive, "agency.txt", report):
        if _required(report, "agency.txt", line, row, "agency_name"):
            agencies.append({"id": row.get("agency_id", ""), "name": normalize_text(row["agency_name"]),
                             "url": row.get("agency_url", "")})
    feed.agencies = agencies

    # stops
    stops: dict[str, int] = {}
    stop_rows = []
    next_stop = _next_id(BusStop)
    for line, row in _rows(archive, "stops.txt", report):
        if not _required(report, "stops.txt", line, row, "stop_id", "stop_name"):
            continue
        if row["stop_id"] in stops:
            report.error("stops.txt", line, "stop_id", "duplicate_id", row["stop_id"])
            continue
        if row.get("location_type") not in (None, "", "0"):
            continue  # stations and entrances: not served by trips here
        coords = []
        for fieldname, limit, code in (("stop_lat", 90, "bad_latitude"), ("stop_lon", 180, "bad_longitude")):
            value = ascii_float(row.get(fieldname))
            if value is None:
                report.error("stops.txt", line, fieldname, "bad_number", row.get(fieldname, ""))
                continue
            if not -limit <= value <= limit:
                report.error("stops.txt", line, fieldname, code, row[fieldname])
                continue
            coords.append(value)
        if len(coords) != 2:
            continue
        lat, lon = coords
        if lat == 0 and lon == 0:
            report.error("stops.txt", line, "stop_lat", "bad_latitude", "0,0")
            continue
        if not (HANOI_BOX[0] <= lat <= HANOI_BOX[1] and HANOI_BOX[2] <= lon <= HANOI_BOX[3]):
            report.warn("stops.txt", line, "stop_lat", "outside_hanoi", f"{lat},{lon}")
        name = normalize_text(row["stop_name"])[:255]
        stops[row["stop_id"]] = next_stop
        stop_rows.append({"id": next_stop, "feed_id": feed.id, "stop_id": row["stop_id"][:64], "name": name,
                          "search_name": fold(name)[:255], "lat": lat, "lon": lon})
        next_stop += 1

    # routes
    routes: dict[str, int] = {}
    route_rows = []
    next_route = _next_id(BusRoute)
    for line, row in _rows(archive, "routes.txt", report):
        if not _required(report, "routes.txt", line, row, "route_id", "route_type"):
            continue
        if row["route_id"] in routes:
            report.error("routes.txt", line, "route_id", "duplicate_id", row["route_id"])
            continue
        short, long = normalize_text(row.get("route_short_name", "")), normalize_text(row.get("route_long_name", ""))
        if not short and not long:
            report.error("routes.txt", line, "route_short_name", "missing_value")
            continue
        try:
            if not INTEGER.fullmatch(row["route_type"] or ""):
                raise ValueError(row["route_type"])
            route_type = int(row["route_type"])
        except ValueError:
            report.error("routes.txt", line, "route_type", "bad_number", row["route_type"])
            continue
        routes[row["route_id"]] = next_route
        route_rows.append({"id": next_route, "feed_id": feed.id, "route_id": row["route_id"][:64],
                           "short_name": short[:50], "long_name": long[:255],
                           "search_name": fold(f"{short} {long}")[:320], "route_type": route_type,
                           "color": (row.get("route_color") or None) and row["route_color"][:6]})
        next_route += 1

    # calendar, calendar_dates
    services: set[str] = set()
    service_rows, exception_rows = [], []
    if "calendar.txt" in names:
        days_fields = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        for line, row in _rows(archive, "calendar.txt", report):
            if not _required(report, "calendar.txt", line, row, "service_id", "start_date", "end_date"):
                continue
            flags = []
            for d in days_fields:
                if row.get(d) not in ("0", "1"):
                    report.error("calendar.txt", line, d, "bad_flag", row.get(d, ""))
                flags.append(row.get(d) == "1")
            start = _date(row["start_date"])
            end = _date(row["end_date"])
            if start is None:
                report.error("calendar.txt", line, "start_date", "bad_date", row["start_date"])
            if end is None:
                report.error("calendar.txt", line, "end_date", "bad_date", row["end_date"])
            if start is None or end is None:
                continue
            services.add(row["service_id"])
            service_rows.append({"feed_id": feed.id, "service_id": row["service_id"][:64],
                                 "days": "".join("1" if f else "0" for f in flags), "start_date": start,
                                 "end_date": end})
    if "calendar_dates.txt" in names:
        for line, row in _rows(archive, "calendar_dates.txt", report):
            if not _required(report, "calendar_dates.txt", line, row, "service_id", "date", "exception_type"):
                continue
            day = _date(row["date"])
            if day is None:
                report.error("calendar_dates.txt", line, "date", "bad_date", row["date"])
                continue
            if row["exception_type"] not in ("1", "2"):
                report.error("calendar_dates.txt", line, "exception_type", "bad_exception", row["exception_type"])
                continue
            services.add(row["service_id"])
            exception_rows.append({"feed_id": feed.id, "service_id": row["service_id"][:64], "day": day,
                                   "exception_type": int(row["exception_type"])})

    # trips
    trips: dict[str, int] = {}
    trip_rows = []
    next_trip = _next_id(BusTrip)
    for line, row in _rows(archive, "trips.txt", report):
        if not _required(report, "trips.txt", line, row, "route_id", "service_id", "trip_id"):
            continue
        if row["trip_id"] in trips:
            report.error("trips.txt", line, "trip_id", "duplicate_id", row["trip_id"])
            continue
        ok = True
        if row["route_id"] not in routes:
            report.error("trips.txt", line, "route_id", "unknown_route", row["route_id"])
            ok = False
        if row["service_id"] not in services:
            report.error("trips.txt", line, "service_id", "unknown_service", row["service_id"])
            ok = False
        direction = row.get("direction_id") or "0"
        if direction not in ("0", "1"):
            report.error("trips.txt", line, "direction_id", "bad_flag", direction)
            ok = False
        if not ok:
            continue
        trips[row["trip_id"]] = next_trip
        trip_rows.append({"id": next_trip, "feed_id": feed.id, "trip_id": row["trip_id"][:64],
                          "route_pk": routes[row["route_id"]], "service_id": row["service_id"][:64],
                          "direction_id": int(direction),
                          "headsign": normalize_text(row.get("trip_headsign", ""))[:255]})
        next_trip += 1

    if report.error_count:
        return
    for model, rows in ((BusStop, stop_rows), (BusRoute, route_rows), (BusService, service_rows),
                        (BusServiceException, exception_rows), (BusTrip, trip_rows)):
        for i in range(0, len(rows), BATCH):
            conn.execute(sa.insert(model.__table__), rows[i:i + BATCH])

    # stop_times, streamed; rows of one trip are usually together, but need not be
    batch: list[dict] = []
    insert = sa.insert(BusStopTime.__table__)
    counts_per_trip: dict[int, int] = {}
    last_time: dict[int, tuple[int, int]] = {}
    stop_time_count = 0
    for line, row in _rows(archive, "stop_times.txt", report):
        if not _required(report, "stop_times.txt", line, row, "trip_id", "stop_id", "stop_sequence"):
            continue
        trip_pk = trips.get(row["trip_id"])
        stop_pk = stops.get(row["stop_id"])
        if trip_pk is None:
            report.error("stop_times.txt", line, "trip_id", "unknown_trip", row["trip_id"])
        if stop_pk is None:
            report.error("stop_times.txt", line, "stop_id", "unknown_stop", row["stop_id"])
        seq_text = row["stop_sequence"]
        if not (seq_text.isascii() and seq_text.isdigit()):
            report.error("stop_times.txt", line, "stop_sequence", "bad_number", seq_text)
            continue
        times = {}
        bad = False
        for fieldname in ("arrival_time", "departure_time"):
            text = row.get(fieldname, "")
            if not text:
                continue
            seconds = parse_time(text)
            if seconds is None:
                report.error("stop_times.txt", line, fieldname, "bad_time", text)
                bad = True
            elif seconds > 48 * 3600:
                report.error("stop_times.txt", line, fieldname, "late_time", text)
                bad = True
            else:
                times[fieldname] = seconds
        if bad or trip_pk is None or stop_pk is None:
            continue
        if not times:
            report.warn("stop_times.txt", line, "arrival_time", "no_time")
            continue
        arrival = times.get("arrival_time", times.get("departure_time"))
        departure = times.get("departure_time", arrival)
        sequence = int(seq_text)
        previous = last_time.get(trip_pk)
        if previous is not None and sequence > previous[0] and arrival < previous[1]:
            report.error("stop_times.txt", line, "arrival_time", "time_backwards", row.get("arrival_time", ""))
            continue
        last_time[trip_pk] = (sequence, departure)
        counts_per_trip[trip_pk] = counts_per_trip.get(trip_pk, 0) + 1
        if report.error_count:
            continue  # keep validating, stop writing
        batch.append({"trip_pk": trip_pk, "stop_sequence": sequence, "feed_id": feed.id, "stop_pk": stop_pk,
                      "arrival_s": arrival, "departure_s": departure})
        stop_time_count += 1
        if len(batch) >= BATCH:
            conn.execute(insert, batch)
            batch.clear()
    if report.error_count:
        return
    if batch:
        conn.execute(insert, batch)
    for trip_id, pk in trips.items():
        if counts_per_trip.get(pk, 0) < 2:
            report.warn("trips.txt", None, "trip_id", "trip_without_stops", trip_id)
    short = [pk for pk in trips.values() if counts_per_trip.get(pk, 0) < 2]
    for i in range(0, len(short), 500):
        conn.execute(sa.delete(BusStopTime.__table__).where(BusStopTime.trip_pk.in_(short[i:i + 500])))
        conn.execute(sa.delete(BusTrip.__table__).where(BusTrip.id.in_(short[i:i + 500])))
    feed.counts = {"agencies": len(agencies), "stops": len(stop_rows), "routes": len(route_rows),
                   "trips": len(trip_rows) - len(short), "stop_times": stop_time_count,
                   "services": len(services)}
