"""Users and their roles: find an account, grant and revoke scoped roles (city admins)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.admin import bp, services
from app.admin.forms import GrantRoleForm, choices
from app.auth.decorators import require
from app.auth.forms import invalid_status
from app.auth.models import Role, RoleGrant, User
from app.auth.permissions import can_administer
from app.core.htmx import redirect_to, render
from app.core.ids import to_id
from app.extensions import db
from app.places.models import Agency, Ward


def search_users(query: str, limit: int = 50) -> list[User]:
    """By account number or name; never by phone or CCCD, which must not travel in URLs."""
    stmt = sa.select(User).options(selectinload(User.role_grants)).order_by(User.id).limit(limit)
    query = query.strip()
    if query.isascii() and query.isdigit():
        stmt = stmt.where(User.id == (to_id(query) or 0))
    elif query:
        stmt = stmt.where(sa.func.lower(User.full_name).contains(query.lower(), autoescape=True))
    return list(db.session.scalars(stmt))


def _grant_form() -> GrantRoleForm:
    form = GrantRoleForm()
    wards = db.session.scalars(sa.select(Ward).order_by(Ward.name))
    form.ward.choices = choices([("", "—")] + [(w.id, w.name) for w in wards])
    locale = get_locale().language
    agencies = db.session.scalars(sa.select(Agency).order_by(Agency.code))
    form.agency.choices = choices([("", "—")] + [(a.id, a.display_name(locale)) for a in agencies])
    return form


def _render_user(user: User, form: GrantRoleForm | None = None, *, error: str | None = None,
                 status: int = 200):
    response = render("admin/user.html", user=user, form=form or _grant_form(), error=error)
    response.status_code = status
    return response


def _load(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def _load_grant(user: User, grant_id: int) -> RoleGrant:
    grant = db.session.get(RoleGrant, grant_id)
    if grant is None or grant.user_id != user.id:
        abort(404)
    return grant


@bp.get("/users")
@require(can_administer)
def users():
    query = request.args.get("q", "")
    return render("admin/users.html", users=search_users(query), q=query)


@bp.get("/users/<int:user_id>")
@require(can_administer)
def user(user_id: int):
    return _render_user(_load(user_id))


@bp.post("/users/<int:user_id>/roles")
@require(can_administer)
def grant_role(user_id: int):
    user = _load(user_id)
    form = _grant_form()
    if not form.validate_on_submit():
        return _render_user(user, form, status=invalid_status())
    role = Role(form.role.data)
    _grant, created = services.grant_role(
        user, role, actor=current_user, supervisor=form.supervisor.data,
        ward_id=form.ward.data if role == Role.WARD_OFFICIAL else None,
        agency_id=form.agency.data if role == Role.AGENCY_OFFICIAL else None)
    if created:
        flash(_("Role granted."), "success")
    else:
        flash(_("The account already has this role."), "info")
    return redirect_to(url_for("admin.user", user_id=user.id))


@bp.post("/users/<int:user_id>/roles/<int:grant_id>/revoke")
@require(can_administer)
def revoke_role(user_id: int, grant_id: int):
    user = _load(user_id)
    grant = _load_grant(user, grant_id)
    try:
        services.revoke_role(user, grant, actor=current_user)
    except services.AdminError:
        return _render_user(user, error=_("You cannot revoke your own city admin role. Ask another city admin."),
                            status=409 if invalid_status() == 422 else 200)
    flash(_("Role revoked."), "success")
    return redirect_to(url_for("admin.user", user_id=user.id))


@bp.post("/users/<int:user_id>/roles/<int:grant_id>/supervisor")
@require(can_administer)
def toggle_supervisor(user_id: int, grant_id: int):
    user = _load(user_id)
    grant = _load_grant(user, grant_id)
    services.set_supervisor(user, grant, not grant.supervisor, actor=current_user)
    flash(_("Supervisor setting changed."), "success")
    return redirect_to(url_for("admin.user", user_id=user.id))
