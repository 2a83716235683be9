"""Field reports: filing, photos, the proof check, following, moderation and the public queries.

A report is a kind of case: its workflow (accept, transfer, reject, resolve, close, rate,
reopen, notes, the deadline sweep) is the case engine's, :mod:`app.cases.services`, re-exported
here under the same names for the report pages. What is specific to a field report lives here.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.audit import services as audit
from app.cases import queries as case_queries
from app.cases.models import OPEN_STATUSES
from app.cases.services import (  # noqa: F401  (the engine's actions, for the report pages)
    accept,
    add_note,
    close,
    file_case,
    mark_overdue,
    rate,
    reject,
    request_reopen,
    resolve,
    timeline,
    transfer,
)
from app.cases.services import event as case_event
from app.cases.workflow import WorkflowError  # noqa: F401
from app.core import images
from app.core.database import after_commit
from app.core.models import utcnow
from app.core.storage import get_storage, new_photo_key
from app.extensions import db
from app.places.models import Ward
from app.reports.kind import REPORT  # noqa: F401  (registers the kind with the engine)
from app.reports.models import (
    Category,
    PhotoKind,
    Report,
    ReportFollower,
    ReportPhoto,
    Status,
)

NEARBY_METRES = 250
NEARBY_DAYS = 30
PROOF_DISTANCE_METRES = 300
DRAFT_PHOTO_HOURS = 24
MAX_PHOTOS = 5


# --- photos -----------------------------------------------------------------------------

def store_photo(owner, data: bytes, kind: PhotoKind = PhotoKind.REPORT) -> ReportPhoto:
    """Verify, re-encode and store an uploaded photo as a draft (no report yet).

    Raises :class:`app.core.images.PhotoError` for files that are not acceptable photos.
    """
    processed = images.process_photo(data)
    storage = get_storage()
    key = new_photo_key("reports")
    thumb_key = key.removesuffix(".jpg") + "-thumb.jpg"
    storage.save(key, processed.data, processed.content_type)
    storage.save(thumb_key, processed.thumb_data, processed.content_type)
    photo = ReportPhoto(
        owner_id=owner.id, token=secrets.token_urlsafe(32), kind=kind, key=key,
        thumb_key=thumb_key, width=processed.width, height=processed.height,
        thumb_width=processed.thumb_width, thumb_height=processed.thumb_height,
        sha256=processed.sha256, gps_lat=processed.gps_lat, gps_lon=processed.gps_lon,
        taken_at=processed.taken_at,
    )
    db.session.add(photo)
    db.session.flush()
    return photo


def draft_photos(owner, tokens: Iterable[str], kind: PhotoKind = PhotoKind.REPORT) -> list[ReportPhoto]:
    """The owner's own draft uploads among ``tokens``, in the given order (others ignored)."""
    tokens = [t for t in dict.fromkeys(tokens) if t]
    if not tokens:
        return []
    found = {p.token: p for p in db.session.scalars(sa.select(ReportPhoto).where(
        ReportPhoto.token.in_(tokens), ReportPhoto.owner_id == owner.id,
        ReportPhoto.report_id.is_(None), ReportPhoto.kind == kind))}
    return [found[t] for t in tokens if t in found]


def purge_draft_photos(older_than: timedelta = timedelta(hours=DRAFT_PHOTO_HOURS)) -> int:
    stale = db.session.scalars(sa.select(ReportPhoto).where(
        ReportPhoto.report_id.is_(None), ReportPhoto.created_at < utcnow() - older_than)).all()
    storage = get_storage()
    for photo in stale:
        db.session.delete(photo)
        after_commit(lambda p=photo: (storage.delete(p.key), storage.delete(p.thumb_key)))
    return len(stale)


def attach_photos(report: Report, photos: Sequence[ReportPhoto]) -> None:
    """Attach draft photos to the report, after the ones it has."""
    start = len(report.photos)
    for i, photo in enumerate(photos):
        photo.report = report
        photo.position = start + i


# --- filing -----------------------------------------------------------------------------

@dataclass
class NewReport:
    category: Category
    description: str
    ward: Ward | None  # None: the city's triage picks the ward
    lat: float | None = None
    lon: float | None = None
    address: str | None = None
    show_name: bool = False
    answers: dict | None = None
    photos: Sequence[ReportPhoto] = ()
    source: str = "web"


def find_submission(reporter, submission_id: str) -> Report | None:
    return db.session.scalar(sa.select(Report).where(
        Report.reporter_id == reporter.id, Report.submission_id == submission_id))


def submit_report(reporter, submission_id: str, data: NewReport) -> tuple[Report, bool]:
    """File a report (a case of kind ``report``); a retried submission returns the report
    already created. Returns ``(report, created)``."""
    report = Report(
        submission_id=submission_id, source=data.source, requester_id=reporter.id,
        category=data.category, description=data.description.strip(), answers=data.answers or {},
        ward_id=data.ward.id if data.ward is not None else None, lat=data.lat, lon=data.lon,
        address=(data.address or None), show_name=data.show_name,
    )
    report, created = file_case(report, reporter)
    if created:
        attach_photos(report, data.photos)
    return report, created


def proof_problems(report: Report, photos: Sequence[ReportPhoto]) -> list[dict]:
    """Result photos taken far from the report or before it was filed."""
    problems = []
    for photo in photos:
        if (photo.gps_lat is not None and photo.gps_lon is not None
                and report.lat is not None and report.lon is not None):
            distance = distance_m(report.lat, report.lon, photo.gps_lat, photo.gps_lon)
            if distance > PROOF_DISTANCE_METRES:
                problems.append({"photo": photo.id, "problem": "far", "metres": round(distance)})
        if photo.taken_at is not None and photo.taken_at < report.created_at:
            problems.append({"photo": photo.id, "problem": "before_report",
                             "taken_at": photo.taken_at.isoformat()})
    return problems


def answer_photos(report: Report, answer_event) -> list[ReportPhoto]:
    """The public result photos sent with one answer (a ``resolved`` event records their ids)."""
    ids = (answer_event.data or {}).get("photos") or [] if answer_event is not None else []
    by_id = {p.id: p for p in report.photos_of(PhotoKind.RESULT)}
    return [by_id[i] for i in ids if i in by_id]


def set_hidden(report: Report, actor, hidden: bool, reason: str) -> None:
    """Hide a whole report from the public (inappropriate content), or show it again."""
    if not reason.strip():
        raise WorkflowError("reason_required")
    report.hidden = hidden
    # What partners see changed: Open311's updated_datetime must say so (it lives on the case row,
    # which a change of the report's own columns does not touch).
    report.updated_at = utcnow()
    case_event(report, actor, "hidden" if hidden else "unhidden", public=False, reason=reason.strip())
    audit.record("report.hidden" if hidden else "report.unhidden", report, actor=actor)


@dataclass(frozen=True)
class PublicText:
    """A free-text field of a report that the public sees and moderators may redact.

    ``key``: ``description``, ``address``, ``answer:<question code>``, ``event:<event id>:<field>``
    (a rating comment or a reopening reason on the timeline).
    """

    key: str
    value: str
    kind: str  # description, address, answer, rating_comment, reopen_reason
    label: str = ""


def public_texts(report: Report) -> list[PublicText]:
    """Every public free-text field of the report written by people other than officials."""
    texts = [PublicText("description", report.description, "description")]
    if report.address:
        texts.append(PublicText("address", report.address, "address"))
    for question in report.category.questions:
        value = (report.answers or {}).get(question.code)
        if question.kind == "text" and isinstance(value, str) and value:
            texts.append(PublicText(f"answer:{question.code}", value, "answer", question.label))
    for entry in report.events:
        data = entry.data or {}
        if entry.public and entry.kind == "rated" and data.get("comment"):
            texts.append(PublicText(f"event:{entry.id}:comment", data["comment"], "rating_comment"))
        if entry.public and entry.kind == "reopened" and data.get("reason"):
            texts.append(PublicText(f"event:{entry.id}:reason", data["reason"], "reopen_reason"))
    return texts


def redact(report: Report, actor, description: str, reason: str,
           hide_photo_ids: Iterable[int] = (), texts: dict[str, str] | None = None) -> None:
    """Change what the public sees of the report (remove a phone number, a name, an insult) and
    hide photos. ``texts`` maps keys of :func:`public_texts` to their new text; an emptied
    field other than the description is removed. The originals stay in the internal timeline
    for officials. Raises ``WorkflowError("reason_required")``.
    """
    if not description.strip() or not reason.strip():
        raise WorkflowError("reason_required")
    hidden = []
    for photo in report.photos:
        if photo.id in set(hide_photo_ids):
            photo.hidden = True
            hidden.append(photo.id)
    current = {t.key: t.value for t in public_texts(report)}
    wanted = {key: (value or "").strip() for key, value in (texts or {}).items() if key in current}
    wanted["description"] = description.strip()
    originals = {}
    for key, value in wanted.items():
        if value == current[key]:
            continue
        originals[key] = current[key]
        _set_public_text(report, key, value or None)
    report.updated_at = utcnow()
    case_event(report, actor, "redacted", public=False, reason=reason.strip(), hidden_photos=hidden,
               fields=sorted(originals), originals=originals)
    audit.record("report.redacted", report, actor=actor, hidden_photos=hidden, fields=sorted(originals))


def _set_public_text(report: Report, key: str, value: str | None) -> None:
    if key == "description":
        report.description = value or ""
    elif key == "address":
        report.address = value
    elif key.startswith("answer:"):
        answers = dict(report.answers or {})
        code = key.removeprefix("answer:")
        if value:
            answers[code] = value
        else:
            answers.pop(code, None)
        report.answers = answers
    else:
        _, event_id, field = key.split(":")
        entry = next(e for e in report.events if e.id == int(event_id))
        entry.data = {**(entry.data or {}), field: value}
        if field == "comment" and entry.kind == "rated" and entry is _latest(report, "rated"):
            report.rating_comment = value


def _latest(report: Report, kind: str):
    return next((e for e in reversed(report.events) if e.kind == kind), None)


def follow(report: Report, user) -> bool:
    """Follow a report (support it); returns False if already following."""
    exists = db.session.get(ReportFollower, (report.id, user.id))
    if exists is not None:
        return False
    db.session.add(ReportFollower(report_id=report.id, user_id=user.id))
    report.followers_count = Report.followers_count + 1
    db.session.flush()
    db.session.refresh(report, ["followers_count"])
    return True


def unfollow(report: Report, user) -> bool:
    exists = db.session.get(ReportFollower, (report.id, user.id))
    if exists is None:
        return False
    db.session.delete(exists)
    report.followers_count = Report.followers_count - 1
    db.session.flush()
    db.session.refresh(report, ["followers_count"])
    return True


def is_following(report: Report, user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.get(ReportFollower, (report.id, user.id)) is not None


# --- queries ----------------------------------------------------------------------------

def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def nearby(category_id: int, *, lat: float | None, lon: float | None, ward_id: int | None,
           limit: int = 5, now: datetime | None = None) -> list[tuple[Report, float | None]]:
    """Open public reports of the same category from the last 30 days within 250 m, or in the
    same ward when there are no coordinates. Returns (report, metres or None), nearest first."""
    now = now or utcnow()
    base = sa.select(Report).where(
        Report.category_id == category_id,
        Report.status.in_(OPEN_STATUSES),
        Report.created_at >= now - timedelta(days=NEARBY_DAYS),
        Report.hidden.is_(False),
    )
    if lat is not None and lon is not None:
        dlat = NEARBY_METRES / 111_320.0
        dlon = NEARBY_METRES / (111_320.0 * max(math.cos(math.radians(lat)), 0.01))
        candidates = db.session.scalars(base.where(
            Report.lat.between(lat - dlat, lat + dlat), Report.lon.between(lon - dlon, lon + dlon),
        ).limit(200)).all()
        scored = [(r, distance_m(lat, lon, r.lat, r.lon)) for r in candidates]
        scored = sorted((s for s in scored if s[1] <= NEARBY_METRES), key=lambda s: s[1])
        return scored[:limit]
    if ward_id is None:
        return []
    rows = db.session.scalars(base.where(Report.ward_id == ward_id)
                              .order_by(Report.id.desc()).limit(limit)).all()
    return [(r, None) for r in rows]


@dataclass
class FeedFilters:
    ward_id: int | None = None
    category_id: int | None = None
    status: str | None = None
    overdue: bool = False


def _filter_feed(query, filters: FeedFilters):
    if filters.ward_id:
        query = query.where(Report.ward_id == filters.ward_id)
    if filters.category_id:
        query = query.where(Report.category_id == filters.category_id)
    if filters.status in set(Status):
        query = query.where(Report.status == filters.status)
    if filters.overdue:
        query = query.where(Report.overdue_since.is_not(None),
                            Report.status.in_(OPEN_STATUSES))
    return query


def feed(filters: FeedFilters, *, before_id: int | None = None, limit: int = 20,
         include_hidden: bool = False) -> tuple[list[Report], int | None]:
    """Newest first with a keyset cursor (``before_id``): fast at any depth.

    Returns the page and the cursor for the next page (None at the end).
    """
    query = sa.select(Report).options(
        joinedload(Report.category), joinedload(Report.ward),
        selectinload(Report.photos),
    )
    if not include_hidden:
        query = query.where(Report.hidden.is_(False))
    query = _filter_feed(query, filters)
    if before_id:
        query = query.where(Report.id < before_id)
    rows = db.session.scalars(query.order_by(Report.id.desc()).limit(limit + 1)).unique().all()
    next_cursor = rows[limit - 1].id if len(rows) > limit else None
    return list(rows[:limit]), next_cursor


def inbox(user, filters: case_queries.InboxFilters, *, limit: int = 50) -> list:
    """The official's inbox (:func:`app.cases.queries.inbox`), every kind of case."""
    return case_queries.inbox(user, filters, limit=limit)


InboxFilters = case_queries.InboxFilters
inbox_counts = case_queries.inbox_counts


def reports_of(user, *, limit: int = 50) -> list[Report]:
    return list(db.session.scalars(
        sa.select(Report).where(Report.reporter_id == user.id)
        .options(joinedload(Report.category), selectinload(Report.photos))
        .order_by(Report.id.desc()).limit(limit)).unique())


def last_ward_id(user) -> int | None:
    return db.session.scalar(sa.select(Report.ward_id).where(Report.reporter_id == user.id)
                             .order_by(Report.id.desc()).limit(1))


def active_categories() -> list[Category]:
    return list(db.session.scalars(
        sa.select(Category).where(Category.active).options(selectinload(Category.questions))
        .order_by(Category.position, Category.id)))


def followed_by(user, *, limit: int = 50) -> list[Report]:
    """Reports the user follows, most recently followed first (hidden ones left out)."""
    return list(db.session.scalars(
        sa.select(Report).join(ReportFollower, ReportFollower.report_id == Report.id)
        .where(ReportFollower.user_id == user.id, Report.hidden.is_(False))
        .options(joinedload(Report.category), selectinload(Report.photos))
        .order_by(ReportFollower.created_at.desc(), Report.id.desc()).limit(limit)).unique())


def map_points(filters: FeedFilters, *, limit: int = 500) -> list[Report]:
    """Public reports with coordinates for the feed's map, newest first, same filters as the feed."""
    query = _filter_feed(sa.select(Report).options(joinedload(Report.category)).where(
        Report.hidden.is_(False), Report.lat.is_not(None), Report.lon.is_not(None)), filters)
    return list(db.session.scalars(query.order_by(Report.id.desc()).limit(limit)).unique())
