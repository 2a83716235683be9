"""Who may write alerts: agency officials for their agencies (police included), city admins for any."""

from __future__ import annotations

import sqlalchemy as sa

from app.auth.permissions import is_city_admin
from app.core.text import vi_sorted
from app.extensions import db
from app.places.models import Agency


def _authenticated(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def can_write_alerts(user) -> bool:
    return is_city_admin(user) or (_authenticated(user) and bool(user.agency_ids))


def agencies_for(user) -> list[Agency]:
    """The agencies ``user`` may publish alerts for."""
    if not can_write_alerts(user):
        return []
    query = sa.select(Agency).where(Agency.active.is_(True))
    if not is_city_admin(user):
        query = query.where(Agency.id.in_(sorted(user.agency_ids)))
    return vi_sorted(db.session.scalars(query))


def can_manage_alert(user, alert) -> bool:
    """Edit a draft, publish, update or withdraw: the officials of the issuing agency."""
    return is_city_admin(user) or (_authenticated(user) and alert.agency_id in user.agency_ids)


def can_view_alert(user, alert) -> bool:
    """Drafts are the issuing agency's; every published version is public."""
    return alert.status != "draft" or can_manage_alert(user, alert)
