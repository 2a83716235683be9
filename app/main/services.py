"""Queries of the home page."""

from __future__ import annotations

import sqlalchemy as sa

from app.cases.models import OPEN_STATUSES, Case
from app.extensions import db

HOME_CASES = 5


def open_cases_of(user, limit: int = HOME_CASES) -> tuple[list[Case], int]:
    """The user's open cases of every kind (awaiting acceptance or in progress), earliest deadline
    first (those without one last), at most ``limit``; and how many are open in all."""
    where = (Case.requester_id == user.id, Case.status.in_(OPEN_STATUSES))
    cases = db.session.scalars(
        sa.select(Case).where(*where).order_by(Case.due_at.is_(None), Case.due_at, Case.id).limit(limit)
    ).all()
    total = len(cases) if len(cases) < limit else db.session.scalar(
        sa.select(sa.func.count()).select_from(Case).where(*where))
    return list(cases), total
