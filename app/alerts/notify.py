"""How the notification inbox and push describe alert messages."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from flask_babel import get_locale, gettext

from app.alerts.models import Alert
from app.core.urls import path_for
from app.extensions import db
from app.notifications import registry
from app.notifications.registry import Described


def describe(notifications: Sequence) -> dict[int, Described]:
    ids = {n.subject_id for n in notifications if n.subject_id is not None}
    alerts = {a.id: a for a in db.session.scalars(sa.select(Alert).where(Alert.id.in_(ids)))} if ids else {}
    described = {}
    for note in notifications:
        alert = alerts.get(note.subject_id)
        if alert is None:
            continue
        title = alert.display_title(str(get_locale() or "vi"))
        if note.kind == "alert_update":
            text = gettext("Alert updated: %(title)s", title=title)
        elif note.kind == "alert_cancel":
            text = gettext("Alert withdrawn: %(title)s", title=title)
        else:
            text = gettext("Alert: %(title)s", title=title)
        described[note.id] = Described(text, path_for("alerts.show", alert_id=alert.id), f"alert-{alert.root_id}")
    return described


def register() -> None:
    registry.register_subject("alert", describe)
