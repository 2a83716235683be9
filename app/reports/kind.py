"""Field reports as a kind of case: routing by category, the category's deadlines, result photos
and the proof check, and the words of their notifications."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.cases import services as cases
from app.cases.kinds import CaseType, Unit, register
from app.core.ids import to_id
from app.core.urls import path_for
from app.extensions import db
from app.reports.models import Category, Report, ReportFollower, UnitType

NOTIFICATION_TEXTS = {
    "submitted": _l("Report #%(id)s (%(category)s) was submitted."),
    "accepted": _l("Report #%(id)s (%(category)s) was accepted and is being handled."),
    "transferred": _l("Report #%(id)s (%(category)s) was transferred to another unit."),
    "rejected": _l("Report #%(id)s (%(category)s) was rejected."),
    "resolved": _l("Report #%(id)s (%(category)s) was resolved: see the answer."),
    "reopened": _l("Report #%(id)s (%(category)s) was reopened."),
    "rated": _l("The reporter rated the answer to report #%(id)s (%(category)s)."),
    "closed": _l("Report #%(id)s (%(category)s) was closed."),
    "overdue": _l("Report #%(id)s (%(category)s) is past its deadline."),
    "proof_flagged": _l("The result photos of report #%(id)s (%(category)s) need checking."),
}
OTHER_TEXT = _l("Report #%(id)s (%(category)s) was updated.")


class ReportType(CaseType):
    """Reports go to the ward they are in, or to the agency of their category (PRODUCT.md)."""

    kind = "report"
    model = Report
    public = True
    row_partial = "reports/_case_row.html"
    console_partial = "reports/_case_details.html"
    console_tools_partial = "reports/_case_moderation.html"
    takes_result_photos = True
    inbox_filters_partial = "reports/_inbox_filters.html"

    def inbox_conditions(self, args) -> tuple[list, dict]:
        category_id = to_id(args.get("category"))
        if category_id is None:
            return [], {}
        return [lambda model: model.category_id == category_id], {"category_id": category_id}

    def route(self, case: Report) -> Unit:
        """The category's agency, else the report's ward; without a ward (an Open311 request
        with no known place), the city's triage queue, where an official picks the ward."""
        category = self._category(case)
        if category.unit_type == UnitType.AGENCY:
            return Unit(UnitType.AGENCY, category.agency_id)
        if case.ward_id is None:
            return Unit(UnitType.CITY, None)
        return Unit(UnitType.WARD, case.ward_id)

    def _category(self, case: Report) -> Category:
        return case.category or db.session.get(Category, case.category_id)

    def accept_hours(self, case: Report) -> int:
        return self._category(case).accept_hours

    def resolve_hours(self, case: Report, level: str) -> int:
        return self._category(case).resolve_hours(level)

    def on_transfer(self, case: Report, unit: Unit) -> None:
        # A report moved to another ward is located there.
        if unit.type == UnitType.WARD:
            case.ward_id = unit.id

    def result_photo_required(self, case: Report) -> bool:
        return self._category(case).result_photo_required

    def before_resolve(self, case: Report, actor, result_photos: Sequence) -> None:
        from app.reports.services import attach_photos

        attach_photos(case, result_photos)

    def after_resolve(self, case: Report, actor, result_photos: Sequence) -> None:
        from app.reports.services import proof_problems

        problems = proof_problems(case, result_photos)
        if problems:
            case.proof_flagged = True
            cases.event(case, actor, "proof_flagged", public=False, problems=problems)
            cases.audit_case(case, "proof_flagged", actor, problems=problems)
            cases.notify_supervisors(case, "proof_flagged")

    def subject(self, case: Report) -> str:
        from app.cases.display import locale

        return self._category(case).display_name(locale())

    def name(self, case: Report) -> str:
        from flask_babel import gettext

        return gettext("Report #%(num)d", num=case.id)

    def submitted_text(self, unit: str) -> str:
        from flask_babel import gettext

        return gettext("Report filed and sent to %(unit)s.", unit=unit)

    def notification_text(self, event_kind: str, case: Report) -> str:
        from app.cases.display import locale

        template = NOTIFICATION_TEXTS.get(event_kind, OTHER_TEXT)
        return str(template) % {"id": case.id, "category": self._category(case).display_name(locale())}

    def url(self, case: Report) -> str:
        return path_for("reports.show_report", report_id=case.id)

    def followers(self, case: Report, since: datetime) -> list[int]:
        return list(db.session.scalars(sa.select(ReportFollower.user_id).where(
            ReportFollower.report_id == case.id, ReportFollower.created_at <= since)))


REPORT = register(ReportType())
