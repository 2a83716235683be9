from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.database import db
from app.core.models import utcnow


class Notification(db.Model):
    """An in-app notification; the text is rendered in the reader's language when shown.

    It is about a subject of any feature (``subject_type`` ``"case"`` with the case id, …):
    the feature registers how to describe its subjects (:mod:`app.notifications.registry`).
    ``dedupe_key`` makes a notification once per recipient, even when a job is retried.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        sa.Index("ix_notifications_user_unread", "user_id", "read_at", "id"),
        sa.Index("ix_notifications_subject", "subject_type", "subject_id"),
        sa.UniqueConstraint("user_id", "dedupe_key", name="user_dedupe_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    kind: Mapped[str] = mapped_column(sa.String(30))
    subject_type: Mapped[str | None] = mapped_column(sa.String(30))
    subject_id: Mapped[int | None]
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(80))
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)
