"""The OpenAPI 3.0 description of the GeoReport v2 endpoints served under ``/open311``.

It promises only what the views enforce: every declared constraint is checked (a violation is
a 400), and every response, errors included, has the shape described here.
"""

from __future__ import annotations

from app.open311.services import PAGE_MAX, PAGE_SIZE_MAX
from app.places.geo import MARGIN_METRES, hanoi_bounds
from app.places.services import FAR_FROM_CENTRE_METRES, PARTIAL_CENTRES_METRES, hanoi_wards
from app.reports.forms import ADDRESS_MAX, DESCRIPTION_MAX, DESCRIPTION_MIN

CODE_PATTERN = r"^[A-Za-z0-9_-]+$"


def _nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}


STRING = {"type": "string"}
# An optional parameter sent empty (or blank) counts as not sent.
BLANK = {"type": "string", "pattern": r"^[ \t\n]*$"}


def _or_blank(schema: dict) -> dict:
    return {"anyOf": [schema, BLANK]}


# Query parameters with control characters (other than tab and newline) are refused.
QUERY_TEXT = {"type": "string", "pattern": r"^[^\u0000-\u0008\u000b-\u001f\u007f-\u009f]*$"}
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
        "type": "object", "additionalProperties": False, "required": ["service_request_id", "service_notice"],
        "description": "GeoReport v2 answers either the id or a token for it; requests are created at "
                       "once here, so the answer is always the id and never a token.",
        "properties": {
            "service_request_id": STRING,
            "service_notice": {**STRING, "description": "Who handles the request and by when, in the "
                                                        "request's language."},
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
        405: "Method not allowed: the Allow header lists the methods that are.",
        429: "Too many requests: retry after the Retry-After header's seconds.",
    }
    return {"200": ok, **{str(code): _error(described[code]) for code in (*codes, 405)}}


FORMAT = {"name": "format", "in": "path", "required": True,
          "schema": {"type": "string", "enum": ["json", "xml"]}}
LOCALE = {"name": "locale", "in": "query", "required": False, "schema": QUERY_TEXT,
          "description": "`vi` or `en` (a region such as `en-US` is ignored) for names and notices; "
                         "without it, the Accept-Language header decides, and Vietnamese by default."}
JURISDICTION = {"name": "jurisdiction_id", "in": "query", "required": False, "schema": QUERY_TEXT,
                "description": "Accepted and ignored: this server has one jurisdiction, Hanoi."}


def _path_param(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "string", "pattern": CODE_PATTERN, "minLength": 1, "maxLength": 64}}


def _get(operation_id: str, summary: str, ok: dict, *params: dict, errors: tuple[int, ...] = (400, 404, 429),
         links: dict | None = None) -> dict:
    responses = _responses(ok, *errors)
    if links:
        responses["200"] = {**responses["200"], "links": links}
    return {"get": {"operationId": operation_id, "summary": summary, "security": [],
                    "parameters": [FORMAT, *params, JURISDICTION], "responses": responses}}


def _link(operation_id: str, description: str, **parameters: str) -> dict:
    return {"operationId": operation_id, "description": description, "parameters": parameters}


# Ward codes as the API takes them: the official number or the codename.
WARD_CODES = [str(int(w.code)) for w in hanoi_wards()] + [w.codename for w in hanoi_wards()]


SOUTH, NORTH, WEST, EAST = hanoi_bounds()

NEW_REQUEST = {
    "type": "object",
    "required": ["service_code", "description"],
    "properties": {
        "api_key": {**STRING, "description": "May be sent here instead of in the query."},
        "service_code": {**STRING, "minLength": 1},
        "lat": {"type": "number", "minimum": SOUTH, "maximum": NORTH,
                "description": "WGS-84 latitude. Give lat and long together; the point must be inside "
                               f"Hanoi's boundary (with a {MARGIN_METRES:.0f} m margin), not only in this box."},
        "long": {"type": "number", "minimum": WEST, "maximum": EAST, "description": "WGS-84 longitude."},
        "address_string": {"type": "string", "maxLength": ADDRESS_MAX},
        "address_id": {"type": "string", "enum": WARD_CODES,
                       "description": "The ward (phường/xã): its official code or codename, among "
                                      "the active wards. Without it, the ward is the one whose "
                                      "centre is nearest to lat/long: within "
                                      f"{FAR_FROM_CENTRE_METRES / 1000:.0f} km once every ward has a "
                                      f"centre, within {PARTIAL_CENTRES_METRES} m while some have none; "
                                      "when that does not "
                                      "tell either (no position, or no ward centre near it), the "
                                      "request goes to the city's triage, where an official "
                                      "chooses the ward."},
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
    "description": "A location is required: lat and long, address_string or address_id. Answers to "
                   "the service's attributes go in `attribute[code]` fields, and `attribute[code][]` "
                   "repeated for a multivaluelist. Every field is taken in Unicode NFC, trimmed, with "
                   "control characters other than tab and newline removed (a NUL is refused), and "
                   "the limits apply to the result; a field left empty counts as not sent.",
}


SHOW_REQUEST = _link("showRequest", "The request just listed or created.",
                     service_request_id="$response.body#/0/service_request_id", format="json")


def document(server: str) -> dict:
    """The OpenAPI document; ``server`` is the URL path of ``/open311``."""
    requests_get = {
        "operationId": "listRequests",
        "summary": "Service requests", "security": [],
        "description": "Public requests, newest first, one page at a time. Without dates, the last 90 "
                       "days; end_date must not be before start_date, and the two may not span more "
                       "than 90 days (400 otherwise). Hidden reports never appear. Parameters are "
                       "trimmed, a parameter left empty counts as not sent, and one with control "
                       "characters is refused.",
        "parameters": [
            FORMAT, LOCALE, JURISDICTION,
            {"name": "service_request_id", "in": "query", "schema": QUERY_TEXT,
             "description": "Comma-separated ids; overrides all other filters."},
            {"name": "service_code", "in": "query", "schema": QUERY_TEXT,
             "description": "Comma-separated codes; an unknown code is a 404."},
            {"name": "start_date", "in": "query", "schema": _or_blank(DATETIME),
             "description": "ISO 8601; without an offset, Hanoi time."},
            {"name": "end_date", "in": "query", "schema": _or_blank(DATETIME),
             "description": "ISO 8601, not before start_date and at most 90 days after it."},
            {"name": "status", "in": "query",
             "schema": {"type": "string",
                        "pattern": r"^[ \t\n]*((open|closed)([ \t\n]*,[ \t\n]*(open|closed))*)?[ \t\n]*$"},
             "description": "open, closed, or both comma-separated."},
            {"name": "page", "in": "query",
             "schema": _or_blank({"type": "integer", "minimum": 1, "maximum": PAGE_MAX, "default": 1}),
             "description": "Which page, from 1."},
            {"name": "page_size", "in": "query",
             "schema": _or_blank({"type": "integer", "minimum": 1, "maximum": PAGE_SIZE_MAX,
                                  "default": PAGE_SIZE_MAX}),
             "description": f"Requests per page, at most {PAGE_SIZE_MAX}."},
        ],
        "responses": _responses({**_ok("Matching requests.", _list("Request")),
                                 "links": {"ShowRequest": SHOW_REQUEST}}, 400, 404, 429),
    }
    requests_post = {
        "operationId": "createRequest",
        "summary": "Create a service request",
        "description": "Files a report through the same workflow as the web form, routed to the "
                       "ward or agency in charge with its deadline. An unknown service_code is a 404.",
        "security": [{"api_key": []}],
        "parameters": [FORMAT, JURISDICTION],
        "requestBody": {"required": True, "content": {
            "application/x-www-form-urlencoded": {"schema": NEW_REQUEST},
            "multipart/form-data": {"schema": NEW_REQUEST},
        }},
        "responses": _responses({**_ok("The request created (or found again by its submission_id).",
                                       _list("RequestCreated")),
                                 "links": {"ShowRequest": SHOW_REQUEST}}, 400, 403, 404, 429),
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Công dân Thủ đô số — Open311 GeoReport v2",
            "version": "2.0",
            "description": "Field reports of Hanoi through the GeoReport v2 API "
                           "(http://wiki.open311.org/GeoReport_v2). Every endpoint answers in JSON "
                           "or XML by its extension, errors included. Dates are ISO 8601 in Hanoi "
                           "time (+07:00). Reads are limited per address, writes per API key. For "
                           "existing clients, /v2/discovery.{format} and /v2/service/{code}.{format} "
                           "answer as /discovery.{format} and /v2/services/{code}.{format}.",
        },
        "servers": [{"url": server}],
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"api_key": {"type": "apiKey", "in": "query", "name": "api_key"}},
        },
        "paths": {
            "/discovery.{format}": _get("discovery", "Discovery",
                                        _ok("Endpoints.", {"$ref": "#/components/schemas/Discovery"})),
            "/v2/services.{format}": _get(
                "listServices", "Services (report categories)", _ok("Services.", _list("Service")), LOCALE,
                links={"ShowService": _link("showService", "The first service's definition.",
                                            service_code="$response.body#/0/service_code", format="json")}),
            "/v2/services/{service_code}.{format}": _get(
                "showService", "Service definition (extra questions as attributes)",
                _ok("Definition.", {"$ref": "#/components/schemas/ServiceDefinition"}),
                _path_param("service_code", "The service code."), LOCALE),
            "/v2/requests.{format}": {"get": requests_get, "post": requests_post},
            "/v2/requests/{service_request_id}.{format}": _get(
                "showRequest", "One service request", _ok("A list of one request.", _list("Request")),
                _path_param("service_request_id", "The request id."), LOCALE),
            "/v2/tokens/{token}.{format}": _get(
                "showToken", "The request id for a token", _ok("A list of one.", _list("TokenResponse")),
                _path_param("token", "A token of a request.")),
        },
    }
