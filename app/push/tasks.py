"""Push delivery through the job queue, after the notification has committed."""

from __future__ import annotations

from app.core.jobs import job
from app.extensions import db


# No retries: a retry would push again to the phones that already got it; the inbox has it anyway.
@job()
def send_push(notification_id: int) -> int:
    """Push one in-app notification to every device its recipient opted in on; returns how many took it."""
    from app.auth.models import User
    from app.notifications.models import Notification
    from app.push import services
    from app.push.vapid import current_key

    key = current_key()
    if key is None:
        return 0
    note = db.session.get(Notification, notification_id)
    if note is None:
        return 0
    subs = services.subscriptions_of(note.user_id)
    if not subs:
        return 0
    data = services.payload(note, db.session.get(User, note.user_id))
    return sum(services.deliver(sub, data, key) for sub in subs)
