"""The sandbox's OpenID provider, assembled from Authlib's server components.

Authorization code flow with PKCE (S256 only, required), one confidential client (the app
itself), RS256 ID tokens and self-contained JWT access tokens (RFC 9068), so the only state
kept is the short-lived authorization codes (see :mod:`app.devidp.codes`).
"""

from __future__ import annotations

import hmac
import time
from urllib.parse import urlsplit

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2.rfc6749 import ClientMixin, InvalidRequestError, grants, scope_to_list
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator, JWTBearerTokenValidator
from authlib.oidc.core import OpenIDCode, UserInfo
from flask import Flask, current_app, has_request_context, request

from app.devidp import codes, keys, store

SCOPES = ("openid", "profile", "phone")
ACCESS_TOKEN_TTL = 10 * 60
ID_TOKEN_TTL = 10 * 60
CALLBACK_PATH = "/auth/vneid/callback"
LOOPBACK_NAMES = ("127.0.0.1", "localhost")
TOKEN_AUTH_METHODS = ("client_secret_basic", "client_secret_post")


def issuer() -> str:
    return current_app.config["DEV_IDP_ISSUER"]


def endpoint(name: str) -> str:
    return f"{issuer().rstrip('/')}/{name}"


class Identity(dict):
    """A demo identity from :mod:`app.devidp.store`, as the resource owner of a grant."""

    def get_user_id(self) -> str:
        return self["sub"]


def find_identity(sub: str | None) -> Identity | None:
    found = store.get_identity(sub) if sub else None
    return None if found is None else Identity(found)


def identity_claims(identity: dict, scope: str) -> dict:
    """The claims released for ``scope``, under the sandbox's own names.

    Real VNeID publishes no claim names; the app maps these through its ``OIDC_CLAIM_*``
    settings, which is why the CCCD travels under a plain ``cccd``.
    """
    scopes = set(scope_to_list(scope) or ())
    claims = {"sub": identity["sub"]}
    if "profile" in scopes:
        claims.update(name=identity.get("name"), birthdate=identity.get("birthdate"),
                      gender=identity.get("gender"), cccd=identity.get("cccd"))
    if "phone" in scopes and identity.get("phone_number"):
        claims.update(phone_number=identity["phone_number"], phone_number_verified=True)
    return {k: v for k, v in claims.items() if v is not None}


class SandboxClient(ClientMixin):
    """The app itself, registered through configuration rather than a database."""

    def __init__(self, client_id: str, client_secret: str):
        self.client_id = client_id
        self.client_secret = client_secret

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return configured_redirect_uris()[0]

    def get_allowed_scope(self, scope) -> str:
        return " ".join(s for s in scope_to_list(scope) or () if s in SCOPES)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return is_local_callback(redirect_uri)

    def check_client_secret(self, client_secret: str) -> bool:
        return hmac.compare_digest(client_secret.encode(), self.client_secret.encode())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == "token" and method in TOKEN_AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


def _callbacks_of(origin: str) -> set[str]:
    """The app's callback at ``origin`` and, for a loopback origin, under the machine's other
    name on the same port (an app opened as localhost sends its callback there)."""
    parts = urlsplit(origin)
    uris = {f"{parts.scheme}://{parts.netloc}{CALLBACK_PATH}"}
    if parts.hostname in LOOPBACK_NAMES:
        port = f":{parts.port}" if parts.port else ""
        uris |= {f"{parts.scheme}://{name}{port}{CALLBACK_PATH}" for name in LOOPBACK_NAMES}
    return uris


def allowed_redirect_uris() -> set[str]:
    """Only the app's own callback: on the sandbox's origin, on the origin this request came
    to (the same application serves both), and on ``SERVER_NAME`` if set. Never a callback
    on another port, where another program could be listening."""
    uris = _callbacks_of(issuer())
    if has_request_context():
        uris |= _callbacks_of(request.host_url)
    server_name = current_app.config.get("SERVER_NAME")
    if server_name:
        scheme = current_app.config.get("PREFERRED_URL_SCHEME") or "http"
        uris.add(f"{scheme}://{server_name}{CALLBACK_PATH}")
    return uris


def is_local_callback(redirect_uri: str) -> bool:
    return redirect_uri in allowed_redirect_uris()


def configured_redirect_uris() -> list[str]:
    """The app's callback on the sandbox's own origin, and on ``SERVER_NAME`` if set."""
    parts = urlsplit(issuer())
    uris = [f"{parts.scheme}://{parts.netloc}{CALLBACK_PATH}"]
    server_name = current_app.config.get("SERVER_NAME")
    if server_name:
        scheme = current_app.config.get("PREFERRED_URL_SCHEME") or "http"
        uris.append(f"{scheme}://{server_name}{CALLBACK_PATH}")
    return uris


def query_client(client_id: str) -> SandboxClient | None:
    config = current_app.config
    if client_id and hmac.compare_digest(client_id.encode(), config["DEV_IDP_CLIENT_ID"].encode()):
        return SandboxClient(config["DEV_IDP_CLIENT_ID"], config["DEV_IDP_CLIENT_SECRET"])
    return None


class CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = list(TOKEN_AUTH_METHODS)

    def save_authorization_code(self, code: str, request) -> None:
        data = request.payload.data
        codes.save(code, codes.AuthorizationCode(
            client_id=request.client.get_client_id(),
            redirect_uri=request.payload.redirect_uri,
            scope=request.scope,
            sub=request.user["sub"],
            nonce=data.get("nonce"),
            code_challenge=data["code_challenge"],
            code_challenge_method=data["code_challenge_method"],
            auth_time=int(time.time()),
        ))

    def query_authorization_code(self, code: str, client: SandboxClient):
        return codes.claim(code, client.get_client_id())

    def delete_authorization_code(self, authorization_code) -> None:
        """Nothing to do: :func:`codes.claim` already used the code up."""

    def authenticate_user(self, authorization_code) -> Identity | None:
        return find_identity(authorization_code.sub)


class S256Required(CodeChallenge):
    """PKCE on every request, also for our confidential client, and only with S256.

    Authlib's ``required`` only covers public clients and lets "plain" through.
    """

    DEFAULT_CODE_CHALLENGE_METHOD = "S256"
    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant, redirect_uri) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("Missing 'code_challenge': PKCE is required.")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("Only 'code_challenge_method=S256' is supported.")
        super().validate_code_challenge(grant, redirect_uri)


class SandboxOpenIDCode(OpenIDCode):
    def exists_nonce(self, nonce: str, request) -> bool:
        return codes.nonce_seen(request.payload.client_id, nonce)

    def resolve_client_private_key(self, client):
        return keys.signing_key()

    def get_client_algorithm(self, client) -> str:
        return keys.ALGORITHM

    def get_encode_header(self, client) -> dict:
        return {"alg": keys.ALGORITHM, "kid": keys.key_id()}

    def get_client_claims(self, client) -> dict:
        now = int(time.time())
        return {"iss": issuer(), "aud": client.get_client_id(), "iat": now, "exp": now + ID_TOKEN_TTL}

    def generate_user_info(self, user, scope: str) -> UserInfo:
        return UserInfo(identity_claims(user, scope))


class AccessTokenGenerator(JWTBearerTokenGenerator):
    def get_jwks(self):
        return keys.signing_key()


class AccessTokenValidator(JWTBearerTokenValidator):
    def get_jwks(self):
        return keys.signing_key()


def create_server(app: Flask) -> tuple[AuthorizationServer, ResourceProtector]:
    server = AuthorizationServer()
    server.init_app(app, query_client=query_client, save_token=lambda token, request: None)
    server.scopes_supported = list(SCOPES)
    server.register_token_generator("default", AccessTokenGenerator(
        issuer=app.config["DEV_IDP_ISSUER"], alg=keys.ALGORITHM,
        expires_generator=ACCESS_TOKEN_TTL))
    server.register_grant(CodeGrant, [S256Required(required=True), SandboxOpenIDCode()])

    protector = ResourceProtector()
    protector.register_token_validator(AccessTokenValidator(
        issuer=app.config["DEV_IDP_ISSUER"], resource_server=app.config["DEV_IDP_CLIENT_ID"]))
    return server, protector
