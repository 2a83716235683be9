"""Login with VNeID (or any OpenID Connect provider) through Authlib's Flask client.

Authorization code flow with PKCE (S256), state and nonce kept in the session by Authlib.
The ID token's signature (provider JWKS), issuer (exactly ``OIDC_ISSUER``), audience
(``OIDC_CLIENT_ID``), expiry and nonce are checked; the user is the (issuer, ``sub``) pair.
Claim names for the CCCD, name, date of birth, gender and phone come from ``OIDC_CLAIM_*``:
read from the ID token, and from the userinfo endpoint when the ID token lacks them.

Any failure becomes an audited ``auth.login_failed`` with a short reason code, a flash
message and the login page; never an error page.
"""

from __future__ import annotations

import logging
import re
import time
from datetime import date

import requests
import sqlalchemy as sa
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from joserfc.errors import BadSignatureError, ClaimError, ExpiredTokenError, InvalidKeyIdError, JoseError

from app.audit import services as audit
from app.auth import bp, services
from app.auth.models import Gender, IdentityLevel, OidcIdentity, User
from app.auth.phone import normalise_phone
from app.core.database import writes
from app.core.htmx import redirect_to
from app.core.models import utcnow
from app.extensions import db, limiter, oauth

log = logging.getLogger(__name__)

CLIENT_NAME = "vneid"
HTTP_TIMEOUT = 10
# Clock difference tolerated between us and the provider, for exp/iat.
LEEWAY = 60
# Discovery and keys are re-read this often (and at once when an unknown key id shows up).
METADATA_MAX_AGE = 24 * 3600
CLAIM_SETTINGS = {
    "cccd": "OIDC_CLAIM_CCCD",
    "name": "OIDC_CLAIM_NAME",
    "birthdate": "OIDC_CLAIM_BIRTHDATE",
    "gender": "OIDC_CLAIM_GENDER",
    "phone": "OIDC_CLAIM_PHONE",
}
_GENDERS = {"male": Gender.MALE, "m": Gender.MALE, "nam": Gender.MALE,
            "female": Gender.FEMALE, "f": Gender.FEMALE, "nữ": Gender.FEMALE, "nu": Gender.FEMALE,
            "other": Gender.OTHER, "khác": Gender.OTHER}
_FAILED = _l("Login with VNeID failed. Please try again.")


class LoginFailure(Exception):
    def __init__(self, reason: str, message=None):
        super().__init__(reason)
        self.reason = reason
        self.message = message or _FAILED


def register_client(app: Flask) -> None:
    """Prepare the app's slot for its client; the client itself is built on first use.

    Not ``oauth.register``: that registry is shared by every app in the process and keeps
    the first client it built, while each app (tests make several) needs its own settings.
    """
    if app.config.get("OIDC_ISSUER") and not app.config.get("OIDC_CLIENT_ID"):
        raise RuntimeError("OIDC_ISSUER is set but OIDC_CLIENT_ID is not")
    app.extensions["vneid.clients"] = {}


def _scope() -> str:
    scopes = current_app.config["OIDC_SCOPE"].split()
    return " ".join(scopes if "openid" in scopes else ["openid", *scopes])


def get_client():
    """The current app's OIDC client, rebuilt when its settings change or discovery is old."""
    config = current_app.config
    issuer = config["OIDC_ISSUER"]
    key = (issuer, config["OIDC_CLIENT_ID"], config["OIDC_CLIENT_SECRET"], _scope())
    clients = current_app.extensions["vneid.clients"]
    client = clients.get(key)
    loaded_at = client.server_metadata.get("_loaded_at") if client is not None else None
    if client is None or (loaded_at and time.time() - loaded_at > METADATA_MAX_AGE):
        client = oauth.oauth2_client_cls(
            oauth.framework_integration_cls(CLIENT_NAME, oauth.cache), CLIENT_NAME,
            client_id=config["OIDC_CLIENT_ID"],
            client_secret=config["OIDC_CLIENT_SECRET"],
            server_metadata_url=f"{issuer.rstrip('/')}/.well-known/openid-configuration",
            client_kwargs={"scope": _scope(), "code_challenge_method": "S256",
                           "default_timeout": HTTP_TIMEOUT},
        )
        clients.clear()
        clients[key] = client
    return client


def _metadata(client) -> dict:
    metadata = client.load_server_metadata()
    # OpenID Connect Discovery 1.0 §4.3: the document must name the issuer we asked.
    if metadata.get("issuer") != current_app.config["OIDC_ISSUER"]:
        raise LoginFailure("discovery_issuer_mismatch")
    return metadata


def _code(text) -> str:
    """A short reason code from text we do not control (error parameters, claim names)."""
    return re.sub(r"[^a-z0-9_]", "", str(text or "").lower())[:40] or "unknown"


# Per IP: generous for shared mobile-network addresses, tight enough to stop hammering.
LOGIN_LIMIT = "30 per minute; 300 per hour"


@bp.get("/vneid/login")
@limiter.limit(LOGIN_LIMIT)
def vneid_login():
    if not current_app.config.get("OIDC_ISSUER"):
        return redirect(url_for("auth.login"))
    next_url = services.safe_next(request.args.get("next"))
    link_user_id = None
    if request.args.get("link") == "1" and current_user.is_authenticated:
        link_user_id = current_user.id
    client = get_client()
    redirect_uri = url_for("auth.vneid_callback", _external=True)
    try:
        _metadata(client)
        rv = client.create_authorization_url(redirect_uri)
    except LoginFailure as failure:
        return _fail(failure, next_url)
    except (requests.RequestException, ValueError):
        log.warning("VNeID discovery failed", exc_info=True)
        return _fail(LoginFailure("provider_unavailable",
                                  _l("VNeID cannot be reached at the moment. Please try again later.")),
                     next_url)
    # Kept with the state in the session, so each login attempt has its own.
    client.save_authorize_data(
        state=rv["state"], redirect_uri=redirect_uri, code_verifier=rv["code_verifier"],
        nonce=rv["nonce"], next=next_url, link_user_id=link_user_id,
    )
    return redirect_to(rv["url"], code=302)


@bp.get("/vneid/callback")
@limiter.limit(LOGIN_LIMIT)
@writes
def vneid_callback():
    if not current_app.config.get("OIDC_ISSUER"):
        return redirect(url_for("auth.login"))
    client = get_client()
    pending = client.framework.get_state_data(session, request.args.get("state") or "") or {}
    next_url = services.safe_next(pending.get("next"))
    try:
        # Everything that talks to the provider comes first: on SQLite, holding the write lock
        # during those requests would stall every other writer (and a same-process sandbox).
        claims = _provider_claims(client)
        user = _find_or_create_user(claims, pending.get("link_user_id"))
    except LoginFailure as failure:
        return _fail(failure, next_url)
    services.complete_login(user, "vneid")
    flash(_("You are logged in with VNeID."), "success")
    return redirect_to(services.landing_url(user, pending.get("next")), code=302)


def _fail(failure: LoginFailure, next_url: str = "/"):
    # Nothing half-done by this attempt (a new account, a link) may be committed. It also ends
    # any read transaction, so on SQLite the audit row below starts a fresh write instead of
    # upgrading a stale read, which fails at once if another connection wrote meanwhile.
    db.session.rollback()
    services.record_login_failure("vneid", failure.reason)
    flash(str(failure.message), "error")
    target = url_for("auth.login", next=next_url) if next_url != "/" else url_for("auth.login")
    return redirect_to(target, code=302)


def _provider_claims(client) -> dict:
    """Exchange the code and return the verified ID token claims, completed by userinfo."""
    error = request.args.get("error")
    if error:
        message = _l("You cancelled the login with VNeID.") if error == "access_denied" else None
        raise LoginFailure(f"provider_{_code(error)}", message)
    config = current_app.config
    options = {
        "iss": {"essential": True, "value": config["OIDC_ISSUER"]},
        "aud": {"essential": True, "value": config["OIDC_CLIENT_ID"]},
        "sub": {"essential": True},
        "exp": {"essential": True},
    }
    try:
        metadata = _metadata(client)
        token = client.authorize_access_token(claims_options=options, leeway=LEEWAY)
    except MismatchingStateError as exc:
        raise LoginFailure("state_mismatch") from exc
    except OAuthError as exc:
        raise LoginFailure(f"token_{_code(exc.error)}") from exc
    except ExpiredTokenError as exc:
        raise LoginFailure("id_token_expired") from exc
    except ClaimError as exc:
        raise LoginFailure(f"id_token_{_code(exc.claim)}") from exc
    except BadSignatureError as exc:
        raise LoginFailure("id_token_signature") from exc
    except InvalidKeyIdError as exc:
        raise LoginFailure("id_token_unknown_key") from exc
    except JoseError as exc:
        raise LoginFailure("id_token_invalid") from exc
    except requests.RequestException as exc:
        log.warning("VNeID token request failed", exc_info=True)
        raise LoginFailure("provider_unavailable") from exc
    except ValueError as exc:
        raise LoginFailure("provider_bad_response") from exc
    # Authlib only verifies an ID token that is present; a login needs one.
    if not token.get("userinfo"):
        raise LoginFailure("id_token_missing")
    claims = dict(token["userinfo"])

    wanted = [config[setting] for setting in CLAIM_SETTINGS.values()]
    if any(claims.get(name) in (None, "") for name in wanted) and metadata.get("userinfo_endpoint"):
        try:
            extra = client.userinfo(token=token)
        except (OAuthError, requests.RequestException, ValueError) as exc:
            raise LoginFailure("userinfo_failed") from exc
        # OpenID Connect Core §5.3.2: a userinfo answer about someone else must be ignored.
        if extra.get("sub") != claims["sub"]:
            raise LoginFailure("userinfo_sub_mismatch")
        for name in wanted:
            if claims.get(name) in (None, "") and extra.get(name) not in (None, ""):
                claims[name] = extra[name]
    return claims


def _profile(claims: dict) -> dict:
    """The configured claims, checked and converted; unusable values become None."""
    config = current_app.config
    raw = {field: claims.get(config[setting]) for field, setting in CLAIM_SETTINGS.items()}
    cccd = str(raw["cccd"]).strip() if raw["cccd"] is not None else None
    if cccd is not None and not re.fullmatch(r"\d{12}", cccd):
        log.warning("VNeID: ignoring a CCCD claim that is not 12 digits")
        cccd = None
    birth_date = None
    if isinstance(raw["birthdate"], str):
        try:
            birth_date = date.fromisoformat(raw["birthdate"].strip())
        except ValueError:
            log.warning("VNeID: ignoring a birth date claim that is not an ISO date")
    gender = _GENDERS.get(str(raw["gender"]).strip().lower()) if raw["gender"] else None
    name = " ".join(str(raw["name"]).split())[:200] if raw["name"] else None
    return {"cccd": cccd, "name": name or None, "birth_date": birth_date,
            "gender": str(gender) if gender else None,
            # Only a number the phone login accepts, so the two logins agree on it.
            "phone": normalise_phone(str(raw["phone"])) if raw["phone"] else None}


def _find_or_create_user(claims: dict, link_user_id: int | None) -> User:
    issuer = current_app.config["OIDC_ISSUER"]
    subject = str(claims["sub"])
    profile = _profile(claims)
    linking = (link_user_id is not None and current_user.is_authenticated
               and current_user.id == link_user_id)
    identity = db.session.scalar(sa.select(OidcIdentity).where(
        OidcIdentity.issuer == issuer, OidcIdentity.subject == subject))
    if identity is not None:
        user = identity.user
        if linking and user.id != current_user.id:
            raise LoginFailure("identity_linked_elsewhere",
                               _l("This VNeID account is already linked to another account."))
    else:
        if linking:
            user = db.session.get(User, current_user.id)
            if any(i.issuer == issuer for i in user.identities):
                raise LoginFailure("already_linked",
                                   _l("Your account is already linked to another VNeID account."))
        else:
            user = services.new_user(full_name=profile["name"])
        identity = OidcIdentity(user=user, issuer=issuer, subject=subject)
        db.session.add(identity)
        if linking:
            audit.record("identity.linked", user, actor=user, method="vneid")
    if not user.active:
        raise LoginFailure("account_disabled", _l("This account has been disabled."))
    identity.last_used_at = utcnow()
    _apply_profile(user, profile)
    return user


def _apply_profile(user: User, profile: dict) -> None:
    """VNeID is authoritative for who the person is: level 2, and its details win."""
    cccd = profile["cccd"]
    already = (user.is_verified and user.identity_source == "vneid"
               and (cccd is None or user.cccd_hmac == User.cccd_lookup(cccd)))
    if cccd is not None and not already:
        try:
            services.set_verified_identity(
                user, cccd=cccd, full_name=profile["name"], birth_date=profile["birth_date"],
                gender=profile["gender"], source="vneid")
        except services.IdentityConflict as exc:
            raise LoginFailure("identity_conflict", _l(
                "This ID number already belongs to another verified account. "
                "If it is yours, please contact your ward office.")) from exc
    else:
        if not user.is_verified:
            user.identity_level = IdentityLevel.VERIFIED
            user.identity_source = "vneid"
            audit.record("identity.verified", user, source="vneid")
        user.full_name = profile["name"] or user.full_name
        user.birth_date = profile["birth_date"] or user.birth_date
        user.gender = profile["gender"] or user.gender
    phone = profile["phone"]
    if phone and not user.phone:
        taken = db.session.scalar(sa.select(User.id).where(User.phone == phone, User.id != user.id))
        if taken is None:
            user.phone = phone
