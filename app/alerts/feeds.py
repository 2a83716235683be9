"""Atom feeds of alert messages (feedgen): one for people's feed readers, one indexing the CAP
documents for other alerting systems."""

from __future__ import annotations

from feedgen.feed import FeedGenerator
from flask import url_for

from app.alerts import cap
from app.alerts.display import kind_label
from app.alerts.models import Alert, MsgType


def _generator(feed_id: str, title: str, self_url: str, alternate: str, updated) -> FeedGenerator:
    fg = FeedGenerator()
    fg.id(feed_id)
    fg.title(title)
    fg.link(href=self_url, rel="self", type="application/atom+xml")
    fg.link(href=alternate, rel="alternate", type="text/html")
    fg.language("vi")
    fg.author(name="Công dân Thủ đô số")
    fg.updated(updated)
    return fg


def _prefix(alert: Alert, locale: str) -> str:
    if alert.msg_type == MsgType.UPDATE:
        return "[Updated] " if locale == "en" else "[Cập nhật] "
    if alert.msg_type == MsgType.CANCEL:
        return "[Withdrawn] " if locale == "en" else "[Thu hồi] "
    return ""


def atom(alerts: list[Alert], *, title: str, self_url: str, updated, cap_index: bool = False) -> bytes:
    fg = _generator(self_url, title, self_url, url_for("alerts.index", _external=True), updated)
    for alert in reversed(alerts):  # feedgen puts the last added entry first
        entry = fg.add_entry()
        page = url_for("alerts.show", alert_id=alert.id, _external=True)
        entry.id(cap.identifier(alert) if cap_index else page)
        entry.title(_prefix(alert, "vi") + alert.title)
        entry.updated(alert.published_at)
        entry.published(alert.published_at)
        entry.summary(alert.summary)
        entry.category(term=alert.kind, label=kind_label(alert.kind))
        entry.author(name=alert.agency.name)
        if cap_index:
            entry.link(href=url_for("alerts.cap_document", alert_id=alert.id, _external=True), rel="alternate",
                       type="application/cap+xml")
            entry.link(href=page, rel="related", type="text/html")
        else:
            entry.link(href=page, rel="alternate", type="text/html")
    return fg.atom_str(pretty=True)
