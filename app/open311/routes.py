"""GeoReport v2 views: parse the query or form, call a service, answer in JSON or XML.

Errors of any kind under ``/open311`` answer with the spec's error body in the format asked
for, never with an HTML page.
"""

from __future__ import annotations

from flask import Response, current_app, request, url_for
from flask_limiter.util import get_remote_address
from werkzeug.datastructures import CombinedMultiDict
from werkzeug.exceptions import HTTPException

from app.extensions import limiter
from app.open311 import bp, openapi, serializers, services
from app.open311.services import ApiError

FORMATS = {"json": "application/json", "xml": "text/xml"}
READ_LIMIT = "120/minute"
WRITE_LIMIT = "60/minute"
CHANGESET = "2026-11-29T00:00:00+07:00"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"


def _read_limit() -> str:
    return current_app.config.get("OPEN311_READ_LIMIT", READ_LIMIT)


def _write_limit() -> str:
    return current_app.config.get("OPEN311_WRITE_LIMIT", WRITE_LIMIT)


def _api_key_bucket() -> str:
    """Writes are limited per API key (per address when none is given)."""
    raw = request.args.get("api_key") or request.form.get("api_key")
    if raw:
        return "open311-key:" + services.hash_key(raw)[:32]
    return "open311-ip:" + (get_remote_address() or "unknown")


read_limit = limiter.shared_limit(_read_limit, scope="open311-read")
write_limit = limiter.limit(_write_limit, key_func=_api_key_bucket)


def _format() -> str:
    fmt = (request.view_args or {}).get("fmt")
    if fmt is None:
        fmt = request.path.rsplit(".", 1)[-1]
    return "xml" if fmt == "xml" else "json"


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ApiError(404, f"format {fmt!r} is not supported: use json or xml")


def _locale() -> str:
    return "en" if request.args.get("locale") == "en" else "vi"


def _respond(root: str, value, status: int = 200) -> Response:
    if _format() == "xml":
        return Response(serializers.to_xml(root, value), status, mimetype=FORMATS["xml"])
    response = current_app.json.response(value)
    response.status_code = status
    return response


@bp.errorhandler(ApiError)
def _api_error(e: ApiError):
    return _respond("errors", [serializers.error(e.code, e.description)], e.code)


@bp.errorhandler(HTTPException)
def _http_error(e: HTTPException):
    description = e.description or e.name
    if e.code == 429:
        description = f"rate limit exceeded: {description}"
    return _respond("errors", [serializers.error(e.code or 500, description)], e.code or 500)


@bp.get("/<path:unknown>")
def not_found(unknown: str):
    raise ApiError(404, "no such endpoint; see /open311/discovery.json")


@bp.get("/discovery.<fmt>")
@read_limit
def discovery(fmt: str):
    _check_format(fmt)
    base = url_for("open311.list_services", fmt="json", _external=True).rsplit("/", 1)[0] + "/"
    return _respond("discovery", {
        "changeset": CHANGESET,
        "contact": current_app.config.get("OPEN311_CONTACT", "City administration, Hanoi"),
        "key_service": url_for("open311.openapi_description", _external=True)
        + " — API keys are issued by the city administration",
        "endpoints": [{"specification": SPECIFICATION, "url": base, "changeset": CHANGESET,
                       "type": "production", "formats": list(FORMATS.values())}],
    })


@bp.get("/v2/services.<fmt>")
@read_limit
def list_services(fmt: str):
    _check_format(fmt)
    locale = _locale()
    return _respond("services", [serializers.service(c, locale) for c in services.services()])


@bp.get("/v2/services/<code>.<fmt>")
@read_limit
def show_service(code: str, fmt: str):
    _check_format(fmt)
    return _respond("service_definition", serializers.service_definition(services.service(code), _locale()))


@bp.get("/v2/requests.<fmt>")
@read_limit
def list_requests(fmt: str):
    _check_format(fmt)
    locale = _locale()
    found = services.find_requests(services.parse_query(request.args))
    return _respond("service_requests", [serializers.request(r, locale) for r in found])


@bp.post("/v2/requests.<fmt>")
@write_limit
def create_request(fmt: str):
    _check_format(fmt)
    data = CombinedMultiDict([request.form, request.args])
    key = services.authenticate(data.get("api_key"))
    report, _created = services.file_request(key, data)
    return _respond("service_requests", [serializers.created(report, _locale())])


@bp.get("/v2/requests/<request_id>.<fmt>")
@read_limit
def show_request(request_id: str, fmt: str):
    _check_format(fmt)
    return _respond("service_requests", [serializers.request(services.find_request(request_id), _locale())])


@bp.get("/v2/tokens/<token>.<fmt>")
@read_limit
def show_token(token: str, fmt: str):
    _check_format(fmt)
    return _respond("service_requests", [serializers.token(services.find_token(token))])


@bp.get("/openapi.json")
@read_limit
def openapi_description():
    return current_app.json.response(openapi.document(url_for("open311.discovery", fmt="json")
                                                      .rsplit("/", 1)[0]))
