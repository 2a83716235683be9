"""Hanoi's boundary: points in the city pass, points outside it (even inside the box around
it) do not, and a point within the simplification margin of the line is let in."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from app.places import geo

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "places" / "hanoi-boundary.geojson"


def _northmost() -> tuple[float, float]:
    collection = json.loads(geo.BOUNDARY_FILE.read_text())
    points = [p for f in collection["features"] for poly in f["geometry"]["coordinates"]
              for ring in poly for p in ring]
    lon, lat = max(points, key=lambda p: p[1])
    return lat, lon


def _north_of(lat: float, lon: float, metres: float) -> tuple[float, float]:
    return lat + metres / 111_195.0, lon


@pytest.mark.parametrize(("lat", "lon"), [
    (21.0287, 105.8524),   # Hoàn Kiếm lake
    (21.2187, 105.8047),   # Nội Bài airport, Sóc Sơn
    (21.1400, 105.5050),   # Sơn Tây
    (20.7150, 105.8950),   # Phú Xuyên
])
def test_points_in_hanoi(lat, lon):
    assert geo.in_hanoi(lat, lon)


@pytest.mark.parametrize(("lat", "lon"), [
    (21.1861, 106.0763),   # Bắc Ninh, inside the old bounding box
    (20.8500, 105.3500),   # Lương Sơn, Hòa Bình
    (20.4300, 106.1700),   # Nam Định
    (10.7769, 106.7009),   # Hồ Chí Minh City
    (105.8524, 21.0287),   # swapped
    (0.0, 0.0),
    (math.nan, 105.85),
    (21.03, math.inf),
])
def test_points_outside_hanoi(lat, lon):
    assert not geo.in_hanoi(lat, lon)


def test_the_margin_along_the_line():
    lat, lon = _northmost()
    assert geo.in_hanoi(*_north_of(lat, lon, 100))
    assert geo.in_hanoi(*_north_of(lat, lon, 190))
    assert not geo.in_hanoi(*_north_of(lat, lon, 400))


def test_bounds_cover_the_accepted_area():
    south, north, west, east = geo.hanoi_bounds()
    lat, lon = _northmost()
    assert south < 20.6 < 21.0287 < lat < _north_of(lat, lon, 190)[0] < north < 21.5
    assert west < 105.3 < 105.8524 < 106.0 < east < 106.1


def test_distance():
    assert geo.distance_m(21.0287, 105.8524, 21.0287, 105.8524) == 0
    # One minute of latitude is a nautical mile, give or take the Earth's flattening.
    assert geo.distance_m(21.0, 105.85, 21.0 + 1 / 60, 105.85) == pytest.approx(1853, rel=0.01)


@pytest.mark.skipif(not SHARED.exists(), reason="the shared reference data is not beside the repository")
def test_the_shipped_boundary_is_the_reference():
    assert json.loads(geo.BOUNDARY_FILE.read_text()) == json.loads(SHARED.read_text())
