"""The one table of workflow messages: what each :class:`WorkflowError` code means to the person
who tried, for citizens and officials alike."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

WORKFLOW_MESSAGES = {
    "transition_not_allowed": _l("This action is not possible in the report's current status. "
                                 "Someone may have handled it already: please check its timeline."),
    "choose_one_unit": _l("Choose one unit to transfer the report to: a ward or an agency."),
    "reason_required": _l("Please give a reason."),
    "same_unit": _l("The report is already with this unit: choose another one."),
    "duplicate_of_required": _l("Enter the number of another existing report that this one duplicates."),
    "answer_required": _l("Write the answer that the citizen will see."),
    "result_photo_required": _l("Add at least one photo that shows the problem was fixed."),
    "not_reporter": _l("Only the person who filed the report can do this."),
    "cannot_rate": _l("This answer can no longer be rated."),
    "cannot_reopen": _l("This report cannot be reopened: a report can be reopened only once, "
                        "after it was resolved and if you were not satisfied."),
    "text_required": _l("Please write the text of the note."),
    "choose_ward_first": _l("Choose the ward in charge first: transfer the report to it."),
}


def workflow_message(code: str) -> str:
    """The message for a :class:`app.cases.workflow.WorkflowError` code, in the current locale."""
    message = WORKFLOW_MESSAGES.get(code)
    return str(message) if message is not None else gettext("This action could not be done.")
