"""Housekeeping jobs for accounts."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from huey import crontab

from app.auth.models import OtpCode
from app.core.jobs import periodic_job
from app.core.models import utcnow
from app.extensions import db


def purge_expired_codes(older_than: timedelta = timedelta(hours=1)) -> int:
    """Delete one-time codes that expired over an hour ago (kept briefly for rate checks)."""
    result = db.session.execute(
        sa.delete(OtpCode).where(OtpCode.expires_at < utcnow() - older_than)
    )
    return result.rowcount or 0


@periodic_job(crontab(minute="*/30"))
def purge_expired_codes_job() -> int:
    return purge_expired_codes()
