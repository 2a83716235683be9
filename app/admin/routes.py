"""City administration: users and their roles, and the audit log."""

from __future__ import annotations

import sqlalchemy as sa
from flask import request
from sqlalchemy.orm import selectinload

from app.admin import bp
from app.audit import services as audit
from app.auth.decorators import require
from app.auth.models import RoleGrant, User
from app.auth.permissions import can_administer
from app.core.htmx import render
from app.extensions import db


@bp.get("/")
@require(can_administer)
def dashboard():
    officials = db.session.scalars(
        sa.select(User).join(RoleGrant, RoleGrant.user_id == User.id).distinct()
        .options(selectinload(User.role_grants).selectinload(RoleGrant.ward),
                 selectinload(User.role_grants).selectinload(RoleGrant.agency))
        .order_by(User.id)
    ).all()
    user_count = db.session.scalar(sa.select(sa.func.count(User.id)))
    return render("admin/dashboard.html", officials=officials, user_count=user_count)


@bp.get("/audit")
@require(can_administer)
def audit_log():
    action = request.args.get("action", "").strip() or None
    before = request.args.get("before", type=int)
    entries = audit.recent(action=action, before_id=before, limit=50)
    return render("admin/audit.html", "admin/_audit_rows.html", entries=entries, action=action)
