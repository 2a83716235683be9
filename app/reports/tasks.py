"""Periodic jobs of field reports (the deadline sweep and closing are the engine's: app.cases.tasks)."""

from __future__ import annotations

from huey import crontab

from app.core.jobs import periodic_job


@periodic_job(crontab(minute="17", hour="*"))
def purge_draft_photos() -> int:
    """Drop photos uploaded to forms that were never sent (kept a day for retries)."""
    from app.reports import services

    return services.purge_draft_photos()
