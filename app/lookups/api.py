"""A small JSON API for parking operators: report the free spaces of their lots.

``POST /lookups/api/parking/<lot id>/availability`` with ``Authorization: Bearer <token>`` and
``{"free_spaces": 12}``. The token is the operator's (stored as its SHA-256); an operator may
update only its own lots.
"""

from __future__ import annotations

from flask import jsonify, request

from app.core.ratelimit import limiter
from app.extensions import csrf, db
from app.lookups import bp, parking
from app.lookups.models import ParkingLot


def _error(status: int, code: str):
    response = jsonify(error=code)
    response.status_code = status
    return response


@bp.post("/api/parking/<int:lot_id>/availability")
@csrf.exempt
@limiter.limit("120/minute")
def api_availability(lot_id: int):
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.startswith("Bearer ") else None
    operator = parking.operator_for_token(token)
    if operator is None:
        response = _error(401, "invalid_token")
        response.headers["WWW-Authenticate"] = 'Bearer realm="parking"'
        return response
    lot = db.session.get(ParkingLot, lot_id)
    if lot is None or lot.operator_id != operator.id:
        return _error(404, "not_found")
    data = request.get_json(silent=True)
    free = data.get("free_spaces") if isinstance(data, dict) else None
    if not isinstance(free, int) or isinstance(free, bool):
        return _error(400, "free_spaces_required")
    try:
        parking.set_free_spaces(lot, free, operator=operator)
    except parking.AvailabilityError:
        return _error(422, "out_of_range")
    return jsonify(id=lot.id, free_spaces=lot.free_spaces, capacity=lot.capacity,
                   updated_at=lot.free_updated_at.isoformat())
