"""Field reports (Phản ánh hiện trường): categories, reports, photos, followers.

A :class:`Report` is a kind of case (:mod:`app.cases`): its lifecycle columns live in
``cases``, and ``reports`` holds only what is specific to a field report (place, photos,
extra answers, followers, the proof flag, moderation). Its number is its case number.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, synonym

from app.cases.models import (  # noqa: F401  (the case words, under the names report code uses)
    Case,
    Level,
    RejectReason,
    Status,
    UnitType,
)
from app.cases.models import sql_in as _in
from app.core import pagecache
from app.core.models import utcnow
from app.core.questions import QuestionKind, QuestionMixin
from app.extensions import db


class PhotoKind(enum.StrEnum):
    REPORT = "report"
    RESULT = "result"


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


class CategoryQuestion(QuestionMixin, db.Model):
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


class Report(Case):
    """A field report: a case with a place, photos, extra answers and followers."""

    __tablename__ = "reports"
    __table_args__ = (
        # Public feed: newest first, keyset on id, filtered by ward/category.
        sa.Index("ix_reports_public_feed", "hidden", "id"),
        sa.Index("ix_reports_ward_feed", "ward_id", "hidden", "id"),
        sa.Index("ix_reports_category_feed", "category_id", "hidden", "id"),
        # Nearby suggestions: same category, by latitude band.
        sa.Index("ix_reports_nearby", "category_id", "lat"),
    )
    __mapper_args__ = {"polymorphic_identity": "report", "polymorphic_load": "selectin"}

    id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    api_key_id: Mapped[int | None] = mapped_column(sa.ForeignKey("api_keys.id"))
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("categories.id"))
    description: Mapped[str] = mapped_column(sa.Text)
    answers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # None while the report waits in the city's triage for an official to choose its ward.
    ward_id: Mapped[int | None] = mapped_column(sa.ForeignKey("wards.id"))
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    address: Mapped[str | None] = mapped_column(sa.String(300))
    show_name: Mapped[bool] = mapped_column(default=False)
    proof_flagged: Mapped[bool] = mapped_column(default=False)
    hidden: Mapped[bool] = mapped_column(default=False)
    followers_count: Mapped[int] = mapped_column(default=0)

    # The requester of a field report is its reporter.
    reporter_id = synonym("requester_id")
    reporter = synonym("requester")
    category: Mapped[Category] = relationship()
    ward = relationship("Ward", foreign_keys=[ward_id])
    photos: Mapped[list[ReportPhoto]] = relationship(
        back_populates="report", order_by="ReportPhoto.position"
    )

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


class ReportFollower(db.Model):
    __tablename__ = "report_followers"

    report_id: Mapped[int] = mapped_column(
        sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# See app.core.pagecache: category names and questions appear on public pages; a page shows
# how many people follow a report.
pagecache.watch(Category, "categories")
pagecache.watch(CategoryQuestion, "categories")
pagecache.watch(ReportFollower, lambda row: f"case:{row.report_id}")
