"""The case: one request that officials handle, whatever its kind, and its timeline.

A :class:`Case` row holds the whole lifecycle (status, level, unit in charge, deadline, timing
columns, answer, rejection, rating, reopening). Each kind (field report, procedure complaint,
business question, …) is a subclass with SQLAlchemy joined-table inheritance: its own table has
only what is specific to it, and its primary key is a foreign key to ``cases.id``, so a report's
number is its case number.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.database import db
from app.core.models import utcnow


class Status(enum.StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    CLOSED = "closed"


OPEN_STATUSES = frozenset({Status.SUBMITTED, Status.ACCEPTED})


class Level(enum.StrEnum):
    URGENT = "urgent"
    NORMAL = "normal"
    COMPLEX = "complex"


class UnitType(enum.StrEnum):
    WARD = "ward"
    AGENCY = "agency"
    # The city's triage queue: no unit yet, an official picks the ward (city admins see it).
    CITY = "city"


class RejectReason(enum.StrEnum):
    OUT_OF_SCOPE = "out_of_scope"
    NOT_ENOUGH_INFORMATION = "not_enough_information"
    DUPLICATE = "duplicate"


def sql_in(values) -> str:
    """``('a', 'b')`` for a CHECK constraint over an enum's values."""
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


class Case(db.Model):
    """The lifecycle shared by every kind of case; ``kind`` names the subclass."""

    __tablename__ = "cases"
    __table_args__ = (
        sa.CheckConstraint(f"status IN {sql_in(Status)}", name="status"),
        sa.CheckConstraint(f"level IS NULL OR level IN {sql_in(Level)}", name="level"),
        sa.CheckConstraint(
            "(unit_type = 'ward' AND unit_ward_id IS NOT NULL AND unit_agency_id IS NULL)"
            " OR (unit_type = 'agency' AND unit_agency_id IS NOT NULL AND unit_ward_id IS NULL)"
            " OR (unit_type = 'city' AND unit_ward_id IS NULL AND unit_agency_id IS NULL)",
            name="unit",
        ),
        sa.CheckConstraint("status <> 'accepted' OR level IS NOT NULL", name="accepted_level"),
        sa.UniqueConstraint("kind", "requester_id", "submission_id", name="requester_submission"),
        # Inboxes (app.cases.queries): the cases of one unit and status, or of one status
        # everywhere (city admins), in deadline order with the id as tiebreaker, so a page of
        # the inbox reads only its own rows.
        sa.Index("ix_cases_ward_inbox", "unit_ward_id", "status", "due_at", "id"),
        sa.Index("ix_cases_agency_inbox", "unit_agency_id", "status", "due_at", "id"),
        sa.Index("ix_cases_status_due", "status", "due_at", "id"),
        sa.Index("ix_cases_requester", "requester_id", "id"),
        # Statistics: cases received in a period; the overdue sweep.
        sa.Index("ix_cases_created_at", "created_at"),
        sa.Index("ix_cases_kind_created_at", "kind", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # A client-made id per filing, so a retried submission never makes a second case.
    submission_id: Mapped[str] = mapped_column(sa.String(64))
    source: Mapped[str] = mapped_column(sa.String(20), default="web")
    requester_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    status: Mapped[str] = mapped_column(sa.String(12), default=Status.SUBMITTED)
    level: Mapped[str | None] = mapped_column(sa.String(10))
    unit_type: Mapped[str] = mapped_column(sa.String(10))
    unit_ward_id: Mapped[int | None] = mapped_column(sa.ForeignKey("wards.id"))
    unit_agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"))
    # The deadline of the current step: accepting while submitted, resolving while accepted.
    # It is ``step_hours`` working hours after ``step_started_at``, kept so that a later change
    # of the holidays moves running deadlines (app.cases.services.recompute_deadlines).
    due_at: Mapped[datetime | None]
    step_started_at: Mapped[datetime | None]
    step_hours: Mapped[int | None]
    overdue_since: Mapped[datetime | None]
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # Recorded at each transition for the statistics (working-hours math cannot run in SQL):
    # the deadline in force when the case was answered, whether it was met, and working
    # seconds from filing to acceptance and from acceptance (or filing) to the answer.
    resolve_due_at: Mapped[datetime | None]
    resolved_on_time: Mapped[bool | None]
    accept_working_seconds: Mapped[int | None]
    resolve_working_seconds: Mapped[int | None]
    reopened: Mapped[bool] = mapped_column(default=False)

    answer_text: Mapped[str | None] = mapped_column(sa.Text)
    reject_reason: Mapped[str | None] = mapped_column(sa.String(30))
    reject_text: Mapped[str | None] = mapped_column(sa.Text)
    duplicate_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"))

    satisfied: Mapped[bool | None]
    rating_comment: Mapped[str | None] = mapped_column(sa.Text)
    rated_at: Mapped[datetime | None]

    requester = relationship("User", foreign_keys=[requester_id])
    unit_ward = relationship("Ward", foreign_keys=[unit_ward_id])
    unit_agency = relationship("Agency", foreign_keys=[unit_agency_id])
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"polymorphic_on": "kind"}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def unit_ref(self) -> dict:
        """The unit in charge as stored in timeline data: ``{"type": …, "id": …}``."""
        if self.unit_type == UnitType.WARD:
            return {"type": "ward", "id": self.unit_ward_id}
        if self.unit_type == UnitType.CITY:
            return {"type": "city", "id": None}
        return {"type": "agency", "id": self.unit_agency_id}


class CaseEvent(db.Model):
    """One step of a case's timeline; internal ones (notes, flags) are not public."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(sa.String(30))
    public: Mapped[bool] = mapped_column(default=True)
    from_status: Mapped[str | None] = mapped_column(sa.String(12))
    to_status: Mapped[str | None] = mapped_column(sa.String(12))
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    case: Mapped[Case] = relationship(back_populates="events")
    actor = relationship("User")


class CaseCount(db.Model):
    """How many cases a unit has of a kind, a status and an overdue flag: the inbox counts.

    Kept by :mod:`app.cases.counts` in the transaction that changes a case, so the counts
    cost the same at any number of cases; ``flask cases recount`` rebuilds them from ``cases``.
    ``unit_id`` is the ward's or agency's id, 0 for the city's triage queue.
    """

    __tablename__ = "case_counts"

    unit_type: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    unit_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(sa.String(30), primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    overdue: Mapped[bool] = mapped_column(primary_key=True)
    n: Mapped[int] = mapped_column(default=0)
