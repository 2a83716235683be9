"""The answer desk: ask a question, get ranked sources with a confidence, or send the question
to an official (a citizen question case); FAQ entries kept by officials."""

from __future__ import annotations

import time
from dataclasses import dataclass

import sqlalchemy as sa

from app.answers import index
from app.answers.models import AnswerDocument, CitizenQuestion, FaqEntry
from app.audit import services as audit
from app.cases import services as cases
from app.core.models import utcnow
from app.core.text import fold
from app.extensions import db

CANDIDATES = 30
SHOWN = 5
# At or above this, the best match is given as "the answer"; below it the desk says it found
# no good answer and offers to send the question to an official. Measured by bench/answer_desk.py.
THRESHOLD = 0.4


@dataclass
class Hit:
    document: AnswerDocument
    confidence: float
    score: float
    excerpt: str


@dataclass
class Answer:
    query: str
    hits: list[Hit]
    confident: bool
    seconds: float

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None


def _pairs(tokens: list[str]) -> set[tuple[str, str]]:
    return set(zip(tokens, tokens[1:], strict=False))


def confidence(terms: index.Terms, document: AnswerDocument) -> tuple[float, float]:
    """How well the document answers the question, 0…1, and how much of it its title covers.

    Half from the share of the question's topic words found in the document, half from its word
    pairs found side by side (Vietnamese meaning lives in pairs of syllables: "căn cước", "khai
    sinh"; two such pairs count as full evidence). A question of one topic word gives too little
    evidence to be sure. The same measure on both engines, whatever their own scores.
    """
    title = document.folded_title.split()
    text = title + document.folded_body.split()
    found = set(text)
    words = terms.content
    if not words:
        return 0.0, 0.0
    word_share = sum(w in found for w in words) / len(words)
    if terms.pairs:
        pairs = _pairs(text)
        pair_hits = sum(p in pairs for p in terms.pairs)
        overall = 0.5 * word_share + 0.5 * min(1.0, pair_hits / 2)
    else:
        overall = 0.35 * word_share
    title_words = set(title)
    title_share = sum(w in title_words for w in words) / len(words)
    return overall, title_share


def excerpt(body: str, terms: index.Terms, width: int = 32) -> str:
    """About ``width`` words of ``body`` around the first topic word of the question."""
    parts = body.split()
    wanted = set(terms.content)
    start = next((i for i, w in enumerate(parts) if set(index.words(w)) & wanted), 0)
    start = max(0, start - width // 4)
    text = " ".join(parts[start:start + width])
    return ("… " if start else "") + text + (" …" if start + width < len(parts) else "")


def ask(query: str, *, limit: int = SHOWN) -> Answer:
    started = time.perf_counter()
    terms = index.Terms.of(query)
    hits: list[Hit] = []
    if not terms.empty:
        ranked = index.backend().candidates(terms, CANDIDATES)
        documents = {d.id: d for d in db.session.scalars(
            sa.select(AnswerDocument).where(AnswerDocument.id.in_([i for i, _s in ranked])))}
        scored = []
        for position, (doc_id, score) in enumerate(ranked):
            document = documents.get(doc_id)
            if document is None:
                continue
            overall, title_share = confidence(terms, document)
            # The engine's order counts, the coverage of the question counts more.
            combined = overall + 0.3 * title_share + 0.3 * (1 - position / CANDIDATES)
            scored.append((combined, overall, score, document))
        scored.sort(key=lambda row: -row[0])
        hits = [Hit(document, overall, score, excerpt(document.body, terms))
                for _c, overall, score, document in scored[:limit]]
    confident = bool(hits) and hits[0].confidence >= THRESHOLD
    return Answer(query, hits, confident, time.perf_counter() - started)


# --- questions sent to officials --------------------------------------------------------

def send_question(user, submission_id: str, question: str, agency_id: int) -> tuple[CitizenQuestion, bool]:
    case = CitizenQuestion(requester_id=user.id, submission_id=submission_id, source="web",
                           question=question.strip(), topic_agency_id=agency_id)
    return cases.file_case(case, user)


def questions_of(user) -> list[CitizenQuestion]:
    return list(db.session.scalars(sa.select(CitizenQuestion).where(
        CitizenQuestion.requester_id == user.id).order_by(CitizenQuestion.id.desc()).limit(100)))


# --- FAQ ----------------------------------------------------------------------------------

def save_faq(faq: FaqEntry, editor, *, question: str, answer: str, agency_id: int | None, published: bool) -> None:
    creating = faq.id is None
    faq.question, faq.answer, faq.agency_id, faq.published = question, answer, agency_id, published
    faq.updated_at = utcnow()
    faq.updated_by_id = getattr(editor, "id", None)
    if creating:
        db.session.add(faq)
    db.session.flush()
    audit.record("faq.created" if creating else "faq.updated", faq, actor=editor, published=published)


def faqs(query: str = "") -> list[FaqEntry]:
    rows = db.session.scalars(sa.select(FaqEntry).order_by(FaqEntry.id.desc())).all()
    folded = fold(query)
    return [f for f in rows if folded in fold(f.question)] if folded else list(rows)
