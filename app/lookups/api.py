"""A small JSON API for parking operators: report the free spaces of their lots.

``POST /lookups/api/parking/<lot id>/availability`` with ``Authorization: Bearer <token>`` and
``{"free_spaces": 12}``. The token is the operator's (stored as its SHA-256); an operator may
update only its own lots.

Every answer of the API is JSON, errors included: an unknown or out-of-range lot id, a path that
matches nothing under ``/lookups/api/``, a wrong method, the rate limit and an unexpected failure
all answer ``{"error": code}`` (the API is a blueprint nested in the lookups, with its own error
handlers, so the site's HTML error pages never answer here).
"""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed
from werkzeug.routing import RequestRedirect

from app.core.ids import to_id
from app.core.ratelimit import limiter
from app.extensions import csrf, db
from app.lookups import bp, parking
from app.lookups.models import ParkingLot

log = logging.getLogger(__name__)

api_bp = Blueprint("api", __name__, url_prefix="/api")
PREFIX = "/lookups/api/"
CODES = {400: "bad_request", 401: "invalid_token", 404: "not_found", 405: "method_not_allowed",
         413: "too_large", 415: "unsupported_media_type", 429: "rate_limited"}


def _error(status: int, code: str):
    response = jsonify(error=code)
    response.status_code = status
    return response


@api_bp.errorhandler(HTTPException)
def _http_error(e: HTTPException):
    status = e.code or 500
    response = _error(status, CODES.get(status, "internal_error" if status >= 500 else "error"))
    if isinstance(e, MethodNotAllowed) and e.valid_methods:
        response.headers["Allow"] = ", ".join(sorted(e.valid_methods))
    return response


@api_bp.errorhandler(Exception)
def _unexpected(e: Exception):
    if isinstance(e, HTTPException):
        return _http_error(e)
    log.exception("Unhandled error on %s %s", request.method, request.path)
    return _http_error(InternalServerError())


@bp.before_app_request
def _routing_errors_as_json():
    """A path under the API that matches no rule (or a wrong method) fails before any view of
    the API runs, so its error handlers never see it: answer JSON here."""
    error = request.routing_exception
    if error is None or isinstance(error, RequestRedirect) or not request.path.startswith(PREFIX):
        return None
    if isinstance(error, HTTPException):
        return _http_error(error)
    return _error(404, "not_found")


@api_bp.post("/parking/<lot_text>/availability")
@csrf.exempt
@limiter.limit("120/minute")
def api_availability(lot_text: str):
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.startswith("Bearer ") else None
    operator = parking.operator_for_token(token)
    if operator is None:
        response = _error(401, "invalid_token")
        response.headers["WWW-Authenticate"] = 'Bearer realm="parking"'
        return response
    lot_id = to_id(lot_text)
    lot = db.session.get(ParkingLot, lot_id) if lot_id is not None else None
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


bp.register_blueprint(api_bp)
