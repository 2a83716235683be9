"""Periodic jobs of the report workflow."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from huey import crontab

from app.core.jobs import periodic_job
from app.core.models import utcnow
from app.extensions import db

AUTO_CLOSE_DAYS = 10


@periodic_job(crontab(minute="*/5"))
def mark_overdue_reports() -> int:
    """Flag reports past their deadline and escalate them to the unit's supervisors."""
    from app.reports import services

    return services.mark_overdue()


@periodic_job(crontab(minute="17", hour="*"))
def purge_draft_photos() -> int:
    """Drop photos uploaded to forms that were never sent (kept a day for retries)."""
    from app.reports import services

    return services.purge_draft_photos()


@periodic_job(crontab(minute="23", hour="2"))
def close_settled_reports() -> int:
    """Close reports resolved or rejected long ago that nobody asked to reopen."""
    from app.reports import services
    from app.reports.models import Report, Status

    cutoff = utcnow() - timedelta(days=AUTO_CLOSE_DAYS)
    reports = db.session.scalars(sa.select(Report).where(
        Report.status.in_((Status.RESOLVED, Status.REJECTED)), Report.resolved_at < cutoff)).all()
    for report in reports:
        services.close(report)
    return len(reports)
