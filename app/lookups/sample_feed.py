"""Feeds made by code: the small sample network (demo data and tests) and a city-size one (bench).

The sample network, around the Old Quarter, is laid out so that the right answers are known:

* route 01 runs west to east along one street (stops ``A0``…``A5``), 3 minutes between stops,
  every 10 minutes;
* route 02 runs south to north (``B0``…``B7``) and shares the stop ``X`` with route 01 (its
  ``A4``/``B2``), 3 minutes between stops, every 10 minutes;
* route 04 runs west to east further north (``C0``…``C4``); ``C0`` is about 150 m from ``B5``;
* route 03 is a slow direct line from near ``A0`` to near ``B7``, 15 minutes between stops,
  every 30 minutes, on weekdays only.

From ``A0`` to ``B7`` the quickest way is route 01 then route 02 at ``X``; route 03 is direct but
slower. From ``B0`` to ``C4`` it is route 02 to ``B5``, a short walk to ``C0``, then route 04.
"""

from __future__ import annotations

import csv
import io
import random
import zipfile

SAMPLE_AGENCY = "Mẫu - Trung tâm Quản lý và Điều hành giao thông (dữ liệu mẫu)"
START, END = "20260101", "20271231"
SAMPLE_POINTS = {
    "A0": (21.0200, 105.8000),
    "B7": (21.0600, 105.8320),
    "B0": (21.0040, 105.8320),
    "C4": (21.0440, 105.8655),
}


def _stops() -> list[tuple[str, str, float, float]]:
    stops = []
    for i in range(6):
        sid = "X" if i == 4 else f"A{i}"
        name = "Ngã tư Tràng Tiền (X)" if i == 4 else f"Phố Tràng Thi số {i * 20 + 1} (A{i})"
        stops.append((sid, name, 21.0200, round(105.8000 + 0.008 * i, 4)))
    for j in range(8):
        if j == 2:
            continue
        stops.append((f"B{j}", f"Đường Lê Duẩn - Hàng Đào điểm {j} (B{j})", round(21.0040 + 0.008 * j, 4), 105.8320))
    for k in range(5):
        stops.append((f"C{k}", f"Phố Đội Cấn điểm {k} (C{k})", 21.0440, round(105.8335 + 0.008 * k, 4)))
    for name, lat, lon in (("D0", 21.0205, 105.8005), ("D1", 21.0350, 105.8000), ("D2", 21.0500, 105.8050),
                           ("D3", 21.0595, 105.8200), ("D4", 21.0605, 105.8315)):
        stops.append((name, f"Đường Hoàng Hoa Thám điểm {name[1]} ({name})", lat, lon))
    return stops


ROUTES = (
    # id, short name, long name, stops west/south first, minutes between stops, headway, services
    ("R01", "01", "Bến xe Kim Mã - Tràng Tiền - Long Biên", ["A0", "A1", "A2", "A3", "X", "A5"], 3, 10,
     ("WEEKDAY", "WEEKEND")),
    ("R02", "02", "Giáp Bát - Hàng Đào - Ba Đình", ["B0", "B1", "X", "B3", "B4", "B5", "B6", "B7"], 3, 10,
     ("WEEKDAY", "WEEKEND")),
    ("R03", "03", "Kim Mã - Hoàng Hoa Thám - Bưởi (tuyến chậm)", ["D0", "D1", "D2", "D3", "D4"], 15, 30,
     ("WEEKDAY",)),
    ("R04", "04", "Đội Cấn - Quán Thánh - Yên Phụ", ["C0", "C1", "C2", "C3", "C4"], 3, 15, ("WEEKDAY", "WEEKEND")),
)


def _hms(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _csv(rows: list[list]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def sample_files() -> dict[str, str]:
    """The sample feed's files (name → text); tests break them to check the validation."""
    stops = [["stop_id", "stop_name", "stop_lat", "stop_lon"]] + [[s, n, lat, lon] for s, n, lat, lon in _stops()]
    routes = [["route_id", "agency_id", "route_short_name", "route_long_name", "route_type"]]
    trips = [["route_id", "service_id", "trip_id", "trip_headsign", "direction_id"]]
    stop_times = [["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"]]
    names = {s: n.rsplit(" (", 1)[0] for s, n, _lat, _lon in _stops()}
    for route_id, short, long, sequence, gap, headway, services in ROUTES:
        routes.append([route_id, "SAMPLE", short, long, 3])
        for service in services:
            for direction in (0, 1):
                order = sequence if direction == 0 else list(reversed(sequence))
                start = 5 * 3600
                last = 22 * 3600 if route_id != "R01" else 24 * 3600 + 30 * 60  # 24:30:00: after midnight
                n = 0
                while start <= last:
                    trip_id = f"{route_id}-{service}-{direction}-{n}"
                    trips.append([route_id, service, trip_id, names[order[-1]], direction])
                    for seq, stop in enumerate(order, start=1):
                        t = _hms(start + (seq - 1) * gap * 60)
                        stop_times.append([trip_id, t, t, stop, seq])
                    n += 1
                    start += headway * 60
    return {
        "agency.txt": _csv([["agency_id", "agency_name", "agency_url", "agency_timezone"],
                            ["SAMPLE", SAMPLE_AGENCY, "https://example.org", "Asia/Ho_Chi_Minh"]]),
        "stops.txt": _csv(stops),
        "routes.txt": _csv(routes),
        "trips.txt": _csv(trips),
        "stop_times.txt": _csv(stop_times),
        "calendar.txt": _csv([
            ["service_id", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
             "start_date", "end_date"],
            ["WEEKDAY", 1, 1, 1, 1, 1, 0, 0, START, END],
            ["WEEKEND", 0, 0, 0, 0, 0, 1, 1, START, END],
        ]),
        # National Day 2026 (a Wednesday) runs the weekend timetable.
        "calendar_dates.txt": _csv([["service_id", "date", "exception_type"],
                                    ["WEEKDAY", "20260902", 2], ["WEEKEND", "20260902", 1]]),
    }


def build_zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def sample_zip() -> bytes:
    return build_zip(sample_files())


def write_city_feed(path: str, *, routes: int = 250, stops: int = 7000, stop_times: int = 1_000_000,
                    seed: int = 14) -> None:
    """A city-size random feed (bench): ``routes`` routes over ``stops`` stops in Hanoi, with
    about ``stop_times`` stop times, streamed to the ZIP at ``path``."""
    rng = random.Random(seed)  # noqa: S311 - test data, not security
    stop_list = [(f"S{i}", f"Điểm dừng {i}", round(20.95 + rng.random() * 0.15, 6),
                  round(105.75 + rng.random() * 0.15, 6)) for i in range(stops)]
    stops_per_route = 30
    trips_per_route = max(1, stop_times // (routes * stops_per_route))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("agency.txt", _csv([["agency_id", "agency_name", "agency_url", "agency_timezone"],
                                             ["A", "Bench", "https://example.org", "Asia/Ho_Chi_Minh"]]))
        archive.writestr("stops.txt", _csv([["stop_id", "stop_name", "stop_lat", "stop_lon"], *map(list, stop_list)]))
        archive.writestr("calendar.txt", _csv([
            ["service_id", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
             "start_date", "end_date"], ["ALL", 1, 1, 1, 1, 1, 1, 1, START, END]]))
        archive.writestr("routes.txt", _csv([["route_id", "route_short_name", "route_long_name", "route_type"]]
                                            + [[f"R{r}", str(r), f"Tuyến {r}", 3] for r in range(routes)]))
        route_stops = {r: rng.sample(range(stops), stops_per_route) for r in range(routes)}
        trip_rows = [["route_id", "service_id", "trip_id", "direction_id"]]
        for r in range(routes):
            for t in range(trips_per_route):
                trip_rows.append([f"R{r}", "ALL", f"T{r}-{t}", t % 2])
        archive.writestr("trips.txt", _csv(trip_rows))
        with archive.open("stop_times.txt", "w") as raw:
            out = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"])
            for r in range(routes):
                for t in range(trips_per_route):
                    start = 5 * 3600 + t * (18 * 3600 // trips_per_route)
                    order = route_stops[r] if t % 2 == 0 else route_stops[r][::-1]
                    for seq, s in enumerate(order, start=1):
                        hms = _hms(start + seq * 120)
                        writer.writerow([f"T{r}-{t}", hms, hms, f"S{s}", seq])
            out.flush()
            out.detach()


if __name__ == "__main__":  # pragma: no cover - a tool
    import sys

    target = sys.argv[1] if len(sys.argv) > 1 else "sample-gtfs.zip"
    with open(target, "wb") as handle:
        handle.write(sample_zip())
    print(target)
