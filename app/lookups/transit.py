"""Find a bus: route search, route pages, stops near a point with their next departures, and
journeys from here to there (direct, or with one transfer), all over the active GTFS feed.

Times follow GTFS: seconds after the start of the service day, so a trip of yesterday's
service at 24:30:00 leaves at 00:30 today. "Today" is the day in Hanoi.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.core.clock import HANOI_TZ
from app.core.models import utcnow
from app.core.text import fold
from app.extensions import db
from app.lookups.models import BusRoute, BusService, BusServiceException, BusStop, BusStopTime, BusTrip, GtfsFeed
from app.places.geo import distance_m

WALK_RADIUS_M = 500  # from the two points to a stop
TRANSFER_WALK_M = 250  # between the stops of a transfer
WALK_SPEED_MPS = 1.2
TRANSFER_PENALTY_S = 180  # a change of bus costs more than the walk and the wait
DAY = 24 * 3600


def active_feed_id() -> int | None:
    return db.session.scalar(sa.select(GtfsFeed.id).where(GtfsFeed.active).order_by(GtfsFeed.id.desc()).limit(1))


def hanoi_now(now: datetime | None = None) -> datetime:
    return (now or utcnow()).astimezone(ZoneInfo(HANOI_TZ))


def clock(seconds: int) -> str:
    """"05:30"; a time after midnight of the service day shows as the next day's hour."""
    seconds %= DAY
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


# --- calendar -----------------------------------------------------------------------------

def services_on(feed_id: int, day: date) -> set[str]:
    """Service ids running on ``day``: calendar.txt's weekdays and dates, then calendar_dates.txt."""
    running = set(db.session.scalars(sa.select(BusService.service_id).where(
        BusService.feed_id == feed_id, BusService.start_date <= day, BusService.end_date >= day,
        sa.func.substr(BusService.days, day.weekday() + 1, 1) == "1")))
    for service_id, kind in db.session.execute(sa.select(
            BusServiceException.service_id, BusServiceException.exception_type).where(
            BusServiceException.feed_id == feed_id, BusServiceException.day == day)):
        if kind == 1:
            running.add(service_id)
        else:
            running.discard(service_id)
    return running


# --- routes -------------------------------------------------------------------------------

def search_routes(query: str, limit: int = 50) -> list[BusRoute]:
    feed_id = active_feed_id()
    if feed_id is None:
        return []
    stmt = sa.select(BusRoute).where(BusRoute.feed_id == feed_id)
    words = fold(query).split()
    for word in words[:6]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(BusRoute.search_name.like(f"%{escaped}%", escape="\\"))
    routes = list(db.session.scalars(stmt.limit(500)))
    q = fold(query)
    # Exact route numbers first ("02" before "102"), then by number.
    routes.sort(key=lambda r: (fold(r.short_name) != q, len(r.short_name), r.short_name, r.long_name))
    return routes[:limit]


def route_exists(short_name: str) -> bool:
    """Whether the active network has a route of that number (a pass for no route is refused)."""
    feed_id = active_feed_id()
    if feed_id is None:
        return False
    return db.session.scalar(sa.select(BusRoute.id).where(
        BusRoute.feed_id == feed_id, BusRoute.short_name == short_name).limit(1)) is not None


def get_route(route_pk: int) -> BusRoute | None:
    route = db.session.get(BusRoute, route_pk)
    if route is None or route.feed_id != active_feed_id():
        return None
    return route


@dataclass
class Band:
    label: str
    start: int
    end: int
    departures: int = 0
    headway_min: int | None = None


@dataclass
class Direction:
    direction_id: int
    headsign: str
    stops: list[tuple[BusStop, int]]  # stop, minutes from the first stop
    first: str | None = None
    last: str | None = None
    bands: list[Band] = field(default_factory=list)


BANDS = ((5, 9), (9, 16), (16, 19), (19, 24), (24, 30))


def route_directions(route: BusRoute, day: date) -> list[Direction]:
    """Both directions of a route: stops in order (those of its longest trip), the first and last
    departures on ``day`` and the average headway in each band of the day."""
    running = services_on(route.feed_id, day)
    directions = []
    for direction_id in (0, 1):
        trips = list(db.session.execute(sa.select(BusTrip.id, BusTrip.service_id, BusTrip.headsign).where(
            BusTrip.route_pk == route.id, BusTrip.direction_id == direction_id)))
        if not trips:
            continue
        counts = dict(db.session.execute(sa.select(BusStopTime.trip_pk, sa.func.count()).where(
            BusStopTime.trip_pk.in_([t.id for t in trips])).group_by(BusStopTime.trip_pk)).all())
        longest = max(trips, key=lambda t: (counts.get(t.id, 0), -t.id))
        rows = db.session.execute(sa.select(BusStop, BusStopTime.departure_s).join(
            BusStopTime, BusStopTime.stop_pk == BusStop.id).where(BusStopTime.trip_pk == longest.id)
            .order_by(BusStopTime.stop_sequence)).all()
        origin = rows[0][1] if rows else 0
        direction = Direction(direction_id, longest.headsign or (rows[-1][0].name if rows else ""),
                              [(stop, (t - origin) // 60) for stop, t in rows])
        today = [t.id for t in trips if t.service_id in running]
        if today:
            first_stop_times = sorted(db.session.scalars(sa.select(sa.func.min(BusStopTime.departure_s)).where(
                BusStopTime.trip_pk.in_(today)).group_by(BusStopTime.trip_pk)))
            direction.first, direction.last = clock(first_stop_times[0]), clock(first_stop_times[-1])
            for start_h, end_h in BANDS:
                inside = [t for t in first_stop_times if start_h * 3600 <= t < end_h * 3600]
                if not inside:
                    continue
                band = Band(f"{clock(start_h * 3600)}–{clock(end_h * 3600)}", start_h, end_h, len(inside))
                if len(inside) > 1:
                    band.headway_min = round((inside[-1] - inside[0]) / (len(inside) - 1) / 60)
                direction.bands.append(band)
        directions.append(direction)
    return directions


# --- stops near a point ---------------------------------------------------------------------

def _box(lat: float, lon: float, radius: float) -> tuple[float, float, float, float]:
    dlat = radius / 111_320
    dlon = radius / (111_320 * max(0.1, math.cos(math.radians(lat))))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def stops_near(lat: float, lon: float, radius: float = WALK_RADIUS_M, feed_id: int | None = None,
               limit: int = 30) -> list[tuple[BusStop, float]]:
    feed_id = feed_id if feed_id is not None else active_feed_id()
    if feed_id is None:
        return []
    south, north, west, east = _box(lat, lon, radius)
    candidates = db.session.scalars(sa.select(BusStop).where(
        BusStop.feed_id == feed_id, BusStop.lat.between(south, north), BusStop.lon.between(west, east)))
    found = [(s, distance_m(lat, lon, s.lat, s.lon)) for s in candidates]
    found = [(s, d) for s, d in found if d <= radius]
    found.sort(key=lambda x: x[1])
    return found[:limit]


@dataclass
class Departure:
    route: BusRoute
    headsign: str
    at: str
    seconds: int  # seconds after today's midnight (Hanoi)


@dataclass
class NearbyStop:
    stop: BusStop
    distance_m: int
    routes: list[BusRoute]
    departures: list[Departure]


def nearby(lat: float, lon: float, now: datetime | None = None, per_stop: int = 5) -> list[NearbyStop]:
    """Stops within walking distance, the routes serving them, and their next departures today
    (today's service, and yesterday's trips that run past midnight)."""
    feed_id = active_feed_id()
    if feed_id is None:
        return []
    local = hanoi_now(now)
    today, now_s = local.date(), local.hour * 3600 + local.minute * 60 + local.second
    yesterday = today - timedelta(days=1)
    running = {today: services_on(feed_id, today), yesterday: services_on(feed_id, yesterday)}
    results = []
    # A trip's last stop is where it ends: nobody boards there.
    following = aliased(BusStopTime)
    for stop, dist in stops_near(lat, lon, feed_id=feed_id, limit=10):
        route_rows = db.session.scalars(sa.select(BusRoute).where(BusRoute.id.in_(
            sa.select(BusTrip.route_pk).join(BusStopTime, BusStopTime.trip_pk == BusTrip.id)
            .where(BusStopTime.stop_pk == stop.id).distinct())).order_by(BusRoute.short_name)).all()
        routes = {r.id: r for r in route_rows}
        departures: list[Departure] = []
        for day, offset in ((today, 0), (yesterday, DAY)):
            if not running[day]:
                continue
            later = sa.exists().where(following.trip_pk == BusStopTime.trip_pk,
                                      following.stop_sequence > BusStopTime.stop_sequence)
            rows = db.session.execute(sa.select(BusStopTime.departure_s, BusTrip.route_pk, BusTrip.headsign).join(
                BusTrip, BusTrip.id == BusStopTime.trip_pk).where(
                BusStopTime.stop_pk == stop.id, later, BusStopTime.departure_s >= now_s + offset,
                BusStopTime.departure_s < DAY + offset, BusTrip.service_id.in_(sorted(running[day])))
                .order_by(BusStopTime.departure_s).limit(per_stop * 4))
            for seconds, route_pk, headsign in rows:
                departures.append(Departure(routes[route_pk], headsign, clock(seconds), seconds - offset))
        departures.sort(key=lambda d: d.seconds)
        results.append(NearbyStop(stop, round(dist), route_rows, departures[:per_stop]))
    return results


# --- from here to there ---------------------------------------------------------------------

@dataclass
class Pattern:
    """Plain data (no ORM objects): patterns are cached across requests."""

    route_pk: int
    direction_id: int
    stops: list[int]  # stop ids in order
    offsets: list[int]  # seconds from the first stop
    headway_s: int
    # When the day's last trip leaves its first stop (seconds after the service day's midnight,
    # past 24 h for trips after midnight): later than that plus a stop's offset, nothing passes there.
    last_start_s: int = 24 * 3600


@dataclass
class Leg:
    route: BusRoute
    board: BusStop
    alight: BusStop
    ride_min: int
    wait_min: int


@dataclass
class Journey:
    legs: list[Leg]
    walk_start_m: int
    walk_transfer_m: int
    walk_end_m: int
    total_s: int

    @property
    def total_min(self) -> int:
        return round(self.total_s / 60)

    @property
    def transfers(self) -> int:
        return len(self.legs) - 1


_patterns_cache: dict[tuple[int, date], list[Pattern]] = {}


def patterns(feed_id: int, day: date) -> list[Pattern]:
    """One stop pattern per route and direction (its longest trip) with the average headway of the
    day's service, cached per feed and day."""
    key = (feed_id, day)
    if key in _patterns_cache:
        return _patterns_cache[key]
    running = services_on(feed_id, day)
    trips = db.session.execute(sa.select(BusTrip.id, BusTrip.route_pk, BusTrip.direction_id, BusTrip.service_id)
                               .where(BusTrip.feed_id == feed_id)).all()
    counts = dict(db.session.execute(sa.select(BusStopTime.trip_pk, sa.func.count()).where(
        BusStopTime.feed_id == feed_id).group_by(BusStopTime.trip_pk)).all())
    groups: dict[tuple[int, int], list] = defaultdict(list)
    for trip in trips:
        if trip.service_id in running:
            groups[(trip.route_pk, trip.direction_id)].append(trip)
    starts = dict(db.session.execute(sa.select(BusStopTime.trip_pk, sa.func.min(BusStopTime.departure_s)).where(
        BusStopTime.feed_id == feed_id).group_by(BusStopTime.trip_pk)).all())
    result = []
    for (route_pk, direction_id), group in groups.items():
        longest = max(group, key=lambda t: (counts.get(t.id, 0), -t.id))
        rows = db.session.execute(sa.select(BusStopTime.stop_pk, BusStopTime.departure_s).where(
            BusStopTime.trip_pk == longest.id).order_by(BusStopTime.stop_sequence)).all()
        if len(rows) < 2:
            continue
        times = sorted(starts[t.id] for t in group if t.id in starts)
        span = times[-1] - times[0]
        headway = span // (len(times) - 1) if len(times) > 1 else 3600
        result.append(Pattern(route_pk, direction_id, [r[0] for r in rows],
                              [r[1] - rows[0][1] for r in rows], max(60, headway), times[-1] if times else 0))
    if len(_patterns_cache) > 16:
        _patterns_cache.clear()
    _patterns_cache[key] = result
    return result


def forget_patterns() -> None:
    _patterns_cache.clear()


def _walk_s(metres: float) -> int:
    return round(metres / WALK_SPEED_MPS)


def plan(from_lat: float, from_lon: float, to_lat: float, to_lon: float, now: datetime | None = None,
         limit: int = 6) -> list[Journey]:
    """Direct and one-transfer journeys between two points, ranked by estimated total time
    (walks, half a headway of waiting per bus, riding, and a penalty per transfer).

    Only buses that still pass today count: a leg is offered only if the route's last trip of the
    day reaches the boarding stop after the traveller can be there (Hanoi time); after the last
    buses the answer is empty rather than a route that has stopped for the night.
    """
    feed_id = active_feed_id()
    if feed_id is None:
        return []
    local = hanoi_now(now)
    day = local.date()
    now_s = local.hour * 3600 + local.minute * 60 + local.second

    def still_runs(p: Pattern, i: int, at_s: int) -> bool:
        return p.last_start_s + p.offsets[i] >= at_s
    origin = {s.id: d for s, d in stops_near(from_lat, from_lon, feed_id=feed_id, limit=60)}
    target = {s.id: d for s, d in stops_near(to_lat, to_lon, feed_id=feed_id, limit=60)}
    if not origin or not target:
        return []
    pats = patterns(feed_id, day)

    # finish[p][i]: the best time from boarding at stop i of pattern p to the destination point.
    def finish_times(p: Pattern) -> list[tuple[int, int] | None]:
        out: list[tuple[int, int] | None] = [None] * len(p.stops)
        best: tuple[int, int] | None = None  # (offset + walk, index)
        for i in range(len(p.stops) - 1, -1, -1):
            out[i] = None if best is None else (best[0] - p.offsets[i], best[1])
            if p.stops[i] in target:
                cand = (p.offsets[i] + _walk_s(target[p.stops[i]]), i)
                if best is None or cand[0] < best[0]:
                    best = cand
        return out

    finishes = [finish_times(p) for p in pats]
    candidates: dict[tuple, tuple[int, tuple]] = {}

    def offer(key: tuple, total: int, detail: tuple) -> None:
        if key not in candidates or total < candidates[key][0]:
            candidates[key] = (total, detail)

    # Direct, and the first leg of transfers: best arrival at every stop of each pattern.
    arrivals: dict[int, dict[int, tuple[int, int, int]]] = {}  # pattern index -> stop -> (time, board i, alight i)
    for pi, p in enumerate(pats):
        best_board: tuple[int, int] | None = None  # (walk + wait - offset, index)
        reach: dict[int, tuple[int, int, int]] = {}
        for i, stop in enumerate(p.stops):
            if best_board is not None:
                t = best_board[0] + p.offsets[i]
                if stop not in reach or t < reach[stop][0]:
                    reach[stop] = (t, best_board[1], i)
            boards = stop in origin and still_runs(p, i, now_s + _walk_s(origin[stop]))
            if boards:
                cand = (_walk_s(origin[stop]) + p.headway_s // 2 - p.offsets[i], i)
                if best_board is None or cand[0] < best_board[0]:
                    best_board = cand
            fin = finishes[pi][i]
            if boards and fin is not None:
                total = _walk_s(origin[stop]) + p.headway_s // 2 + fin[0]
                offer((p.route_pk,), total, ((pi, i, fin[1]),))
        arrivals[pi] = reach

    # One transfer: leave pattern a at stop x, walk to y, board pattern b there.
    by_stop: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for pi, p in enumerate(pats):
        for i, stop in enumerate(p.stops):
            by_stop[stop].append((pi, i))
    stop_pos = {s.id: (s.lat, s.lon) for s in db.session.scalars(sa.select(BusStop).where(
        BusStop.id.in_({x for reach in arrivals.values() for x in reach})))} if arrivals else {}
    neighbours_cache: dict[int, list[tuple[int, float]]] = {}

    def neighbours(stop_id: int) -> list[tuple[int, float]]:
        if stop_id not in neighbours_cache:
            lat, lon = stop_pos[stop_id]
            neighbours_cache[stop_id] = [(s.id, d) for s, d in stops_near(lat, lon, TRANSFER_WALK_M, feed_id, 20)]
        return neighbours_cache[stop_id]

    for pa, reach in arrivals.items():
        for x, (t, board_i, alight_i) in reach.items():
            for y, walk in neighbours(x):
                for pb, j in by_stop.get(y, ()):
                    if pats[pb].route_pk == pats[pa].route_pk:
                        continue
                    fin = finishes[pb][j]
                    if fin is None or not still_runs(pats[pb], j, now_s + t + _walk_s(walk) + TRANSFER_PENALTY_S):
                        continue
                    total = t + _walk_s(walk) + TRANSFER_PENALTY_S + pats[pb].headway_s // 2 + fin[0]
                    offer((pats[pa].route_pk, pats[pb].route_pk), total,
                          ((pa, board_i, alight_i), (pb, j, fin[1]), round(walk)))

    stops = {}
    ranked = sorted(candidates.values(), key=lambda c: c[0])[:limit]
    needed = {pats[leg[0]].stops[k] for _total, detail in ranked for leg in detail if isinstance(leg, tuple)
              for k in leg[1:]}
    if needed:
        stops = {s.id: s for s in db.session.scalars(sa.select(BusStop).where(BusStop.id.in_(needed)))}
    route_ids = {pats[leg[0]].route_pk for _total, detail in ranked for leg in detail if isinstance(leg, tuple)}
    routes = {r.id: r for r in db.session.scalars(
        sa.select(BusRoute).where(BusRoute.id.in_(sorted(route_ids) or [0])))}
    journeys = []
    for total, detail in ranked:
        legs_detail = [d for d in detail if isinstance(d, tuple)]
        walk_transfer = detail[2] if len(detail) == 3 else 0
        legs = []
        for pi, i, j in legs_detail:
            p = pats[pi]
            legs.append(Leg(routes[p.route_pk], stops[p.stops[i]], stops[p.stops[j]],
                            round((p.offsets[j] - p.offsets[i]) / 60),
                            round(p.headway_s / 2 / 60)))
        journeys.append(Journey(legs, round(origin[legs[0].board.id]), walk_transfer,
                                round(target[legs[-1].alight.id]), total))
    return journeys
