"""Background jobs of the engine: telling people about timeline events, the deadline sweep and
closing settled cases, for every kind of case."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from huey import crontab

from app.core.jobs import job, periodic_job
from app.core.models import utcnow
from app.extensions import db

AUTO_CLOSE_DAYS = 10


@job(retries=3, retry_delay=10)
def notify_case_event(event_id: int, actor_id: int | None) -> int:
    """Tell the requester and the followers (those following at the time) about a public event.

    Returns how many people were told. A retry after a partial failure re-adds nothing: each
    (recipient, event) notification is made once.
    """
    from app.cases.kinds import case_type
    from app.cases.models import CaseEvent
    from app.notifications import services as notifications

    entry = db.session.get(CaseEvent, event_id)
    if entry is None or not entry.public:
        return 0
    case = entry.case
    recipients = {case.requester_id}
    recipients.update(case_type(case).followers(case, entry.created_at))
    recipients.discard(actor_id)
    told = 0
    for user_id in sorted(recipients):
        if notifications.add_once(user_id, entry.kind, subject_type="case", subject_id=case.id,
                                  event_id=entry.id, status=entry.to_status):
            told += 1
    return told


@job(retries=2, retry_delay=30)
def recompute_deadlines(notify_user_id: int | None = None) -> int:
    """Count running deadlines again after a holiday change; tell the admin who made it how many
    moved. Returns that number."""
    from app.cases import services
    from app.notifications import services as notifications

    moved = services.recompute_deadlines()
    if notify_user_id is not None:
        notifications.add(notify_user_id, "deadlines_moved", subject_type="holidays", count=moved)
    return moved


@periodic_job(crontab(minute="*/5"))
def mark_overdue_cases() -> int:
    """Flag cases past their deadline and escalate them to the unit's supervisors."""
    from app.cases import services

    return services.mark_overdue()


@periodic_job(crontab(minute="23", hour="2"))
def close_settled_cases() -> int:
    """Close cases resolved or rejected long ago that nobody asked to reopen."""
    from app.cases import services
    from app.cases.models import Case, Status

    cutoff = utcnow() - timedelta(days=AUTO_CLOSE_DAYS)
    cases = db.session.scalars(sa.select(Case).where(
        Case.status.in_((Status.RESOLVED, Status.REJECTED)), Case.resolved_at < cutoff)).all()
    for case in cases:
        services.close(case)
    return len(cases)
