"""Atom (RFC 4287) feeds of alert messages, built with lxml: one for people's feed readers, one
indexing the CAP documents for other alerting systems. (feedgen 1.0 drops the ``rel`` and
``type`` of entry links, which the CAP index needs, so the feed is written here.)"""

from __future__ import annotations

from datetime import datetime

from flask import url_for
from lxml import etree

from app.alerts import cap
from app.alerts.display import kind_label
from app.alerts.models import Alert, MsgType

ATOM = "http://www.w3.org/2005/Atom"


def _el(parent, name: str, text: str | None = None, **attrs):
    element = etree.SubElement(parent, f"{{{ATOM}}}{name}", {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = text
    return element


def _time(value: datetime) -> str:
    return cap.cap_time(value)


def _prefix(alert: Alert) -> str:
    if alert.msg_type == MsgType.UPDATE:
        return "[Cập nhật] "
    if alert.msg_type == MsgType.CANCEL:
        return "[Thu hồi] "
    return ""


def atom(alerts: list[Alert], *, title: str, self_url: str, updated: datetime, cap_index: bool = False) -> bytes:
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", "vi")
    _el(feed, "id", self_url)
    _el(feed, "title", title)
    _el(feed, "updated", _time(updated))
    _el(feed, "link", href=self_url, rel="self", type="application/atom+xml")
    _el(feed, "link", href=url_for("alerts.index", _external=True), rel="alternate", type="text/html")
    author = _el(feed, "author")
    _el(author, "name", "Công dân Thủ đô số")
    for alert in alerts:
        entry = _el(feed, "entry")
        page = url_for("alerts.show", alert_id=alert.id, _external=True)
        _el(entry, "id", f"urn:{cap.identifier(alert)}" if cap_index else page)
        _el(entry, "title", _prefix(alert) + alert.title)
        _el(entry, "updated", _time(alert.published_at))
        _el(entry, "published", _time(alert.published_at))
        entry_author = _el(entry, "author")
        _el(entry_author, "name", alert.agency.name)
        _el(entry, "category", term=alert.kind, label=kind_label(alert.kind))
        _el(entry, "summary", alert.summary)
        if cap_index:
            _el(entry, "link", href=url_for("alerts.cap_document", alert_id=alert.id, _external=True),
                rel="alternate", type="application/cap+xml")
            _el(entry, "link", href=page, rel="related", type="text/html")
        else:
            _el(entry, "link", href=page, rel="alternate", type="text/html")
    return etree.tostring(feed, xml_declaration=True, encoding="UTF-8", pretty_print=True)
