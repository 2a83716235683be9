"""The audit log: one function to write it, one to read it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import has_request_context, request
from flask_login import current_user

from app.audit.models import AuditEntry
from app.extensions import db


def record(action: str, obj=None, *, actor=None, object_type: str | None = None,
           object_id=None, **details) -> AuditEntry:
    """Add an audit entry to the current transaction.

    ``obj`` may be a model instance (its table name and id are used). ``details`` must not
    carry personal data such as the CCCD or a phone number.
    """
    if obj is not None:
        db.session.flush()
        object_type = object_type or obj.__table__.name
        object_id = obj.id
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    entry = AuditEntry(
        action=action,
        actor_id=getattr(actor, "id", None),
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        ip=request.remote_addr if has_request_context() else None,
        details=details,
    )
    db.session.add(entry)
    return entry


def recent(*, action: str | None = None, actor_id: int | None = None,
           object_type: str | None = None, object_id: str | int | None = None,
           since: datetime | None = None, until: datetime | None = None,
           limit: int = 50, before_id: int | None = None) -> list[AuditEntry]:
    """Newest first; ``since`` is inclusive, ``until`` exclusive; ``before_id`` pages back."""
    query = sa.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if action:
        query = query.where(AuditEntry.action == action)
    if actor_id:
        query = query.where(AuditEntry.actor_id == actor_id)
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    if object_id is not None and object_id != "":
        query = query.where(AuditEntry.object_id == str(object_id))
    if since is not None:
        query = query.where(AuditEntry.created_at >= since)
    if until is not None:
        query = query.where(AuditEntry.created_at < until)
    if before_id:
        query = query.where(AuditEntry.id < before_id)
    return list(db.session.scalars(query))
