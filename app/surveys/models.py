"""Satisfaction surveys about a ward's or an agency's service, their questions and answers.

A survey's questions are frozen once someone answered: a change is a new version (a copy
that points to the survey it replaces). One answer per account is a unique constraint.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.cases.models import sql_in
from app.core.database import db
from app.core.models import utcnow
from app.core.questions import QuestionKind, QuestionMixin


class SurveyStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class Survey(db.Model):
    __tablename__ = "surveys"
    __table_args__ = (
        sa.CheckConstraint(f"status IN {sql_in(SurveyStatus)}", name="status"),
        sa.CheckConstraint("open_until > open_from", name="period"),
        sa.CheckConstraint("(ward_id IS NULL) <> (agency_id IS NULL)", name="one_unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    ward_id: Mapped[int | None] = mapped_column(sa.ForeignKey("wards.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(10), default=SurveyStatus.DRAFT)
    open_from: Mapped[datetime]
    open_until: Mapped[datetime]
    # Results are public once the survey closes; the official may show them while it runs.
    results_public_early: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)
    previous_id: Mapped[int | None] = mapped_column(sa.ForeignKey("surveys.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    ward = relationship("Ward")
    agency = relationship("Agency")
    questions: Mapped[list[SurveyQuestion]] = relationship(
        back_populates="survey", order_by="SurveyQuestion.position", cascade="all, delete-orphan")

    def unit_name(self, locale: str) -> str:
        if self.ward is not None:
            return self.ward.name
        return self.agency.name_en if locale == "en" else self.agency.name


class SurveyQuestion(QuestionMixin, db.Model):
    __tablename__ = "survey_questions"
    __table_args__ = (
        sa.UniqueConstraint("survey_id", "code", name="survey_code"),
        sa.CheckConstraint(f"kind IN {sql_in(QuestionKind)}", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(sa.String(40))
    label: Mapped[str] = mapped_column(sa.String(300))
    label_en: Mapped[str] = mapped_column(sa.String(300), default="")
    kind: Mapped[str] = mapped_column(sa.String(10))
    required: Mapped[bool] = mapped_column(default=False)
    options: Mapped[list] = mapped_column(sa.JSON, default=list)

    survey: Mapped[Survey] = relationship(back_populates="questions")

    def display_label(self, locale: str) -> str:
        return self.label_en if locale == "en" and self.label_en else self.label


class SurveyResponse(db.Model):
    """One account's answers; who answered is never shown with the results or exported."""

    __tablename__ = "survey_responses"
    __table_args__ = (sa.UniqueConstraint("survey_id", "user_id", name="one_answer_per_account"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    answers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
