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


def push_if_subscribed(notification_id: int) -> None:
    """The listener of new notifications: queue :func:`send_push` only when push is set up and
    the recipient has a device opted in. An alert to 50,000 subscribers, few of them with push
    on, then queues a few jobs instead of 50,000 that each find nothing to send (issue 15: the
    fan-out took the CPU the pages needed). One indexed lookup per notification."""
    import sqlalchemy as sa

    from app.notifications.models import Notification
    from app.push.models import PushSubscription
    from app.push.vapid import push_enabled

    if not push_enabled():
        return
    # Called after the commit, when the session may not emit SQL: a connection of its own.
    with db.engine.connect() as connection:
        has_device = connection.scalar(
            sa.select(PushSubscription.id)
            .join(Notification, Notification.user_id == PushSubscription.user_id)
            .where(Notification.id == notification_id).limit(1))
    if has_device is not None:
        send_push(notification_id)

