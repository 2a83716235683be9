"""The in-app notification inbox: the source of truth for what a user was told."""

from __future__ import annotations

import sqlalchemy as sa

from app.core.database import after_commit
from app.core.models import utcnow
from app.extensions import db
from app.notifications.models import Notification
from app.push.tasks import send_push


def add(user_id: int, kind: str, report=None, **data) -> Notification:
    note = Notification(user_id=user_id, kind=kind, report_id=getattr(report, "id", None), data=data)
    db.session.add(note)
    db.session.flush()
    note_id = note.id
    # Push is a copy for the phone: queued once the inbox row has committed.
    after_commit(lambda: send_push(note_id))
    return note


def unread_count(user) -> int:
    return db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def latest(user, limit: int = 50) -> list[Notification]:
    return list(db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.id.desc()).limit(limit)))


def mark_all_read(user) -> int:
    result = db.session.execute(sa.update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=utcnow()))
    return result.rowcount or 0
