"""The answer desk: ask a question, get ranked sources with a confidence, or send the question
to an official (a citizen question case); FAQ entries kept by officials."""

from __future__ import annotations

import math
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
# no good answer and offers to send the question to an official. Measured by bench/answer_desk.py
# (chosen where the rates hold within ±0.03 of it, not at the edge of the fixed set).
THRESHOLD = 0.31


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


# A folded syllable this short stands for many words ("so": số, sổ, sợ; "an": an, ăn, ấn): found on
# its own it is weak evidence, and it weighs less in the question.
SHORT = 2
# What a topic word found in the document is worth: side by side with its neighbour of the question
# (a Vietnamese word is mostly a pair of syllables: "căn cước", "kết hôn"), alone, or alone and
# short. Alone and part of a pair of topic words in the question ("tuyển dụng" found only as
# "trực tuyến … sử dụng"), it is weaker still.
FOUND_IN_PAIR = 1.0
FOUND_ALONE = 0.6
FOUND_ALONE_SHORT = 0.2
FOUND_ALONE_IN_COMPOUND = 0.25
# Part of the confidence from the share of the question's compounds found side by side.
PAIR_SHARE = 0.2
# A number ("14 tuổi", "xây 4 tầng") rarely names the topic: it counts little.
NUMBER = 0.2


def relevance(terms: index.Terms, document: AnswerDocument) -> tuple[float, float]:
    """How closely the document matches the question, to order the candidates: half from the
    share of the question's topic words found in it, half from its word pairs found side by
    side (two such pairs count fully), and how much of the question its title covers. Generous
    on purpose: whether the best of them answers at all is :func:`confidence`'s question.
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


def weights(terms: index.Terms, total: int, frequencies: dict[str, int]) -> dict[str | tuple[str, str], float]:
    """How much each topic word of the question counts: rarer in the index, more (IDF); a word the
    index never saw counts most (the question is about something the data does not hold); short
    folded words count half."""
    result: dict[str | tuple[str, str], float] = {}
    for word in terms.content:
        result[word] = _rarity(total, frequencies.get(word, 0)) * (
            NUMBER if word.isdigit() else 0.5 if len(word) <= SHORT else 1.0)
    for a, b in terms.compounds:
        if not (a.isdigit() or b.isdigit()):
            result[(a, b)] = _rarity(total, frequencies.get(f"{a} {b}", 0))
    return result


def _rarity(total: int, frequency: int) -> float:
    return max(0.1, math.log((total + 1) / (frequency + 0.5)))


def confidence(terms: index.Terms, document: AnswerDocument,
               weight: dict | None = None) -> float:
    """How sure the desk is that the document answers the question, 0…1.

    The share of the question's topic words, each weighted by its rarity in the index, that the
    document holds; a word counts fully when found side by side with its neighbour in the
    question, far less when found alone (after diacritics are removed unrelated words collide:
    "số"/"sổ"/"so", "miễn"/"miền"), least when short. So most of the question's topic must be
    found, as words of the question, for the desk to be sure; a syllable of a compound of the
    question that the document lacks weighs as much as that compound is rare in the index
    ("chung cư" against "chứng thực", "cư trú"). A question of one topic word gives
    too little evidence to be sure. The same measure on both engines, whatever their own scores.
    """
    title = document.folded_title.split()
    text = title + document.folded_body.split()
    found = set(text)
    words = terms.content
    if not words:
        return 0.0
    weight = weight or {w: 0.5 if len(w) <= SHORT else 1.0 for w in words}
    pairs = _pairs(text)
    in_pair: set[str] = set()
    for a, b in terms.pairs:
        if (a, b) in pairs:
            in_pair.update((a, b))
    compounds = terms.compounds
    compound = {w for pair in compounds for w in pair}
    # A syllable of a compound the document lacks weighs as much as the compound is rare: "chung"
    # and "cư" are everywhere (chứng thực, cư trú), "chung cư" nowhere.
    word_weight = {w: weight[w] for w in words}
    for pair in compounds:
        if pair not in pairs and pair in weight:
            for w in pair:
                if w not in in_pair:
                    word_weight[w] = max(word_weight[w], weight[pair] * (0.5 if len(w) <= SHORT else 1.0))
    earned = 0.0
    for word in words:
        if word in in_pair:
            earned += word_weight[word] * FOUND_IN_PAIR
        elif word in found:
            value = FOUND_ALONE_SHORT if len(word) <= SHORT else FOUND_ALONE
            if word in compound:
                value = min(value, FOUND_ALONE_IN_COMPOUND)
            earned += word_weight[word] * value
    overall = earned / sum(word_weight.values())
    # The question's pairs of topic words ("chung cư", "tuyển dụng") are its compound words: the
    # share of them found side by side counts too.
    if compounds:
        overall = (1 - PAIR_SHARE) * overall + PAIR_SHARE * sum(p in pairs for p in compounds) / len(compounds)
    if len(words) == 1 and not in_pair:
        overall *= 0.7
    return overall


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
        backend = index.backend()
        ranked = backend.candidates(terms, CANDIDATES)
        weight = weights(terms, *backend.frequencies(
            terms.content + tuple(f"{a} {b}" for a, b in terms.compounds))) if ranked else {}
        documents = {d.id: d for d in db.session.scalars(
            sa.select(AnswerDocument).where(AnswerDocument.id.in_([i for i, _s in ranked])))}
        scored = []
        for position, (doc_id, score) in enumerate(ranked):
            document = documents.get(doc_id)
            if document is None:
                continue
            match, title_share = relevance(terms, document)
            # The engine's order counts, the coverage of the question counts more.
            combined = match + 0.3 * title_share + 0.3 * (1 - position / CANDIDATES)
            scored.append((combined, confidence(terms, document, weight), score, document))
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
