"""Delivery of report updates, through the job queue after the change has committed."""

from __future__ import annotations

import sqlalchemy as sa

from app.core.jobs import job
from app.extensions import db


@job(retries=3, retry_delay=10)
def notify_report_event(event_id: int, actor_id: int | None) -> int:
    """Tell the reporter and the followers of a report about a public timeline event."""
    from app.notifications import services
    from app.reports.models import ReportEvent, ReportFollower

    event = db.session.get(ReportEvent, event_id)
    if event is None or not event.public:
        return 0
    report = event.report
    recipients = {report.reporter_id}
    recipients.update(db.session.scalars(
        sa.select(ReportFollower.user_id).where(ReportFollower.report_id == report.id)))
    recipients.discard(actor_id)
    for user_id in sorted(recipients):
        services.add(user_id, event.kind, report, event_id=event.id, status=event.to_status)
    return len(recipients)
