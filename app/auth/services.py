"""Accounts, logins, identity levels and roles."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import date, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask, current_app, session
from flask_login import login_user, logout_user

from app.audit import services as audit
from app.auth.models import IdentityLevel, Role, RoleGrant, User, UserSession
from app.core import crypto, signals
from app.core.models import utcnow
from app.extensions import db, login_manager

log = logging.getLogger(__name__)

# last_seen_at is written at most this often per session: the idle timeouts are hours or
# days, and a write on every page view would serialise readers behind the SQLite writer.
SESSION_TOUCH_INTERVAL = timedelta(minutes=1)


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
        if not resume_session(user, session.get("sid")):
            return None
        return user


def client_account_id(user) -> str:
    """An opaque, stable id of the account for the page's own scripts (whose offline reports
    and push subscription are whose on a shared phone). Keyed, so it tells nothing about the
    account and cannot be computed from its number; never the phone or the ID number."""
    if user is None or not user.is_authenticated:
        return ""
    return crypto.lookup_hash(str(user.id), b"users.client_id")[:32]


def new_user(**fields) -> User:
    user = User(session_token=secrets.token_urlsafe(32), **fields)
    db.session.add(user)
    db.session.flush()
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_official(user: User) -> bool:
    """Officials and admins (anyone with a role) get the shorter session limits."""
    return bool(user.role_grants)


def session_limits(user: User) -> tuple[timedelta, timedelta]:
    """(idle timeout, absolute lifetime) of ``user``'s sessions, from the configuration."""
    config = current_app.config
    if is_official(user):
        idle, lifetime = config["SESSION_IDLE_TIMEOUT_OFFICIAL"], config["SESSION_LIFETIME_OFFICIAL"]
    else:
        idle, lifetime = config["SESSION_IDLE_TIMEOUT"], config["SESSION_LIFETIME"]
    return timedelta(seconds=idle), timedelta(seconds=lifetime)


def start_session(user: User) -> str:
    """Record a new session of ``user``; returns the secret its cookie carries."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=_token_hash(token)))
    _drop_expired_sessions(user)
    db.session.flush()
    return token


def _drop_expired_sessions(user: User) -> None:
    idle, lifetime = session_limits(user)
    now = utcnow()
    db.session.execute(sa.delete(UserSession).where(
        UserSession.user_id == user.id,
        sa.or_(UserSession.created_at < now - lifetime, UserSession.last_seen_at < now - idle)))


def resume_session(user: User, token: str | None) -> bool:
    """True when ``token`` names a live session of ``user`` (not logged out, not idle too
    long, not past its lifetime); notes the activity."""
    if not isinstance(token, str) or not token:
        return False
    row = db.session.scalar(sa.select(UserSession).where(
        UserSession.token_hash == _token_hash(token), UserSession.user_id == user.id))
    if row is None:
        return False
    idle, lifetime = session_limits(user)
    now = utcnow()
    if now - row.created_at > lifetime or now - row.last_seen_at > idle:
        db.session.delete(row)
        return False
    if now - row.last_seen_at > SESSION_TOUCH_INTERVAL:
        row.last_seen_at = now
    return True


def end_session(token: str | None) -> None:
    if isinstance(token, str) and token:
        db.session.execute(sa.delete(UserSession).where(UserSession.token_hash == _token_hash(token)))


def complete_login(user: User, method: str) -> None:
    """Log ``user`` in with a fresh session (no fixation), and audit it."""
    end_session(session.get("sid"))
    session.clear()
    session["sid"] = start_session(user)
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
    """End this browser's session on the server too, so a copy of its cookie is worthless."""
    if user is not None and user.is_authenticated:
        audit.record("auth.logout", user, actor=user)
    end_session(session.get("sid"))
    # Receivers (push: this browser's subscription) still see the session here.
    logout_user()
    session.clear()


def logout_everywhere(user: User) -> None:
    """End every session of ``user``, on every device, this one included."""
    user.session_token = secrets.token_urlsafe(32)
    db.session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id))
    audit.record("auth.logout_everywhere", user, actor=user)
    signals.sessions_ended_everywhere.send(current_app._get_current_object(), user=user)


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


def landing_url(user: User, target: str | None) -> str:
    """Where a login ends: the page the person was going to (``target``, checked by
    :func:`safe_next`), else the console for those who use it, else the home page.

    The home page as ``target`` counts as no destination (issue 11: officials land on their
    console): it is what a login started from the home page, or with no ``next``, carries."""
    from flask import url_for

    from app.auth.permissions import can_use_console

    default = url_for("console.dashboard") if can_use_console(user) else "/"
    if not target or target == "/" or urlsplit(target).path == "/" and not urlsplit(target).query:
        return default
    return safe_next(target, default)
