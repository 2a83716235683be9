"""Businesses declared by accounts, draft policies open for comment, and business questions
(a kind of case of the engine)."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.cases.models import Case, sql_in
from app.core.database import db
from app.core.models import utcnow


class BusinessKind(enum.StrEnum):
    ENTERPRISE = "enterprise"  # doanh nghiệp
    HOUSEHOLD = "household"  # hộ kinh doanh


class BusinessRole(enum.StrEnum):
    OWNER = "owner"
    LEGAL_REPRESENTATIVE = "legal_representative"
    EMPLOYEE = "employee"


class Business(db.Model):
    """A business or household business an account speaks for (declared, not verified)."""

    __tablename__ = "businesses"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN {sql_in(BusinessKind)}", name="kind"),
        sa.CheckConstraint(f"role IN {sql_in(BusinessRole)}", name="role"),
        sa.UniqueConstraint("user_id", "tax_code", name="user_tax_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    tax_code: Mapped[str] = mapped_column(sa.String(14))
    kind: Mapped[str] = mapped_column(sa.String(20))
    role: Mapped[str] = mapped_column(sa.String(30))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CommentStatus(enum.StrEnum):
    PENDING = "pending"
    PUBLISHED = "published"
    REFUSED = "refused"


class Consultation(db.Model):
    """A draft policy or document an agency publishes for businesses to comment on."""

    __tablename__ = "consultations"
    __table_args__ = (sa.CheckConstraint("closes_at > opens_at", name="period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    summary: Mapped[str] = mapped_column(sa.Text)
    body: Mapped[str] = mapped_column(sa.Text)
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    response_summary: Mapped[str | None] = mapped_column(sa.Text)
    responded_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    agency = relationship("Agency")
    comments: Mapped[list[ConsultationComment]] = relationship(
        back_populates="consultation", order_by="ConsultationComment.id", cascade="all, delete-orphan")


class ConsultationComment(db.Model):
    __tablename__ = "consultation_comments"
    __table_args__ = (
        sa.CheckConstraint(f"status IN {sql_in(CommentStatus)}", name="status"),
        sa.CheckConstraint("status <> 'refused' OR refusal_reason IS NOT NULL", name="refusal_reason"),
        sa.Index("ix_consultation_comments_status", "consultation_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    business_id: Mapped[int] = mapped_column(sa.ForeignKey("businesses.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(12), default=CommentStatus.PENDING)
    refusal_reason: Mapped[str | None] = mapped_column(sa.Text)
    moderated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    moderated_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    consultation: Mapped[Consultation] = relationship(back_populates="comments")
    business: Mapped[Business] = relationship()


class QuestionTopic(enum.StrEnum):
    LICENSING = "licensing"
    CONSTRUCTION = "construction"
    TRANSPORT = "transport"
    ENVIRONMENT = "environment"
    FOOD_SAFETY = "food_safety"
    SECURITY = "security"
    CULTURE_TOURISM = "culture_tourism"
    EDUCATION = "education"
    OTHER = "other"


class BusinessQuestion(Case):
    """A question from a business, answered publicly by the agency in charge."""

    __tablename__ = "business_questions"
    __table_args__ = (sa.CheckConstraint(f"topic IN {sql_in(QuestionTopic)}", name="topic"),)
    __mapper_args__ = {"polymorphic_identity": "business_question", "polymorphic_load": "selectin"}

    id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    business_id: Mapped[int] = mapped_column(sa.ForeignKey("businesses.id"), index=True)
    topic: Mapped[str] = mapped_column(sa.String(30))
    # The agency the asker chose; None: routed by topic.
    chosen_agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"))
    title: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    anonymous: Mapped[bool] = mapped_column(default=True)
    # Title, question and answer folded (app.core.text.fold) for diacritics-insensitive search.
    search_text: Mapped[str] = mapped_column(sa.Text, default="")

    business: Mapped[Business] = relationship()
