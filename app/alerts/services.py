"""The alert lifecycle (draft → published → updated → expired or withdrawn), the lists citizens
see, subscriptions, and the fan-out of a published message to its subscribers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import g, has_request_context

from app.alerts import markdown
from app.alerts.models import (
    SEVERITY_RANK,
    Alert,
    AlertKind,
    AlertStatus,
    AlertSubscription,
    MsgType,
    alert_wards,
)
from app.audit import services as audit
from app.core.database import after_commit
from app.core.models import utcnow
from app.core.text import fold
from app.extensions import db
from app.places.models import Ward

# Subscribers told per job: small enough that a retried job redoes little, big enough that
# 50,000 subscribers make only 50 jobs.
BATCH = 1000
CONTENT_FIELDS = ("kind", "severity", "urgency", "certainty", "title", "title_en", "summary", "summary_en",
                  "body", "instruction", "instruction_en", "valid_from", "valid_until", "city_wide")
IMAGE_FIELDS = ("image_key", "image_thumb_key", "image_width", "image_height", "image_size")


class AlertError(Exception):
    """``args[0]`` is a code of :data:`app.alerts.routes.MESSAGES`."""


@dataclass
class AlertData:
    kind: str
    severity: str
    urgency: str
    certainty: str
    title: str
    summary: str
    valid_from: datetime
    valid_until: datetime
    city_wide: bool = True
    ward_ids: tuple[int, ...] = ()
    title_en: str = ""
    summary_en: str = ""
    body: str = ""
    instruction: str = ""
    instruction_en: str = ""


def _apply(alert: Alert, data: AlertData) -> None:
    if data.valid_until <= data.valid_from:
        raise AlertError("validity")
    if not data.city_wide and not data.ward_ids:
        raise AlertError("area_required")
    for name in CONTENT_FIELDS:
        setattr(alert, name, getattr(data, name))
    alert.wards = [] if data.city_wide else list(db.session.scalars(
        sa.select(Ward).where(Ward.id.in_(sorted(set(data.ward_ids))))))
    alert.search_text = fold(" ".join([alert.title, alert.title_en, alert.summary, alert.summary_en,
                                       markdown.plain(alert.body)]))


def create_draft(author, agency_id: int, data: AlertData) -> Alert:
    alert = Alert(agency_id=agency_id, author_id=author.id, status=AlertStatus.DRAFT, msg_type=MsgType.ALERT)
    _apply(alert, data)
    db.session.add(alert)
    db.session.flush()
    audit.record("alert.draft", alert, actor=author)
    return alert


def edit_draft(alert: Alert, actor, data: AlertData) -> None:
    if alert.status != AlertStatus.DRAFT:
        raise AlertError("not_draft")
    _apply(alert, data)
    audit.record("alert.edit_draft", alert, actor=actor)


def set_image(alert: Alert, data: bytes) -> None:
    """Attach a photo through the shared pipeline (verified, re-encoded, metadata stripped);
    raises :class:`app.core.images.PhotoError`. Earlier versions keep the photo they showed."""
    from app.core import images
    from app.core.storage import get_storage, new_photo_key

    processed = images.process_photo(data)
    storage = get_storage()
    key = new_photo_key("alerts")
    thumb_key = key.removesuffix(".jpg") + "-thumb.jpg"
    storage.save(key, processed.data, processed.content_type)
    storage.save(thumb_key, processed.thumb_data, processed.content_type)
    alert.image_key, alert.image_thumb_key = key, thumb_key
    alert.image_width, alert.image_height, alert.image_size = processed.width, processed.height, len(processed.data)


def _queue_fan_out(alert: Alert) -> None:
    alert_id = alert.id

    def enqueue() -> None:
        from app.alerts.tasks import fan_out

        fan_out(alert_id)

    after_commit(enqueue)


def publish(alert: Alert, actor) -> None:
    if alert.status != AlertStatus.DRAFT:
        raise AlertError("not_draft")
    now = utcnow()
    if alert.valid_until <= now:
        raise AlertError("already_over")
    alert.status = AlertStatus.PUBLISHED
    alert.published_at = now
    alert.root_id = alert.id
    audit.record("alert.publish", alert, actor=actor, kind=alert.kind, severity=alert.severity)
    _queue_fan_out(alert)


def _successor(alert: Alert, actor, msg_type: MsgType, status: AlertStatus, note: str) -> Alert:
    if alert.status != AlertStatus.PUBLISHED:
        raise AlertError("not_published")
    now = utcnow()
    new = Alert(root_id=alert.root_id, previous_id=alert.id, msg_type=msg_type, status=status,
                agency_id=alert.agency_id, author_id=actor.id, published_at=now, note=note)
    for name in CONTENT_FIELDS + IMAGE_FIELDS:
        setattr(new, name, getattr(alert, name))
    new.wards = list(alert.wards)
    new.search_text = alert.search_text
    alert.status = AlertStatus.UPDATED
    alert.ended_at = now
    db.session.add(new)
    db.session.flush()
    return new


def update(alert: Alert, actor, data: AlertData, note: str) -> Alert:
    """A new version (CAP ``Update``) that references the earlier ones; the old text is kept."""
    new = _successor(alert, actor, MsgType.UPDATE, AlertStatus.PUBLISHED, note)
    _apply(new, data)
    audit.record("alert.update", new, actor=actor, previous=alert.id)
    _queue_fan_out(new)
    return new


def withdraw(alert: Alert, actor, note: str) -> Alert:
    """Withdraw (CAP ``Cancel``): a last version that references the earlier ones."""
    if not note:
        raise AlertError("reason_required")
    new = _successor(alert, actor, MsgType.CANCEL, AlertStatus.WITHDRAWN, note)
    new.ended_at = new.published_at
    audit.record("alert.withdraw", new, actor=actor, previous=alert.id)
    _queue_fan_out(new)
    return new


def expire_due(now: datetime | None = None) -> int:
    """Published alerts whose validity has ended become expired (the periodic job)."""
    now = now or utcnow()
    due = list(db.session.scalars(sa.select(Alert).where(
        Alert.status == AlertStatus.PUBLISHED, Alert.valid_until <= now)))
    for alert in due:
        alert.status = AlertStatus.EXPIRED
        alert.ended_at = alert.valid_until
        audit.record("alert.expire", alert, actor=None)
    db.session.flush()
    return len(due)


# --- reading -----------------------------------------------------------------------------

def history(alert: Alert) -> list[Alert]:
    """Every version of the alert, oldest first (drafts have none but themselves)."""
    if alert.root_id is None:
        return [alert]
    return list(db.session.scalars(sa.select(Alert).where(Alert.root_id == alert.root_id)
                                   .order_by(Alert.id)))


def latest_version(alert: Alert) -> Alert:
    return history(alert)[-1]


def earlier_versions(alert: Alert) -> list[Alert]:
    return [a for a in history(alert) if a.id < alert.id]


def _current_clause(now: datetime):
    return sa.and_(Alert.status == AlertStatus.PUBLISHED, Alert.valid_from <= now, Alert.valid_until > now)


def _area_clause(ward_id: int | None):
    if ward_id is None:
        return sa.true()
    return sa.or_(Alert.city_wide.is_(True), sa.exists().where(
        alert_wards.c.alert_id == Alert.id, alert_wards.c.ward_id == ward_id))


def _severity_order():
    return sa.case(*[(Alert.severity == s.value, rank) for s, rank in SEVERITY_RANK.items()], else_=0).desc()


def _search_clause(q: str | None):
    words = fold(q or "").split()
    return sa.and_(*[Alert.search_text.contains(w, autoescape=True) for w in words]) if words else sa.true()


def current(*, ward_id: int | None = None, kind: str | None = None, q: str | None = None,
            now: datetime | None = None, limit: int = 100) -> list[Alert]:
    """Alerts in force now, most severe first; with a ward, that ward's and city-wide ones."""
    now = now or utcnow()
    query = sa.select(Alert).where(_current_clause(now), _area_clause(ward_id), _search_clause(q))
    if kind:
        query = query.where(Alert.kind == kind)
    return list(db.session.scalars(query.order_by(_severity_order(), Alert.published_at.desc()).limit(limit)))


def archive(*, kind: str | None = None, q: str | None = None, now: datetime | None = None,
            limit: int = 100) -> list[Alert]:
    """Alerts no longer in force: expired (by status or by time) and withdrawn, newest first."""
    now = now or utcnow()
    over = sa.or_(Alert.status.in_((AlertStatus.EXPIRED, AlertStatus.WITHDRAWN)),
                  sa.and_(Alert.status == AlertStatus.PUBLISHED, Alert.valid_until <= now))
    query = sa.select(Alert).where(over, _search_clause(q))
    if kind:
        query = query.where(Alert.kind == kind)
    return list(db.session.scalars(query.order_by(Alert.published_at.desc()).limit(limit)))


def published_messages(*, kind: str | None = None, limit: int = 50) -> list[Alert]:
    """Every published message (updates and withdrawals too), newest first: the feeds."""
    query = sa.select(Alert).where(Alert.status != AlertStatus.DRAFT)
    if kind:
        query = query.where(Alert.kind == kind)
    return list(db.session.scalars(query.order_by(Alert.published_at.desc(), Alert.id.desc()).limit(limit)))


def drafts_and_mine(user, agency_ids: set[int] | None) -> list[Alert]:
    """What the officials' page lists: their agencies' drafts and alerts in force."""
    query = sa.select(Alert).where(Alert.status.in_((AlertStatus.DRAFT, AlertStatus.PUBLISHED)))
    if agency_ids is not None:
        query = query.where(Alert.agency_id.in_(sorted(agency_ids)))
    return list(db.session.scalars(query.order_by(Alert.status, Alert.id.desc()).limit(200)))


def is_current(alert: Alert, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return alert.status == AlertStatus.PUBLISHED and alert.valid_from <= now < alert.valid_until


def top_alert() -> Alert | None:
    """The most severe alert in force now (the home page's line), once per request."""
    if has_request_context() and "top_alert" in g:
        return g.top_alert
    found = current(limit=1)
    alert = found[0] if found else None
    if has_request_context():
        g.top_alert = alert
    return alert


# --- subscriptions -------------------------------------------------------------------------

def area_key(ward_id: int | None) -> str:
    return "city" if ward_id is None else f"ward:{ward_id}"


def subscriptions(user) -> list[AlertSubscription]:
    return list(db.session.scalars(sa.select(AlertSubscription).where(AlertSubscription.user_id == user.id)
                                   .order_by(AlertSubscription.area, AlertSubscription.kind)))


def set_subscriptions(user, ward_id: int | None, kinds: set[str]) -> None:
    """The kinds ``user`` hears about in one area (a ward, or the whole city): exactly ``kinds``."""
    kinds = {k for k in kinds if k in set(AlertKind)}
    key = area_key(ward_id)
    existing = {s.kind: s for s in db.session.scalars(sa.select(AlertSubscription).where(
        AlertSubscription.user_id == user.id, AlertSubscription.area == key))}
    for kind, sub in existing.items():
        if kind not in kinds:
            db.session.delete(sub)
    for kind in kinds - set(existing):
        db.session.add(AlertSubscription(user_id=user.id, kind=kind, area=key, ward_id=ward_id))
    db.session.flush()


def subscriber_ids_query(alert: Alert):
    """Who hears of ``alert``: subscribers to its kind in the whole city, and, for an alert of
    some wards, those of these wards (every ward's, for a city-wide alert)."""
    query = sa.select(AlertSubscription.user_id).where(AlertSubscription.kind == alert.kind).distinct()
    if not alert.city_wide:
        ward_ids = [w.id for w in alert.wards]
        query = query.where(sa.or_(AlertSubscription.area == "city", AlertSubscription.ward_id.in_(ward_ids)))
    return query


def subscriber_batches(alert: Alert, size: int | None = None) -> list[list[int]]:
    size = size or BATCH
    ids = list(db.session.scalars(subscriber_ids_query(alert).order_by(AlertSubscription.user_id)))
    return [ids[i:i + size] for i in range(0, len(ids), size)]


NOTE_KINDS = {MsgType.ALERT: "alert", MsgType.UPDATE: "alert_update", MsgType.CANCEL: "alert_cancel"}


def notify_batch(alert: Alert, user_ids: list[int]) -> int:
    """Tell each of ``user_ids`` about this message once, however often a job runs it."""
    from app.notifications import services as notifications

    told = 0
    for user_id in user_ids:
        note = notifications.add_once(user_id, NOTE_KINDS[MsgType(alert.msg_type)], subject_type="alert",
                                      subject_id=alert.id, event_id=alert.id)
        told += note is not None
    return told
