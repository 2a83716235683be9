"""Field reports (Phản ánh hiện trường): categories, reports, photos, timeline, followers."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import utcnow
from app.extensions import db


class Status(enum.StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    CLOSED = "closed"


class Level(enum.StrEnum):
    URGENT = "urgent"
    NORMAL = "normal"
    COMPLEX = "complex"


class UnitType(enum.StrEnum):
    WARD = "ward"
    AGENCY = "agency"


class RejectReason(enum.StrEnum):
    OUT_OF_SCOPE = "out_of_scope"
    NOT_ENOUGH_INFORMATION = "not_enough_information"
    DUPLICATE = "duplicate"


class PhotoKind(enum.StrEnum):
    REPORT = "report"
    RESULT = "result"


class QuestionKind(enum.StrEnum):
    TEXT = "text"
    SINGLE = "single"
    MULTIPLE = "multiple"


def _in(values) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


class Category(db.Model):
    """What a report is about; routes it to a unit type and carries its deadlines."""

    __tablename__ = "categories"
    __table_args__ = (
        sa.CheckConstraint(f"unit_type IN {_in(UnitType)}", name="unit_type"),
        sa.CheckConstraint("unit_type = 'ward' OR agency_id IS NOT NULL", name="agency_routing"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    unit_type: Mapped[str] = mapped_column(sa.String(10), default=UnitType.WARD)
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"))
    # Deadlines in working hours (a working day is 8 working hours).
    accept_hours: Mapped[int] = mapped_column(default=8)
    resolve_urgent_hours: Mapped[int] = mapped_column(default=4)
    resolve_normal_hours: Mapped[int] = mapped_column(default=40)
    resolve_complex_hours: Mapped[int] = mapped_column(default=80)
    result_photo_required: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    agency = relationship("Agency")
    questions: Mapped[list[CategoryQuestion]] = relationship(
        back_populates="category", order_by="CategoryQuestion.position",
        cascade="all, delete-orphan",
    )

    def display_name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name

    def resolve_hours(self, level: Level | str) -> int:
        return {
            Level.URGENT: self.resolve_urgent_hours,
            Level.NORMAL: self.resolve_normal_hours,
            Level.COMPLEX: self.resolve_complex_hours,
        }[Level(level)]


class CategoryQuestion(db.Model):
    """An extra question asked when filing a report of a category."""

    __tablename__ = "category_questions"
    __table_args__ = (
        sa.UniqueConstraint("category_id", "code", name="category_code"),
        sa.CheckConstraint(f"kind IN {_in(QuestionKind)}", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("categories.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(sa.String(40))
    label: Mapped[str] = mapped_column(sa.String(200))
    label_en: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(10))
    required: Mapped[bool] = mapped_column(default=False)
    # [{"value": "...", "label": "...", "label_en": "..."}] for choice questions.
    options: Mapped[list] = mapped_column(sa.JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)

    category: Mapped[Category] = relationship(back_populates="questions")

    def display_label(self, locale: str) -> str:
        return self.label_en if locale == "en" else self.label

    def option_label(self, value: str, locale: str) -> str:
        for option in self.options:
            if option["value"] == value:
                return option["label_en"] if locale == "en" else option["label"]
        return value


class Report(db.Model):
    __tablename__ = "reports"
    __table_args__ = (
        sa.CheckConstraint(f"status IN {_in(Status)}", name="status"),
        sa.CheckConstraint(f"level IS NULL OR level IN {_in(Level)}", name="level"),
        sa.CheckConstraint(
            "(unit_type = 'ward' AND unit_ward_id IS NOT NULL AND unit_agency_id IS NULL)"
            " OR (unit_type = 'agency' AND unit_agency_id IS NOT NULL AND unit_ward_id IS NULL)",
            name="unit",
        ),
        sa.CheckConstraint("status <> 'accepted' OR level IS NOT NULL", name="accepted_level"),
        sa.UniqueConstraint("reporter_id", "submission_id", name="reporter_submission"),
        # Public feed: newest first, keyset on id, filtered by ward/category/status.
        sa.Index("ix_reports_public_feed", "hidden", "id"),
        sa.Index("ix_reports_ward_feed", "ward_id", "hidden", "id"),
        sa.Index("ix_reports_category_feed", "category_id", "hidden", "id"),
        sa.Index("ix_reports_status_feed", "status", "hidden", "id"),
        # Inboxes: open reports of a unit, by deadline.
        sa.Index("ix_reports_ward_inbox", "unit_ward_id", "status", "due_at"),
        sa.Index("ix_reports_agency_inbox", "unit_agency_id", "status", "due_at"),
        # Nearby suggestions: same category, recent, by latitude band.
        sa.Index("ix_reports_nearby", "category_id", "status", "lat"),
        sa.Index("ix_reports_reporter", "reporter_id", "id"),
        # Statistics: reports received in a period.
        sa.Index("ix_reports_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submission_id: Mapped[str] = mapped_column(sa.String(64))
    source: Mapped[str] = mapped_column(sa.String(20), default="web")
    api_key_id: Mapped[int | None] = mapped_column(sa.ForeignKey("api_keys.id"))
    reporter_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("categories.id"))
    description: Mapped[str] = mapped_column(sa.Text)
    answers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    ward_id: Mapped[int] = mapped_column(sa.ForeignKey("wards.id"))
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    address: Mapped[str | None] = mapped_column(sa.String(300))
    show_name: Mapped[bool] = mapped_column(default=False)

    status: Mapped[str] = mapped_column(sa.String(12), default=Status.SUBMITTED)
    level: Mapped[str | None] = mapped_column(sa.String(10))
    unit_type: Mapped[str] = mapped_column(sa.String(10))
    unit_ward_id: Mapped[int | None] = mapped_column(sa.ForeignKey("wards.id"))
    unit_agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"))
    # The deadline of the current step: accepting while submitted, resolving while accepted.
    due_at: Mapped[datetime | None]
    overdue_since: Mapped[datetime | None]
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # Recorded at each transition for the statistics (working-hours math cannot run in SQL):
    # the deadline in force when the report was resolved or rejected, whether it was met, and
    # working seconds from filing to acceptance and from acceptance (or filing) to the answer.
    resolve_due_at: Mapped[datetime | None]
    resolved_on_time: Mapped[bool | None]
    accept_working_seconds: Mapped[int | None]
    resolve_working_seconds: Mapped[int | None]
    reopened: Mapped[bool] = mapped_column(default=False)

    answer_text: Mapped[str | None] = mapped_column(sa.Text)
    reject_reason: Mapped[str | None] = mapped_column(sa.String(30))
    reject_text: Mapped[str | None] = mapped_column(sa.Text)
    duplicate_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("reports.id"))
    proof_flagged: Mapped[bool] = mapped_column(default=False)

    satisfied: Mapped[bool | None]
    rating_comment: Mapped[str | None] = mapped_column(sa.Text)
    rated_at: Mapped[datetime | None]

    hidden: Mapped[bool] = mapped_column(default=False)
    followers_count: Mapped[int] = mapped_column(default=0)

    reporter = relationship("User", foreign_keys=[reporter_id])
    category: Mapped[Category] = relationship()
    ward = relationship("Ward", foreign_keys=[ward_id])
    unit_ward = relationship("Ward", foreign_keys=[unit_ward_id])
    unit_agency = relationship("Agency", foreign_keys=[unit_agency_id])
    photos: Mapped[list[ReportPhoto]] = relationship(
        back_populates="report", order_by="ReportPhoto.position"
    )
    events: Mapped[list[ReportEvent]] = relationship(
        back_populates="report", order_by="ReportEvent.id", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.status in (Status.SUBMITTED, Status.ACCEPTED)

    def photos_of(self, kind: PhotoKind) -> list[ReportPhoto]:
        return [p for p in self.photos if p.kind == kind and not p.hidden]


class ReportPhoto(db.Model):
    """A re-encoded photo without metadata; GPS and time of the original are kept privately.

    A photo without a report is a draft upload: kept when a form fails validation so the
    citizen does not have to choose it again.
    """

    __tablename__ = "report_photos"
    __table_args__ = (sa.CheckConstraint(f"kind IN {_in(PhotoKind)}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    report_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("reports.id", ondelete="CASCADE"), index=True
    )
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Unguessable handle for a draft upload in a form.
    token: Mapped[str] = mapped_column(sa.String(43), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(10), default=PhotoKind.REPORT)
    position: Mapped[int] = mapped_column(default=0)
    key: Mapped[str] = mapped_column(sa.String(200))
    thumb_key: Mapped[str] = mapped_column(sa.String(200))
    width: Mapped[int]
    height: Mapped[int]
    thumb_width: Mapped[int]
    thumb_height: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    gps_lat: Mapped[float | None]
    gps_lon: Mapped[float | None]
    taken_at: Mapped[datetime | None]
    hidden: Mapped[bool] = mapped_column(default=False)

    report: Mapped[Report | None] = relationship(back_populates="photos")


class ReportEvent(db.Model):
    """One step of a report's timeline; internal notes are not public."""

    __tablename__ = "report_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(sa.String(30))
    public: Mapped[bool] = mapped_column(default=True)
    from_status: Mapped[str | None] = mapped_column(sa.String(12))
    to_status: Mapped[str | None] = mapped_column(sa.String(12))
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    report: Mapped[Report] = relationship(back_populates="events")
    actor = relationship("User")


class ReportFollower(db.Model):
    __tablename__ = "report_followers"

    report_id: Mapped[int] = mapped_column(
        sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Holiday(db.Model):
    """A public holiday: no working time that day (admin-managed)."""

    __tablename__ = "holidays"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
