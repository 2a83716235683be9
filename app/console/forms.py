"""Forms of the console: inbox filters and the workflow steps on the handling page."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from wtforms import MultipleFileField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, ValidationError

from app.cases.kinds import registered
from app.cases.models import Case, Level, RejectReason, Status
from app.cases.queries import InboxFilters
from app.core.forms import BaseForm
from app.core.ids import to_id
from app.extensions import db
from app.places import services as places
from app.places.models import Agency, Ward

REASON_MAX = 2000
TEXT_MAX = 5000


def inbox_filters(args: Mapping[str, str]) -> InboxFilters:
    """Inbox filters from the query string; unknown values are ignored, not errors. A kind's
    own filters (a report's category) narrow the inbox to that kind."""
    status = args.get("status") or None
    level = args.get("level") or None
    filters = InboxFilters(
        status=status if status in set(Status) else None,
        level=level if level in set(Level) else None,
        overdue=args.get("overdue") == "1",
    )
    for kind in registered().values():
        where, values = kind.inbox_conditions(args)
        if where:
            filters.kind, filters.where = kind.kind, where
            filters.values.update(values)
    return filters


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class _Form(BaseForm):
    class Meta:
        # CSRFProtect checks every POST app-wide; several forms share one page and one token.
        csrf = False


class AcceptForm(_Form):
    level = StringField(_l("Level"), validators=[
        InputRequired(_l("Choose a level: urgent, normal or complex.")),
        AnyOf([level.value for level in Level], message=_l("Choose a level: urgent, normal or complex.")),
    ])


class TransferForm(_Form):
    q = StringField(_l("Search wards"), filters=[_strip])
    ward_id = StringField(_l("Ward"), filters=[_strip])
    agency_id = StringField(_l("Agency"), filters=[_strip])
    reason = TextAreaField(
        _l("Reason for the transfer"), filters=[_strip],
        validators=[DataRequired(_l("Say why the report goes to another unit.")),
                    Length(max=REASON_MAX, message=_l("The reason is too long."))],
    )

    ward: Ward | None = None
    agency: Agency | None = None

    def validate_ward_id(self, field) -> None:
        if field.data:
            ward = db.session.get(Ward, ward_id) if (ward_id := to_id(field.data)) else None
            if ward is None or not ward.active:
                raise ValidationError(_l("Choose a ward from the list."))
            self.ward = ward
        elif self.q.data:
            # Without JavaScript the search box cannot narrow the list: take an unambiguous match.
            matches = places.search_wards(self.q.data, limit=2)
            if len(matches) != 1:
                raise ValidationError(_l("No single ward matches “%(query)s”: choose one from the list.",
                                         query=self.q.data))
            self.ward = matches[0]

    def validate_agency_id(self, field) -> None:
        if field.data:
            agency = db.session.get(Agency, agency_id) if (agency_id := to_id(field.data)) else None
            if agency is None or not agency.active:
                raise ValidationError(_l("Choose an agency from the list."))
            self.agency = agency

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.ward is None and self.agency is None:
            self.form_errors.append(_l("Choose the ward or the agency that should handle the report."))
            return False
        if self.ward is not None and self.agency is not None:
            self.form_errors.append(_l("Choose either a ward or an agency, not both."))
            return False
        return True


class RejectForm(_Form):
    reason = StringField(_l("Reason"), validators=[
        InputRequired(_l("Choose why the report is rejected.")),
        AnyOf([reason.value for reason in RejectReason], message=_l("Choose why the report is rejected.")),
    ])
    duplicate_of = StringField(_l("Duplicate of report number"), filters=[_strip])
    text = TextAreaField(_l("Explanation for the citizen (optional)"), filters=[_strip],
                         validators=[Optional(), Length(max=TEXT_MAX, message=_l("The text is too long."))])

    def __init__(self, *args, report: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        self.duplicate: Case | None = None

    def validate_duplicate_of(self, field) -> None:
        if self.reason.data != RejectReason.DUPLICATE:
            return
        number = (field.data or "").lstrip("#").strip()
        if not number:
            raise ValidationError(_l("Enter the number of the report this one duplicates."))
        if to_id(number) is None:
            raise ValidationError(_l("A report number has only digits, for example 1234."))
        duplicate = db.session.get(Case, to_id(number))
        if duplicate is None or duplicate.kind != self.report.kind:
            raise ValidationError(_l("There is no report #%(num)s.", num=number))
        if duplicate.id == self.report.id:
            raise ValidationError(_l("A report cannot be a duplicate of itself."))
        if getattr(duplicate, "hidden", False):
            # The rejection is public and points to it: the public could not open it.
            raise ValidationError(_l("Report #%(num)s is hidden from the public: choose a public report.",
                                     num=number))
        self.duplicate = duplicate


class ResolveForm(_Form):
    answer = TextAreaField(
        _l("Answer to the citizen"), filters=[_strip],
        validators=[DataRequired(_l("Write the answer that the citizen will see.")),
                    Length(max=TEXT_MAX, message=_l("The answer is too long."))],
    )
    photos = MultipleFileField(_l("Photos of the result"))


class NoteForm(_Form):
    text = TextAreaField(
        _l("Internal note"), filters=[_strip],
        validators=[DataRequired(_l("Please write the text of the note.")),
                    Length(max=TEXT_MAX, message=_l("The note is too long."))],
    )


class HideForm(_Form):
    hidden = StringField()
    reason = TextAreaField(
        _l("Reason"), filters=[_strip],
        validators=[DataRequired(_l("Please give a reason.")),
                    Length(max=REASON_MAX, message=_l("The reason is too long."))],
    )

    @property
    def hide(self) -> bool:
        return self.hidden.data == "1"


class RedactForm(_Form):
    description = TextAreaField(
        _l("Description shown to the public"), filters=[_strip],
        validators=[DataRequired(_l("The description cannot be empty.")),
                    Length(max=TEXT_MAX, message=_l("The description is too long."))],
    )
    hide_photos = SelectMultipleField(_l("Photos to hide"), coerce=int, validate_choice=False)
    reason = TextAreaField(
        _l("Reason for the change"), filters=[_strip],
        validators=[DataRequired(_l("Please give a reason.")),
                    Length(max=REASON_MAX, message=_l("The reason is too long."))],
    )

