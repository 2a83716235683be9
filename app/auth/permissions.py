"""Who may do what. Views and templates call these; role and scope checks live only here."""

from __future__ import annotations

from app.auth.models import IdentityLevel, Role


def _authenticated(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_official(user) -> bool:
    return _authenticated(user) and bool(
        user.roles & {Role.WARD_OFFICIAL, Role.AGENCY_OFFICIAL}
    )


def is_city_admin(user) -> bool:
    return _authenticated(user) and user.has_role(Role.CITY_ADMIN)


def can_use_console(user) -> bool:
    """The officials' console: ward and agency officials, and city admins (who see all)."""
    return is_official(user) or is_city_admin(user)


def can_administer(user) -> bool:
    return is_city_admin(user)


def can_handle_ward(user, ward_id: int) -> bool:
    return is_city_admin(user) or (_authenticated(user) and ward_id in user.ward_ids)


def can_handle_agency(user, agency_id: int) -> bool:
    return is_city_admin(user) or (_authenticated(user) and agency_id in user.agency_ids)


def has_level(user, level: IdentityLevel) -> bool:
    return _authenticated(user) and user.identity_level >= level
