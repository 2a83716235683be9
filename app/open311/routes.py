"""GeoReport v2 views: parse the query or form, call a service, answer in JSON or XML.

Every answer under ``/open311``, errors of any kind included (an unknown path, a method not
allowed, an unexpected failure), is the spec's body in the format the path's extension asks
for, never an HTML page.
"""

from __future__ import annotations

import logging

from flask import Response, current_app, g, request, url_for
from flask_babel import force_locale
from flask_limiter.util import get_remote_address
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed
from werkzeug.routing import RequestRedirect

from app.extensions import limiter
from app.open311 import bp, openapi, serializers, services
from app.open311.services import ApiError

log = logging.getLogger(__name__)

FORMATS = {"json": "application/json", "xml": "text/xml"}
READ_LIMIT = "120/minute"
WRITE_LIMIT = "60/minute"
CHANGESET = "2026-11-29T00:00:00+07:00"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# Retry-After means something only on these (RFC 9110 §10.2.3; 3xx do not occur here).
RETRY_STATUSES = frozenset({429, 503})


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


def _in_api(path: str) -> bool:
    prefix = bp.url_prefix or ""
    return path == prefix or path.startswith(prefix + "/")


def _format() -> str:
    fmt = (request.view_args or {}).get("fmt")
    if fmt is None:
        fmt = request.path.rsplit(".", 1)[-1]
    return "xml" if fmt == "xml" else "json"


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ApiError(404, f"format {fmt!r} is not supported: use json or xml")


def _params() -> MultiDict:
    return g.get("open311_params") or MultiDict()


def _locale() -> str:
    """The ``locale`` parameter, else the Accept-Language header, else Vietnamese."""
    languages = current_app.config["LANGUAGES"]
    asked = _params().get("locale", "").replace("_", "-").split("-")[0].lower()
    if asked in languages:
        return asked
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def _respond(root: str, value, status: int = 200) -> Response:
    if _format() == "xml":
        return Response(serializers.to_xml(root, value), status, mimetype=FORMATS["xml"])
    response = current_app.json.response(value)
    response.status_code = status
    return response


def _error_response(code: int, description: str) -> Response:
    return _respond("errors", [serializers.error(code, description)], code)


@bp.errorhandler(ApiError)
def _api_error(e: ApiError):
    return _error_response(e.code, e.description)


@bp.errorhandler(HTTPException)
def _http_error(e: HTTPException):
    code = e.code or 500
    description = e.description or e.name
    if code == 429:
        description = f"rate limit exceeded: {description}"
    elif code == 405:
        description = "method not allowed: " + ", ".join(sorted(getattr(e, "valid_methods", None) or ()))
    elif code >= 500:
        description = "internal error: the request could not be completed"
    response = _error_response(code, description)
    if isinstance(e, MethodNotAllowed) and e.valid_methods:
        response.headers["Allow"] = ", ".join(sorted(e.valid_methods))
    return response


@bp.errorhandler(Exception)
def _unexpected(e: Exception):
    log.exception("Unhandled error on %s %s", request.method, request.path)
    return _http_error(InternalServerError())


@bp.before_app_request
def _routing_errors_in_the_api_format():
    """A path under /open311 that matches no rule, or a method it does not allow, fails before
    any view of this blueprint runs, so the blueprint's error handlers never see it."""
    error = request.routing_exception
    if error is None or isinstance(error, RequestRedirect) or not _in_api(request.path):
        return None
    if isinstance(error, MethodNotAllowed):
        return _http_error(error)
    return _error_response(404, "no such endpoint; see /open311/discovery.json")


@bp.before_request
def _clean_params():
    """One normalisation of every parameter, in the query and the form: empty ones are absent."""
    if request.method == "POST":
        g.open311_params = services.clean_params(CombinedMultiDict([request.form, request.args]), text=True)
    else:
        g.open311_params = services.clean_params(request.args)


@bp.after_request
def _vary(response: Response) -> Response:
    response.vary.add("Accept-Language")
    return response


def _drop_stray_retry_after(response: Response) -> Response:
    if _in_api(request.path) and response.status_code not in RETRY_STATUSES:
        response.headers.pop("Retry-After", None)
    return response


@bp.record_once
def _register_last_response_hook(state) -> None:
    # The rate limiter adds Retry-After to every limited response in an app-level hook that
    # runs after the blueprint's; hooks run in reverse order, so this one goes first in the list.
    state.app.after_request_funcs.setdefault(None, []).insert(0, _drop_stray_retry_after)


@bp.get("/v2/discovery.<fmt>")  # where ``three`` looks for it: next to the endpoint
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
    with force_locale(locale := _locale()):
        return _respond("services", [serializers.service(c, locale) for c in services.services()])


@bp.get("/v2/service/<code>.<fmt>")  # the path the ``open311`` client library asks
@bp.get("/v2/services/<code>.<fmt>")
@read_limit
def show_service(code: str, fmt: str):
    _check_format(fmt)
    with force_locale(locale := _locale()):
        return _respond("service_definition", serializers.service_definition(services.service(code), locale))


@bp.get("/v2/requests.<fmt>")
@read_limit
def list_requests(fmt: str):
    _check_format(fmt)
    found = services.find_requests(services.parse_query(_params()))
    with force_locale(locale := _locale()):
        return _respond("service_requests", [serializers.request(r, locale) for r in found])


@bp.post("/v2/requests.<fmt>")
@write_limit
def create_request(fmt: str):
    _check_format(fmt)
    data = _params()
    key = services.authenticate(data.get("api_key"))
    report, _created = services.file_request(key, data)
    with force_locale(locale := _locale()):
        return _respond("service_requests", [serializers.created(report, locale)])


@bp.get("/v2/requests/<request_id>.<fmt>")
@read_limit
def show_request(request_id: str, fmt: str):
    _check_format(fmt)
    with force_locale(locale := _locale()):
        return _respond("service_requests", [serializers.request(services.find_request(request_id), locale)])


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
