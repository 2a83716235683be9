"""The answer desk's index: one row per source in ``answer_documents``, kept up to date when a
source changes, and searched through one interface with one code path per engine.

Sources: published FAQ entries, active procedures, and the published official answers of field
reports (resolved or closed, public) and of business questions. A change to any of them, made anywhere in the app, is
noticed after each flush and written to the index in the same commit, so the index is never
rebuilt per query. The field report's rows are read through the case engine's ``Case`` (the
report kind is registered there), so this package needs no import of the reports package.

Engines: SQLite FTS5 (``bm25``) over the text folded like the query (:func:`app.core.text.fold`:
diacritics removed, đ→d); PostgreSQL full-text search over ``unaccent`` (``ts_rank``, weighted by field and
normalised by length) with a GIN index. Both answer :meth:`Backend.candidates`; the desk's
confidence is then measured the same way for both (:mod:`app.answers.services`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.answers.models import AnswerDocument, FaqEntry
from app.cases.models import Case, Status
from app.core.models import utcnow
from app.core.text import fold, mask_personal_data
from app.core.urls import path_for
from app.extensions import db
from app.procedures.models import Procedure

_WORD = re.compile(r"[a-z0-9]+")
# Words (folded) that carry no topic in a citizen's question: "ở đâu", "thế nào", "cần gì"…
STOPWORDS = frozenset("""
a ai anh ba bao bay bi biet bo cac cach can cho chi chu co con cua cung da dang dau de den di do duoc em gi gio
ha hay hoi khi khong la lai lam luc ma may minh moi muon nao nay neu nhe nhieu nhu nhung noi o oi phai qua ra
roi sao se t tai the thi thu toi tot trong tu va van ve vay voi vi xin
hom tren duoi vua luon nua thoi a u
""".split())


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text or ""))


@dataclass(frozen=True)
class Terms:
    """A query as the backends see it: its topic words and its adjacent word pairs (phrases)."""

    words: tuple[str, ...]
    content: tuple[str, ...]
    pairs: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, query: str) -> Terms:
        tokens = words(query)[:24]
        content = tuple(dict.fromkeys(t for t in tokens if t not in STOPWORDS))
        pairs = tuple(dict.fromkeys((a, b) for a, b in zip(tokens, tokens[1:], strict=False)
                                    if a not in STOPWORDS or b not in STOPWORDS))
        return cls(tuple(tokens), content, pairs)

    @property
    def compounds(self) -> tuple[tuple[str, str], ...]:
        """Adjacent pairs of topic words: most likely the question's compound words."""
        content = set(self.content)
        return tuple(dict.fromkeys((a, b) for a, b in zip(self.words, self.words[1:], strict=False)
                                   if a in content and b in content))

    @property
    def empty(self) -> bool:
        return not self.content


class Backend:
    """Ranked candidate documents for the terms: ``[(document id, score)]``, best first; and how
    many documents hold each word (for the desk's rarity weights)."""

    def candidates(self, terms: Terms, limit: int) -> list[tuple[int, float]]:
        raise NotImplementedError

    def _count(self, word: str) -> int:
        raise NotImplementedError

    def frequencies(self, words: tuple[str, ...]) -> tuple[int, dict[str, int]]:
        """The number of indexed documents and, per word (or pair of words, "a b"), how many of
        them hold it."""
        total = db.session.scalar(sa.select(sa.func.count()).select_from(AnswerDocument)) or 0
        return total, {w: self._count(w) for w in words}


class Fts5Backend(Backend):
    def candidates(self, terms: Terms, limit: int) -> list[tuple[int, float]]:
        parts = [f'"{w}"' for w in terms.content] + [f'"{a} {b}"' for a, b in terms.pairs]
        rows = db.session.execute(sa.text(
            "SELECT rowid, bm25(answer_documents_fts, 3.0, 1.0) AS rank FROM answer_documents_fts "
            "WHERE answer_documents_fts MATCH :query ORDER BY rank LIMIT :limit"),
            {"query": " OR ".join(parts), "limit": limit}).all()
        return [(row[0], -row[1]) for row in rows]

    def _count(self, word: str) -> int:
        return db.session.scalar(sa.text(
            "SELECT count(*) FROM answer_documents_fts WHERE answer_documents_fts MATCH :query"),
            {"query": f'"{word}"'}) or 0


class PostgresBackend(Backend):
    def candidates(self, terms: Terms, limit: int) -> list[tuple[int, float]]:
        parts = list(terms.content) + [f"({a} <-> {b})" for a, b in terms.pairs]
        rows = db.session.execute(sa.text(
            "SELECT d.id, ts_rank(d.search_vector, q, 1) AS rank "
            "FROM answer_documents d, to_tsquery('simple', answer_unaccent(:query)) q "
            "WHERE d.search_vector @@ q ORDER BY rank DESC, d.id LIMIT :limit"),
            {"query": " | ".join(parts), "limit": limit}).all()
        return [(row[0], float(row[1])) for row in rows]

    def _count(self, word: str) -> int:
        return db.session.scalar(sa.text(
            "SELECT count(*) FROM answer_documents WHERE search_vector @@ to_tsquery('simple', :query)"),
            {"query": " <-> ".join(word.split())}) or 0


def backend() -> Backend:
    name = db.session.get_bind().dialect.name
    if name == "sqlite":
        return Fts5Backend()
    if name == "postgresql":
        return PostgresBackend()
    raise RuntimeError(f"the answer desk has no search backend for {name}")


# --- what each source puts in the index -------------------------------------------------

@dataclass
class Entry:
    title: str
    body: str
    url: str
    agency_id: int | None


def _procedure(source_id: int) -> Entry | None:
    procedure = db.session.get(Procedure, source_id)
    if procedure is None or not procedure.active:
        return None
    agency = procedure.agency.name if procedure.agency else ""
    body = "\n".join(filter(None, [procedure.summary, agency, procedure.documents, procedure.fees,
                                   f"{procedure.processing_days} ngày làm việc"]))
    return Entry(procedure.name, body, path_for("procedures.show_procedure", procedure_id=procedure.id),
                 procedure.agency_id)


def _faq(source_id: int) -> Entry | None:
    faq = db.session.get(FaqEntry, source_id)
    if faq is None or not faq.published:
        return None
    return Entry(faq.question, faq.answer, path_for("answers.show_faq", faq_id=faq.id), faq.agency_id)


def _report(source_id: int) -> Entry | None:
    """A field report's published answer: resolved or closed, public, with an answer."""
    case = db.session.get(Case, source_id)
    if (case is None or case.kind != "report" or getattr(case, "hidden", True) or not case.answer_text
            or case.status not in (Status.RESOLVED, Status.CLOSED)):
        return None
    category = case.category.name if getattr(case, "category", None) else ""
    description = mask_personal_data(case.description)
    title = f"{category}: {description[:120]}" if category else description[:160]
    return Entry(title, f"{description}\n{mask_personal_data(case.answer_text)}",
                 path_for("reports.show_report", report_id=case.id), case.unit_agency_id)


def _business_question(source_id: int) -> Entry | None:
    """A business question answered publicly (resolved or closed, with an answer); the asker's
    business is never indexed, whether or not it stays anonymous."""
    case = db.session.get(Case, source_id)
    if (case is None or case.kind != "business_question" or not case.answer_text
            or case.status not in (Status.RESOLVED, Status.CLOSED)):
        return None
    title = mask_personal_data(getattr(case, "title", "") or "")
    body = mask_personal_data(getattr(case, "body", "") or "")
    return Entry(title or body[:160], f"{body}\n{mask_personal_data(case.answer_text)}",
                 path_for("business.show_question", question_id=case.id), case.unit_agency_id)


SOURCES = {"procedure": _procedure, "faq": _faq, "report": _report,
           "business_question": _business_question}
# Case kinds whose published answers the desk indexes (the source name is the kind).
_CASE_SOURCES = ("report", "business_question")


def refresh(source_type: str, source_id: int) -> AnswerDocument | None:
    """Bring one source's row up to date (added, changed, or removed when no longer published)."""
    entry = SOURCES[source_type](source_id)
    document = db.session.scalar(sa.select(AnswerDocument).where(
        AnswerDocument.source_type == source_type, AnswerDocument.source_id == source_id))
    if entry is None:
        if document is not None:
            db.session.delete(document)
        return None
    if document is None:
        document = AnswerDocument(source_type=source_type, source_id=source_id)
        db.session.add(document)
    document.title, document.body, document.url = entry.title[:400], entry.body, entry.url
    document.agency_id = entry.agency_id
    document.folded_title, document.folded_body = fold(entry.title), fold(entry.body)
    document.updated_at = utcnow()
    return document


def rebuild() -> int:
    """Index every source again (after an import, or a change of the indexing rules)."""
    count = 0
    for procedure_id in db.session.scalars(sa.select(Procedure.id)):
        count += refresh("procedure", procedure_id) is not None
    for faq_id in db.session.scalars(sa.select(FaqEntry.id)):
        count += refresh("faq", faq_id) is not None
    for kind, case_id in db.session.execute(sa.select(Case.kind, Case.id).where(
            Case.kind.in_(_CASE_SOURCES), Case.answer_text.is_not(None))):
        count += refresh(kind, case_id) is not None
    db.session.flush()
    return count


# --- keeping the index up to date -------------------------------------------------------

_PENDING = "answers_index_pending"


def _source_of(obj) -> tuple[str, int] | None:
    if isinstance(obj, Procedure):
        return "procedure", obj.id
    if isinstance(obj, FaqEntry):
        return "faq", obj.id
    if isinstance(obj, Case) and obj.kind in _CASE_SOURCES:
        return obj.kind, obj.id
    return None


def _collect(session: Session, _context) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        source = _source_of(obj)
        if source is not None and source[1] is not None:
            session.info.setdefault(_PENDING, set()).add(source)


def _apply(session: Session) -> None:
    if session is not db.session():
        return
    # The commit's own flush comes after this hook: flush first, so its changes are collected.
    session.flush()
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    for source_type, source_id in sorted(pending):
        refresh(source_type, source_id)


def _forget(session: Session, *_args) -> None:
    session.info.pop(_PENDING, None)


def listen() -> None:
    if not event.contains(Session, "after_flush", _collect):
        event.listen(Session, "after_flush", _collect)
        event.listen(Session, "before_commit", _apply)
        event.listen(Session, "after_soft_rollback", _forget)
