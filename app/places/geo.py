"""Where a point is: inside Hanoi or not, and how far apart two points are.

Hanoi's outer boundary ships with the app (``data/hanoi-boundary.geojson``, see its README):
one MultiPolygon simplified to about 200 m, so a point that close to the line may fall on
either side of it and is let in. The geometry is read once, in a local projection in metres.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

BOUNDARY_FILE = Path(__file__).with_name("data") / "hanoi-boundary.geojson"
# The simplification tolerance of the boundary file: a citizen at the edge is not refused.
MARGIN_METRES = 200.0
EARTH_RADIUS_METRES = 6_371_008.8
# Centre of the local projection; over Hanoi's one degree of latitude the scale of an
# equirectangular projection around it is off by less than 1%, well inside the margin.
_ORIGIN_LAT, _ORIGIN_LON = 21.0, 105.7
_METRES_PER_DEGREE = math.pi * EARTH_RADIUS_METRES / 180
_X_SCALE = _METRES_PER_DEGREE * math.cos(math.radians(_ORIGIN_LAT))


def _project(lon: float, lat: float) -> tuple[float, float]:
    return (lon - _ORIGIN_LON) * _X_SCALE, (lat - _ORIGIN_LAT) * _METRES_PER_DEGREE


def _unproject(x: float, y: float) -> tuple[float, float]:
    return x / _X_SCALE + _ORIGIN_LON, y / _METRES_PER_DEGREE + _ORIGIN_LAT


@cache
def _hanoi() -> BaseGeometry:
    """The boundary grown by the margin, in metres, prepared for fast repeated tests."""
    collection = json.loads(BOUNDARY_FILE.read_text(encoding="utf-8"))
    geometries = [shape(feature["geometry"]) for feature in collection["features"]]
    area = shapely.transform(shapely.union_all(geometries),
                             lambda coords: [_project(lon, lat) for lon, lat in coords])
    grown = area.buffer(MARGIN_METRES)
    shapely.prepare(grown)
    return grown


def in_hanoi(lat: float, lon: float) -> bool:
    """True when (lat, lon) is inside Hanoi or within the margin of its boundary."""
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return False
    return _hanoi().contains(Point(_project(lon, lat)))


def hanoi_bounds() -> tuple[float, float, float, float]:
    """(south, north, west, east) of the area ``in_hanoi`` accepts, rounded outwards to 0.01°."""
    min_x, min_y, max_x, max_y = _hanoi().bounds
    west, south = _unproject(min_x, min_y)
    east, north = _unproject(max_x, max_y)
    return (math.floor(south * 100) / 100, math.ceil(north * 100) / 100,
            math.floor(west * 100) / 100, math.ceil(east * 100) / 100)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_METRES * math.asin(min(1.0, math.sqrt(a)))
