"""CAP 1.2 (OASIS Common Alerting Protocol) documents of alert messages.

One ``<info>`` block per language: Vietnamese always, English only when the author wrote the
headline and summary in English (CAP 1.2 does not require every language, and an ``en-US`` block
carrying Vietnamese text would mislead the systems that pick a block by language).
Descriptions are plain text: the Markdown of the body is rendered and stripped to its words.
A city-wide alert has one ``<area>`` for Hanoi (province code 01); an alert of some wards one
``<area>`` per ward, with the ward's official code as ``<geocode>``. Times carry the +07:00 offset, as CAP requires.
:func:`rule_problems` checks what the XML schema cannot.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, url_for
from flask_babel import force_locale
from lxml import etree

from app.alerts import markdown
from app.alerts.models import Alert, AlertKind, Severity

NS = "urn:oasis:names:tc:emergency:cap:1.2"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_SENDER = "congdan-thudo.hanoi.vn"
PROVINCE_CODE = "01"
CATEGORY = {AlertKind.SCAM: "Security", AlertKind.CRIME: "Security", AlertKind.TRAFFIC: "Transport",
            AlertKind.WEATHER: "Met", AlertKind.HEALTH: "Health", AlertKind.OTHER: "Other"}
SEVERITY = {Severity.INFO: "Minor", Severity.WARNING: "Moderate", Severity.SEVERE: "Severe"}
LANGUAGES = (("vi", "vi-VN"), ("en", "en-US"))


def cap_time(value: datetime) -> str:
    """``2026-11-29T21:05:00+07:00``: seconds, and the offset written out (never ``Z``)."""
    return value.astimezone(HANOI).isoformat(timespec="seconds")


def sender() -> str:
    return current_app.config.get("CAP_SENDER") or DEFAULT_SENDER


def identifier(alert: Alert) -> str:
    return f"{sender()}.alert.{alert.id}"


def reference(alert: Alert) -> str:
    return f"{sender()},{identifier(alert)},{cap_time(alert.published_at)}"


def _sub(parent, name: str, text: str | None = None):
    element = etree.SubElement(parent, f"{{{NS}}}{name}")
    if text is not None:
        element.text = text
    return element


def has_english(alert: Alert) -> bool:
    """Whether the author gave the alert an English headline and summary."""
    return bool(alert.title_en.strip() and alert.summary_en.strip())


def document(alert: Alert, earlier: list[Alert]) -> bytes:
    """The CAP message of a published ``alert``; ``earlier`` are the versions it references."""
    from app.alerts.display import kind_label

    root = etree.Element(f"{{{NS}}}alert", nsmap={None: NS})
    _sub(root, "identifier", identifier(alert))
    _sub(root, "sender", sender())
    _sub(root, "sent", cap_time(alert.published_at))
    _sub(root, "status", "Actual")
    _sub(root, "msgType", alert.msg_type)
    _sub(root, "scope", "Public")
    if alert.note:
        _sub(root, "note", alert.note)
    if earlier:
        _sub(root, "references", " ".join(reference(a) for a in earlier))
    web = url_for("alerts.show", alert_id=alert.id, _external=True)
    for locale, language in LANGUAGES:
        if locale == "en" and not has_english(alert):
            continue
        with force_locale(locale):
            info = _sub(root, "info")
            _sub(info, "language", language)
            _sub(info, "category", CATEGORY[AlertKind(alert.kind)])
            _sub(info, "event", kind_label(alert.kind))
            _sub(info, "urgency", alert.urgency)
            _sub(info, "severity", SEVERITY[Severity(alert.severity)])
            _sub(info, "certainty", alert.certainty)
            _sub(info, "effective", cap_time(alert.valid_from))
            _sub(info, "onset", cap_time(alert.valid_from))
            _sub(info, "expires", cap_time(alert.valid_until))
            agency = alert.agency
            _sub(info, "senderName", agency.name_en if locale == "en" else agency.name)
            _sub(info, "headline", alert.display_title(locale))
            description = alert.display_summary(locale)
            body = markdown.plain(alert.body)
            if body and locale == "vi":
                description = f"{description}\n\n{body}"
            _sub(info, "description", description)
            instruction = alert.instruction_en if locale == "en" else alert.instruction
            if instruction:
                _sub(info, "instruction", instruction)
            _sub(info, "web", web)
            if alert.image_key:
                resource = _sub(info, "resource")
                _sub(resource, "resourceDesc", "Ảnh minh họa" if locale == "vi" else "Photo")
                _sub(resource, "mimeType", "image/jpeg")
                if alert.image_size:
                    _sub(resource, "size", str(alert.image_size))
                _sub(resource, "uri", url_for("alerts.image", alert_id=alert.id, _external=True))
            if alert.city_wide:
                area = _sub(info, "area")
                _sub(area, "areaDesc", "Hanoi" if locale == "en" else "Thành phố Hà Nội")
                geocode = _sub(area, "geocode")
                _sub(geocode, "valueName", "VN-province")
                _sub(geocode, "value", PROVINCE_CODE)
            else:
                for ward in alert.wards:
                    area = _sub(info, "area")
                    _sub(area, "areaDesc", ward.name)
                    geocode = _sub(area, "geocode")
                    _sub(geocode, "valueName", "VN-ward")
                    _sub(geocode, "value", f"{ward.id:05d}")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# --- rules the schema cannot express (CAP 1.2, section 3) -----------------------------------

_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
_NO_SPACE = re.compile(r"^[^\s,<&]+$")


def _point(text: str) -> tuple[float, float] | None:
    try:
        lat, lon = (float(v) for v in text.split(","))
    except ValueError:
        return None
    return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None


def rule_problems(xml: bytes) -> list[str]:
    """What in a CAP document breaks the standard's rules beyond the XML schema."""
    problems = []
    tree = etree.fromstring(xml)
    ns = {"c": NS}

    def texts(path: str) -> list[str]:
        return [e.text or "" for e in tree.xpath(path, namespaces=ns)]

    for name in ("identifier", "sender"):
        for value in texts(f"c:{name}"):
            if not _NO_SPACE.match(value):
                problems.append(f"{name} has spaces, commas or restricted characters")
    for path in ("c:sent", "c:info/c:effective", "c:info/c:onset", "c:info/c:expires"):
        for value in texts(path):
            if not _TIME.match(value):
                problems.append(f"{path} lacks a time-zone offset: {value}")
    msg_type = texts("c:msgType")[0]
    references = texts("c:references")
    if msg_type in ("Update", "Cancel") and not references:
        problems.append("an Update or Cancel must reference earlier messages")
    for group in references:
        for ref in group.split():
            parts = ref.split(",")
            if len(parts) != 3 or not _TIME.match(parts[2]):
                problems.append(f"malformed reference: {ref}")
    for info in tree.xpath("c:info", namespaces=ns):
        effective = info.xpath("c:effective/text()", namespaces=ns)
        expires = info.xpath("c:expires/text()", namespaces=ns)
        if (effective and expires and _TIME.match(effective[0]) and _TIME.match(expires[0])
                and datetime.fromisoformat(expires[0]) <= datetime.fromisoformat(effective[0])):
            problems.append("expires is not after effective")
        if not info.xpath("c:area", namespaces=ns):
            problems.append("an info block without an area")
        for area in info.xpath("c:area", namespaces=ns):
            if not (area.xpath("c:areaDesc/text()", namespaces=ns) or [""])[0].strip():
                problems.append("an area without areaDesc")
            for polygon in area.xpath("c:polygon/text()", namespaces=ns):
                points = [_point(p) for p in polygon.split()]
                if len(points) < 4 or None in points or points[0] != points[-1]:
                    problems.append("a polygon that is not a closed ring of at least four WGS 84 points")
            for circle in area.xpath("c:circle/text()", namespaces=ns):
                centre, _, radius = circle.partition(" ")
                try:
                    ok = _point(centre) is not None and float(radius) >= 0
                except ValueError:
                    ok = False
                if not ok:
                    problems.append("a malformed circle")
            for geocode in area.xpath("c:geocode", namespaces=ns):
                if not geocode.xpath("c:value/text()", namespaces=ns):
                    problems.append("a geocode without a value")
    languages = texts("c:info/c:language")
    # Vietnamese always, English when written (CAP itself requires no language): one block each.
    if languages.count("vi-VN") != 1 or languages.count("en-US") > 1 or set(languages) - {"vi-VN", "en-US"}:
        problems.append(f"info blocks in {languages}, not Vietnamese and at most English")
    return problems
