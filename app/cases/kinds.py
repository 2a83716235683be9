"""How a kind of case plugs into the engine.

A feature package defines a subclass of :class:`app.cases.models.Case` (joined-table
inheritance, ``polymorphic_identity`` = its kind) and registers a :class:`CaseType` for it::

    class ReportType(CaseType):
        kind = "report"
        model = Report
        ...

    register(ReportType())

The engine asks the case type for everything that differs between kinds: where a new case is
routed, its deadlines per level, whether an answer needs result photos, what happens around
an answer (hooks), and the words and links that notifications and the console use. The
engine itself never imports a feature package.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from app.cases.models import Case


@dataclass(frozen=True)
class Unit:
    """A unit in charge: ``type`` is ``"ward"`` or ``"agency"`` with ``id`` its row id, or
    ``"city"`` (the triage queue, no id) when no ward can be told yet."""

    type: str
    id: int | None


class CaseType:
    """The interface of a kind of case; subclasses override what differs from the defaults.

    Deadlines are in working hours (a working day is 8 working hours), after Decision
    1207/QĐ-UBND: accept within 8 working hours; resolve within 4 (urgent), 40 (normal) or
    80 (complex) working hours.
    """

    #: The polymorphic identity, stored in ``cases.kind``.
    kind: ClassVar[str] = ""
    #: The Case subclass.
    model: ClassVar[type]
    #: Whether the case and its answer are shown to the public (feed, public page).
    public: ClassVar[bool] = False
    #: Templates of the console: the kind's cells in an inbox row, its details on the handling
    #: page, and further tools there (moderation); the variable ``report`` holds the case.
    row_partial: ClassVar[str] = "cases/_row.html"
    console_partial: ClassVar[str | None] = None
    console_tools_partial: ClassVar[str | None] = None
    #: The kind's own filters in the console inbox (a template), read by :meth:`inbox_conditions`.
    inbox_filters_partial: ClassVar[str | None] = None
    #: Whether an answer can carry result photos (the resolve form then offers an upload).
    takes_result_photos: ClassVar[bool] = False

    # --- routing and deadlines ----------------------------------------------------------

    def route(self, case: Case) -> Unit:
        """The unit a new case goes to. Raises ``WorkflowError`` when none fits."""
        raise NotImplementedError

    def accept_hours(self, case: Case) -> int:
        return 8

    def resolve_hours(self, case: Case, level: str) -> int:
        return {"urgent": 4, "normal": 40, "complex": 80}[level]

    def on_transfer(self, case: Case, unit: Unit) -> None:
        """What else changes when the case moves to ``unit`` (a report moved to a ward is located there)."""

    def inbox_conditions(self, args) -> tuple[list, dict]:
        """The kind's inbox filters from the query string ``args``: conditions over its model
        (``lambda model: …``) and the values to show back; empty when none is set."""
        return [], {}

    # --- answers ------------------------------------------------------------------------

    def result_photo_required(self, case: Case) -> bool:
        """Whether resolving needs at least one result photo."""
        return False

    def before_resolve(self, case: Case, actor, result_photos: Sequence) -> None:
        """Attach what the answer carries (e.g. result photos); runs before the status changes."""

    def after_resolve(self, case: Case, actor, result_photos: Sequence) -> None:
        """Checks after an answer (e.g. the proof check of result photos)."""

    # --- words and links ----------------------------------------------------------------

    def name(self, case: Case) -> str:
        """The case's name with its number, in the current locale ("Report #12", "Complaint #7")."""
        from flask_babel import gettext

        return gettext("Case #%(num)d", num=case.id)

    def title(self, case: Case) -> str:
        """A short name for the case in lists and notifications, e.g. ``"#12 Ổ gà"``."""
        return f"#{case.id} {self.subject(case)}"

    def subject(self, case: Case) -> str:
        """What the case is about in a few words (a report's category), in the current locale."""
        return ""

    def submitted_text(self, unit: str) -> str:
        """The first line of the timeline: filed and sent to ``unit`` (a name), in the current locale."""
        from flask_babel import gettext

        return gettext("Filed and sent to %(unit)s.", unit=unit)

    def notification_text(self, event_kind: str, case: Case) -> str:
        """The sentence a notification about ``event_kind`` shows, in the current locale."""
        return self.title(case)

    def url(self, case: Case) -> str:
        """Where a notification about the case leads its reader (a path of this app)."""
        raise NotImplementedError

    def followers(self, case: Case, since: datetime) -> Sequence[int]:
        """User ids told about a public event at ``since`` besides the requester: only those who
        were already following then."""
        return ()


_registry: dict[str, CaseType] = {}


def register(case_type: CaseType) -> CaseType:
    """Register a kind; registering the same kind again replaces it (tests, reloads)."""
    if not case_type.kind:
        raise ValueError("a case type needs a kind")
    _registry[case_type.kind] = case_type
    return case_type


def unregister(kind: str) -> None:
    _registry.pop(kind, None)


def case_type(case_or_kind) -> CaseType:
    """The registered type of a case (or of a kind name). Raises ``KeyError`` for an unknown kind."""
    kind = case_or_kind if isinstance(case_or_kind, str) else case_or_kind.kind
    return _registry[kind]


def registered() -> dict[str, CaseType]:
    return dict(_registry)
