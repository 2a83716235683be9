"""Business consultation: declared businesses, draft policies open for comment with moderation
and a response summary, and business questions filed as cases of the engine.

Comment-period rules: a consultation's period is ``[opens_at, closes_at)``; comments are taken
only inside it, from an account that declared a business; they are published only after
moderation, and a refusal carries its reason (the commenter is told). The agency's response
summary comes once, after the period has closed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.audit import services as audit
from app.business import taxcode
from app.business.kind import search_text
from app.business.models import (
    Business,
    BusinessQuestion,
    CommentStatus,
    Consultation,
    ConsultationComment,
)
from app.business.permissions import PUBLIC_STATUSES
from app.cases import services as cases
from app.core.models import utcnow
from app.core.text import fold
from app.extensions import db
from app.notifications import services as notifications


class ConsultationError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


MESSAGES = {
    "invalid_tax_code": _l("This tax code is not valid: 10 digits (and -XXX for a branch) with the right check digit."),
    "already_declared": _l("You already declared this business."),
    "period_order": _l("The comment period must end after it starts."),
    "not_open": _l("Comments are taken only during the comment period."),
    "no_business": _l("Declare your business first."),
    "reason_required": _l("Give the reason for refusing, the commenter will see it."),
    "already_moderated": _l("This comment was already moderated."),
    "period_running": _l("The response summary can be published only after the comment period has closed."),
    "already_responded": _l("The response summary was already published."),
    "empty": _l("Write the text."),
}

NOTIFICATION_TEXTS = {
    "comment_published": _l("Your comment on “%(title)s” was published."),
    "comment_refused": _l("Your comment on “%(title)s” was not published: %(reason)s"),
}


def message(code: str) -> str:
    return str(MESSAGES.get(code, code))


# --- businesses ---------------------------------------------------------------------------

def declare_business(user, *, name: str, tax_code: str, kind: str, role: str) -> Business:
    if not taxcode.is_valid(tax_code):
        raise ConsultationError("invalid_tax_code")
    code = taxcode.normalize(tax_code)
    if db.session.scalar(sa.select(Business.id).where(Business.user_id == user.id, Business.tax_code == code)):
        raise ConsultationError("already_declared")
    business = Business(user_id=user.id, name=name.strip(), tax_code=code, kind=kind, role=role)
    db.session.add(business)
    db.session.flush()
    audit.record("business.declared", business, actor=user)
    return business


def businesses_of(user) -> list[Business]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(db.session.scalars(sa.select(Business).where(Business.user_id == user.id).order_by(Business.id)))


def own_business(user, business_id: int | None) -> Business | None:
    business = db.session.get(Business, business_id) if business_id else None
    return business if business is not None and business.user_id == user.id else None


# --- consultations ------------------------------------------------------------------------

class Phase:
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"  # awaiting the response summary
    RESPONDED = "responded"


def phase(consultation: Consultation, now: datetime | None = None) -> str:
    now = now or utcnow()
    if consultation.responded_at is not None:
        return Phase.RESPONDED
    if now < consultation.opens_at:
        return Phase.UPCOMING
    if now < consultation.closes_at:
        return Phase.OPEN
    return Phase.CLOSED


def create_consultation(actor, *, agency_id: int, title: str, summary: str, body: str,
                        opens_at: datetime, closes_at: datetime) -> Consultation:
    if closes_at <= opens_at:
        raise ConsultationError("period_order")
    consultation = Consultation(agency_id=agency_id, title=title.strip(), summary=summary.strip(), body=body.strip(),
                                opens_at=opens_at, closes_at=closes_at, created_by_id=getattr(actor, "id", None),
                                created_at=utcnow())
    db.session.add(consultation)
    db.session.flush()
    audit.record("consultation.published", consultation, actor=actor)
    return consultation


def public_consultations() -> list[Consultation]:
    return list(db.session.scalars(sa.select(Consultation).order_by(Consultation.closes_at.desc()).limit(100)))


def consultations_of(user) -> list[Consultation]:
    from app.auth.permissions import is_city_admin

    query = sa.select(Consultation).order_by(Consultation.id.desc())
    if not is_city_admin(user):
        query = query.where(Consultation.agency_id.in_(sorted(user.agency_ids) or [-1]))
    return list(db.session.scalars(query.limit(200)))


def add_comment(consultation: Consultation, user, business: Business | None, body: str,
                now: datetime | None = None) -> ConsultationComment:
    if business is None or business.user_id != user.id:
        raise ConsultationError("no_business")
    if phase(consultation, now) != Phase.OPEN:
        raise ConsultationError("not_open")
    if not body.strip():
        raise ConsultationError("empty")
    comment = ConsultationComment(consultation_id=consultation.id, user_id=user.id, business_id=business.id,
                                  body=body.strip(), status=CommentStatus.PENDING, created_at=now or utcnow())
    db.session.add(comment)
    db.session.flush()
    audit.record("consultation.commented", comment, actor=user)
    return comment


def moderate(comment: ConsultationComment, actor, publish: bool, reason: str = "") -> None:
    """Publish a pending comment, or refuse it with a reason the commenter is told."""
    if comment.status != CommentStatus.PENDING:
        raise ConsultationError("already_moderated")
    if not publish and not reason.strip():
        raise ConsultationError("reason_required")
    comment.status = CommentStatus.PUBLISHED if publish else CommentStatus.REFUSED
    comment.refusal_reason = None if publish else reason.strip()
    comment.moderated_by_id = actor.id
    comment.moderated_at = utcnow()
    notifications.add(comment.user_id, "comment_published" if publish else "comment_refused",
                      subject_type="consultation_comment", subject_id=comment.id)
    audit.record("consultation.comment_" + ("published" if publish else "refused"), comment, actor=actor)


def publish_response(consultation: Consultation, actor, summary: str, now: datetime | None = None) -> None:
    if consultation.responded_at is not None:
        raise ConsultationError("already_responded")
    now = now or utcnow()
    if now < consultation.closes_at:
        raise ConsultationError("period_running")
    if not summary.strip():
        raise ConsultationError("empty")
    consultation.response_summary = summary.strip()
    consultation.responded_at = now
    audit.record("consultation.responded", consultation, actor=actor)


def published_comments(consultation: Consultation) -> list[ConsultationComment]:
    return [c for c in consultation.comments if c.status == CommentStatus.PUBLISHED]


def pending_comments(consultation: Consultation) -> list[ConsultationComment]:
    return [c for c in consultation.comments if c.status == CommentStatus.PENDING]


@dataclass(frozen=True)
class Step:
    when: datetime
    label: object  # a lazy string, rendered in the reader's locale
    done: bool


def timeline(consultation: Consultation, now: datetime | None = None) -> list[Step]:
    """The consultation's steps, oldest first: published, period opens, period closes, response."""
    now = now or utcnow()
    steps = [
        Step(consultation.created_at, _l("Draft published"), True),
        Step(consultation.opens_at, _l("Comment period opens"), now >= consultation.opens_at),
        Step(consultation.closes_at, _l("Comment period closes"), now >= consultation.closes_at),
    ]
    published = published_comments(consultation)
    if published:
        last = max(c.moderated_at or c.created_at for c in published)
        steps.append(Step(last, _l("%(num)d comments published", num=len(published)), True))
    if consultation.responded_at is not None:
        steps.append(Step(consultation.responded_at, _l("Response summary published"), True))
    return sorted(steps, key=lambda s: s.when)


# --- questions ----------------------------------------------------------------------------

def ask(user, business: Business, *, topic: str, agency_id: int | None, title: str, body: str,
        anonymous: bool, submission_id: str | None = None) -> tuple[BusinessQuestion, bool]:
    """File a business question as a case; routing and the rest are the engine's."""
    if business is None or business.user_id != user.id:
        raise ConsultationError("no_business")
    question = BusinessQuestion(requester_id=user.id, submission_id=submission_id or str(uuid.uuid4()),
                                business_id=business.id, topic=topic, chosen_agency_id=agency_id,
                                title=title.strip(), body=body.strip(), anonymous=anonymous)
    question.search_text = search_text(question)
    return cases.file_case(question, user)


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def answered_questions(query: str = "", limit: int = 50) -> list[BusinessQuestion]:
    """Answered questions, newest answer first; ``query`` matches every word, ignoring case and
    Vietnamese diacritics ("thue mon bai" finds "thuế môn bài")."""
    stmt = sa.select(BusinessQuestion).where(BusinessQuestion.status.in_(PUBLIC_STATUSES))
    for word in fold(query).split()[:10]:
        stmt = stmt.where(BusinessQuestion.search_text.like(_like(word), escape="\\"))
    return list(db.session.scalars(stmt.order_by(BusinessQuestion.resolved_at.desc()).limit(limit)))


def questions_of(user) -> list[BusinessQuestion]:
    return list(db.session.scalars(sa.select(BusinessQuestion).where(BusinessQuestion.requester_id == user.id)
                                   .order_by(BusinessQuestion.id.desc()).limit(100)))
