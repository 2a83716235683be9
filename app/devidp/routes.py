"""The sandbox's endpoints: discovery, keys, the demo login page, token and userinfo."""

from __future__ import annotations

from urllib.parse import urlsplit

from authlib.oauth2 import OAuth2Error
from flask import current_app, jsonify, redirect, request
from flask_babel import gettext as _

from app.core.errors import render_error
from app.core.htmx import render
from app.devidp import bp, keys, provider, store


def _server():
    return current_app.extensions["devidp"][0]


def _protector():
    return current_app.extensions["devidp"][1]


@bp.get("/.well-known/openid-configuration")
def discovery():
    response = jsonify({
        "issuer": provider.issuer(),
        "authorization_endpoint": provider.endpoint("authorize"),
        "token_endpoint": provider.endpoint("token"),
        "userinfo_endpoint": provider.endpoint("userinfo"),
        "jwks_uri": provider.endpoint("jwks"),
        "scopes_supported": list(provider.SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": [keys.ALGORITHM],
        "token_endpoint_auth_methods_supported": list(provider.TOKEN_AUTH_METHODS),
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": ["iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "name",
                             "birthdate", "gender", "phone_number", "phone_number_verified", "cccd"],
    })
    response.cache_control.max_age = 300
    return response


@bp.get("/jwks")
def jwks():
    response = jsonify(keys.public_jwks())
    response.cache_control.max_age = 300
    return response


def _refuse(error: OAuth2Error):
    """Send the error back to the app when its redirect URI is known, else show it here."""
    if error.redirect_uri:
        return _server().handle_error_response(None, error)
    return render_error(400, _("The login request is not valid: %(reason)s",
                               reason=error.description or error.error))


def _on_callback_origin(redirect_uri: str) -> str | None:
    """This page at the app's origin, when a local app was opened under another host name.

    Browsers apply the page's CSP ``form-action 'self'`` to the redirect that follows the
    form, so choosing on 127.0.0.1 for an app opened as localhost would be blocked.
    """
    parts = urlsplit(redirect_uri)
    origin = f"{parts.scheme}://{parts.netloc}"
    if origin + "/" == request.host_url or not provider.is_local_callback(redirect_uri):
        return None
    return origin + request.full_path


@bp.route("/authorize", methods=["GET", "POST"])
def authorize():
    """Pick a demo identity (GET), then issue the code and go back to the app (POST)."""
    identity = None
    if request.method == "POST" and request.form.get("action") != "deny":
        identity = provider.find_identity(request.form.get("sub"))
        if identity is None:
            return render_error(400, _("Please choose one of the demo identities."))
    try:
        grant = _server().get_consent_grant(end_user=identity)
    except OAuth2Error as error:
        return _refuse(error)
    if request.method == "GET":
        moved = _on_callback_origin(grant.redirect_uri)
        if moved:
            return redirect(moved)
        response = render("devidp/authorize.html", identities=store.list_identities(),
                          client_id=grant.client.get_client_id())
        response.cache_control.no_store = True
        return response
    # No identity (the "cancel" button) makes Authlib answer error=access_denied.
    return _server().create_authorization_response(grant_user=identity, grant=grant)


@bp.post("/token")
def token():
    return _server().create_token_response()


@bp.route("/userinfo", methods=["GET", "POST"])
def userinfo():
    try:
        access = _protector().acquire_token(["openid"])
    except OAuth2Error as error:
        return jsonify(dict(error.get_body())), error.status_code, error.get_headers()
    identity = provider.find_identity(access.get("sub"))
    if identity is None:
        return (jsonify(error="invalid_token"), 401,
                {"WWW-Authenticate": 'Bearer error="invalid_token"'})
    response = jsonify(provider.identity_claims(identity, access.get("scope", "")))
    response.cache_control.no_store = True
    return response
