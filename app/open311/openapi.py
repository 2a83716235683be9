"""The OpenAPI 3.0 description of the GeoReport v2 endpoints served under ``/open311``.

It promises only what the views enforce: every declared constraint is checked (a violation is
a 400), and every response, errors included, has the shape described here.
"""

from __future__ import annotations

from app.places.geo import hanoi_bounds
from app.reports.forms import ADDRESS_MAX, DESCRIPTION_MAX, DESCRIPTION_MIN

CODE_PATTERN = r"^[A-Za-z0-9_-]+$"


def _nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}


STRING = {"type": "string"}
DATETIME = {"type": "string", "format": "date-time"}

SCHEMAS = {
    "Error": {
        "type": "object", "additionalProperties": False, "required": ["code", "description"],
        "properties": {"code": {"type": "integer"}, "description": STRING},
    },
    "Errors": {"type": "array", "items": {"$ref": "#/components/schemas/Error"}},
    "Discovery": {
        "type": "object", "additionalProperties": False,
        "required": ["changeset", "contact", "key_service", "endpoints"],
        "properties": {
            "changeset": DATETIME, "contact": STRING, "key_service": STRING,
            "endpoints": {"type": "array", "items": {
                "type": "object", "additionalProperties": False,
                "required": ["specification", "url", "changeset", "type", "formats"],
                "properties": {
                    "specification": STRING, "url": {"type": "string", "format": "uri"},
                    "changeset": DATETIME, "type": {"type": "string", "enum": ["production", "test"]},
                    "formats": {"type": "array", "items": STRING},
                },
            }},
        },
    },
    "Service": {
        "type": "object", "additionalProperties": False,
        "required": ["service_code", "service_name", "metadata", "type"],
        "properties": {
            "service_code": STRING,
            "service_name": STRING,
            "description": _nullable(STRING),
            "metadata": {"type": "boolean", "description": "True when the service has attributes."},
            "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
            "keywords": _nullable(STRING),
            "group": _nullable(STRING),
        },
    },
    "ServiceDefinition": {
        "type": "object", "additionalProperties": False, "required": ["service_code", "attributes"],
        "properties": {
            "service_code": STRING,
            "attributes": {"type": "array", "items": {"$ref": "#/components/schemas/Attribute"}},
        },
    },
    "Attribute": {
        "type": "object", "additionalProperties": False, "required": ["variable", "code", "datatype", "required"],
        "properties": {
            "variable": {"type": "boolean"},
            "code": STRING,
            "datatype": {"type": "string", "enum": ["string", "number", "datetime", "text",
                                                    "singlevaluelist", "multivaluelist"]},
            "required": {"type": "boolean"},
            "datatype_description": _nullable(STRING),
            "order": _nullable({"type": "integer"}),
            "description": _nullable(STRING),
            "values": {"type": "array", "items": {
                "type": "object", "additionalProperties": False, "required": ["key", "name"],
                "properties": {"key": STRING, "name": STRING},
            }},
        },
    },
    "Request": {
        "type": "object", "additionalProperties": False,
        "required": ["service_request_id", "status", "service_code", "requested_datetime"],
        "properties": {
            "service_request_id": STRING,
            "status": {"type": "string", "enum": ["open", "closed"],
                       "description": "open: awaiting acceptance or in progress; closed: resolved, "
                                      "rejected or closed."},
            "status_notes": _nullable({**STRING, "description": "The answer, or why it was rejected."}),
            "service_name": _nullable(STRING),
            "service_code": STRING,
            "description": _nullable({"type": "string", "maxLength": 4000}),
            "agency_responsible": _nullable({**STRING, "description": "The ward or agency in charge."}),
            "service_notice": _nullable(STRING),
            "requested_datetime": DATETIME,
            "updated_datetime": _nullable(DATETIME),
            "expected_datetime": _nullable({**DATETIME, "description": "The deadline of the current step."}),
            "address": _nullable(STRING),
            "address_id": _nullable({**STRING, "description": "The ward code."}),
            "zipcode": _nullable(STRING),
            "lat": _nullable({"type": "number"}),
            "long": _nullable({"type": "number"}),
            "media_url": _nullable({"type": "string", "format": "uri"}),
        },
    },
    "RequestCreated": {
        "type": "object", "additionalProperties": False, "required": ["service_request_id", "token"],
        "properties": {
            "service_request_id": STRING,
            "token": {**STRING, "description": "Resolves to the request at /v2/tokens/{token}."},
            "service_notice": _nullable(STRING),
            "account_id": _nullable(STRING),
        },
    },
    "TokenResponse": {
        "type": "object", "additionalProperties": False, "required": ["service_request_id", "token"],
        "properties": {"service_request_id": STRING, "token": STRING},
    },
}


def _list(name: str) -> dict:
    return {"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}}


def _ok(description: str, schema: dict) -> dict:
    return {"description": description, "content": {
        "application/json": {"schema": schema},
        "text/xml": {"schema": {"type": "string"}},
    }}


def _error(description: str) -> dict:
    return _ok(description, {"$ref": "#/components/schemas/Errors"})


def _responses(ok: dict, *codes: int) -> dict:
    described = {
        400: "Invalid input: the error body says which.",
        403: "api_key missing, unknown or revoked.",
        404: "Unknown service, request, token or format.",
        429: "Too many requests: retry after the Retry-After header's seconds.",
    }
    return {"200": ok, **{str(code): _error(described[code]) for code in codes}}


FORMAT = {"name": "format", "in": "path", "required": True,
          "schema": {"type": "string", "enum": ["json", "xml"]}}
LOCALE = {"name": "locale", "in": "query", "required": False, "schema": STRING,
          "description": "`en` for English names; Vietnamese otherwise."}


def _path_param(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "string", "pattern": CODE_PATTERN, "minLength": 1, "maxLength": 64}}


def _get(summary: str, ok: dict, *params: dict, errors: tuple[int, ...] = (404, 429)) -> dict:
    return {"get": {"summary": summary, "security": [], "parameters": [FORMAT, *params],
                    "responses": _responses(ok, *errors)}}


SOUTH, NORTH, WEST, EAST = hanoi_bounds()

NEW_REQUEST = {
    "type": "object",
    "required": ["service_code", "address_id", "description"],
    "properties": {
        "api_key": {**STRING, "description": "May be sent here instead of in the query."},
        "service_code": {**STRING, "minLength": 1},
        "lat": {"type": "number", "minimum": SOUTH, "maximum": NORTH,
                "description": "WGS-84 latitude; in Hanoi. Give lat and long together."},
        "long": {"type": "number", "minimum": WEST, "maximum": EAST, "description": "WGS-84 longitude; in Hanoi."},
        "address_string": {"type": "string", "maxLength": ADDRESS_MAX},
        "address_id": {"type": "string", "minLength": 1, "maxLength": 120,
                       "description": "The ward (phường/xã) code or codename: reports are routed to "
                                      "the ward, so it is required."},
        "description": {"type": "string", "minLength": DESCRIPTION_MIN, "maxLength": DESCRIPTION_MAX},
        "media_url": {"type": "array", "maxItems": 5, "items": {
            "type": "string", "format": "uri", "pattern": r"^https?://[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]+$",
            "maxLength": 500}, "description": "Links to photos; repeat the field for several. "
                                              "They are kept as links, never downloaded."},
        "submission_id": {"type": "string", "maxLength": 200,
                          "description": "An idempotency key: a retry with the same value returns "
                                         "the request already created."},
        "email": {**STRING, "description": "Accepted and not stored."},
        "first_name": {**STRING, "description": "Accepted and not stored."},
        "last_name": {**STRING, "description": "Accepted and not stored."},
        "phone": {**STRING, "description": "Accepted and not stored."},
        "device_id": {**STRING, "description": "Accepted and not stored."},
        "account_id": {**STRING, "description": "Accepted and not stored."},
    },
    "description": "Answers to the service's attributes go in `attribute[code]` fields, and "
                   "`attribute[code][]` repeated for a multivaluelist.",
}


def document(server: str) -> dict:
    """The OpenAPI document; ``server`` is the URL path of ``/open311``."""
    requests_get = {
        "summary": "Service requests", "security": [],
        "description": "Public requests, newest first, at most 1000. Without dates, the last 90 days; "
                       "a date range may not span more than 90 days. Hidden reports never appear.",
        "parameters": [
            FORMAT, LOCALE,
            {"name": "service_request_id", "in": "query", "schema": STRING,
             "description": "Comma-separated ids; overrides all other filters."},
            {"name": "service_code", "in": "query", "schema": STRING, "description": "Comma-separated codes."},
            {"name": "start_date", "in": "query", "schema": DATETIME,
             "description": "ISO 8601; without an offset, Hanoi time."},
            {"name": "end_date", "in": "query", "schema": DATETIME},
            {"name": "status", "in": "query",
             "schema": {"type": "string", "pattern": r"^((open|closed)(,(open|closed))*)?$"},
             "description": "open, closed, or both comma-separated."},
        ],
        "responses": _responses(_ok("Matching requests.", _list("Request")), 400, 404, 429),
    }
    requests_post = {
        "summary": "Create a service request",
        "description": "Files a report through the same workflow as the web form, routed to the "
                       "ward or agency in charge with its deadline.",
        "security": [{"api_key": []}],
        "parameters": [FORMAT],
        "requestBody": {"required": True, "content": {
            "application/x-www-form-urlencoded": {"schema": NEW_REQUEST},
            "multipart/form-data": {"schema": NEW_REQUEST},
        }},
        "responses": _responses(_ok("The request created (or found again by its submission_id).",
                                    _list("RequestCreated")), 400, 403, 404, 429),
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Công dân Thủ đô số — Open311 GeoReport v2",
            "version": "2.0",
            "description": "Field reports of Hanoi through the GeoReport v2 API "
                           "(http://wiki.open311.org/GeoReport_v2). Every endpoint answers in JSON "
                           "or XML by its extension. Dates are ISO 8601 in Hanoi time (+07:00). "
                           "Reads are limited per address, writes per API key.",
        },
        "servers": [{"url": server}],
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"api_key": {"type": "apiKey", "in": "query", "name": "api_key"}},
        },
        "paths": {
            "/discovery.{format}": _get("Discovery", _ok("Endpoints.", {"$ref": "#/components/schemas/Discovery"})),
            "/v2/services.{format}": _get("Services (report categories)", _ok("Services.", _list("Service")),
                                          LOCALE),
            "/v2/services/{service_code}.{format}": _get(
                "Service definition (extra questions as attributes)",
                _ok("Definition.", {"$ref": "#/components/schemas/ServiceDefinition"}),
                _path_param("service_code", "The service code."), LOCALE),
            "/v2/requests.{format}": {"get": requests_get, "post": requests_post},
            "/v2/requests/{service_request_id}.{format}": _get(
                "One service request", _ok("A list of one request.", _list("Request")),
                _path_param("service_request_id", "The request id."), LOCALE),
            "/v2/tokens/{token}.{format}": _get(
                "The request id for a token", _ok("A list of one.", _list("TokenResponse")),
                _path_param("token", "The token returned when the request was created.")),
        },
    }
