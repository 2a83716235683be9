"""The audit log read as sentences: "Lê Văn Hùng tiếp nhận phản ánh #201".

One sentence per action that the app writes (``grep -rn "audit.record\\|audit_case" app``), in
the viewer's language; an action without a sentence (a new one, or one from an older version)
still reads as a sentence naming its code and its details. Every detail that goes into a
sentence passes :func:`app.core.text.mask_personal_data`, so a phone or CCCD number that slipped
into ``details`` stays masked as it is on the rest of the page.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.audit.models import AuditEntry
from app.cases.display import level_label, reject_reason_label
from app.core.i18n import datetime_text
from app.core.text import mask_personal_data

#: How a case of each kind is named inside a sentence, lower case ("phản ánh #201").
CASE_NOUNS = {
    "report": _l("report #%(id)s"),
    "procedure_complaint": _l("procedure complaint #%(id)s"),
    "citizen_question": _l("question #%(id)s"),
    "business_question": _l("business question #%(id)s"),
    "bus_pass": _l("bus pass application #%(id)s"),
    "enrollment": _l("enrollment application #%(id)s"),
}

#: What happened to a case, for any kind (``<kind>.<step>``, written by :mod:`app.cases.services`).
CASE_STEPS = {
    "submitted": _l("%(who)s filed %(case)s"),
    "accepted": _l("%(who)s accepted %(case)s as %(level)s"),
    "transferred": _l("%(who)s transferred %(case)s to another unit"),
    "rejected": _l("%(who)s rejected %(case)s (%(reason)s)"),
    "resolved": _l("%(who)s resolved %(case)s"),
    "closed": _l("%(who)s closed %(case)s"),
    "note": _l("%(who)s added an internal note to %(case)s"),
    "rated": _l("%(who)s rated the answer to %(case)s"),
    "reopened": _l("%(who)s asked to reopen %(case)s"),
    "proof_flagged": _l("The result photos of %(case)s were flagged as doubtful"),
}

#: Every other action, by its full code.
ACTIONS = {
    "auth.login": _l("%(who)s logged in"),
    "auth.login_failed": _l("A login failed"),
    "auth.logout": _l("%(who)s logged out"),
    "auth.logout_everywhere": _l("%(who)s logged out on every device"),
    "auth.registered": _l("%(who)s registered with a phone number"),
    "identity.conflict": _l("%(who)s tried to link an identity that another account holds"),
    "identity.revoked_conflict": _l("%(who)s took back an identity held by %(target)s"),
    "identity.verified": _l("The identity of %(target)s was verified"),
    "identity.linked": _l("%(who)s linked a VNeID account"),
    "role.granted": _l("%(who)s gave %(target)s the role %(role)s"),
    "role.revoked": _l("%(who)s took the role %(role)s from %(target)s"),
    "role.supervisor_changed": _l("%(who)s changed whether %(target)s supervises as %(role)s"),
    "holiday.added": _l("%(who)s added the holiday %(name)s (%(day)s)"),
    "holiday.loaded": _l("%(who)s loaded %(count)s public holidays"),
    "holiday.removed": _l("%(who)s removed the holiday %(name)s (%(day)s)"),
    "category.created": _l("%(who)s created the category %(code)s"),
    "category.updated": _l("%(who)s changed the category %(code)s"),
    "category.question_added": _l("%(who)s added the question %(question)s to the category %(code)s"),
    "category.question_removed": _l("%(who)s removed the question %(question)s from the category %(code)s"),
    "ward.activated": _l("%(who)s activated the ward %(codename)s"),
    "ward.deactivated": _l("%(who)s deactivated the ward %(codename)s"),
    "ward.centre_set": _l("%(who)s set the centre of ward #%(id)s"),
    "ward.centre_cleared": _l("%(who)s cleared the centre of ward #%(id)s"),
    "agency.created": _l("%(who)s created the agency %(code)s"),
    "agency.renamed": _l("%(who)s renamed the agency %(code)s"),
    "agency.activated": _l("%(who)s activated the agency %(code)s"),
    "agency.deactivated": _l("%(who)s deactivated the agency %(code)s"),
    "faq.created": _l("%(who)s wrote FAQ entry #%(id)s"),
    "faq.updated": _l("%(who)s changed FAQ entry #%(id)s"),
    "procedure.created": _l("%(who)s added procedure #%(id)s"),
    "procedure.updated": _l("%(who)s changed procedure #%(id)s"),
    "reception.session_created": _l("%(who)s opened reception session #%(id)s"),
    "reception.session_cancelled": _l("%(who)s cancelled reception session #%(id)s"),
    "reception.booked": _l("%(who)s booked reception appointment #%(id)s"),
    "reception.booking_cancelled": _l("%(who)s cancelled reception appointment #%(id)s"),
    "reception.attendance": _l("%(who)s recorded attendance at reception appointment #%(id)s"),
    "business.declared": _l("%(who)s declared business #%(id)s"),
    "consultation.published": _l("%(who)s published consultation #%(id)s"),
    "consultation.commented": _l("%(who)s commented on a consultation (comment #%(id)s)"),
    "consultation.comment_published": _l("%(who)s published consultation comment #%(id)s"),
    "consultation.comment_refused": _l("%(who)s refused consultation comment #%(id)s"),
    "consultation.responded": _l("%(who)s published the response to consultation #%(id)s"),
    "school.created": _l("%(who)s added school #%(id)s"),
    "parking_lot.created": _l("%(who)s added parking lot #%(id)s"),
    "parking_lot.availability": _l("%(who)s updated the free spaces of parking lot #%(id)s"),
    "parking_operator.token_issued": _l("%(who)s issued a token to parking operator #%(id)s"),
    "gtfs_feed.imported": _l("%(who)s imported bus timetable feed #%(id)s"),
    "exam_scores.imported": _l("%(who)s imported %(rows)s exam scores of %(id)s"),
    "airport_trip.created": _l("%(who)s added airport bus trip #%(id)s"),
    "airport_ticket.booked": _l("%(who)s booked airport bus ticket #%(id)s"),
    "airport_ticket.cancelled": _l("%(who)s cancelled airport bus ticket #%(id)s"),
    "airport_ticket.boarded": _l("%(who)s checked airport bus ticket #%(id)s at boarding"),
    "api_key.issued": _l("%(who)s issued the API key %(name)s"),
    "api_key.revoked": _l("%(who)s revoked the API key %(name)s"),
    "survey.create": _l("%(who)s created survey #%(id)s"),
    "survey.edit": _l("%(who)s changed survey #%(id)s"),
    "survey.add_question": _l("%(who)s added a question to survey #%(id)s"),
    "survey.delete_question": _l("%(who)s removed a question from survey #%(id)s"),
    "survey.publish": _l("%(who)s published survey #%(id)s"),
    "survey.new_version": _l("%(who)s made survey #%(id)s, a new version of survey #%(previous)s"),
    "report.hidden": _l("%(who)s hid report #%(id)s from the public"),
    "report.unhidden": _l("%(who)s made report #%(id)s public again"),
    "report.redacted": _l("%(who)s changed the public content of report #%(id)s"),
    "alert.draft": _l("%(who)s drafted alert #%(id)s"),
    "alert.edit_draft": _l("%(who)s changed the draft of alert #%(id)s"),
    "alert.publish": _l("%(who)s published alert #%(id)s"),
    "alert.update": _l("%(who)s updated alert #%(previous)s (now #%(id)s)"),
    "alert.withdraw": _l("%(who)s withdrew alert #%(previous)s"),
    "alert.expire": _l("Alert #%(id)s expired"),
}

ROLES = {"ward_official": _l("Ward official"), "agency_official": _l("Agency official"),
         "city_admin": _l("City admin")}


class _Params(dict):
    """Sentence parameters; one a sentence names but the entry lacks reads as "?"."""

    def __missing__(self, key: str) -> str:
        return "?"


def _text(value) -> str:
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    return mask_personal_data(str(value))


def _params(entry: AuditEntry, people: Mapping[int, str]) -> _Params:
    params = _Params({key: _text(value) for key, value in (entry.details or {}).items()})
    params["who"] = people.get(entry.actor_id) if entry.actor_id else _("The system")
    params["id"] = entry.object_id or "?"
    if entry.object_type == "users" and entry.object_id and entry.object_id.isdigit():
        params["target"] = people.get(int(entry.object_id)) or _("account #%(id)s", id=entry.object_id)
    if "level" in params:
        params["level"] = level_label(params["level"])
    if "reason" in params and entry.action.endswith(".rejected"):
        params["reason"] = reject_reason_label(params["reason"])
    if "role" in params:
        params["role"] = str(ROLES.get(params["role"], params["role"]))
    return params


def sentence(entry: AuditEntry, people: Mapping[int, str], *, with_time: bool = False) -> str:
    """What the entry says, as one sentence in the current locale; ``with_time`` adds when it
    happened, in Hanoi time ("… lúc 14:05 29/11/2026").

    ``people`` maps account ids to the names to show (see :func:`app.admin.routes.audit_log`);
    an actor missing from it reads as "?". Details are masked (phone and CCCD numbers).
    """
    text = _sentence(entry, people)
    text = text[:1].upper() + text[1:]
    if not with_time:
        return text
    return _("%(sentence)s at %(when)s", sentence=text, when=datetime_text(entry.created_at, "short"))


def _sentence(entry: AuditEntry, people: Mapping[int, str]) -> str:
    params = _params(entry, people)
    action = entry.action or ""
    template = ACTIONS.get(action)
    kind, _dot, step = action.rpartition(".")
    if template is None and step in CASE_STEPS and kind:
        noun = CASE_NOUNS.get(kind, _l("case #%(id)s"))
        params["case"] = str(noun) % {"id": params["id"]}
        template = CASE_STEPS[step]
    if template is None:
        params["action"] = action
        params["object"] = " ".join(filter(None, (entry.object_type, entry.object_id and f"#{entry.object_id}")))
        template = _l("%(who)s did “%(action)s” on %(object)s") if params["object"] else _l("%(who)s did “%(action)s”")
        details = "; ".join(f"{key}: {_text(value)}" for key, value in (entry.details or {}).items())
        text = str(template) % params
        return _("%(sentence)s (%(details)s)", sentence=text, details=details) if details else text
    return str(template) % params

