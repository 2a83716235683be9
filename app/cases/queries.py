"""The officials' inbox over cases of every kind: deadline-ordered pages and counts.

A kind narrows the inbox with its own filters (a report's category) through
``InboxFilters.kind`` and ``InboxFilters.where``: the query then runs on the kind's model.

The inbox stays flat as the city's cases grow (issue 15, point 4):

- **Pages by keyset**, not by offset: a page of open cases is ordered by ``(due_at, id)`` and
  the next page starts after the last row's :class:`Cursor`. Each (unit, status) pair is read
  from its inbox index (``ix_cases_ward_inbox``, ``ix_cases_agency_inbox``, or
  ``ix_cases_status_due`` for a city admin, all ending in ``due_at, id``) in that order, at
  most a page's rows each, and the short lists are merged: no query sorts or scans every open
  case of a unit, or of the city.
- **Counts from counters** (:mod:`app.cases.counts`): a sum over the ``case_counts`` rows of
  the user's units, whatever the number of cases.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from app.cases.kinds import case_type
from app.cases.models import OPEN_STATUSES, Case, CaseCount, Level, Status
from app.cases.permissions import counter_scope, unit_clauses
from app.extensions import db

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


@dataclass
class InboxFilters:
    status: str | None = None  # None = open (submitted or accepted)
    level: str | None = None
    overdue: bool = False
    kind: str | None = None
    # The kind's own conditions over its model, e.g. ``lambda m: m.category_id == 3``, and the
    # values they came from (shown back in the filter form).
    where: list[Callable] = field(default_factory=list)
    values: dict = field(default_factory=dict)

    def statuses(self) -> list[str]:
        """The statuses listed: the one asked for, or both open ones. A level filter leaves out
        submitted cases, which have no level until they are accepted."""
        if self.status in set(Status):
            return [self.status]
        return [Status.ACCEPTED] if self.level in set(Level) else [Status.SUBMITTED, Status.ACCEPTED]


@dataclass(frozen=True)
class Cursor:
    """Where a page of the inbox ends: the last row's deadline and id (open cases, by deadline),
    or its id alone (answered cases have no deadline and are listed by number).

    In a URL it reads ``<deadline in microseconds since 1970>.<id>`` or ``<id>``.
    """

    due_at: datetime | None
    id: int

    @classmethod
    def of(cls, case: Case) -> Cursor:
        return cls(case.due_at if case.status in OPEN_STATUSES else None, case.id)

    def __str__(self) -> str:
        if self.due_at is None:
            return str(self.id)
        return f"{(self.due_at - _EPOCH) // _MICROSECOND}.{self.id}"

    @classmethod
    def parse(cls, text: str | None) -> Cursor | None:
        """The cursor in ``text``; None (the first page) for anything malformed."""
        if not text or len(text) > 40:
            return None
        due, _, case_id = text.rpartition(".")
        if not case_id.isdigit() or (due and not due.isdigit()):
            return None
        try:
            due_at = _EPOCH + int(due) * _MICROSECOND if due else None
        except OverflowError:
            return None
        return cls(due_at, int(case_id))


def _model(filters: InboxFilters):
    return case_type(filters.kind).model if filters.kind else Case


def _sort_key(case: Case) -> tuple:
    cursor = Cursor.of(case)
    # Open cases always have a deadline (every step starts one); answered ones are listed alone.
    return (cursor.due_at is None, cursor.due_at or _EPOCH, cursor.id)


def inbox(user, filters: InboxFilters, *, limit: int = 50, after: Cursor | None = None) -> list[Case]:
    """Up to ``limit`` cases of the user's units matching ``filters``, after ``after``.

    Open cases come by deadline, earliest first (ties by number); answered ones (a status
    filter of resolved, rejected or closed) by number. One query per unit and status, each
    reading at most ``limit`` rows from an inbox index in that order; the lists are merged.
    Ask for ``limit + 1`` to know whether there is a next page (:meth:`Cursor.of` its last row).
    """
    model = _model(filters)
    lists = []
    for status in filters.statuses():
        open_status = status in OPEN_STATUSES
        for unit in unit_clauses(user, model):
            query = sa.select(model).where(unit, model.status == status)
            if filters.level in set(Level):
                query = query.where(model.level == filters.level)
            if filters.overdue:
                query = query.where(model.overdue_since.is_not(None))
            for condition in filters.where:
                query = query.where(condition(model))
            # Case's own columns: on a kind's model ``model.id`` would be the kind's table's,
            # which no inbox index orders.
            if open_status:
                if after is not None and after.due_at is not None:
                    query = query.where(Case.due_at >= after.due_at,
                                        sa.or_(Case.due_at > after.due_at, Case.id > after.id))
                query = query.order_by(Case.due_at, Case.id)
            else:
                if after is not None:
                    query = query.where(Case.id > after.id)
                query = query.order_by(Case.id)
            lists.append(db.session.scalars(query.limit(limit)).all())
    page = sorted((case for rows in lists for case in rows), key=_sort_key)[:limit]
    _load_units(page)
    return page


def _load_units(cases: list[Case]) -> None:
    """Load the page's wards and agencies in one query each and attach them to the cases.

    A city admin's page spans dozens of wards: one lazy load per row otherwise. The loaded
    units stay in the session, so a kind's own link to the same ward (a report's ``ward``)
    is found there too, without a query.
    """
    for relationship, column in ((Case.unit_ward, "unit_ward_id"), (Case.unit_agency, "unit_agency_id")):
        ids = {getattr(case, column) for case in cases} - {None}
        if not ids:
            continue
        target = relationship.property.mapper.class_
        units = {unit.id: unit for unit in db.session.scalars(sa.select(target).where(target.id.in_(ids)))}
        for case in cases:
            if getattr(case, column) is not None:
                set_committed_value(case, relationship.key, units.get(getattr(case, column)))


def inbox_total(user, filters: InboxFilters) -> int | None:
    """How many cases the inbox lists for ``user`` under ``filters`` (every page), read from the
    counters (:mod:`app.cases.counts`); None when a filter the counters are not keyed by is set
    (a level, a kind's own conditions such as a category), so the count would need the cases."""
    if filters.level or filters.where:
        return None
    query = (sa.select(sa.func.coalesce(sa.func.sum(CaseCount.n), 0))
             .where(counter_scope(user, CaseCount.unit_type, CaseCount.unit_id),
                    CaseCount.status.in_(filters.statuses())))
    if filters.kind:
        query = query.where(CaseCount.kind == filters.kind)
    if filters.overdue:
        query = query.where(CaseCount.overdue.is_(True))
    return int(db.session.scalar(query) or 0)


def inbox_counts(user, *, kind: str | None = None) -> dict[str, int]:
    """``{status: count}`` of the user's cases (every status), plus ``"overdue"``: open and flagged.

    Read from the counters (:mod:`app.cases.counts`): a few rows per unit, not the cases.
    """
    query = (sa.select(CaseCount.status, CaseCount.overdue, sa.func.sum(CaseCount.n))
             .where(counter_scope(user, CaseCount.unit_type, CaseCount.unit_id))
             .group_by(CaseCount.status, CaseCount.overdue))
    if kind:
        query = query.where(CaseCount.kind == kind)
    counts = {str(s): 0 for s in Status}
    counts["overdue"] = 0
    for status, overdue, n in db.session.execute(query):
        counts[status] = counts.get(status, 0) + int(n or 0)
        if overdue and status in OPEN_STATUSES:
            counts["overdue"] += int(n or 0)
    return counts
