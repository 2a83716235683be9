"""Open311 GeoReport v2: API keys, the public request query and filing through the API.

Partner systems file reports with an API key; each key has its own service account, which
is the reporter of the reports it files, so they enter the same workflow as the citizens'.
Only the key's SHA-256 is stored: the key is 256 random bits, so a fast hash is enough and,
unlike a keyed HMAC, survives a rotation of ``DATA_KEY``.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.datastructures import MultiDict

from app.audit import services as audit
from app.auth import services as auth
from app.cases.models import OPEN_STATUSES as CASE_OPEN_STATUSES
from app.core import dates, questions
from app.core.ids import to_id
from app.core.models import utcnow
from app.core.text import normalize_text
from app.extensions import db
from app.open311.models import ApiKey
from app.places import services as places
from app.places.geo import in_hanoi
from app.places.models import Ward
from app.reports import services as reports
from app.reports.forms import ADDRESS_MAX, DESCRIPTION_MAX, DESCRIPTION_MIN
from app.reports.models import Category, Report, Status

KEY_PREFIX = "cdtd_"
PREFIX_LENGTH = 12
SOURCE = "open311"
TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_WINDOW = timedelta(days=90)
PAGE_SIZE_MAX = 1000
PAGE_MAX = 10_000
MAX_MEDIA_URLS = 5
MEDIA_URL_MAX = 500
SUBMISSION_ID_MAX = 200
# An absolute http(s) URI of ASCII characters only (RFC 3986).
_URL = re.compile(r"https?://[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]+")

# Open311 has two statuses: ours map onto them.
OPEN_STATUSES = tuple(sorted(CASE_OPEN_STATUSES))
CLOSED_STATUSES = tuple(sorted(set(Status) - CASE_OPEN_STATUSES))


class ApiError(Exception):
    """An error answered with the spec's error body: ``[{"code": ..., "description": ...}]``."""

    def __init__(self, code: int, description: str):
        super().__init__(description)
        self.code = code
        self.description = description


def bad_request(description: str) -> ApiError:
    return ApiError(400, description)


# What "trimmed" means here, and in the OpenAPI document's patterns.
BLANKS = " \t\n"


# Control characters (C0 and C1 but tab and newline, DEL), as the OpenAPI pattern of query
# parameters declares; invisible format characters are only dropped.
_CONTROL = re.compile("[\x01-\x08\x0b-\x1f\x7f-\x9f]")


def clean_params(params: MultiDict, *, text: bool = False) -> MultiDict:
    """Every name and value in NFC and trimmed; a value left empty is absent, as if not sent.

    ``text`` is for fields whose text is kept (a POST's form): control characters other than
    tab and newline are dropped from it. Query parameters are never stored, and ones with
    control characters are refused, like a NUL anywhere.
    """
    cleaned = MultiDict()
    for name, value in params.items(multi=True):
        if not isinstance(name, str) or not isinstance(value, str):
            continue  # a multipart part whose name could not be read
        try:
            clean_name, clean_value = normalize_text(name), normalize_text(value)
        except ValueError:
            raise bad_request(f"parameter {name[:40]!r} contains a NUL character") from None
        if not text and _CONTROL.search(name + value):
            raise bad_request(f"parameter {clean_name[:40]!r} contains control characters")
        clean_name, clean_value = clean_name.strip(BLANKS), clean_value.strip(BLANKS)
        if clean_value:
            cleaned.add(clean_name, clean_value)
    return cleaned


# --- API keys ------------------------------------------------------------------------------

def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_key(name: str, *, created_by) -> tuple[ApiKey, str]:
    """A new key and its service account; the raw key is returned once and never stored."""
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    account = auth.new_user(full_name=f"API: {name}")
    key = ApiKey(name=name, prefix=raw[:PREFIX_LENGTH], key_hash=hash_key(raw), user_id=account.id,
                 created_by_id=getattr(created_by, "id", None), created_at=utcnow())
    db.session.add(key)
    db.session.flush()
    audit.record("api_key.issued", key, actor=created_by, name=name, prefix=key.prefix,
                 service_account=account.id)
    return key, raw


def revoke_key(key: ApiKey, *, actor) -> bool:
    """Revoke a key at once; returns False if it already was."""
    if key.revoked_at is not None:
        return False
    key.revoked_at = utcnow()
    audit.record("api_key.revoked", key, actor=actor, name=key.name, prefix=key.prefix)
    return True


def all_keys() -> list[ApiKey]:
    return list(db.session.scalars(sa.select(ApiKey).order_by(ApiKey.revoked_at.is_not(None),
                                                              ApiKey.id.desc())))


def authenticate(raw: str | None) -> ApiKey:
    """The active key ``raw`` stands for; 403 for a missing, unknown or revoked key."""
    if not raw:
        raise ApiError(403, "api_key was not provided")
    key = db.session.scalar(sa.select(ApiKey).where(ApiKey.key_hash == hash_key(raw)))
    if key is None:
        raise ApiError(403, "api_key is invalid")
    if not key.active:
        raise ApiError(403, "api_key has been revoked")
    key.last_used_at = utcnow()
    return key


# --- services --------------------------------------------------------------------------------

def services() -> list[Category]:
    return reports.active_categories()


def service(code: str) -> Category:
    """An active service; 404 for any other code, wherever it is given."""
    category = db.session.scalar(sa.select(Category).where(Category.code == code, Category.active)
                                 .options(selectinload(Category.questions)))
    if category is None:
        raise ApiError(404, f"service_code {code!r} was not found")
    return category


def _check_known_codes(codes: list[str]) -> None:
    """Filters may name retired services (their requests are still public), not unknown ones."""
    known = set(db.session.scalars(sa.select(Category.code).where(Category.code.in_(codes))))
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ApiError(404, f"service_code {unknown[0]!r} was not found")


# --- reading requests ----------------------------------------------------------------------

def parse_datetime(value: str, name: str) -> datetime:
    """ISO 8601; a time without an offset is Hanoi time."""
    try:
        parsed = datetime.fromisoformat(value.strip().upper().replace("Z", "+00:00"))
    except ValueError:
        raise bad_request(f"{name} is not an ISO 8601 date and time") from None
    if not dates.in_range(parsed.date()):
        raise bad_request(f"{name} must be between {dates.EARLIEST.year} and {dates.LATEST.year}")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=TIMEZONE)
    return parsed.astimezone(UTC)


@dataclass
class RequestQuery:
    ids: list[int] | None = None
    service_codes: list[str] = field(default_factory=list)
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[Status, ...] = ()
    page: int = 1
    page_size: int = PAGE_SIZE_MAX


def _whole_number(args: MultiDict, name: str, default: int, maximum: int) -> int:
    text = args.get(name)
    if text is None:
        return default
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= maximum:
        raise bad_request(f"{name} must be a whole number from 1 to {maximum}")
    return int(text)


def parse_query(args: MultiDict, now: datetime | None = None) -> RequestQuery:
    """The spec's filters; ``service_request_id`` overrides all the others (which must still
    be valid)."""
    query = RequestQuery()
    ids_text = args.get("service_request_id", "")
    if ids_text:
        query.ids = [number for number in (to_id(p) for p in ids_text.split(",")) if number is not None]
    query.service_codes = list(dict.fromkeys(c.strip() for c in args.get("service_code", "").split(",")
                                             if c.strip()))
    if query.service_codes:
        _check_known_codes(query.service_codes)
    query.page = _whole_number(args, "page", 1, PAGE_MAX)
    query.page_size = _whole_number(args, "page_size", PAGE_SIZE_MAX, PAGE_SIZE_MAX)
    statuses: list[Status] = []
    status_text = args.get("status", "")
    for part in (p.strip(BLANKS) for p in status_text.split(",")) if status_text else ():
        if part == "open":
            statuses += OPEN_STATUSES
        elif part == "closed":
            statuses += CLOSED_STATUSES
        else:
            raise bad_request("status must be open or closed")
    query.statuses = tuple(dict.fromkeys(statuses))
    start = parse_datetime(args["start_date"], "start_date") if "start_date" in args else None
    end = parse_datetime(args["end_date"], "end_date") if "end_date" in args else None
    try:
        if start is None and end is None:
            end = now or utcnow()
        if start is None:
            start = end - DEFAULT_WINDOW
        elif end is None:
            end = start + DEFAULT_WINDOW
    except OverflowError:
        raise bad_request("start_date or end_date is out of range") from None
    if end < start:
        raise bad_request("end_date is before start_date")
    if end - start > DEFAULT_WINDOW:
        raise bad_request("start_date and end_date may not span more than 90 days")
    query.start, query.end = start, end
    return query


def _public():
    return (sa.select(Report).where(Report.hidden.is_(False))
            .options(joinedload(Report.category), joinedload(Report.ward), joinedload(Report.unit_ward),
                     joinedload(Report.unit_agency), selectinload(Report.photos)))


def find_requests(query: RequestQuery) -> list[Report]:
    """Public (not hidden) reports matching ``query``, newest first, one page of them."""
    stmt = _public()
    if query.ids is not None:
        if not query.ids:
            return []
        stmt = stmt.where(Report.id.in_(query.ids[:PAGE_MAX]))
    else:
        if query.service_codes:
            stmt = stmt.join(Report.category).where(Category.code.in_(query.service_codes))
        if query.statuses:
            stmt = stmt.where(Report.status.in_(query.statuses))
        stmt = stmt.where(Report.submitted_at >= query.start, Report.submitted_at <= query.end)
    stmt = (stmt.order_by(Report.submitted_at.desc(), Report.id.desc())
            .limit(query.page_size).offset((query.page - 1) * query.page_size))
    return list(db.session.scalars(stmt).unique())


def find_request(request_id: str) -> Report:
    report = None
    if (number := to_id(request_id)) is not None:
        report = db.session.scalar(_public().where(Report.id == number))
    if report is None:
        raise ApiError(404, f"service_request_id {request_id!r} was not found")
    return report


def find_token(token: str) -> Report:
    report = db.session.scalar(_public().where(Report.source == SOURCE, Report.submission_id == token))
    if report is None:
        raise ApiError(404, f"token {token!r} was not found")
    return report


# --- filing --------------------------------------------------------------------------------

def _coordinates(form: MultiDict) -> tuple[float | None, float | None]:
    lat_text, lon_text = form.get("lat", ""), form.get("long", "")
    if not lat_text and not lon_text:
        return None, None
    if not lat_text or not lon_text:
        raise bad_request("lat and long must be given together")
    try:
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        raise bad_request("lat and long must be numbers") from None
    if not in_hanoi(lat, lon):
        raise bad_request("lat/long must be in Hanoi: the point is outside the city's boundary")
    return lat, lon


def _ward(form: MultiDict, lat: float | None, lon: float | None) -> Ward | None:
    """The ward: from ``address_id`` (its official code or codename), else the ward whose
    centre is nearest to lat/long (within 3 km). None when neither tells: the request then
    goes to the city's triage, where an official chooses the ward."""
    value = form.get("address_id", "")
    if not value:
        if lat is None or lon is None:
            return None
        return places.ward_of_point(lat, lon)
    ward = None
    if value.isascii() and value.isdigit():
        ward = db.session.get(Ward, number) if (number := to_id(value)) is not None else None
    elif len(value) <= 120:
        ward = db.session.scalar(sa.select(Ward).where(Ward.codename == value))
    if ward is None or not ward.active:
        raise bad_request(f"address_id {value!r} is not a ward code of Hanoi")
    return ward


def _attribute_values(form: MultiDict) -> dict[str, list[str]]:
    """``attribute[code]=v`` and ``attribute[code][]=v`` (repeated), as real clients send them."""
    values: dict[str, list[str]] = {}
    for name in form:
        if not name.startswith("attribute["):
            continue
        code = name[len("attribute["):].removesuffix("[]")
        if not code.endswith("]") or "[" in code[:-1]:
            raise bad_request(f"malformed attribute field {name!r}")
        code = code[:-1]
        values.setdefault(code, []).extend(form.getlist(name))
    return values


def _answers(category: Category, form: MultiDict) -> dict:
    given = _attribute_values(form)
    known = {q.code for q in category.questions}
    unknown = sorted(set(given) - known)
    if unknown:
        raise bad_request(f"unknown attribute {unknown[0]!r} for service_code {category.code!r}")
    answers, problems = questions.validate(category.questions, given)
    for question in category.questions:
        problem = problems.get(question.code)
        if problem == "not_an_option" and question.kind == questions.QuestionKind.SINGLE:
            raise bad_request(f"attribute[{question.code}] must be one of its values")
        if problem is not None:
            raise bad_request(f"attribute[{question.code}] {OPEN311_PROBLEMS[problem]}")
    return answers


# The shared question checks (app.core.questions) in the words of an API error.
OPEN311_PROBLEMS = {
    "not_an_option": "must be among its values",
    "choose_at_least_one": "is required",
    "choose_one": "is required",
    "required": "is required",
    "one_value": "takes one value",
    "too_long": f"is longer than {questions.ANSWER_MAX} characters",
}


def _media_urls(form: MultiDict) -> list[str]:
    """Links to the partner's media, kept as given: the server never fetches remote URLs."""
    urls = form.getlist("media_url")
    if len(urls) > MAX_MEDIA_URLS:
        raise bad_request(f"at most {MAX_MEDIA_URLS} media_url")
    for url in urls:
        try:
            valid = len(url) <= MEDIA_URL_MAX and _URL.fullmatch(url) and urlsplit(url).hostname
        except ValueError:
            valid = False
        if not valid:
            raise bad_request("media_url must be an http or https URL")
    return list(dict.fromkeys(urls))


def _submission_id(key: ApiKey, form: MultiDict) -> str:
    """The client's idempotency key (scoped to the API key), or a fresh token."""
    given = form.get("submission_id", "")
    if not given:
        return secrets.token_urlsafe(24)
    if len(given) > SUBMISSION_ID_MAX:
        raise bad_request("submission_id is too long")
    return hashlib.sha256(f"{key.id}:{given}".encode()).hexdigest()


def file_request(key: ApiKey, form: MultiDict) -> tuple[Report, bool]:
    """File a report from a POST whose parameters went through :func:`clean_params`; personal
    fields (email, names, phone, device and account ids) are ignored. Returns
    ``(report, created)``: a retried ``submission_id`` gives the same report."""
    code = form.get("service_code", "")
    if not code:
        raise bad_request("service_code was not provided")
    category = service(code)
    lat, lon = _coordinates(form)
    address = form.get("address_string", "")
    if len(address) > ADDRESS_MAX:
        raise bad_request(f"address_string is longer than {ADDRESS_MAX} characters")
    if lat is None and not address and not form.get("address_id"):
        raise bad_request("a location is required: lat and long, address_string or address_id")
    ward = _ward(form, lat, lon)
    description = form.get("description", "")
    if not DESCRIPTION_MIN <= len(description) <= DESCRIPTION_MAX:
        raise bad_request(f"description must have {DESCRIPTION_MIN} to {DESCRIPTION_MAX} characters")
    answers = _answers(category, form)
    media = _media_urls(form)
    if media:
        answers["media_url"] = media
    submission_id = _submission_id(key, form)
    report, created = reports.submit_report(key.user, submission_id, reports.NewReport(
        category=category, description=description, ward=ward, lat=lat, lon=lon,
        address=address or None, answers=answers, source=SOURCE))
    if created:
        report.api_key_id = key.id
        db.session.flush()
    return report, created
