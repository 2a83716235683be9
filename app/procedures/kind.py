"""Procedure complaints as a kind of case: routed to the procedure's agency, never public."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.cases.kinds import CaseType, Unit, register
from app.cases.models import UnitType
from app.core.urls import path_for
from app.extensions import db
from app.procedures.models import Procedure, ProcedureComplaint

NOTIFICATION_TEXTS = {
    "submitted": _l("Procedure complaint #%(id)s (%(procedure)s) was submitted."),
    "accepted": _l("Procedure complaint #%(id)s (%(procedure)s) was accepted and is being handled."),
    "transferred": _l("Procedure complaint #%(id)s (%(procedure)s) was transferred to another unit."),
    "rejected": _l("Procedure complaint #%(id)s (%(procedure)s) was rejected."),
    "resolved": _l("Procedure complaint #%(id)s (%(procedure)s) was answered: see the answer."),
    "reopened": _l("Procedure complaint #%(id)s (%(procedure)s) was reopened."),
    "rated": _l("The citizen rated the answer to procedure complaint #%(id)s (%(procedure)s)."),
    "closed": _l("Procedure complaint #%(id)s (%(procedure)s) was closed."),
    "overdue": _l("Procedure complaint #%(id)s (%(procedure)s) is past its deadline."),
}
OTHER_TEXT = _l("Procedure complaint #%(id)s (%(procedure)s) was updated.")


class ComplaintType(CaseType):
    kind = "procedure_complaint"
    model = ProcedureComplaint
    public = False
    console_partial = "procedures/_case_details.html"

    def name(self, case) -> str:
        from flask_babel import gettext

        return gettext("Procedure complaint #%(num)d", num=case.id)

    def _procedure(self, case: ProcedureComplaint) -> Procedure:
        return case.procedure or db.session.get(Procedure, case.procedure_id)

    def route(self, case: ProcedureComplaint) -> Unit:
        return Unit(UnitType.AGENCY, self._procedure(case).agency_id)

    def subject(self, case: ProcedureComplaint) -> str:
        return str(_l("Procedure complaint: %(name)s", name=self._procedure(case).name))

    def notification_text(self, event_kind: str, case: ProcedureComplaint) -> str:
        template = NOTIFICATION_TEXTS.get(event_kind, OTHER_TEXT)
        return str(template) % {"id": case.id, "procedure": self._procedure(case).name}

    def url(self, case: ProcedureComplaint) -> str:
        return path_for("procedures.show_complaint", complaint_id=case.id)


COMPLAINT = register(ComplaintType())
