"""Field reports: filing, the workflow state machine, deadlines, proof check, queries.

Every state change goes through one function per transition that checks the transition is
allowed, changes the report, writes the public timeline and the audit log, and queues
notifications to run after the commit.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import g, has_request_context
from sqlalchemy.orm import joinedload, selectinload

from app.audit import services as audit
from app.core import clock, images
from app.core.database import after_commit
from app.core.models import utcnow
from app.core.storage import get_storage, new_photo_key
from app.extensions import db
from app.places.models import Agency, Ward
from app.reports.models import (
    Category,
    Holiday,
    Level,
    PhotoKind,
    RejectReason,
    Report,
    ReportEvent,
    ReportFollower,
    ReportPhoto,
    Status,
    UnitType,
)

OPEN_STATUSES = frozenset({Status.SUBMITTED, Status.ACCEPTED})
NEARBY_METRES = 250
NEARBY_DAYS = 30
PROOF_DISTANCE_METRES = 300
DRAFT_PHOTO_HOURS = 24
MAX_PHOTOS = 5

# The state machine: which status may follow which.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.SUBMITTED: frozenset({Status.ACCEPTED, Status.REJECTED, Status.SUBMITTED}),
    Status.ACCEPTED: frozenset({Status.RESOLVED, Status.REJECTED, Status.SUBMITTED}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.ACCEPTED}),
    Status.REJECTED: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


class WorkflowError(Exception):
    """A transition or action that is not allowed; ``code`` says why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# --- working-hours calendar -------------------------------------------------------------

def calendar() -> clock.WorkCalendar:
    """The working calendar with the holidays table, loaded once per request."""
    if has_request_context() and "work_calendar" in g:
        return g.work_calendar
    days = db.session.scalars(sa.select(Holiday.day)).all()
    cal = clock.WorkCalendar(holidays=days)
    if has_request_context():
        g.work_calendar = cal
    return cal


def due_after(start: datetime, hours: int) -> datetime:
    return calendar().add_working_time(start, timedelta(hours=hours))


def working_seconds(start: datetime, end: datetime) -> int:
    return calendar().working_time_between(start, end) // timedelta(seconds=1)


def _record_answer_timing(report: Report, now: datetime) -> None:
    """Keep the step's deadline and whether it was met, before the deadline is cleared."""
    report.resolve_due_at = report.due_at
    report.resolved_on_time = None if report.due_at is None else now <= report.due_at
    report.resolve_working_seconds = working_seconds(report.accepted_at or report.submitted_at, now)


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


def _attach_photos(report: Report, photos: Sequence[ReportPhoto]) -> None:
    start = len(report.photos)
    for i, photo in enumerate(photos):
        photo.report = report
        photo.position = start + i


# --- filing -----------------------------------------------------------------------------

@dataclass
class NewReport:
    category: Category
    description: str
    ward: Ward
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
    """File a report; a retried submission returns the report already created.

    Returns ``(report, created)``.
    """
    existing = find_submission(reporter, submission_id)
    if existing is not None:
        return existing, False
    now = utcnow()
    category = data.category
    report = Report(
        submission_id=submission_id, source=data.source, reporter_id=reporter.id,
        category=category, description=data.description.strip(), answers=data.answers or {},
        ward_id=data.ward.id, lat=data.lat, lon=data.lon, address=(data.address or None),
        show_name=data.show_name, status=Status.SUBMITTED, submitted_at=now, created_at=now,
        updated_at=now,
    )
    _route(report, category, data.ward)
    report.due_at = due_after(now, category.accept_hours)
    try:
        with db.session.begin_nested():
            db.session.add(report)
            db.session.flush()
    except sa.exc.IntegrityError:
        # The same submission raced in from another request: return the one that won.
        existing = find_submission(reporter, submission_id)
        if existing is None:
            raise
        return existing, False
    _attach_photos(report, data.photos)
    _event(report, reporter, "submitted", None, Status.SUBMITTED,
           unit=_unit_ref(report))
    audit.record("report.submitted", report, actor=reporter)
    return report, True


def _route(report: Report, category: Category, ward: Ward) -> None:
    if category.unit_type == UnitType.AGENCY:
        report.unit_type = UnitType.AGENCY
        report.unit_agency_id = category.agency_id
        report.unit_ward_id = None
    else:
        report.unit_type = UnitType.WARD
        report.unit_ward_id = ward.id
        report.unit_agency_id = None


def _unit_ref(report: Report) -> dict:
    if report.unit_type == UnitType.WARD:
        return {"type": "ward", "id": report.unit_ward_id}
    return {"type": "agency", "id": report.unit_agency_id}


# --- the state machine --------------------------------------------------------------------

def _check(report: Report, to: Status) -> None:
    if to not in TRANSITIONS[Status(report.status)]:
        raise WorkflowError("transition_not_allowed")


def _event(report: Report, actor, kind: str, from_status, to_status, *, public: bool = True,
           **data) -> ReportEvent:
    event = ReportEvent(report=report, created_at=utcnow(), actor_id=getattr(actor, "id", None), kind=kind,
                        public=public, from_status=from_status and str(from_status),
                        to_status=to_status and str(to_status), data=data)
    db.session.add(event)
    db.session.flush()
    if public:
        _queue_notifications(report, event, actor)
    return event


def _queue_notifications(report: Report, event: ReportEvent, actor) -> None:
    from app.notifications import tasks

    event_id = event.id
    actor_id = getattr(actor, "id", None)
    after_commit(lambda: tasks.notify_report_event(event_id, actor_id))


def accept(report: Report, actor, level: Level | str) -> None:
    level = Level(level)
    _check(report, Status.ACCEPTED)
    if report.status != Status.SUBMITTED:
        raise WorkflowError("transition_not_allowed")
    now = utcnow()
    report.status = Status.ACCEPTED
    report.level = level
    report.accepted_at = now
    report.accept_working_seconds = working_seconds(report.submitted_at, now)
    report.due_at = due_after(now, report.category.resolve_hours(level))
    report.overdue_since = None
    _event(report, actor, "accepted", Status.SUBMITTED, Status.ACCEPTED, level=str(level))
    audit.record("report.accepted", report, actor=actor, level=str(level))


def transfer(report: Report, actor, *, ward: Ward | None = None, agency: Agency | None = None,
             reason: str) -> None:
    """Hand the report to another unit; it starts again as submitted there."""
    if (ward is None) == (agency is None):
        raise WorkflowError("choose_one_unit")
    if not reason.strip():
        raise WorkflowError("reason_required")
    _check(report, Status.SUBMITTED)
    before = _unit_ref(report)
    if ward is not None:
        if report.unit_type == UnitType.WARD and report.unit_ward_id == ward.id:
            raise WorkflowError("same_unit")
        report.unit_type, report.unit_ward_id, report.unit_agency_id = UnitType.WARD, ward.id, None
        # A report moved to another ward is located there.
        report.ward_id = ward.id
    else:
        if report.unit_type == UnitType.AGENCY and report.unit_agency_id == agency.id:
            raise WorkflowError("same_unit")
        report.unit_type, report.unit_agency_id, report.unit_ward_id = UnitType.AGENCY, agency.id, None
    from_status = report.status
    now = utcnow()
    report.status = Status.SUBMITTED
    report.level = None
    report.accepted_at = None
    report.accept_working_seconds = None
    report.due_at = due_after(now, report.category.accept_hours)
    report.overdue_since = None
    _event(report, actor, "transferred", from_status, Status.SUBMITTED,
           from_unit=before, to_unit=_unit_ref(report), reason=reason.strip())
    audit.record("report.transferred", report, actor=actor, from_unit=before, to_unit=_unit_ref(report))


def reject(report: Report, actor, reason: RejectReason | str, text: str = "",
           duplicate_of: Report | None = None) -> None:
    reason = RejectReason(reason)
    _check(report, Status.REJECTED)
    if reason == RejectReason.DUPLICATE:
        if duplicate_of is None or duplicate_of.id == report.id:
            raise WorkflowError("duplicate_of_required")
        report.duplicate_of_id = duplicate_of.id
    from_status = report.status
    now = utcnow()
    report.status = Status.REJECTED
    report.reject_reason = reason
    report.reject_text = text.strip() or None
    report.resolved_at = now
    _record_answer_timing(report, now)
    report.due_at = None
    report.overdue_since = None
    _event(report, actor, "rejected", from_status, Status.REJECTED, reason=str(reason),
           text=report.reject_text, duplicate_of=report.duplicate_of_id)
    audit.record("report.rejected", report, actor=actor, reason=str(reason))


def resolve(report: Report, actor, answer: str, result_photos: Sequence[ReportPhoto]) -> None:
    """Answer the report as fixed; result photos are checked against the report (proof check)."""
    _check(report, Status.RESOLVED)
    if not answer.strip():
        raise WorkflowError("answer_required")
    if report.category.result_photo_required and not result_photos:
        raise WorkflowError("result_photo_required")
    now = utcnow()
    _attach_photos(report, result_photos)
    report.status = Status.RESOLVED
    report.answer_text = answer.strip()
    report.resolved_at = now
    _record_answer_timing(report, now)
    report.due_at = None
    report.overdue_since = None
    _event(report, actor, "resolved", Status.ACCEPTED, Status.RESOLVED, answer=report.answer_text,
           photos=[p.id for p in result_photos])
    audit.record("report.resolved", report, actor=actor)
    problems = proof_problems(report, result_photos)
    if problems:
        report.proof_flagged = True
        _event(report, actor, "proof_flagged", None, None, public=False, problems=problems)
        audit.record("report.proof_flagged", report, actor=actor, problems=problems)
        _notify_supervisors(report, "proof_flagged")


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


def close(report: Report, actor=None) -> None:
    _check(report, Status.CLOSED)
    from_status = report.status
    report.status = Status.CLOSED
    report.closed_at = utcnow()
    _event(report, actor, "closed", from_status, Status.CLOSED)
    audit.record("report.closed", report, actor=actor)


def rate(report: Report, reporter, satisfied: bool, comment: str = "") -> None:
    if report.reporter_id != reporter.id:
        raise WorkflowError("not_reporter")
    if report.status != Status.RESOLVED or report.rated_at is not None:
        raise WorkflowError("cannot_rate")
    report.satisfied = satisfied
    report.rating_comment = comment.strip() or None
    report.rated_at = utcnow()
    _event(report, reporter, "rated", None, None, satisfied=satisfied, comment=report.rating_comment)
    audit.record("report.rated", report, actor=reporter, satisfied=satisfied)
    if satisfied:
        close(report, reporter)


def request_reopen(report: Report, reporter, reason: str) -> None:
    """The reporter, unhappy with the answer, sends it back once to the same unit."""
    if report.reporter_id != reporter.id:
        raise WorkflowError("not_reporter")
    if report.status != Status.RESOLVED or report.reopened or report.satisfied is True:
        raise WorkflowError("cannot_reopen")
    if not reason.strip():
        raise WorkflowError("reason_required")
    _check(report, Status.ACCEPTED)
    if report.rated_at is None:
        report.satisfied = False
        report.rated_at = utcnow()
    now = utcnow()
    report.status = Status.ACCEPTED
    report.reopened = True
    report.level = report.level or Level.NORMAL
    report.resolved_at = None
    report.resolve_due_at = report.resolved_on_time = report.resolve_working_seconds = None
    report.accepted_at = now
    report.due_at = due_after(now, report.category.resolve_hours(report.level))
    _event(report, reporter, "reopened", Status.RESOLVED, Status.ACCEPTED, reason=reason.strip())
    audit.record("report.reopened", report, actor=reporter)


def add_note(report: Report, actor, text: str) -> ReportEvent:
    if not text.strip():
        raise WorkflowError("text_required")
    event = _event(report, actor, "note", None, None, public=False, text=text.strip())
    audit.record("report.note", report, actor=actor)
    return event


def set_hidden(report: Report, actor, hidden: bool, reason: str) -> None:
    """Hide a whole report from the public (inappropriate content), or show it again."""
    if not reason.strip():
        raise WorkflowError("reason_required")
    report.hidden = hidden
    _event(report, actor, "hidden" if hidden else "unhidden", None, None, public=False,
           reason=reason.strip())
    audit.record("report.hidden" if hidden else "report.unhidden", report, actor=actor)


def redact(report: Report, actor, description: str, reason: str,
           hide_photo_ids: Iterable[int] = ()) -> None:
    """Replace the public description (e.g. remove a phone number or insult), hide photos."""
    if not description.strip() or not reason.strip():
        raise WorkflowError("reason_required")
    hidden = []
    for photo in report.photos:
        if photo.id in set(hide_photo_ids):
            photo.hidden = True
            hidden.append(photo.id)
    report.description = description.strip()
    _event(report, actor, "redacted", None, None, public=False, reason=reason.strip(),
           hidden_photos=hidden)
    audit.record("report.redacted", report, actor=actor, hidden_photos=hidden)


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


# --- overdue and escalation -------------------------------------------------------------

def mark_overdue(now: datetime | None = None) -> int:
    """Flag open reports past their deadline and tell the unit's supervisors, once per step."""
    now = now or utcnow()
    reports = db.session.scalars(sa.select(Report).where(
        Report.status.in_((Status.SUBMITTED, Status.ACCEPTED)),
        Report.due_at < now, Report.overdue_since.is_(None))).all()
    for report in reports:
        report.overdue_since = now
        _event(report, None, "overdue", None, None, public=False, due_at=report.due_at.isoformat())
        _notify_supervisors(report, "overdue")
    return len(reports)


def supervisors_of(report: Report) -> list:
    from app.auth.models import Role, RoleGrant, User

    if report.unit_type == UnitType.WARD:
        scope = sa.and_(RoleGrant.role == Role.WARD_OFFICIAL, RoleGrant.ward_id == report.unit_ward_id)
    else:
        scope = sa.and_(RoleGrant.role == Role.AGENCY_OFFICIAL,
                        RoleGrant.agency_id == report.unit_agency_id)
    users = db.session.scalars(sa.select(User).join(RoleGrant, RoleGrant.user_id == User.id)
                               .where(scope, RoleGrant.supervisor).distinct()).all()
    if not users:
        users = db.session.scalars(sa.select(User).join(RoleGrant, RoleGrant.user_id == User.id)
                                   .where(RoleGrant.role == Role.CITY_ADMIN).distinct()).all()
    return list(users)


def _notify_supervisors(report: Report, kind: str) -> None:
    from app.notifications import services as notifications

    for user in supervisors_of(report):
        notifications.add(user.id, kind, report)


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
        Report.status.in_((Status.SUBMITTED, Status.ACCEPTED)),
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
                            Report.status.in_((Status.SUBMITTED, Status.ACCEPTED)))
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


@dataclass
class InboxFilters:
    status: str | None = None  # None = open (submitted or accepted)
    level: str | None = None
    category_id: int | None = None
    overdue: bool = False


def _scope_clause(user):
    from app.auth.permissions import is_city_admin

    if is_city_admin(user):
        return sa.true()
    clauses = []
    if user.ward_ids:
        clauses.append(sa.and_(Report.unit_type == UnitType.WARD, Report.unit_ward_id.in_(user.ward_ids)))
    if user.agency_ids:
        clauses.append(sa.and_(Report.unit_type == UnitType.AGENCY,
                               Report.unit_agency_id.in_(user.agency_ids)))
    return sa.or_(*clauses) if clauses else sa.false()


def inbox(user, filters: InboxFilters, *, limit: int = 50) -> list[Report]:
    """Reports of the official's units, by deadline (earliest first).

    One query per status, each ordered by (due_at, id) so the inbox indexes deliver the rows
    in order without sorting every open report of the unit; the short lists are then merged.
    """
    statuses = [filters.status] if filters.status in set(Status) else [Status.SUBMITTED, Status.ACCEPTED]
    rows: list[Report] = []
    for status in statuses:
        query = sa.select(Report).where(_scope_clause(user), Report.status == status).options(
            joinedload(Report.category), joinedload(Report.ward))
        if filters.level in set(Level):
            query = query.where(Report.level == filters.level)
        if filters.category_id:
            query = query.where(Report.category_id == filters.category_id)
        if filters.overdue:
            query = query.where(Report.overdue_since.is_not(None))
        query = query.order_by(Report.due_at, Report.id) if status in OPEN_STATUSES else query.order_by(Report.id)
        rows.extend(db.session.scalars(query.limit(limit)).unique())
    rows.sort(key=lambda r: (r.due_at is None, r.due_at or r.created_at, r.id))
    return rows[:limit]


def inbox_counts(user) -> dict[str, int]:
    rows = db.session.execute(
        sa.select(Report.status, sa.func.count()).where(_scope_clause(user)).group_by(Report.status)
    ).all()
    counts = {str(s): 0 for s in Status}
    counts.update({status: n for status, n in rows})
    counts["overdue"] = db.session.scalar(sa.select(sa.func.count()).select_from(Report).where(
        _scope_clause(user), Report.overdue_since.is_not(None),
        Report.status.in_((Status.SUBMITTED, Status.ACCEPTED)))) or 0
    return counts


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


def timeline(report: Report, *, internal: bool) -> list[ReportEvent]:
    return [e for e in report.events if e.public or internal]


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
