"""The two kinds of case filed from the lookups: a monthly bus pass (to the transport agency)
and a school enrollment (to the education agency). The engine does the rest: console inbox,
deadlines, timeline, notifications, statistics."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.cases.kinds import CaseType, Unit, register
from app.cases.models import UnitType
from app.cases.workflow import WorkflowError
from app.core.urls import path_for
from app.lookups.models import BusPassApplication, EnrollmentApplication
from app.lookups.permissions import EDUCATION, TRANSPORT
from app.places import services as places

BUS_PASS_TEXTS = {
    "submitted": _l("Bus pass application #%(id)s was submitted."),
    "accepted": _l("Bus pass application #%(id)s is being reviewed."),
    "transferred": _l("Bus pass application #%(id)s was transferred to another unit."),
    "rejected": _l("Bus pass application #%(id)s was rejected."),
    "resolved": _l("Bus pass application #%(id)s was approved: your pass is ready."),
    "reopened": _l("Bus pass application #%(id)s was reopened."),
    "closed": _l("Bus pass application #%(id)s was closed."),
    "overdue": _l("Bus pass application #%(id)s is past its deadline."),
}
ENROLLMENT_TEXTS = {
    "submitted": _l("Enrollment application #%(id)s was submitted."),
    "accepted": _l("Enrollment application #%(id)s is being reviewed."),
    "transferred": _l("Enrollment application #%(id)s was transferred to another unit."),
    "rejected": _l("Enrollment application #%(id)s was rejected."),
    "resolved": _l("Enrollment application #%(id)s was answered: see the result."),
    "reopened": _l("Enrollment application #%(id)s was reopened."),
    "closed": _l("Enrollment application #%(id)s was closed."),
    "overdue": _l("Enrollment application #%(id)s is past its deadline."),
}
OTHER = _l("Application #%(id)s was updated.")


def _agency_unit(code: str) -> Unit:
    agency = places.agency_by_code(code)
    if agency is None:
        raise WorkflowError("no_unit")
    return Unit(UnitType.AGENCY, agency.id)


class BusPassType(CaseType):
    kind = "bus_pass"
    model = BusPassApplication
    console_partial = "lookups/_bus_pass_case.html"

    def name(self, case) -> str:
        from flask_babel import gettext

        return gettext("Monthly bus pass application #%(num)d", num=case.id)

    def route(self, case):
        return _agency_unit(TRANSPORT)

    def accept_hours(self, case):
        return 8

    def resolve_hours(self, case, level):
        return {"urgent": 8, "normal": 24, "complex": 40}[level]

    def subject(self, case):
        return str(_l("Monthly bus pass"))

    def notification_text(self, event_kind, case):
        return str(BUS_PASS_TEXTS.get(event_kind, OTHER)) % {"id": case.id}

    def url(self, case):
        return path_for("lookups.show_bus_pass", case_id=case.id)


class EnrollmentType(CaseType):
    kind = "enrollment"
    model = EnrollmentApplication
    console_partial = "lookups/_enrollment_case.html"

    def name(self, case) -> str:
        from flask_babel import gettext

        return gettext("Enrollment application #%(num)d", num=case.id)

    def route(self, case):
        return _agency_unit(EDUCATION)

    def subject(self, case):
        return str(_l("School enrollment"))

    def notification_text(self, event_kind, case):
        return str(ENROLLMENT_TEXTS.get(event_kind, OTHER)) % {"id": case.id}

    def url(self, case):
        return path_for("lookups.show_enrollment", case_id=case.id)


BUS_PASS = register(BusPassType())
ENROLLMENT = register(EnrollmentType())
