"""Citizen questions as a kind of case: sent to the agency of the question's topic, never public."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.answers.models import CitizenQuestion
from app.cases.kinds import CaseType, Unit, register
from app.cases.models import UnitType
from app.core.urls import path_for

NOTIFICATION_TEXTS = {
    "submitted": _l("Your question #%(id)s was sent."),
    "accepted": _l("Question #%(id)s was accepted and is being answered."),
    "transferred": _l("Question #%(id)s was transferred to another unit."),
    "rejected": _l("Question #%(id)s was not taken up."),
    "resolved": _l("Question #%(id)s was answered: see the answer."),
    "reopened": _l("Question #%(id)s was reopened."),
    "rated": _l("The citizen rated the answer to question #%(id)s."),
    "closed": _l("Question #%(id)s was closed."),
    "overdue": _l("Question #%(id)s is past its deadline."),
}
OTHER_TEXT = _l("Question #%(id)s was updated.")


class QuestionType(CaseType):
    kind = "citizen_question"
    model = CitizenQuestion
    public = False
    console_partial = "answers/_case_details.html"

    def name(self, case) -> str:
        from flask_babel import gettext

        return gettext("Citizen question #%(num)d", num=case.id)

    def route(self, case: CitizenQuestion) -> Unit:
        return Unit(UnitType.AGENCY, case.topic_agency_id)

    def subject(self, case: CitizenQuestion) -> str:
        text = case.question if len(case.question) <= 60 else case.question[:60] + "…"
        return str(_l("Question: %(text)s", text=text))

    def notification_text(self, event_kind: str, case: CitizenQuestion) -> str:
        return str(NOTIFICATION_TEXTS.get(event_kind, OTHER_TEXT)) % {"id": case.id}

    def url(self, case: CitizenQuestion) -> str:
        return path_for("answers.show_question", question_id=case.id)


QUESTION = register(QuestionType())
