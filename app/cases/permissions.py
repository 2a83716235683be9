"""The scope rule, once: which units a user handles, as a Python check and as an SQL clause.

A ward official handles the cases whose unit in charge is one of the wards of their grants, an
agency official those of their agencies, and a city admin every case. The inbox, the handling
pages, the statistics and the supervisors' alerts all use these functions, so the rule cannot
drift between them.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.auth.models import Role, RoleGrant, User
from app.auth.permissions import is_city_admin
from app.cases.models import Case, UnitType
from app.extensions import db


def _authenticated(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


@dataclass(frozen=True)
class Units:
    """The units a user handles: every unit (``all``), or these wards and agencies."""

    all: bool = False
    ward_ids: frozenset[int] = frozenset()
    agency_ids: frozenset[int] = frozenset()

    def covers(self, unit_type: str, unit_id: int | None) -> bool:
        if self.all:
            return True
        if unit_type == UnitType.WARD:
            return unit_id in self.ward_ids
        if unit_type == UnitType.AGENCY:
            return unit_id in self.agency_ids
        # The city's triage queue is the city admins'.
        return False


def handled_units(user) -> Units:
    """The units ``user`` handles (none for visitors and citizens)."""
    if not _authenticated(user):
        return Units()
    if is_city_admin(user):
        return Units(all=True)
    return Units(ward_ids=frozenset(user.ward_ids), agency_ids=frozenset(user.agency_ids))


def can_handle_case(user, case: Case) -> bool:
    """The officials of the unit in charge (and city admins) handle a case."""
    unit_id = case.unit_ward_id if case.unit_type == UnitType.WARD else case.unit_agency_id
    return handled_units(user).covers(case.unit_type, unit_id)


def is_requester(user, case: Case) -> bool:
    return _authenticated(user) and case.requester_id == user.id


def scope_clause(user, model=Case) -> sa.ColumnElement[bool]:
    """The SQL form of :func:`can_handle_case` over ``model`` (``Case`` or a subclass)."""
    units = handled_units(user)
    if units.all:
        return sa.true()
    clauses = []
    if units.ward_ids:
        clauses.append(sa.and_(model.unit_type == UnitType.WARD, model.unit_ward_id.in_(sorted(units.ward_ids))))
    if units.agency_ids:
        clauses.append(sa.and_(model.unit_type == UnitType.AGENCY,
                               model.unit_agency_id.in_(sorted(units.agency_ids))))
    return sa.or_(*clauses) if clauses else sa.false()


def unit_clauses(user, model=Case) -> list[sa.ColumnElement[bool]]:
    """:func:`scope_clause` split into one condition per unit (``[true()]`` for a city admin,
    ``[]`` for someone who handles none), so that each can be read in deadline order from the
    unit's inbox index and the short lists merged (app.cases.queries)."""
    units = handled_units(user)
    if units.all:
        return [sa.true()]
    return ([sa.and_(model.unit_type == UnitType.WARD, model.unit_ward_id == w) for w in sorted(units.ward_ids)]
            + [sa.and_(model.unit_type == UnitType.AGENCY, model.unit_agency_id == a)
               for a in sorted(units.agency_ids)])


def counter_scope(user, unit_type, unit_id) -> sa.ColumnElement[bool]:
    """The scope rule over counter rows (``case_counts``) whose unit is ``(unit_type, unit_id)``."""
    units = handled_units(user)
    if units.all:
        return sa.true()
    clauses = []
    if units.ward_ids:
        clauses.append(sa.and_(unit_type == UnitType.WARD, unit_id.in_(sorted(units.ward_ids))))
    if units.agency_ids:
        clauses.append(sa.and_(unit_type == UnitType.AGENCY, unit_id.in_(sorted(units.agency_ids))))
    return sa.or_(*clauses) if clauses else sa.false()


def supervisors_of(case: Case) -> list[User]:
    """Supervisors of the unit in charge; the city admins when the unit has none (and for the
    city's triage queue)."""
    if case.unit_type == UnitType.CITY:
        scope = sa.false()
    elif case.unit_type == UnitType.WARD:
        scope = sa.and_(RoleGrant.role == Role.WARD_OFFICIAL, RoleGrant.ward_id == case.unit_ward_id)
    else:
        scope = sa.and_(RoleGrant.role == Role.AGENCY_OFFICIAL, RoleGrant.agency_id == case.unit_agency_id)
    users = db.session.scalars(sa.select(User).join(RoleGrant, RoleGrant.user_id == User.id)
                               .where(scope, RoleGrant.supervisor).distinct()).all()
    if not users:
        users = db.session.scalars(sa.select(User).join(RoleGrant, RoleGrant.user_id == User.id)
                                   .where(RoleGrant.role == Role.CITY_ADMIN).distinct()).all()
    return list(users)
