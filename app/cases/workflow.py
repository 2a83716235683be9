"""The state machine, keyed by action: which action may run from which status, and to what.

Statuses (PRODUCT.md, "Field reports"): ``submitted`` → ``accepted`` (with a level) →
``resolved`` or ``rejected`` → ``closed``. A transfer puts the case back to ``submitted`` for
another unit; the requester may reopen a resolved case once (back to ``accepted``, same unit).

:data:`ACTIONS` is the one table; :func:`allowed_actions` answers "what may this person do to
this case now", and the services, the console, the templates and Open311 all ask it instead of
testing a status themselves. The database's check constraint on ``cases.status`` backs it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from app.cases.models import Case, Status, UnitType
from app.cases.permissions import can_handle_case, is_requester


class Action(enum.StrEnum):
    ACCEPT = "accept"
    TRANSFER = "transfer"
    REJECT = "reject"
    RESOLVE = "resolve"
    CLOSE = "close"
    REOPEN = "reopen"
    RATE = "rate"
    NOTE = "note"


class Actor(enum.StrEnum):
    HANDLER = "handler"  # an official of the unit in charge, or a city admin
    REQUESTER = "requester"  # whoever filed the case
    SYSTEM = "system"  # jobs and other actions (closing after a satisfied rating)


class WorkflowError(Exception):
    """An action that is not allowed; ``code`` says why (see :mod:`app.cases.messages`)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Rule:
    """An action runs from one of ``sources`` and leaves the case in ``target`` (None: unchanged)."""

    sources: frozenset[Status]
    target: Status | None
    actor: Actor
    # The error code when the status does not allow it; a further condition on the case, and
    # its own code when that fails (``refusal`` when it has none).
    guard: Callable[[Case], bool] | None = None
    refusal: str = "transition_not_allowed"
    guard_refusal: str | None = None


def _not_rated(case: Case) -> bool:
    return case.rated_at is None


def _has_unit(case: Case) -> bool:
    """A case in the city's triage queue waits for its ward: it is transferred, not handled."""
    return case.unit_type != UnitType.CITY


def _may_reopen(case: Case) -> bool:
    """Once, after an unsatisfied rating (or instead of rating)."""
    return not case.reopened and case.satisfied is not True


_OPEN = frozenset({Status.SUBMITTED, Status.ACCEPTED})
_ANSWERED = frozenset({Status.RESOLVED, Status.REJECTED})

ACTIONS: dict[Action, Rule] = {
    Action.ACCEPT: Rule(frozenset({Status.SUBMITTED}), Status.ACCEPTED, Actor.HANDLER,
                        guard=_has_unit, guard_refusal="choose_ward_first"),
    Action.TRANSFER: Rule(_OPEN, Status.SUBMITTED, Actor.HANDLER),
    Action.REJECT: Rule(_OPEN, Status.REJECTED, Actor.HANDLER),
    Action.RESOLVE: Rule(frozenset({Status.ACCEPTED}), Status.RESOLVED, Actor.HANDLER),
    Action.CLOSE: Rule(_ANSWERED, Status.CLOSED, Actor.SYSTEM),
    Action.REOPEN: Rule(frozenset({Status.RESOLVED}), Status.ACCEPTED, Actor.REQUESTER,
                        guard=_may_reopen, refusal="cannot_reopen"),
    Action.RATE: Rule(frozenset({Status.RESOLVED}), None, Actor.REQUESTER,
                      guard=_not_rated, refusal="cannot_rate"),
    Action.NOTE: Rule(frozenset(Status), None, Actor.HANDLER),
}


def refusal(case: Case, action: Action) -> str | None:
    """Why ``action`` cannot run on ``case`` in its current state (an error code), or None."""
    rule = ACTIONS[Action(action)]
    if case.status not in rule.sources:
        return rule.refusal
    if rule.guard is not None and not rule.guard(case):
        return rule.guard_refusal or rule.refusal
    return None


def check(case: Case, action: Action) -> Rule:
    """The rule of ``action``; raises :class:`WorkflowError` when the case's state forbids it."""
    code = refusal(case, action)
    if code is not None:
        raise WorkflowError(code)
    return ACTIONS[Action(action)]


def allowed_actions(case: Case, user) -> frozenset[Action]:
    """The actions ``user`` may take on ``case`` now (state and person both checked)."""
    handler = can_handle_case(user, case)
    requester = is_requester(user, case)
    allowed = set()
    for action, rule in ACTIONS.items():
        if refusal(case, action) is not None:
            continue
        if (rule.actor == Actor.HANDLER and handler) or (rule.actor == Actor.REQUESTER and requester):
            allowed.add(action)
    return frozenset(allowed)
