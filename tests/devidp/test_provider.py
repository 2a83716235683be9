"""The VNeID sandbox as an OpenID provider, driven directly (no app login involved)."""

from __future__ import annotations

import base64
import secrets
import stat
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.devidp.helpers import CALLBACK, LAN, choose_identity, path_of, query_of, seed_identities


@pytest.fixture
def sandbox(app):
    seed_identities(app)
    return app


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    return verifier, create_s256_code_challenge(verifier)


def _authorize_url(app, **overrides) -> str:
    from urllib.parse import urlencode

    params = {
        "response_type": "code", "client_id": app.config["DEV_IDP_CLIENT_ID"],
        "redirect_uri": CALLBACK, "scope": "openid profile phone", "state": "st-123",
        "nonce": secrets.token_urlsafe(12), "code_challenge_method": "S256",
    }
    params.update(overrides)
    return "/dev-idp/authorize?" + urlencode({k: v for k, v in params.items() if v is not None})


def _code(client, app, challenge: str, **overrides) -> str:
    location = choose_identity(client, _authorize_url(app, code_challenge=challenge, **overrides))
    assert location.startswith(CALLBACK + "?")
    query = query_of(location)
    assert query["state"] == "st-123"
    return query["code"]


def _basic(app) -> dict:
    raw = f"{app.config['DEV_IDP_CLIENT_ID']}:{app.config['DEV_IDP_CLIENT_SECRET']}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def _exchange(client, app, code: str, verifier: str | None, headers=None, **extra):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, **extra}
    if verifier is not None:
        data["code_verifier"] = verifier
    return client.post("/dev-idp/token", data=data, headers=_basic(app) if headers is None else headers)


def _key_set(client) -> KeySet:
    return KeySet.import_key_set(client.get("/dev-idp/jwks").json)


def test_discovery_lists_endpoints_and_only_s256(app, client):
    meta = client.get("/dev-idp/.well-known/openid-configuration").json
    issuer = app.config["DEV_IDP_ISSUER"]
    assert meta["issuer"] == issuer
    for name in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri"):
        assert meta[name].startswith(issuer + "/")
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["id_token_signing_alg_values_supported"] == ["RS256"]
    assert set(meta["token_endpoint_auth_methods_supported"]) == {"client_secret_basic", "client_secret_post"}
    assert meta["response_types_supported"] == ["code"]


def test_jwks_publishes_only_the_public_key_kept_in_instance(app, client):
    keys = client.get("/dev-idp/jwks").json["keys"]
    assert len(keys) == 1
    key = keys[0]
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["kid"]
    assert not {"d", "p", "q"} & set(key)
    pem = Path(app.instance_path) / "dev-idp" / "signing-key.pem"
    assert pem.exists() and stat.S_IMODE(pem.stat().st_mode) & 0o077 == 0
    # Stable: the same key on every request.
    assert client.get("/dev-idp/jwks").json["keys"][0]["kid"] == key["kid"]


def test_authorize_page_lists_demo_identities_in_the_layout(sandbox, client):
    _, challenge = _pkce()
    client.set_cookie("lang", "en")
    response = client.get(_authorize_url(sandbox, code_challenge=challenge))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nguyễn Thị Lan" in html and "Trần Văn Minh" in html
    assert 'value="demo-citizen-lan"' in html
    assert "(demo)" in html and 'id="sandbox-notice"' in html
    assert 'name="csrf_token"' in html and 'method="post"' in html
    assert '<header class="top">' in html  # base.html
    # Strict CSP: no inline script or style.
    assert all("src=" in tag for tag in html.split("<script")[1:])
    assert "<style" not in html and " style=" not in html
    # The CCCD is not shown.
    assert LAN["cccd"] not in html


def test_authorize_page_in_english(sandbox, client):
    _, challenge = _pkce()
    client.set_cookie("lang", "en")
    html = client.get(_authorize_url(sandbox, code_challenge=challenge)).get_data(as_text=True)
    assert "VNeID sandbox (demo)" in html


def test_choosing_needs_csrf(sandbox, client):
    _, challenge = _pkce()
    response = client.post(_authorize_url(sandbox, code_challenge=challenge), data={"sub": LAN["sub"]})
    assert response.status_code == 400
    assert "Location" not in response.headers


def test_unknown_identity_is_refused(sandbox, client):
    _, challenge = _pkce()
    url = _authorize_url(sandbox, code_challenge=challenge)
    token = client.get(url).get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(url, data={"csrf_token": token, "sub": "nobody"})
    assert response.status_code == 400
    assert "Location" not in response.headers


def test_authorize_without_pkce_is_refused_back_to_the_app(sandbox, client):
    response = client.get(_authorize_url(sandbox, code_challenge_method=None))
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(CALLBACK + "?")
    assert query_of(location)["error"] == "invalid_request"
    assert query_of(location)["state"] == "st-123"
    assert "code" not in query_of(location)


def test_authorize_with_plain_pkce_is_refused(sandbox, client):
    verifier, _ = _pkce()
    response = client.get(_authorize_url(sandbox, code_challenge=verifier, code_challenge_method="plain"))
    assert query_of(response.headers["Location"])["error"] == "invalid_request"


@pytest.mark.parametrize("overrides", [
    {"client_id": "someone-else"},
    {"redirect_uri": "https://evil.example/auth/vneid/callback"},
    {"redirect_uri": "http://127.0.0.1.evil.example/auth/vneid/callback"},
])
def test_unknown_client_or_redirect_is_shown_not_redirected(sandbox, client, overrides):
    _, challenge = _pkce()
    response = client.get(_authorize_url(sandbox, code_challenge=challenge, **overrides))
    assert response.status_code == 400
    assert "Location" not in response.headers


def test_cancel_returns_access_denied(sandbox, client):
    _, challenge = _pkce()
    location = choose_identity(client, _authorize_url(sandbox, code_challenge=challenge), sub=None)
    query = query_of(location)
    assert location.startswith(CALLBACK + "?")
    assert query["error"] == "access_denied" and query["state"] == "st-123" and "code" not in query


def test_code_exchange_issues_signed_id_token_with_identity_claims(sandbox, client):
    verifier, challenge = _pkce()
    code = _code(client, sandbox, challenge, nonce="n-0S6_WzA2Mj")
    response = _exchange(client, sandbox, code, verifier)
    assert response.status_code == 200, response.json
    assert response.headers["Cache-Control"] == "no-store"
    body = response.json
    assert body["token_type"] == "Bearer" and "refresh_token" not in body

    id_token = jwt.decode(body["id_token"], _key_set(client), algorithms=["RS256"])
    claims = id_token.claims
    assert id_token.header["alg"] == "RS256" and id_token.header["kid"]
    assert claims["iss"] == sandbox.config["DEV_IDP_ISSUER"]
    assert claims["aud"] == sandbox.config["DEV_IDP_CLIENT_ID"]
    assert claims["sub"] == LAN["sub"] and claims["nonce"] == "n-0S6_WzA2Mj"
    assert claims["exp"] > claims["iat"] and claims["auth_time"] <= claims["iat"] + 1
    assert claims["cccd"] == LAN["cccd"] and claims["name"] == LAN["name"]
    assert claims["birthdate"] == LAN["birthdate"] and claims["gender"] == "female"
    assert claims["phone_number"] == LAN["phone_number"]


def test_client_secret_post_is_accepted_and_a_wrong_secret_is_not(sandbox, client):
    verifier, challenge = _pkce()
    code = _code(client, sandbox, challenge)
    wrong = _exchange(client, sandbox, code, verifier, headers={},
                      client_id=sandbox.config["DEV_IDP_CLIENT_ID"], client_secret="wrong")
    assert wrong.status_code in (400, 401) and wrong.json["error"] == "invalid_client"
    # A failed client authentication does not use the code up.
    ok = _exchange(client, sandbox, code, verifier, headers={},
                   client_id=sandbox.config["DEV_IDP_CLIENT_ID"],
                   client_secret=sandbox.config["DEV_IDP_CLIENT_SECRET"])
    assert ok.status_code == 200 and "id_token" in ok.json


def test_code_works_only_once(sandbox, client):
    verifier, challenge = _pkce()
    code = _code(client, sandbox, challenge)
    assert _exchange(client, sandbox, code, verifier).status_code == 200
    again = _exchange(client, sandbox, code, verifier)
    assert again.status_code == 400 and again.json["error"] == "invalid_grant"


def test_code_expires(sandbox, client, monkeypatch):
    from app.devidp import codes

    monkeypatch.setattr(codes, "CODE_TTL", -1)
    verifier, challenge = _pkce()
    code = _code(client, sandbox, challenge)
    response = _exchange(client, sandbox, code, verifier)
    assert response.status_code == 400 and response.json["error"] == "invalid_grant"


def test_token_needs_the_right_code_verifier(sandbox, client):
    verifier, challenge = _pkce()
    code = _code(client, sandbox, challenge)
    wrong = _exchange(client, sandbox, code, _pkce()[0])
    assert wrong.status_code == 400 and wrong.json["error"] == "invalid_grant"

    code = _code(client, sandbox, challenge)
    missing = _exchange(client, sandbox, code, None)
    assert missing.status_code == 400 and missing.json["error"] == "invalid_request"


def test_replayed_nonce_is_refused(sandbox, client):
    _, challenge = _pkce()
    _code(client, sandbox, challenge, nonce="same-nonce")
    response = client.get(_authorize_url(sandbox, code_challenge=challenge, nonce="same-nonce"))
    assert query_of(response.headers["Location"])["error"] == "invalid_request"


def test_userinfo_answers_a_valid_access_token_only(sandbox, client):
    verifier, challenge = _pkce()
    tokens = _exchange(client, sandbox, _code(client, sandbox, challenge), verifier).json

    response = client.get("/dev-idp/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert response.status_code == 200
    assert response.json["sub"] == LAN["sub"] and response.json["cccd"] == LAN["cccd"]

    for bad in ("not-a-token", tokens["id_token"], tokens["access_token"][:-4] + "AAAA"):
        refused = client.get("/dev-idp/userinfo", headers={"Authorization": f"Bearer {bad}"})
        assert refused.status_code == 401
        assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/dev-idp/userinfo").status_code == 401


def test_userinfo_refuses_an_expired_access_token(sandbox, client, monkeypatch):
    from app.devidp import provider

    verifier, challenge = _pkce()
    code = _code(client, sandbox, challenge)
    monkeypatch.setattr(provider.AccessTokenGenerator, "_get_expires_in", lambda self, c, g: -120)
    access = _exchange(client, sandbox, code, verifier).json["access_token"]
    refused = client.get("/dev-idp/userinfo", headers={"Authorization": f"Bearer {access}"})
    assert refused.status_code == 401


def test_sandbox_does_not_exist_in_production(app, tmp_path):
    from app import create_app
    from app.core import jobs

    try:
        prod = create_app({
            "APP_ENV": "production", "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "s" * 40,
            "DATA_KEY": "k" * 40, "DATABASE_URL": f"sqlite:///{tmp_path}/prod.db", "DEV_IDP_ENABLED": True,
        })
    finally:
        # create_app points the process-wide job queue at the app it builds.
        jobs.init_app(app)
    web = prod.test_client()
    assert web.get("/dev-idp/.well-known/openid-configuration").status_code == 404
    assert web.get("/dev-idp/jwks").status_code == 404
    assert web.get(path_of(_authorize_url(app, code_challenge="x" * 43))).status_code == 404
    assert not (tmp_path / "dev-idp").exists()


def test_page_moves_to_the_app_origin_when_opened_under_another_local_name(sandbox, client):
    # Browsers apply form-action 'self' to the redirect after the form: choose on the app's origin.
    _, challenge = _pkce()
    port = urlsplit(sandbox.config["DEV_IDP_ISSUER"]).port
    url = _authorize_url(sandbox, code_challenge=challenge,
                         redirect_uri=f"http://localhost:{port}/auth/vneid/callback")
    response = client.get(url, base_url=f"http://127.0.0.1:{port}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"http://localhost:{port}" + url
    assert client.get(url, base_url=f"http://localhost:{port}").status_code == 200


@pytest.mark.parametrize("redirect_uri", [
    "http://127.0.0.1:5000/auth/vneid/callback",  # another program on the usual port
    "http://localhost:5000/auth/vneid/callback",
    "http://127.0.0.1:{port}/auth/vneid/other",
    "http://127.0.0.1:{port}/auth/vneid/callback/../x",
    "https://127.0.0.1:{port}/auth/vneid/callback",
    "http://127.0.0.2:{port}/auth/vneid/callback",
    "http://evil.example/auth/vneid/callback",
])
def test_sandbox_refuses_every_callback_but_the_apps_own(sandbox, client, redirect_uri):
    _, challenge = _pkce()
    port = urlsplit(sandbox.config["DEV_IDP_ISSUER"]).port
    url = _authorize_url(sandbox, code_challenge=challenge, redirect_uri=redirect_uri.format(port=port))
    response = client.get(url, base_url=f"http://127.0.0.1:{port}")
    assert response.status_code == 400
    assert "Location" not in response.headers


def test_sandbox_accepts_the_apps_callback_on_the_port_it_serves(sandbox, client):
    _, challenge = _pkce()
    port = urlsplit(sandbox.config["DEV_IDP_ISSUER"]).port
    for name in ("127.0.0.1", "localhost"):
        url = _authorize_url(sandbox, code_challenge=challenge,
                             redirect_uri=f"http://{name}:{port}/auth/vneid/callback")
        assert client.get(url, base_url=f"http://{name}:{port}").status_code == 200


def test_sandbox_issuer_follows_the_port_served(tmp_path, monkeypatch):
    """`PORT=5104 make run`: discovery, tokens and the accepted callback all say 5104."""
    from app import create_app

    for name in ("DEV_IDP_ISSUER", "OIDC_ISSUER", "SERVER_NAME", "FLASK_RUN_HOST", "FLASK_RUN_PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PORT", "5104")
    app = create_app({"APP_ENV": "development", "INSTANCE_PATH": str(tmp_path),
                      "DATABASE_URL": f"sqlite:///{tmp_path}/dev.db"})
    assert app.config["DEV_IDP_ISSUER"] == "http://127.0.0.1:5104/dev-idp"
    assert app.config["OIDC_ISSUER"] == "http://127.0.0.1:5104/dev-idp"
    client = app.test_client()
    discovery = client.get("/dev-idp/.well-known/openid-configuration",
                           base_url="http://127.0.0.1:5104").get_json()
    assert discovery["issuer"] == "http://127.0.0.1:5104/dev-idp"
    assert discovery["authorization_endpoint"].startswith("http://127.0.0.1:5104/")
    with app.test_request_context(base_url="http://127.0.0.1:5104"):
        from app.devidp import provider

        assert provider.is_local_callback("http://127.0.0.1:5104/auth/vneid/callback")
        assert provider.is_local_callback("http://localhost:5104/auth/vneid/callback")
        assert not provider.is_local_callback("http://127.0.0.1:5000/auth/vneid/callback")


@pytest.mark.parametrize(("env", "issuer"), [
    ({"FLASK_RUN_PORT": "5104"}, "http://127.0.0.1:5104/dev-idp"),
    ({"FLASK_RUN_HOST": "0.0.0.0", "FLASK_RUN_PORT": "8080"}, "http://127.0.0.1:8080/dev-idp"),
    ({"FLASK_RUN_HOST": "192.168.1.20", "PORT": "5200"}, "http://192.168.1.20:5200/dev-idp"),
    ({"SERVER_NAME": "demo.example.org", "PREFERRED_URL_SCHEME": "https"}, "https://demo.example.org/dev-idp"),
    ({"DEV_IDP_ISSUER": "http://sandbox.local/dev-idp", "PORT": "5104"}, "http://sandbox.local/dev-idp"),
    ({}, "http://127.0.0.1:5000/dev-idp"),
])
def test_sandbox_issuer_comes_from_what_flask_run_serves(tmp_path, monkeypatch, env, issuer):
    from app import create_app

    for name in ("DEV_IDP_ISSUER", "OIDC_ISSUER", "SERVER_NAME", "PREFERRED_URL_SCHEME", "FLASK_RUN_HOST",
                 "FLASK_RUN_PORT", "PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    app = create_app({"APP_ENV": "development", "INSTANCE_PATH": str(tmp_path),
                      "DATABASE_URL": f"sqlite:///{tmp_path}/dev.db"})
    assert app.config["DEV_IDP_ISSUER"] == issuer == app.config["OIDC_ISSUER"]
