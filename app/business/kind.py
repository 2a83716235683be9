"""Business questions as a kind of case: routed to the agency the asker chose or by topic,
answered publicly, with the engine's deadlines, timeline, audit, rating and reopening."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.business.models import BusinessQuestion, QuestionTopic
from app.cases.kinds import CaseType, Unit, register
from app.cases.models import UnitType
from app.cases.workflow import WorkflowError
from app.core.text import fold
from app.core.urls import path_for

# Which agency answers a topic when the asker chose none (codes of app.places.services.AGENCIES).
TOPIC_AGENCY = {
    QuestionTopic.LICENSING: "industry",
    QuestionTopic.CONSTRUCTION: "construction",
    QuestionTopic.TRANSPORT: "transport",
    QuestionTopic.ENVIRONMENT: "environment",
    QuestionTopic.FOOD_SAFETY: "health",
    QuestionTopic.SECURITY: "police",
    QuestionTopic.CULTURE_TOURISM: "culture",
    QuestionTopic.EDUCATION: "education",
    QuestionTopic.OTHER: "industry",
}

TOPIC_LABELS = {
    QuestionTopic.LICENSING: _l("Business registration and licences"),
    QuestionTopic.CONSTRUCTION: _l("Construction and planning"),
    QuestionTopic.TRANSPORT: _l("Transport"),
    QuestionTopic.ENVIRONMENT: _l("Land and environment"),
    QuestionTopic.FOOD_SAFETY: _l("Food safety and health"),
    QuestionTopic.SECURITY: _l("Security and fire safety"),
    QuestionTopic.CULTURE_TOURISM: _l("Culture, sports and tourism"),
    QuestionTopic.EDUCATION: _l("Education and training"),
    QuestionTopic.OTHER: _l("Other"),
}

NOTIFICATION_TEXTS = {
    "submitted": _l("Business question #%(id)s was sent."),
    "accepted": _l("Business question #%(id)s was accepted and is being answered."),
    "transferred": _l("Business question #%(id)s was transferred to another agency."),
    "rejected": _l("Business question #%(id)s was turned down."),
    "resolved": _l("Business question #%(id)s was answered: see the answer."),
    "reopened": _l("Business question #%(id)s was reopened."),
    "rated": _l("The business rated the answer to question #%(id)s."),
    "closed": _l("Business question #%(id)s was closed."),
    "overdue": _l("Business question #%(id)s is past its deadline."),
}
OTHER_TEXT = _l("Business question #%(id)s was updated.")


def topic_label(topic: str) -> str:
    return str(TOPIC_LABELS.get(topic, topic))


def search_text(question: BusinessQuestion) -> str:
    return fold(" ".join(filter(None, [question.title, question.body, question.answer_text])))


class BusinessQuestionType(CaseType):
    kind = "business_question"
    model = BusinessQuestion
    public = True
    console_partial = "business/_case_details.html"

    def name(self, case) -> str:
        from flask_babel import gettext

        return gettext("Business question #%(num)d", num=case.id)

    def inbox_conditions(self, args) -> tuple[list, dict]:
        """``?kind=business_question`` narrows the console inbox to business questions."""
        if args.get("kind") != self.kind:
            return [], {}
        return [lambda model: sa.true()], {"kind": self.kind}

    def route(self, case: BusinessQuestion) -> Unit:
        if case.chosen_agency_id is not None:
            return Unit(UnitType.AGENCY, case.chosen_agency_id)
        from app.places import services as places

        agency = places.agency_by_code(TOPIC_AGENCY[QuestionTopic(case.topic)])
        if agency is None:
            raise WorkflowError("no_unit")
        return Unit(UnitType.AGENCY, agency.id)

    def after_resolve(self, case: BusinessQuestion, actor, result_photos: Sequence) -> None:
        # The answer becomes searchable in the public list.
        case.search_text = search_text(case)

    def subject(self, case: BusinessQuestion) -> str:
        return case.title

    def notification_text(self, event_kind: str, case: BusinessQuestion) -> str:
        return str(NOTIFICATION_TEXTS.get(event_kind, OTHER_TEXT)) % {"id": case.id}

    def url(self, case: BusinessQuestion) -> str:
        return path_for("business.show_question", question_id=case.id)


BUSINESS_QUESTION = register(BusinessQuestionType())
