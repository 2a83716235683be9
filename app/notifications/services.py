"""The in-app notification inbox: the source of truth for what a user was told."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from flask_babel import gettext

from app.core.database import after_commit, db
from app.core.models import utcnow
from app.notifications import registry
from app.notifications.models import Notification
from app.notifications.registry import Described


def _added(note: Notification) -> None:
    note_id = note.id
    # Other channels (push) are copies for the phone: told once the inbox row has committed.
    for listener in registry.listeners():
        after_commit(lambda fn=listener: fn(note_id))


def add(user_id: int, kind: str, *, subject_type: str | None = None, subject_id: int | None = None,
        **data) -> Notification:
    """Add a notification for ``user_id`` about a subject (e.g. ``"case"``, its id)."""
    note = Notification(user_id=user_id, kind=kind, subject_type=subject_type, subject_id=subject_id,
                        data=data)
    db.session.add(note)
    db.session.flush()
    _added(note)
    return note


def add_once(user_id: int, kind: str, *, subject_type: str | None = None, subject_id: int | None = None,
             event_id: int, **data) -> Notification | None:
    """Like :func:`add`, but at most once per (recipient, subject event): a retried job that
    already told this person adds nothing and returns None."""
    key = f"{subject_type}:{subject_id}:{event_id}"
    if db.session.scalar(sa.select(Notification.id).where(
            Notification.user_id == user_id, Notification.dedupe_key == key)) is not None:
        return None
    note = Notification(user_id=user_id, kind=kind, subject_type=subject_type, subject_id=subject_id,
                        dedupe_key=key, data={"event_id": event_id, **data})
    try:
        with db.session.begin_nested():
            db.session.add(note)
            db.session.flush()
    except sa.exc.IntegrityError:
        return None
    _added(note)
    return note


def unread_count(user) -> int:
    return db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def latest(user, limit: int = 50) -> list[Notification]:
    return list(db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.id.desc()).limit(limit)))


def describe(notifications: Sequence[Notification]) -> list[tuple[Notification, Described]]:
    """Each notification with its words and link in the current locale, in the given order.

    One call per subject type for the whole batch (no query per row).
    """
    by_type: dict[str | None, list[Notification]] = defaultdict(list)
    for note in notifications:
        by_type[note.subject_type].append(note)
    described: dict[int, Described] = {}
    for subject_type, notes in by_type.items():
        fn = registry.describer(subject_type)
        if fn is not None:
            described.update(fn(notes))
    return [(note, described.get(note.id) or Described(gettext("Something you follow was updated.")))
            for note in notifications]


def mark_all_read(user) -> int:
    result = db.session.execute(sa.update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=utcnow()))
    return result.rowcount or 0
