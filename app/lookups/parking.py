"""Parking lots: search near a point or by ward, and free spaces reported by operators (a console
form, or a small JSON API with a per-operator token stored as its SHA-256)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.audit import services as audit
from app.core.models import utcnow
from app.extensions import db
from app.lookups.models import ParkingLot, ParkingOperator
from app.places.geo import distance_m

STALE_AFTER = timedelta(minutes=30)
TOKEN_PREFIX = "pk_"  # noqa: S105 - a public prefix, not a secret


@dataclass
class Found:
    lot: ParkingLot
    distance_m: int | None
    stale: bool


def is_stale(lot: ParkingLot, now: datetime | None = None) -> bool:
    return lot.free_updated_at is None or (now or utcnow()) - lot.free_updated_at > STALE_AFTER


def search(*, lat: float | None = None, lon: float | None = None, ward_id: int | None = None,
           radius_m: float = 2000, vehicle: str | None = None) -> list[Found]:
    stmt = sa.select(ParkingLot)
    if ward_id is not None:
        stmt = stmt.where(ParkingLot.ward_id == ward_id)
    if lat is not None and lon is not None:
        dlat = radius_m / 111_320
        stmt = stmt.where(ParkingLot.lat.between(lat - dlat, lat + dlat),
                          ParkingLot.lon.between(lon - dlat * 1.1, lon + dlat * 1.1))
    lots = list(db.session.scalars(stmt.order_by(ParkingLot.name).limit(500)))
    if vehicle:
        lots = [lot for lot in lots if vehicle in lot.vehicle_types.split(",")]
    now = utcnow()
    found = []
    for lot in lots:
        distance = None
        if lat is not None and lon is not None:
            distance = round(distance_m(lat, lon, lot.lat, lot.lon))
            if distance > radius_m:
                continue
        found.append(Found(lot, distance, is_stale(lot, now)))
    found.sort(key=lambda f: (f.distance_m if f.distance_m is not None else 0, f.lot.name))
    return found[:100]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(operator: ParkingOperator) -> str:
    """A new API token for the operator (the old one stops working); shown once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    operator.token_hash = hash_token(token)
    audit.record("parking_operator.token_issued", operator)
    return token


def operator_for_token(token: str | None) -> ParkingOperator | None:
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    digest = hash_token(token)
    operator = db.session.scalar(sa.select(ParkingOperator).where(ParkingOperator.token_hash == digest))
    if operator is None or not hmac.compare_digest(operator.token_hash or "", digest):
        return None
    return operator


class AvailabilityError(ValueError):
    pass


def set_free_spaces(lot: ParkingLot, free: int, actor=None, operator: ParkingOperator | None = None) -> None:
    if not 0 <= free <= lot.capacity:
        raise AvailabilityError("out_of_range")
    lot.free_spaces = free
    lot.free_updated_at = utcnow()
    audit.record("parking_lot.availability", lot, actor=actor, free_spaces=free,
                 operator_id=operator.id if operator else None)
