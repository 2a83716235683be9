from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import utcnow
from app.extensions import db


class Notification(db.Model):
    """An in-app notification; the text is rendered in the reader's language when shown."""

    __tablename__ = "notifications"
    __table_args__ = (sa.Index("ix_notifications_user_unread", "user_id", "read_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    kind: Mapped[str] = mapped_column(sa.String(30))
    report_id: Mapped[int | None] = mapped_column(sa.ForeignKey("reports.id", ondelete="CASCADE"))
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)
