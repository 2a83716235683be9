"""Accounts, logins, identity levels and roles."""

from __future__ import annotations

import logging
import secrets
from datetime import date
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask, session
from flask_login import login_user, logout_user

from app.audit import services as audit
from app.auth.models import IdentityLevel, Role, RoleGrant, User
from app.core.models import utcnow
from app.extensions import db, login_manager

log = logging.getLogger(__name__)


class IdentityConflict(Exception):
    """The ID number is already held by another verified account."""


def init_login_manager(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    # Flask-Login's own redirect carries no translated flash; our decorators handle visitors.
    login_manager.login_message = None

    @login_manager.user_loader
    def _load(user_key: str):
        user_id, _, token = user_key.partition(":")
        if not user_id.isdigit() or not token:
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.active or not secrets.compare_digest(user.session_token, token):
            return None
        return user


def new_user(**fields) -> User:
    user = User(session_token=secrets.token_urlsafe(32), **fields)
    db.session.add(user)
    db.session.flush()
    return user


def complete_login(user: User, method: str) -> None:
    """Log ``user`` in with a fresh session (no fixation), and audit it."""
    session.clear()
    session["sid"] = secrets.token_urlsafe(16)
    login_user(user, remember=False)
    session.permanent = True
    user.last_login_at = utcnow()
    user.last_login_method = method
    audit.record("auth.login", user, actor=user, method=method)
    log.info("login ok user=%s method=%s", user.id, method)


def record_login_failure(method: str, reason: str) -> None:
    audit.record("auth.login_failed", actor=None, object_type="auth", method=method, reason=reason)
    log.warning("login failed method=%s reason=%s", method, reason)


def logout(user: User | None) -> None:
    if user is not None and user.is_authenticated:
        audit.record("auth.logout", user, actor=user)
    logout_user()
    session.clear()


def logout_everywhere(user: User) -> None:
    user.session_token = secrets.token_urlsafe(32)


def set_verified_identity(user: User, *, cccd: str, full_name: str | None,
                          birth_date: date | None, gender: str | None, source: str) -> None:
    """Raise ``user`` to level 2 with an identity checked by ``source`` ('vneid' or a verifier).

    An ID number held by another account is refused, except that VNeID is authoritative: a
    login through it takes the number from an account that only self-declared it.
    """
    digest = User.cccd_lookup(cccd)
    holder = db.session.scalar(sa.select(User).where(User.cccd_hmac == digest, User.id != user.id))
    if holder is not None:
        if source != "vneid" or holder.identity_source == "vneid":
            raise IdentityConflict
        holder.set_cccd(None)
        holder.identity_level = IdentityLevel.PHONE
        holder.identity_source = None
        audit.record("identity.revoked_conflict", holder, actor=user)
        db.session.flush()
    user.set_cccd(cccd)
    if full_name:
        user.full_name = full_name
    user.birth_date = birth_date or user.birth_date
    user.gender = gender or user.gender
    user.identity_level = IdentityLevel.VERIFIED
    user.identity_source = source
    audit.record("identity.verified", user, source=source)


def grant_role(user: User, role: Role, *, ward_id: int | None = None,
               agency_id: int | None = None, granted_by: User | None = None) -> RoleGrant:
    existing = db.session.scalar(sa.select(RoleGrant).where(
        RoleGrant.user_id == user.id, RoleGrant.role == role,
        RoleGrant.ward_id.is_(None) if ward_id is None else RoleGrant.ward_id == ward_id,
        RoleGrant.agency_id.is_(None) if agency_id is None else RoleGrant.agency_id == agency_id,
    ))
    if existing is not None:
        return existing
    grant = RoleGrant(user_id=user.id, role=role, ward_id=ward_id, agency_id=agency_id,
                      granted_by_id=getattr(granted_by, "id", None))
    db.session.add(grant)
    db.session.flush()
    db.session.refresh(user, ["role_grants"])
    audit.record("role.granted", user, actor=granted_by, role=str(role),
                 ward_id=ward_id, agency_id=agency_id)
    return grant


def revoke_role(grant: RoleGrant, *, revoked_by: User | None = None) -> None:
    user = grant.user
    audit.record("role.revoked", user, actor=revoked_by, role=grant.role,
                 ward_id=grant.ward_id, agency_id=grant.agency_id)
    db.session.delete(grant)
    db.session.flush()
    db.session.refresh(user, ["role_grants"])


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site relative paths, so ?next= cannot send a user to another site."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target:
        return default
    return target
