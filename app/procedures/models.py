"""Administrative procedures (thủ tục hành chính), their edit history, and procedure complaints.

A :class:`ProcedureComplaint` is a kind of case (:mod:`app.cases`, joined-table inheritance):
the lifecycle lives in ``cases``, its own table holds the procedure, the file number and what
happened; its attachments (photos re-encoded, PDFs checked) are kept privately.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.cases.models import Case
from app.cases.models import sql_in as _in
from app.core import pagecache
from app.core.models import utcnow
from app.extensions import db


class ProcedureLevel(enum.StrEnum):
    WARD = "ward"
    CITY = "city"


class Procedure(db.Model):
    """One procedure of the catalogue; ``search_text`` is its name and field folded for search."""

    __tablename__ = "procedures"
    __table_args__ = (sa.CheckConstraint(f"level IN {_in(ProcedureLevel)}", name="level"),
                      sa.CheckConstraint("processing_days >= 0", name="processing_days"))

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    field: Mapped[str] = mapped_column(sa.String(40), index=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    level: Mapped[str] = mapped_column(sa.String(10), default=ProcedureLevel.WARD)
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    documents: Mapped[str] = mapped_column(sa.Text, default="")
    fees: Mapped[str] = mapped_column(sa.Text, default="")
    processing_days: Mapped[int] = mapped_column(default=0)
    steps: Mapped[str] = mapped_column(sa.Text, default="")
    legal_basis: Mapped[str] = mapped_column(sa.Text, default="")
    portal_url: Mapped[str] = mapped_column(sa.String(500), default="")
    # Written for the demo, not the city's official text: shown as such on every page.
    sample: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    agency = relationship("Agency")
    revisions: Mapped[list[ProcedureRevision]] = relationship(
        back_populates="procedure", order_by="ProcedureRevision.id.desc()", cascade="all, delete-orphan")

    def lines(self, name: str) -> list[str]:
        """A multi-line field (documents, steps, legal basis) as its non-empty lines."""
        return [line.strip() for line in (getattr(self, name) or "").splitlines() if line.strip()]


class ProcedureRevision(db.Model):
    """The procedure as it was saved, by whom and when: its history."""

    __tablename__ = "procedure_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(sa.ForeignKey("procedures.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    editor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    changed: Mapped[list] = mapped_column(sa.JSON, default=list)
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    procedure: Mapped[Procedure] = relationship(back_populates="revisions")
    editor = relationship("User")


class ProcedureComplaint(Case):
    """Phản ánh thủ tục hành chính: how a procedure was handled, sent to its agency."""

    __tablename__ = "procedure_complaints"

    id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    procedure_id: Mapped[int] = mapped_column(sa.ForeignKey("procedures.id"), index=True)
    file_number: Mapped[str] = mapped_column(sa.String(60), default="")
    description: Mapped[str] = mapped_column(sa.Text)

    procedure: Mapped[Procedure] = relationship()
    attachments: Mapped[list[ComplaintAttachment]] = relationship(
        back_populates="complaint", order_by="ComplaintAttachment.position", cascade="all, delete-orphan")

    __mapper_args__ = {"polymorphic_identity": "procedure_complaint", "polymorphic_load": "selectin"}


class ComplaintAttachment(db.Model):
    """A photo (re-encoded, no metadata) or a PDF (checked) attached to a complaint.

    Stored as soon as it is checked: a draft (no complaint yet) belongs to its ``owner`` and is
    named in the form by its unguessable ``token``, so a form that fails validation keeps it;
    drafts never filed are purged after a day (:mod:`app.procedures.tasks`).
    """

    __tablename__ = "complaint_attachments"
    __table_args__ = (sa.CheckConstraint("content_type IN ('image/jpeg', 'application/pdf')", name="content_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("procedure_complaints.id", ondelete="CASCADE"), index=True)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(sa.String(43), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    content_type: Mapped[str] = mapped_column(sa.String(40))
    key: Mapped[str] = mapped_column(sa.String(200))
    size: Mapped[int]
    pages: Mapped[int | None]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    complaint: Mapped[ProcedureComplaint | None] = relationship(back_populates="attachments")

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"


pagecache.watch(Procedure, "procedures")  # see app.core.pagecache
