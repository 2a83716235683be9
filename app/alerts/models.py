"""Alerts published by the police and agencies, and citizens' subscriptions to them.

Each row is one CAP message: publishing an alert makes an ``Alert`` message, an update makes a
new row (``Update``) that references the earlier ones, a withdrawal a new row (``Cancel``). The
earlier row keeps its text and becomes ``updated``; ``root_id`` groups the versions of one alert.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.cases.models import sql_in
from app.core import pagecache
from app.core.database import db
from app.core.models import utcnow


class AlertKind(enum.StrEnum):
    SCAM = "scam"
    CRIME = "crime"
    TRAFFIC = "traffic"
    WEATHER = "weather"
    HEALTH = "health"
    OTHER = "other"


class Severity(enum.StrEnum):
    INFO = "info"
    WARNING = "warning"
    SEVERE = "severe"


class Urgency(enum.StrEnum):
    """As CAP 1.2 defines it."""

    IMMEDIATE = "Immediate"
    EXPECTED = "Expected"
    FUTURE = "Future"
    PAST = "Past"
    UNKNOWN = "Unknown"


class Certainty(enum.StrEnum):
    """As CAP 1.2 defines it."""

    OBSERVED = "Observed"
    LIKELY = "Likely"
    POSSIBLE = "Possible"
    UNLIKELY = "Unlikely"
    UNKNOWN = "Unknown"


class AlertStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    UPDATED = "updated"  # a newer version replaced this one
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class MsgType(enum.StrEnum):
    ALERT = "Alert"
    UPDATE = "Update"
    CANCEL = "Cancel"


SEVERITY_RANK = {Severity.SEVERE: 3, Severity.WARNING: 2, Severity.INFO: 1}

alert_wards = sa.Table(
    "alert_wards", db.metadata,
    sa.Column("alert_id", sa.ForeignKey("alerts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("ward_id", sa.ForeignKey("wards.id"), primary_key=True),
)


class Alert(db.Model):
    __tablename__ = "alerts"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN {sql_in(AlertKind)}", name="kind"),
        sa.CheckConstraint(f"severity IN {sql_in(Severity)}", name="severity"),
        sa.CheckConstraint(f"urgency IN {sql_in(Urgency)}", name="urgency"),
        sa.CheckConstraint(f"certainty IN {sql_in(Certainty)}", name="certainty"),
        sa.CheckConstraint(f"status IN {sql_in(AlertStatus)}", name="status"),
        sa.CheckConstraint(f"msg_type IN {sql_in(MsgType)}", name="msg_type"),
        sa.CheckConstraint("valid_until > valid_from", name="validity"),
        sa.CheckConstraint("status = 'draft' OR published_at IS NOT NULL", name="published_at"),
        sa.Index("ix_alerts_status_valid", "status", "valid_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    root_id: Mapped[int | None] = mapped_column(sa.ForeignKey("alerts.id"), index=True)
    previous_id: Mapped[int | None] = mapped_column(sa.ForeignKey("alerts.id"))
    msg_type: Mapped[str] = mapped_column(sa.String(10), default=MsgType.ALERT)
    status: Mapped[str] = mapped_column(sa.String(12), default=AlertStatus.DRAFT)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    kind: Mapped[str] = mapped_column(sa.String(10))
    severity: Mapped[str] = mapped_column(sa.String(10))
    urgency: Mapped[str] = mapped_column(sa.String(10), default=Urgency.EXPECTED)
    certainty: Mapped[str] = mapped_column(sa.String(10), default=Certainty.LIKELY)
    title: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    summary: Mapped[str] = mapped_column(sa.String(500))
    summary_en: Mapped[str] = mapped_column(sa.String(500), default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")
    instruction: Mapped[str] = mapped_column(sa.Text, default="")
    instruction_en: Mapped[str] = mapped_column(sa.Text, default="")
    note: Mapped[str] = mapped_column(sa.String(500), default="")  # why it was updated or withdrawn
    valid_from: Mapped[datetime]
    valid_until: Mapped[datetime]
    city_wide: Mapped[bool] = mapped_column(default=True)
    # An optional photo, re-encoded by the shared pipeline (no metadata); shared by the versions.
    image_key: Mapped[str | None] = mapped_column(sa.String(200))
    image_thumb_key: Mapped[str | None] = mapped_column(sa.String(200))
    image_width: Mapped[int | None]
    image_height: Mapped[int | None]
    image_size: Mapped[int | None]
    # Folded (lower case, no diacritics) title, summary and body, for search.
    search_text: Mapped[str] = mapped_column(sa.Text, default="")

    agency = relationship("Agency")
    wards = relationship("Ward", secondary=alert_wards, order_by="Ward.name")
    previous: Mapped[Alert | None] = relationship(remote_side=[id], foreign_keys=[previous_id])

    @property
    def severity_rank(self) -> int:
        return SEVERITY_RANK[Severity(self.severity)]

    def display_title(self, locale: str) -> str:
        return self.title_en if locale == "en" and self.title_en else self.title

    def display_summary(self, locale: str) -> str:
        return self.summary_en if locale == "en" and self.summary_en else self.summary

    def display_instruction(self, locale: str) -> str:
        return self.instruction_en if locale == "en" and self.instruction_en else self.instruction


class AlertSubscription(db.Model):
    """A citizen wants to hear about alerts of ``kind`` in a ward (and city-wide ones), or
    about every alert in the city (``ward_id`` empty)."""

    __tablename__ = "alert_subscriptions"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN {sql_in(AlertKind)}", name="kind"),
        sa.UniqueConstraint("user_id", "kind", "area", name="user_kind_area"),
        sa.Index("ix_alert_subscriptions_kind_area", "kind", "area", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(10))
    # "city", or "ward:<ward id>": one key so that the unique constraint covers both.
    area: Mapped[str] = mapped_column(sa.String(20))
    ward_id: Mapped[int | None] = mapped_column(sa.ForeignKey("wards.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    ward = relationship("Ward")


pagecache.watch(Alert, "alerts")  # see app.core.pagecache
