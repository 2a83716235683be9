"""FAQ entries, the search index of the answer desk, and citizen questions (a kind of case).

:class:`AnswerDocument` is the one index over every source (FAQ, procedures, published answers
of field reports): its folded columns feed SQLite's FTS5 table ``answer_documents_fts`` through
triggers, and on PostgreSQL a generated ``tsvector`` column (``unaccent``) with a GIN index;
both are made by the migration, so the index follows each change of a row, never rebuilt per query.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.cases.models import Case
from app.core.models import utcnow
from app.extensions import db

# The index's engine-specific objects, made by the migration and described by no model (SQLite's
# FTS5 table and its shadow tables, PostgreSQL's tsvector column and GIN index): schema
# comparisons (autogenerate, the migration test) leave the names listed here alone.
UNMAPPED_OBJECTS = frozenset({
    "answer_documents_fts", "answer_documents_fts_data", "answer_documents_fts_idx", "answer_documents_fts_docsize",
    "answer_documents_fts_config", "search_vector", "ix_answer_documents_search_vector",
})
db.metadata.info.setdefault("unmapped_objects", set()).update(UNMAPPED_OBJECTS)


class FaqEntry(db.Model):
    """A question and its answer written by officials; only published ones are searched."""

    __tablename__ = "faq_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    question: Mapped[str] = mapped_column(sa.String(300))
    answer: Mapped[str] = mapped_column(sa.Text)
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"))
    published: Mapped[bool] = mapped_column(default=True)
    sample: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    agency = relationship("Agency")


class AnswerDocument(db.Model):
    """One searchable source; ``folded_*`` hold the text folded like a query (app.core.text.fold)."""

    __tablename__ = "answer_documents"
    __table_args__ = (sa.UniqueConstraint("source_type", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_type: Mapped[str] = mapped_column(sa.String(20))
    source_id: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(400))
    body: Mapped[str] = mapped_column(sa.Text)
    url: Mapped[str] = mapped_column(sa.String(300))
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id", ondelete="SET NULL"))
    folded_title: Mapped[str] = mapped_column(sa.Text)
    folded_body: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CitizenQuestion(Case):
    """A question the desk could not answer well, sent to the agency of its topic."""

    __tablename__ = "citizen_questions"

    id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    question: Mapped[str] = mapped_column(sa.Text)
    topic_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"))

    topic_agency = relationship("Agency", foreign_keys=[topic_agency_id])

    __mapper_args__ = {"polymorphic_identity": "citizen_question", "polymorphic_load": "selectin"}
