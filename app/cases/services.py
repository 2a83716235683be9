"""One service function per action of :data:`app.cases.workflow.ACTIONS`.

Each checks the action is allowed in the case's state, changes the case, writes the timeline
(:class:`CaseEvent`) and the audit log, and queues notifications to run after the commit
(one request, one commit: these functions only flush). The caller has checked the person
(``can_handle_case`` for officials); requester-only actions check the requester themselves.
Deadlines come from the case's type (:mod:`app.cases.kinds`) and the working calendar
(:mod:`app.core.workcal`), in working hours.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from app.audit import services as audit
from app.cases.kinds import Unit, case_type
from app.cases.models import OPEN_STATUSES, Case, CaseEvent, Level, RejectReason, Status, UnitType
from app.cases.permissions import supervisors_of
from app.cases.workflow import Action, WorkflowError, check
from app.core import pagecache
from app.core.database import after_commit
from app.core.models import utcnow
from app.core.workcal import due_after, working_seconds
from app.extensions import db
from app.notifications import services as notifications

__all__ = [
    "WorkflowError", "accept", "add_note", "close", "file_case", "mark_overdue", "rate", "recompute_deadlines",
    "reject", "request_reopen", "resolve", "timeline", "transfer",
]


def audit_case(case: Case, what: str, actor, **details) -> None:
    """An audit row ``<kind>.<what>`` about the case (e.g. ``report.accepted``)."""
    audit.record(f"{case.kind}.{what}", case, actor=actor, **details)


def event(case: Case, actor, kind: str, from_status=None, to_status=None, *, public: bool = True,
          notify: bool = True, **data) -> CaseEvent:
    """Add a timeline event; a public one tells the requester and followers after the commit
    (unless ``notify`` is False: a change of the calendar is shown, not announced)."""
    entry = CaseEvent(case=case, created_at=utcnow(), actor_id=getattr(actor, "id", None), kind=kind,
                      public=public, from_status=from_status and str(from_status),
                      to_status=to_status and str(to_status), data=data)
    db.session.add(entry)
    db.session.flush()
    # Every change of a case passes here (filing, transitions, moderation, deadlines).
    pagecache.touch(f"case:{case.id}", "feed", "stats")
    if public and notify:
        from app.cases import tasks

        event_id, actor_id = entry.id, getattr(actor, "id", None)
        after_commit(lambda: tasks.notify_case_event(event_id, actor_id))
    return entry


def notify_supervisors(case: Case, kind: str) -> None:
    """Tell the supervisors of the unit in charge (``kind``: ``overdue``, ``proof_flagged``)."""
    for user in supervisors_of(case):
        notifications.add(user.id, kind, subject_type="case", subject_id=case.id)


def _set_unit(case: Case, unit: Unit) -> None:
    if unit.type == UnitType.WARD:
        case.unit_type, case.unit_ward_id, case.unit_agency_id = UnitType.WARD, unit.id, None
    elif unit.type == UnitType.CITY:
        case.unit_type, case.unit_ward_id, case.unit_agency_id = UnitType.CITY, None, None
    else:
        case.unit_type, case.unit_agency_id, case.unit_ward_id = UnitType.AGENCY, unit.id, None


def _start_step(case: Case, start: datetime, hours: int) -> None:
    """A new step (accepting or resolving) of ``hours`` working hours starts at ``start``."""
    case.step_started_at, case.step_hours = start, hours
    case.due_at = due_after(start, hours)


def _record_answer_timing(case: Case, now: datetime) -> None:
    """Keep the step's deadline and whether it was met, before the deadline is cleared."""
    case.resolve_due_at = case.due_at
    case.resolved_on_time = None if case.due_at is None else now <= case.due_at
    case.resolve_working_seconds = working_seconds(case.accepted_at or case.submitted_at, now)


# --- filing -----------------------------------------------------------------------------

def find_submission(model: type[Case], requester_id: int, submission_id: str) -> Case | None:
    return db.session.scalar(sa.select(model).where(
        model.requester_id == requester_id, model.submission_id == submission_id))


def file_case(case: Case, actor) -> tuple[Case, bool]:
    """File a new case built by its kind (requester, submission id and the kind's own fields set).

    Routes it (``CaseType.route``), starts the accept deadline and writes the first timeline
    event. A retried submission (same requester and ``submission_id``) returns the case that
    already exists. Returns ``(case, created)``.
    """
    model = type(case)
    existing = find_submission(model, case.requester_id, case.submission_id)
    if existing is not None:
        return existing, False
    kind = case_type(case)
    now = utcnow()
    case.status = Status.SUBMITTED
    case.submitted_at = case.created_at = case.updated_at = now
    _set_unit(case, kind.route(case))
    _start_step(case, now, kind.accept_hours(case))
    try:
        with db.session.begin_nested():
            db.session.add(case)
            db.session.flush()
    except sa.exc.IntegrityError:
        # The same submission raced in from another request: return the one that won.
        existing = find_submission(model, case.requester_id, case.submission_id)
        if existing is None:
            raise
        return existing, False
    event(case, actor, "submitted", None, Status.SUBMITTED, unit=case.unit_ref())
    audit_case(case, "submitted", actor)
    return case, True


# --- officials' actions -----------------------------------------------------------------

def accept(case: Case, actor, level: Level | str) -> None:
    """Take the case on with a level (urgent, normal, complex); the resolve deadline starts."""
    level = Level(level)
    check(case, Action.ACCEPT)
    now = utcnow()
    case.status = Status.ACCEPTED
    case.level = level
    case.accepted_at = now
    case.accept_working_seconds = working_seconds(case.submitted_at, now)
    _start_step(case, now, case_type(case).resolve_hours(case, level))
    case.overdue_since = None
    event(case, actor, "accepted", Status.SUBMITTED, Status.ACCEPTED, level=str(level))
    audit_case(case, "accepted", actor, level=str(level))


def transfer(case: Case, actor, *, ward=None, agency=None, reason: str) -> None:
    """Hand the case to another unit (a ward or an agency); it starts again as submitted there,
    with a new accept deadline. From the city's triage queue the deadline set at filing stays:
    the clock runs from filing (issue 10, point 14)."""
    if (ward is None) == (agency is None):
        raise WorkflowError("choose_one_unit")
    if not reason.strip():
        raise WorkflowError("reason_required")
    check(case, Action.TRANSFER)
    before = case.unit_ref()
    unit = Unit(UnitType.WARD, ward.id) if ward is not None else Unit(UnitType.AGENCY, agency.id)
    if before == {"type": str(unit.type), "id": unit.id}:
        raise WorkflowError("same_unit")
    _set_unit(case, unit)
    case_type(case).on_transfer(case, unit)
    from_status = case.status
    now = utcnow()
    case.status = Status.SUBMITTED
    case.level = None
    case.accepted_at = None
    case.accept_working_seconds = None
    if before["type"] != UnitType.CITY:
        _start_step(case, now, case_type(case).accept_hours(case))
        case.overdue_since = None
    event(case, actor, "transferred", from_status, Status.SUBMITTED,
          from_unit=before, to_unit=case.unit_ref(), reason=reason.strip())
    audit_case(case, "transferred", actor, from_unit=before, to_unit=case.unit_ref())


def reject(case: Case, actor, reason: RejectReason | str, text: str = "",
           duplicate_of: Case | None = None) -> None:
    """Turn the case down with a reason; a duplicate names the case it duplicates."""
    reason = RejectReason(reason)
    check(case, Action.REJECT)
    if reason == RejectReason.DUPLICATE:
        if duplicate_of is None or duplicate_of.id == case.id:
            raise WorkflowError("duplicate_of_required")
        case.duplicate_of_id = duplicate_of.id
    from_status = case.status
    now = utcnow()
    case.status = Status.REJECTED
    case.reject_reason = reason
    case.reject_text = text.strip() or None
    case.resolved_at = now
    _record_answer_timing(case, now)
    case.due_at = None
    case.overdue_since = None
    event(case, actor, "rejected", from_status, Status.REJECTED, reason=str(reason),
          text=case.reject_text, duplicate_of=case.duplicate_of_id)
    audit_case(case, "rejected", actor, reason=str(reason))


def resolve(case: Case, actor, answer: str, result_photos: Sequence = ()) -> None:
    """Answer the case as done. Kinds that need result photos require at least one; the kind's
    hooks attach them and check them after (the proof check of field reports)."""
    check(case, Action.RESOLVE)
    if not answer.strip():
        raise WorkflowError("answer_required")
    kind = case_type(case)
    if kind.result_photo_required(case) and not result_photos:
        raise WorkflowError("result_photo_required")
    now = utcnow()
    kind.before_resolve(case, actor, result_photos)
    case.status = Status.RESOLVED
    case.answer_text = answer.strip()
    # A rating belongs to an answer: a new answer (after a reopening) is rated afresh; the
    # rating of the earlier one stays on the timeline.
    case.satisfied = case.rating_comment = case.rated_at = None
    case.resolved_at = now
    _record_answer_timing(case, now)
    case.due_at = None
    case.overdue_since = None
    event(case, actor, "resolved", Status.ACCEPTED, Status.RESOLVED, answer=case.answer_text,
          photos=[p.id for p in result_photos])
    audit_case(case, "resolved", actor)
    kind.after_resolve(case, actor, result_photos)


def close(case: Case, actor=None) -> None:
    """Close an answered case (after a satisfied rating, or by the auto-close job)."""
    check(case, Action.CLOSE)
    from_status = case.status
    case.status = Status.CLOSED
    case.closed_at = utcnow()
    event(case, actor, "closed", from_status, Status.CLOSED)
    audit_case(case, "closed", actor)


def add_note(case: Case, actor, text: str) -> CaseEvent:
    """An internal note on the timeline, for officials only."""
    if not text.strip():
        raise WorkflowError("text_required")
    check(case, Action.NOTE)
    entry = event(case, actor, "note", public=False, text=text.strip())
    audit_case(case, "note", actor)
    return entry


# --- the requester's actions ------------------------------------------------------------

def rate(case: Case, requester, satisfied: bool, comment: str = "") -> None:
    """The requester rates the current answer (once per answer); a satisfied rating closes the case."""
    if case.requester_id != requester.id:
        raise WorkflowError("not_reporter")
    check(case, Action.RATE)
    case.satisfied = satisfied
    case.rating_comment = comment.strip() or None
    case.rated_at = utcnow()
    answer = next((e for e in reversed(case.events) if e.kind == "resolved"), None)
    event(case, requester, "rated", satisfied=satisfied, comment=case.rating_comment,
          answer_event=answer.id if answer is not None else None)
    audit_case(case, "rated", requester, satisfied=satisfied)
    if satisfied:
        close(case, requester)


def request_reopen(case: Case, requester, reason: str) -> None:
    """The requester, unhappy with the answer, sends it back once to the same unit."""
    if case.requester_id != requester.id:
        raise WorkflowError("not_reporter")
    check(case, Action.REOPEN)
    if not reason.strip():
        raise WorkflowError("reason_required")
    if case.rated_at is None:
        case.satisfied = False
        case.rated_at = utcnow()
    now = utcnow()
    case.status = Status.ACCEPTED
    case.reopened = True
    case.level = case.level or Level.NORMAL
    case.resolved_at = None
    case.resolve_due_at = case.resolved_on_time = case.resolve_working_seconds = None
    case.accepted_at = now
    _start_step(case, now, case_type(case).resolve_hours(case, case.level))
    event(case, requester, "reopened", Status.RESOLVED, Status.ACCEPTED, reason=reason.strip())
    audit_case(case, "reopened", requester)


# --- deadlines --------------------------------------------------------------------------

def mark_overdue(now: datetime | None = None) -> int:
    """Flag open cases of every kind past their deadline and tell the unit's supervisors,
    once per step. Returns how many were flagged."""
    now = now or utcnow()
    cases = db.session.scalars(sa.select(Case).where(
        Case.status.in_(OPEN_STATUSES), Case.due_at < now, Case.overdue_since.is_(None))).all()
    for case in cases:
        case.overdue_since = now
        event(case, None, "overdue", public=False, due_at=case.due_at.isoformat())
        notify_supervisors(case, "overdue")
    return len(cases)


def recompute_deadlines(now: datetime | None = None) -> int:
    """Move the deadlines of open cases after the holidays table changed (issue 10, point 11).

    Each running step keeps its start and its length in working hours; its deadline is counted
    again with today's calendar. A case whose deadline moved gets a public timeline entry (not
    announced) and, if it is no longer past due, loses its overdue flag. Returns how many moved.
    Cases filed before the step was recorded (no ``step_started_at``) are left as they are.
    """
    now = now or utcnow()
    moved = 0
    cases = db.session.scalars(sa.select(Case).where(
        Case.status.in_(OPEN_STATUSES), Case.due_at.is_not(None), Case.step_started_at.is_not(None))).all()
    for case in cases:
        new_due = due_after(case.step_started_at, case.step_hours)
        if new_due == case.due_at:
            continue
        old_due = case.due_at
        case.due_at = new_due
        if case.overdue_since is not None and new_due >= now:
            case.overdue_since = None
        event(case, None, "deadline_moved", public=True, notify=False,
              from_due=old_due.isoformat(), to_due=new_due.isoformat())
        moved += 1
    return moved


def timeline(case: Case, *, internal: bool) -> list[CaseEvent]:
    """The case's events, oldest first; internal ones only when ``internal``."""
    return [e for e in case.events if e.public or internal]
