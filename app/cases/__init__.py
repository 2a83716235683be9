"""The case engine: every request that officials handle is a *case*.

A case (:class:`app.cases.models.Case`) has a kind (field report, procedure complaint,
business question, …), a requester, a unit in charge (a ward or an agency), a status moved
only by the actions of :data:`app.cases.workflow.ACTIONS` (one service function each in
:mod:`app.cases.services`), a working-hours deadline per step with escalation to supervisors,
a timeline (:class:`app.cases.models.CaseEvent`, public events and internal notes), an
answer or a rejection, the requester's rating and one reopening.

A kind plugs in by subclassing ``Case`` (joined-table inheritance) and registering a
:class:`app.cases.kinds.CaseType` that gives routing, deadlines per level, whether an answer
needs result photos, hooks, and its words and links. The scope rule ("which units does this
user handle") lives once in :mod:`app.cases.permissions`, as a Python check and an SQL clause
used by the inbox, the statistics and the supervisors' alerts.

The engine imports no feature package; features import it.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import Flask

from app.notifications import registry as _notifications


def _describe(notifications: Sequence) -> dict:
    """Notifications about cases, in words and links of each case's kind (one query)."""
    import sqlalchemy as sa

    from app.cases.kinds import case_type
    from app.cases.models import Case
    from app.extensions import db
    from app.notifications.registry import Described

    ids = {n.subject_id for n in notifications if n.subject_id is not None}
    cases = {c.id: c for c in db.session.scalars(sa.select(Case).where(Case.id.in_(ids)))} if ids else {}
    described = {}
    for note in notifications:
        case = cases.get(note.subject_id)
        if case is None:
            continue
        kind = case_type(case)
        described[note.id] = Described(kind.notification_text(note.kind, case), kind.url(case),
                                       f"{case.kind}-{case.id}")
    return described


_notifications.register_subject("case", _describe)


def init_app(app: Flask) -> None:
    """Template globals, the engine's jobs and the inbox counters."""
    from app.cases import counts, display, tasks  # noqa: F401  (tasks: registers the jobs with the queue)

    display.init_app(app)
    counts.listen()
