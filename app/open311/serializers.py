"""GeoReport v2 bodies: plain dicts for JSON, and the same dicts as the spec's XML.

Only public fields leave here: never the reporter, internal notes, hidden photos or the
partner's personal fields.
"""

from __future__ import annotations

import re
from datetime import datetime
from xml.etree import ElementTree as ET  # noqa: S405  (building XML, never parsing it)

from flask import url_for
from flask_babel import gettext as _

from app.core.i18n import datetime_text
from app.core.text import mask_personal_data
from app.open311.services import TIMEZONE
from app.reports.models import Category, CategoryQuestion, PhotoKind, QuestionKind, Report, UnitType

DESCRIPTION_LIMIT = 4000
# Characters XML 1.0 cannot carry, even escaped: text stored before input was normalised must
# not make a whole list unreadable.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

DATATYPES = {
    QuestionKind.TEXT: "string",
    QuestionKind.SINGLE: "singlevaluelist",
    QuestionKind.MULTIPLE: "multivaluelist",
}

# XML element names of list items, by the name of the list.
XML_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in Hanoi time with its offset: 2026-11-28T09:30:00+07:00."""
    if moment is None:
        return None
    return moment.astimezone(TIMEZONE).isoformat(timespec="seconds")


def service(category: Category, locale: str) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.display_name(locale),
        "description": None,
        "metadata": bool(category.questions),
        "type": "realtime",
        "keywords": None,
        # Who handles it: the ward where it is, or a city agency (by its code).
        "group": category.agency.code if category.unit_type == UnitType.AGENCY and category.agency else "ward",
    }


def attribute(question: CategoryQuestion, locale: str) -> dict:
    label = question.display_label(locale)
    values = [{"key": o["value"], "name": o["label_en"] if locale == "en" else o["label"]}
              for o in question.options]
    item = {
        "variable": True,
        "code": question.code,
        "datatype": DATATYPES[QuestionKind(question.kind)],
        "required": bool(question.required),
        "datatype_description": None,
        "order": question.position + 1,
        "description": label,
    }
    if question.kind != QuestionKind.TEXT:
        item["values"] = values
    return item


def service_definition(category: Category, locale: str) -> dict:
    return {"service_code": category.code,
            "attributes": [attribute(q, locale) for q in category.questions]}


def _unit(report: Report, locale: str) -> str | None:
    if report.unit_type == UnitType.WARD:
        return report.unit_ward.name if report.unit_ward else None
    return report.unit_agency.display_name(locale) if report.unit_agency else None


def _status_notes(report: Report) -> str | None:
    return mask_personal_data(report.reject_text or report.answer_text) or None


def _media_url(report: Report) -> str | None:
    photos = report.photos_of(PhotoKind.REPORT)
    if photos:
        return url_for("reports.photo", photo_id=photos[0].id, _external=True)
    given = (report.answers or {}).get("media_url") or []
    return given[0] if given else None


def request(report: Report, locale: str) -> dict:
    # Phone and ID numbers typed into public text are masked for partners too (issue 10, point 9).
    address = ", ".join(part for part in (mask_personal_data(report.address), report.ward.name if report.ward else None)
                        if part)
    return {
        "service_request_id": str(report.id),
        "status": "open" if report.is_open else "closed",
        "status_notes": _status_notes(report),
        "service_name": report.category.display_name(locale),
        "service_code": report.category.code,
        "description": mask_personal_data(report.description)[:DESCRIPTION_LIMIT],
        "agency_responsible": _unit(report, locale),
        "service_notice": None,
        "requested_datetime": iso(report.submitted_at),
        "updated_datetime": iso(report.updated_at),
        "expected_datetime": iso(report.due_at) if report.is_open else None,
        "address": address or None,
        "address_id": str(report.ward_id) if report.ward_id is not None else None,
        "zipcode": None,
        "lat": report.lat,
        "long": report.lon,
        "media_url": _media_url(report),
    }


def notice(report: Report, locale: str) -> str:
    """Who handles the new request and by when, in the active locale (see ``force_locale``)."""
    unit = _unit(report, locale)
    if report.due_at is None:
        return (_("Sent to %(unit)s.", unit=unit) if unit
                else _("Received: the city will choose the ward in charge."))
    due = datetime_text(report.due_at, "short")
    if unit:
        return _("Sent to %(unit)s, to be accepted by %(due)s.", unit=unit, due=due)
    return _("Received: the city will choose the ward in charge; to be accepted by %(due)s.", due=due)


def created(report: Report, locale: str) -> dict:
    """The spec answers an id, or a token when the id is not known yet; requests are created
    at once here, so always the id."""
    return {"service_request_id": str(report.id), "service_notice": notice(report, locale), "account_id": None}


def token(report: Report) -> dict:
    return {"service_request_id": str(report.id), "token": report.submission_id}


def error(code: int, description: str) -> dict:
    return {"code": code, "description": description}


# --- XML -----------------------------------------------------------------------------------

def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for name, child in value.items():
            _fill(ET.SubElement(element, name), child)
    elif isinstance(value, list):
        item = XML_ITEMS.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, item), child)
    elif value is not None:
        element.text = _text(value)


def to_xml(root: str, value) -> bytes:
    """``value`` under a ``root`` element; lists become repeated item elements, as in the spec:
    ``<services><service>…</service></services>``. Null fields are empty elements."""
    element = ET.Element(root)
    _fill(element, value)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)
