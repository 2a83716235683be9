"""The reminder the day before a reception (periodic; each booking is reminded once)."""

from __future__ import annotations

from huey import crontab

from app.core.jobs import periodic_job


@periodic_job(crontab(minute="*/15"))
def remind_reception_bookings() -> int:
    from app.reception.services import send_reminders

    return send_reminders()
