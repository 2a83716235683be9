"""Fan-out of a published alert message: one job splits the subscribers into batches, one job
per batch tells them. A retried batch tells nobody twice (``add_once``)."""

from __future__ import annotations

from huey import crontab

from app.core.jobs import job, periodic_job
from app.extensions import db


@job(retries=3, retry_delay=10)
def fan_out(alert_id: int) -> int:
    """Queue one :func:`notify_subscribers` per batch; returns the number of batches."""
    from app.alerts import services
    from app.alerts.models import Alert

    alert = db.session.get(Alert, alert_id)
    if alert is None:
        return 0
    batches = services.subscriber_batches(alert)
    # End this read before the batches run: with jobs run inline (tests) or SQLite's single
    # writer, an open transaction here would block their writes.
    db.session.commit()
    for user_ids in batches:
        notify_subscribers(alert_id, user_ids)
    return len(batches)


@job(retries=3, retry_delay=10)
def notify_subscribers(alert_id: int, user_ids: list[int]) -> int:
    from app.alerts import services
    from app.alerts.models import Alert

    alert = db.session.get(Alert, alert_id)
    return 0 if alert is None else services.notify_batch(alert, user_ids)


@periodic_job(crontab(minute="*/5"))
def expire_alerts() -> int:
    from app.alerts import services

    return services.expire_due()
