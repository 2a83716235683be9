"""The officials' inbox over cases of every kind: deadline-ordered lists and counts.

A kind narrows the inbox with its own filters (a report's category) through
``InboxFilters.kind`` and ``InboxFilters.where``: the query then runs on the kind's model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa

from app.cases.kinds import case_type
from app.cases.models import OPEN_STATUSES, Case, Level, Status
from app.cases.permissions import scope_clause
from app.extensions import db


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


def _model(filters: InboxFilters):
    return case_type(filters.kind).model if filters.kind else Case


def inbox(user, filters: InboxFilters, *, limit: int = 50) -> list[Case]:
    """Cases of the official's units, by deadline (earliest first).

    One query per status, each ordered by (due_at, id) so the inbox indexes deliver the rows
    in order without sorting every open case of the unit; the short lists are then merged.
    """
    model = _model(filters)
    statuses = [filters.status] if filters.status in set(Status) else [Status.SUBMITTED, Status.ACCEPTED]
    rows: list[Case] = []
    for status in statuses:
        query = sa.select(model).where(scope_clause(user, model), model.status == status)
        if filters.level in set(Level):
            query = query.where(model.level == filters.level)
        if filters.overdue:
            query = query.where(model.overdue_since.is_not(None))
        for condition in filters.where:
            query = query.where(condition(model))
        if status in OPEN_STATUSES:
            query = query.order_by(model.due_at, model.id)
        else:
            query = query.order_by(model.id)
        rows.extend(db.session.scalars(query.limit(limit)))
    rows.sort(key=lambda c: (c.due_at is None, c.due_at or c.created_at, c.id))
    return rows[:limit]


def inbox_counts(user, *, kind: str | None = None) -> dict[str, int]:
    """``{status: count}`` of the official's cases (every status), plus ``"overdue"``: open and flagged."""
    model = case_type(kind).model if kind else Case
    rows = db.session.execute(
        sa.select(model.status, sa.func.count()).where(scope_clause(user, model)).group_by(model.status)
    ).all()
    counts = {str(s): 0 for s in Status}
    counts.update({status: n for status, n in rows})
    counts["overdue"] = db.session.scalar(sa.select(sa.func.count()).select_from(model).where(
        scope_clause(user, model), model.overdue_since.is_not(None), model.status.in_(OPEN_STATUSES))) or 0
    return counts

