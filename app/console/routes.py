"""The officials' console: role-gated and scoped to the official's wards or agency."""

from __future__ import annotations

import sqlalchemy as sa
from flask_login import current_user

from app.auth.decorators import require
from app.auth.models import Role, RoleGrant
from app.auth.permissions import can_use_console, is_city_admin
from app.console import bp
from app.core.htmx import render
from app.extensions import db


@bp.get("/")
@require(can_use_console)
def dashboard():
    grants = db.session.scalars(
        sa.select(RoleGrant).where(RoleGrant.user_id == current_user.id,
                                   RoleGrant.role != Role.CITY_ADMIN)
    ).all()
    return render("console/dashboard.html", grants=grants, sees_all=is_city_admin(current_user))
