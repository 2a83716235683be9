"""The inbox counts, kept as counters: cases per (unit, kind, status, overdue flag).

Why counters and not partial indexes (measured on the benchmark's 1,000,000 field reports
on SQLite, issue 15 point 4): the inbox shows the count of every status, closed ones included,
and a city admin's counts cover every case. Counting by status through the ``(status, due_at,
id)`` index reads one entry per case: 182 ms; the overdue count of open cases, 1.1 s. Partial
indexes over the open cases (``WHERE status IN ('submitted', 'accepted')``) only shrink that to
the open ones (40 % of them): 78 ms for the open counts plus 70 ms for the overdue one, and
nothing for the closed counts. The 894 counter rows give all of it in 0.3 ms for a city admin
and 0.01 ms for a ward official, whatever the number of cases.

The counters change in the same transaction as the case, from a flush listener rather than
from each service function: every change of a case's status, unit or overdue flag counts,
whoever makes it (the engine's transitions, the overdue sweep, a moved deadline, a test
factory), and a rolled-back transaction rolls its counts back with it. Only SQL that bypasses
the ORM (the benchmark's bulk generator, a hand-made fix) needs ``flask cases recount``.

Deltas are applied as upserts in the order of the key, so two transactions that move cases
between the same units lock the counter rows in the same order (no deadlock on PostgreSQL).
"""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.cases.models import Case, CaseCount, UnitType
from app.extensions import db

# The columns a counter's key comes from.
_KEY_COLUMNS = ("kind", "status", "unit_type", "unit_ward_id", "unit_agency_id", "overdue_since")

Key = tuple[str, int, str, str, bool]  # (unit_type, unit_id, kind, status, overdue)


def _key(unit_type, ward_id, agency_id, kind, status, overdue_since) -> Key:
    unit_id = ward_id if unit_type == UnitType.WARD else agency_id if unit_type == UnitType.AGENCY else 0
    return str(unit_type), unit_id or 0, str(kind), str(status), overdue_since is not None


def _current_key(case: Case) -> Key:
    return _key(case.unit_type, case.unit_ward_id, case.unit_agency_id, case.kind, case.status,
                case.overdue_since)


def _committed_key(case: Case) -> Key:
    """The key as the database had it before this flush: a changed column's history holds the
    old value (see :func:`_need_old_values`); an unchanged one is what it is, loaded if expired."""
    state = sa.inspect(case)
    values = {}
    for name in _KEY_COLUMNS:
        history = state.attrs[name].history
        old = history.deleted or history.unchanged
        values[name] = old[0] if old else getattr(case, name)
    return _key(values["unit_type"], values["unit_ward_id"], values["unit_agency_id"], values["kind"],
                values["status"], values["overdue_since"])


def _collect(session: Session, _context) -> None:
    deltas: Counter = Counter()
    for obj in session.new:
        if isinstance(obj, Case):
            deltas[_current_key(obj)] += 1
    for obj in session.dirty:
        if isinstance(obj, Case) and session.is_modified(obj, include_collections=False):
            before, after = _committed_key(obj), _current_key(obj)
            if before != after:
                deltas[before] -= 1
                deltas[after] += 1
    for obj in session.deleted:
        if isinstance(obj, Case):
            deltas[_committed_key(obj)] -= 1
    changes = sorted((key, n) for key, n in deltas.items() if n)
    if changes:
        _apply(session.connection(), changes)


def _apply(conn: sa.Connection, changes: list[tuple[Key, int]]) -> None:
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = CaseCount.__table__
    names = ("unit_type", "unit_id", "kind", "status", "overdue")
    statement = insert(table)
    statement = statement.on_conflict_do_update(index_elements=list(names),
                                                set_={"n": table.c.n + statement.excluded.n})
    conn.execute(statement, [dict(zip(names, key, strict=True), n=n) for key, n in changes])


def _need_old_values(*_args) -> None:
    """A no-op ``set`` listener whose ``active_history`` makes the ORM load a key column's old
    value before it is overwritten, even on an expired case (after a commit)."""


def listen() -> None:
    """Keep ``case_counts`` in step with every flush (idempotent; called by ``init_app``)."""
    if event.contains(Session, "after_flush", _collect):
        return
    for name in _KEY_COLUMNS:
        event.listen(getattr(Case, name), "set", _need_old_values, active_history=True, propagate=True)
    event.listen(Session, "after_flush", _collect)


def recount() -> int:
    """Rebuild ``case_counts`` from ``cases`` (after bulk SQL, or to repair a drift); the caller
    commits. On PostgreSQL, writers to ``cases`` wait until the commit so no change slips
    between the count and the commit. Returns the number of counter rows."""
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("LOCK TABLE cases IN SHARE MODE")
    conn.execute(sa.delete(CaseCount.__table__))
    conn.execute(sa.insert(CaseCount.__table__).from_select(
        ["unit_type", "unit_id", "kind", "status", "overdue", "n"], fresh_counts()))
    return db.session.scalar(sa.select(sa.func.count()).select_from(CaseCount)) or 0


def fresh_counts() -> sa.Select:
    """``SELECT unit_type, unit_id, kind, status, overdue, COUNT(*)`` over ``cases``: what the
    counters should hold (used by :func:`recount`, the migration's twin of it and the tests)."""
    unit_id = sa.func.coalesce(Case.unit_ward_id, Case.unit_agency_id, 0)
    overdue = sa.case((Case.overdue_since.is_(None), sa.false()), else_=sa.true())
    return (sa.select(Case.unit_type, unit_id, Case.kind, Case.status, overdue, sa.func.count())
            .group_by(Case.unit_type, unit_id, Case.kind, Case.status, overdue))
