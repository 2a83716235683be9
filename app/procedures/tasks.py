"""Periodic jobs of the public services."""

from __future__ import annotations

from huey import crontab

from app.core.jobs import periodic_job


@periodic_job(crontab(minute="41", hour="*"))
def purge_draft_attachments() -> int:
    """Drop complaint attachments uploaded to forms that were never sent (kept a day for retries)."""
    from app.procedures import services

    return services.purge_draft_attachments()
