"""State changes of the administration: holidays, report categories and their questions, roles
and supervisors. Each writes its audit row; the views only parse and render.

Errors: :class:`AdminError` with a ``code`` the view turns into a translated message.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.audit import services as audit
from app.auth import services as auth
from app.auth.models import Role, RoleGrant, User
from app.core.database import after_commit
from app.core.workcal import Holiday, forget_calendar
from app.extensions import db
from app.reports.models import Category, CategoryQuestion


class AdminError(Exception):
    """A change that cannot be made; ``code``: ``holiday_exists``, ``category_code_taken``,
    ``question_code_taken``, ``own_admin_role``."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# --- holidays ---------------------------------------------------------------------------

def _deadlines_follow(actor) -> None:
    """Running deadlines are counted again once the change has committed (a job), and the admin
    is told how many moved."""
    from app.cases.tasks import recompute_deadlines

    actor_id = getattr(actor, "id", None)
    after_commit(lambda: recompute_deadlines(actor_id))


def add_holiday(day: date, name: str, actor=None) -> Holiday:
    """A public holiday (no working time that day); running deadlines move with it.

    Raises ``AdminError("holiday_exists")``.
    """
    if db.session.scalar(sa.select(Holiday.id).where(Holiday.day == day)) is not None:
        raise AdminError("holiday_exists")
    holiday = Holiday(day=day, name=name.strip())
    db.session.add(holiday)
    audit.record("holiday.added", holiday, actor=actor, day=day.isoformat(), name=holiday.name)
    forget_calendar()
    _deadlines_follow(actor)
    return holiday


def public_holidays(years) -> dict[date, str]:
    """Vietnam's public holidays and the government's compensatory days off for ``years``,
    in Vietnamese, from the maintained ``holidays`` package (its Vietnam calendar follows the
    Labour Code 2019 art. 112 and each year's announcement of days off; check new years against
    the Ministry of Home Affairs' notice). Working Saturdays swapped for a day off are not
    days off and are not listed."""
    import holidays as holiday_data

    return dict(holiday_data.country_holidays("VN", years=sorted(set(years)), language="vi"))


def load_public_holidays(years, actor=None) -> int:
    """Add the public holidays of ``years`` that the table lacks (admins' own entries and
    removals of other days are left alone); running deadlines follow. Returns how many were added."""
    known = set(db.session.scalars(sa.select(Holiday.day)))
    added = [Holiday(day=day, name=name[:120]) for day, name in sorted(public_holidays(years).items())
             if day not in known]
    db.session.add_all(added)
    db.session.flush()
    if added:
        audit.record("holiday.loaded", actor=actor, object_type="holidays", count=len(added),
                     years=sorted(set(years)))
        forget_calendar()
        _deadlines_follow(actor)
    return len(added)


def remove_holiday(holiday: Holiday, actor=None) -> None:
    audit.record("holiday.removed", holiday, actor=actor, day=holiday.day.isoformat(), name=holiday.name)
    db.session.delete(holiday)
    db.session.flush()
    forget_calendar()
    _deadlines_follow(actor)


# --- categories -------------------------------------------------------------------------

def create_category(code: str, values: dict, actor=None) -> Category:
    """A report category with ``values`` (the editable fields). Raises ``AdminError("category_code_taken")``."""
    if db.session.scalar(sa.select(Category.id).where(Category.code == code)) is not None:
        raise AdminError("category_code_taken")
    category = Category(code=code, **values)
    db.session.add(category)
    audit.record("category.created", category, actor=actor, code=code)
    return category


def update_category(category: Category, values: dict, actor=None) -> list[str]:
    """Apply ``values``; returns the names of the fields that changed (audited when any did)."""
    changed = [name for name, value in values.items() if getattr(category, name) != value]
    for name in changed:
        setattr(category, name, values[name])
    if changed:
        audit.record("category.updated", category, actor=actor, code=category.code, fields=changed)
    return changed


def add_question(category: Category, *, code: str, label: str, label_en: str, kind: str, required: bool,
                 options: list, actor=None) -> CategoryQuestion:
    """An extra question asked when filing a report of ``category``, after the others.

    Raises ``AdminError("question_code_taken")`` when the category has one with this code.
    """
    if any(q.code == code for q in category.questions):
        raise AdminError("question_code_taken")
    question = CategoryQuestion(
        code=code, label=label.strip(), label_en=label_en.strip(), kind=kind, required=required, options=options,
        position=max((q.position for q in category.questions), default=-1) + 1)
    category.questions.append(question)
    audit.record("category.question_added", category, actor=actor, code=category.code, question=code)
    return question


def remove_question(category: Category, question: CategoryQuestion, actor=None) -> None:
    """Answers already given stay on their reports."""
    audit.record("category.question_removed", category, actor=actor, code=category.code, question=question.code)
    category.questions.remove(question)


# --- roles and supervisors --------------------------------------------------------------

def grant_role(user: User, role: Role, *, ward_id: int | None = None, agency_id: int | None = None,
               supervisor: bool = False, actor=None) -> tuple[RoleGrant, bool]:
    """Grant a role with its scope (and set the supervisor flag). Returns ``(grant, created)``."""
    held = {g.id for g in user.role_grants}
    grant = auth.grant_role(user, role, granted_by=actor, ward_id=ward_id, agency_id=agency_id)
    if grant.supervisor != supervisor:
        set_supervisor(user, grant, supervisor, actor=actor)
    return grant, grant.id not in held


def revoke_role(user: User, grant: RoleGrant, actor=None) -> None:
    """Raises ``AdminError("own_admin_role")``: another admin has to revoke a city admin's own
    role, so the city is never left without one by mistake."""
    if grant.role == Role.CITY_ADMIN and actor is not None and user.id == actor.id:
        raise AdminError("own_admin_role")
    auth.revoke_role(grant, revoked_by=actor)


def set_supervisor(user: User, grant: RoleGrant, value: bool, actor=None) -> None:
    """Supervisors of a unit are told when its cases run overdue or a fix looks doubtful."""
    grant.supervisor = value
    audit.record("role.supervisor_changed", user, actor=actor, grant_id=grant.id, role=grant.role,
                 ward_id=grant.ward_id, agency_id=grant.agency_id, supervisor=value)
