"""Business consultation (Cổng tham vấn, đối thoại doanh nghiệp): businesses declared by
accounts, draft policies open for comment, and business questions answered publicly (a kind
of case of the engine, :mod:`app.business.kind`)."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.main.tiles import Tile, register_tile
from app.notifications import registry as _notifications

bp = Blueprint("business", __name__, url_prefix="/business")
register_tile(Tile("business", "business.home", _l("Business consultation"),
                   _l("Comment on draft policies, ask the agencies, read their answers."), "briefcase", 70))


def _describe(notifications: Sequence) -> dict:
    """Notifications about moderated comments: the sentence and the consultation's page."""
    import sqlalchemy as sa

    from app.business.models import ConsultationComment
    from app.business.services import NOTIFICATION_TEXTS
    from app.core.urls import path_for
    from app.extensions import db
    from app.notifications.registry import Described

    ids = {n.subject_id for n in notifications if n.subject_id is not None}
    comments = {c.id: c for c in db.session.scalars(
        sa.select(ConsultationComment).where(ConsultationComment.id.in_(ids)))} if ids else {}
    described = {}
    for note in notifications:
        comment = comments.get(note.subject_id)
        template = NOTIFICATION_TEXTS.get(note.kind)
        if comment is None or template is None:
            continue
        text = str(template) % {"title": comment.consultation.title, "reason": comment.refusal_reason or ""}
        described[note.id] = Described(text, path_for("business.show_consultation",
                                                       consultation_id=comment.consultation_id))
    return described


_notifications.register_subject("consultation_comment", _describe)

from app.business import kind, routes  # noqa: E402,F401
