"""Login with VNeID: the app's OIDC client against the sandbox provider over real HTTP.

The test client plays the browser (app and sandbox are the same app); the app's own calls to
discovery, keys, token and userinfo go over HTTP to ``live_server``. Bad tokens are made by
patching the in-process sandbox.
"""

from __future__ import annotations

import time
from datetime import date

import pytest
import sqlalchemy as sa
from authlib.oidc.core import UserInfo
from joserfc.jwk import RSAKey

from app.audit.models import AuditEntry
from app.auth.models import OidcIdentity, User
from app.devidp.provider import SandboxOpenIDCode
from app.extensions import db
from tests.devidp.helpers import LAN, MINH, choose_identity, path_of, query_of, seed_identities, with_query

SESSION_COOKIE = "cdtd_session"


@pytest.fixture
def vneid(app, live_server):
    seed_identities(app)
    return app


@pytest.fixture(scope="module")
def other_key():
    return RSAKey.generate_key(2048, private=True)


def start(client, query: str = "") -> str:
    response = client.get("/auth/vneid/login" + query)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def finish(client, callback_url: str):
    return client.get(path_of(callback_url))


def vneid_login(client, sub: str = LAN["sub"], query: str = ""):
    """The whole browser journey; returns the app's final answer to the callback."""
    callback = choose_identity(client, start(client, query), sub)
    return finish(client, callback)


def users(app) -> list[User]:
    with app.app_context():
        found = list(db.session.scalars(sa.select(User).order_by(User.id)))
        db.session.expunge_all()
        return found


def audit_entries(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        found = list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))
        db.session.expunge_all()
        return found


def logged_in_user_key(client) -> str | None:
    with client.session_transaction() as sess:
        return sess.get("_user_id")


def assert_failed(app, client, response, reason: str, message: str | None = None) -> None:
    assert response.status_code == 302
    assert path_of(response.headers["Location"]).startswith("/auth/login")
    assert logged_in_user_key(client) is None
    with client.session_transaction() as sess:
        flashes = sess.get("_flashes", [])
    assert [c for c, _ in flashes] == ["error"]
    if message:
        assert message in flashes[0][1]
    failures = audit_entries(app, "auth.login_failed")
    assert [(e.details["method"], e.details["reason"]) for e in failures] == [("vneid", reason)]
    assert audit_entries(app, "auth.login") == []


# --- success ---------------------------------------------------------------------------


def test_first_login_creates_a_verified_account(vneid, client):
    with client.session_transaction() as sess:
        sess["before_login"] = "kept?"
    cookie_before = client.get_cookie(SESSION_COOKIE).value

    authorize = start(client)
    assert authorize.startswith(vneid.config["OIDC_ISSUER"] + "/authorize?")
    request = query_of(authorize)
    assert request["code_challenge_method"] == "S256" and request["code_challenge"]
    assert request["state"] and request["nonce"] and request["scope"] == "openid profile phone"
    callback = choose_identity(client, authorize)
    response = finish(client, callback)

    assert response.status_code == 302 and response.headers["Location"] == "/"
    # No personal data travels in URLs.
    for url in (authorize, callback, response.headers["Location"]):
        assert LAN["cccd"] not in url and "Lan" not in url and "912000001" not in url

    [user] = users(vneid)
    assert user.identity_level == 2 and user.identity_source == "vneid"
    assert user.full_name == LAN["name"]
    assert user.birth_date == date(1990, 4, 12) and user.gender == "female"
    assert user.phone == LAN["phone_number"]
    assert user.last_login_method == "vneid"
    assert LAN["cccd"].encode() not in user.cccd_encrypted
    with vneid.app_context():
        assert user.cccd_hmac == User.cccd_lookup(LAN["cccd"])
        assert db.session.get(User, user.id).get_cccd() == LAN["cccd"]
        [identity] = db.session.scalars(sa.select(OidcIdentity))
        assert (identity.issuer, identity.subject, identity.user_id) == (
            vneid.config["OIDC_ISSUER"], LAN["sub"], user.id)
        assert identity.last_used_at is not None

    # A fresh session: new cookie, nothing from before the login.
    assert client.get_cookie(SESSION_COOKIE).value != cookie_before
    with client.session_transaction() as sess:
        assert "before_login" not in sess
        assert sess["_user_id"].startswith(f"{user.id}:")
        assert not any(key.startswith("_state_") for key in sess)
    [login] = audit_entries(vneid, "auth.login")
    assert login.actor_id == user.id and login.details["method"] == "vneid"
    assert LAN["cccd"] not in str(login.details)
    page = client.get("/account/").get_data(as_text=True)
    assert LAN["name"] in page


def test_second_login_finds_the_same_account(vneid, app):
    first, second = app.test_client(), app.test_client()
    assert vneid_login(first).status_code == 302
    response = vneid_login(second)
    assert response.headers["Location"] == "/"
    [user] = users(vneid)
    assert logged_in_user_key(second).startswith(f"{user.id}:")
    assert len(audit_entries(vneid, "auth.login")) == 2


def test_another_identity_gets_another_account(vneid, app):
    vneid_login(app.test_client(), LAN["sub"])
    vneid_login(app.test_client(), MINH["sub"])
    assert [u.full_name for u in users(vneid)] == [LAN["name"], MINH["name"]]


def test_next_is_kept_in_the_session_and_followed(vneid, client):
    authorize = start(client, "?next=/account/")
    assert "account" not in authorize
    response = finish(client, choose_identity(client, authorize))
    assert response.headers["Location"] == "/account/"


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_offsite_next_is_ignored(vneid, client, target):
    from urllib.parse import quote

    response = vneid_login(client, query="?next=" + quote(target, safe=""))
    assert response.headers["Location"] == "/"


def test_existing_account_with_a_self_declared_cccd_loses_it_to_vneid(vneid, client, make_user):
    holder_id = make_user(level=2, cccd=LAN["cccd"])  # checked by the identity verifier, not VNeID
    vneid_login(client)
    holder, new = users(vneid)
    assert holder.id == holder_id and holder.cccd_hmac is None and holder.identity_level == 1
    assert new.cccd_hmac is not None and new.identity_level == 2


def test_phone_held_by_another_account_is_not_copied(vneid, client, make_user):
    make_user(phone=LAN["phone_number"])
    vneid_login(client)
    other, new = users(vneid)
    assert other.phone == LAN["phone_number"] and new.phone is None and new.identity_level == 2


# --- linking a phone account -------------------------------------------------------------


def test_linking_raises_a_phone_account_to_level_2(vneid, client, make_user, login):
    user_id = make_user(phone="+84987654321", name="Lan (phone)")
    login(client, user_id)
    response = vneid_login(client, query="?link=1&next=/account/")
    assert response.headers["Location"] == "/account/"

    [user] = users(vneid)
    assert user.id == user_id
    assert user.identity_level == 2 and user.identity_source == "vneid"
    assert user.phone == "+84987654321"  # the login phone stays
    assert user.full_name == LAN["name"] and user.cccd_hmac is not None
    with vneid.app_context():
        assert db.session.scalar(sa.select(OidcIdentity.user_id)) == user_id
    assert [e.object_id for e in audit_entries(vneid, "identity.linked")] == [str(user_id)]
    assert logged_in_user_key(client).startswith(f"{user_id}:")


def test_linking_an_identity_owned_by_another_account_fails(vneid, app, client, make_user, login):
    vneid_login(app.test_client())  # Lan's VNeID now has its own account
    user_id = make_user(phone="+84987654321")
    login(client, user_id)
    response = vneid_login(client, query="?link=1")
    assert response.status_code == 302 and path_of(response.headers["Location"]).startswith("/auth/login")
    phone_user = next(u for u in users(vneid) if u.id == user_id)
    assert phone_user.identity_level == 1
    [failure] = audit_entries(vneid, "auth.login_failed")
    assert failure.details["reason"] == "identity_linked_elsewhere"
    # Still logged in as the phone account.
    assert logged_in_user_key(client).startswith(f"{user_id}:")


def test_without_link_a_logged_in_user_logs_in_as_the_vneid_account(vneid, client, make_user, login):
    user_id = make_user(phone="+84987654321")
    login(client, user_id)
    vneid_login(client)
    phone_user, vneid_user = users(vneid)
    assert phone_user.id == user_id and phone_user.identity_level == 1
    assert logged_in_user_key(client).startswith(f"{vneid_user.id}:")


# --- claims ------------------------------------------------------------------------------


def test_claim_names_are_configurable(vneid, client, monkeypatch):
    from app.devidp import provider

    names = {"cccd": "so_dinh_danh", "name": "ho_ten", "birthdate": "ngay_sinh",
             "gender": "gioi_tinh", "phone_number": "so_dien_thoai"}
    for setting, name in (("CCCD", "so_dinh_danh"), ("NAME", "ho_ten"), ("BIRTHDATE", "ngay_sinh"),
                          ("GENDER", "gioi_tinh"), ("PHONE", "so_dien_thoai")):
        monkeypatch.setitem(vneid.config, f"OIDC_CLAIM_{setting}", name)
    standard = provider.identity_claims

    def renamed(identity, scope):
        return {names.get(k, k): v for k, v in standard(identity, scope).items()}

    monkeypatch.setattr(provider, "identity_claims", renamed)
    vneid_login(client)
    [user] = users(vneid)
    assert user.full_name == LAN["name"] and user.birth_date == date(1990, 4, 12)
    assert user.gender == "female" and user.phone == LAN["phone_number"]
    assert user.cccd_hmac is not None and user.identity_level == 2


def test_claims_missing_from_the_id_token_are_read_from_userinfo(vneid, client, monkeypatch):
    monkeypatch.setattr(SandboxOpenIDCode, "generate_user_info",
                        lambda self, user, scope: UserInfo(sub=user["sub"]))
    vneid_login(client)
    [user] = users(vneid)
    assert user.full_name == LAN["name"] and user.phone == LAN["phone_number"]
    with vneid.app_context():
        assert user.cccd_hmac == User.cccd_lookup(LAN["cccd"])


def test_level_2_even_without_a_cccd_claim(vneid, client, monkeypatch):
    from app.devidp import provider

    standard = provider.identity_claims
    monkeypatch.setattr(provider, "identity_claims",
                        lambda identity, scope: {k: v for k, v in standard(identity, scope).items()
                                                 if k != "cccd"})
    vneid_login(client)
    [user] = users(vneid)
    assert user.identity_level == 2 and user.identity_source == "vneid" and user.cccd_hmac is None


# --- failures ----------------------------------------------------------------------------


def test_wrong_state_fails(vneid, client):
    callback = choose_identity(client, start(client))
    response = finish(client, with_query(callback, state="forged-state"))
    assert_failed(vneid, client, response, "state_mismatch")
    assert users(vneid) == []


def test_missing_state_fails(vneid, client):
    callback = choose_identity(client, start(client))
    assert_failed(vneid, client, finish(client, with_query(callback, state=None)), "state_mismatch")


def test_callback_without_a_login_in_progress_fails(vneid, client):
    assert_failed(vneid, client, client.get("/auth/vneid/callback?code=abc&state=xyz"), "state_mismatch")


def test_wrong_nonce_fails(vneid, client):
    authorize = with_query(start(client), nonce="not-the-session-nonce")
    response = finish(client, choose_identity(client, authorize))
    assert_failed(vneid, client, response, "id_token_nonce")
    assert users(vneid) == []


def _patch_id_token_claims(monkeypatch, **changes):
    standard = SandboxOpenIDCode.get_client_claims

    def patched(self, client):
        return {**standard(self, client), **changes}

    monkeypatch.setattr(SandboxOpenIDCode, "get_client_claims", patched)


def test_wrong_issuer_fails(vneid, client, monkeypatch):
    _patch_id_token_claims(monkeypatch, iss=vneid.config["OIDC_ISSUER"] + "/other")
    assert_failed(vneid, client, vneid_login(client), "id_token_iss")


def test_wrong_audience_fails(vneid, client, monkeypatch):
    _patch_id_token_claims(monkeypatch, aud="another-app")
    assert_failed(vneid, client, vneid_login(client), "id_token_aud")


def test_foreign_audience_with_our_azp_fails(vneid, client, monkeypatch):
    _patch_id_token_claims(monkeypatch, aud=["another-app"], azp=vneid.config["OIDC_CLIENT_ID"])
    assert_failed(vneid, client, vneid_login(client), "id_token_aud")


def test_expired_id_token_fails(vneid, client, monkeypatch):
    now = int(time.time())
    _patch_id_token_claims(monkeypatch, iat=now - 3600, exp=now - 600)
    assert_failed(vneid, client, vneid_login(client), "id_token_expired")


def test_id_token_signed_with_another_key_fails(vneid, client, monkeypatch, other_key):
    monkeypatch.setattr(SandboxOpenIDCode, "resolve_client_private_key", lambda self, c: other_key)
    assert_failed(vneid, client, vneid_login(client), "id_token_signature")


def test_id_token_with_an_unknown_key_id_fails(vneid, client, monkeypatch, other_key):
    monkeypatch.setattr(SandboxOpenIDCode, "resolve_client_private_key", lambda self, c: other_key)
    monkeypatch.setattr(SandboxOpenIDCode, "get_encode_header",
                        lambda self, c: {"alg": "RS256", "kid": other_key.thumbprint()})
    assert_failed(vneid, client, vneid_login(client), "id_token_unknown_key")


def test_authorize_request_without_pkce_is_refused_by_the_provider(vneid, client):
    authorize = with_query(start(client), code_challenge=None, code_challenge_method=None)
    response = client.get(path_of(authorize))
    assert response.status_code == 302
    callback = response.headers["Location"]
    assert query_of(callback)["error"] == "invalid_request"
    assert_failed(vneid, client, finish(client, callback), "provider_invalid_request")


def test_token_exchange_with_a_wrong_code_verifier_fails(vneid, client):
    callback = choose_identity(client, start(client))
    state = query_of(callback)["state"]
    with client.session_transaction() as sess:
        key = f"_state_vneid_{state}"
        pending = sess[key]
        pending["data"]["code_verifier"] = "x" * 64
        sess[key] = pending
    assert_failed(vneid, client, finish(client, callback), "token_invalid_grant")


def test_cancelling_at_the_provider_fails_politely(vneid, client):
    client.set_cookie("lang", "en")
    callback = choose_identity(client, start(client), sub=None)
    assert query_of(callback)["error"] == "access_denied"
    assert_failed(vneid, client, finish(client, callback), "provider_access_denied",
                  message="You cancelled the login with VNeID.")


def test_cccd_of_another_vneid_account_fails_and_creates_nothing(vneid, client):
    from app.auth import services

    with vneid.app_context():
        holder = services.new_user(full_name="Other VNeID holder")
        services.set_verified_identity(holder, cccd=LAN["cccd"], full_name=None, birth_date=None,
                                       gender=None, source="vneid")
        db.session.commit()
        holder_id = holder.id
        db.session.remove()
    response = vneid_login(client)
    assert_failed(vneid, client, response, "identity_conflict")
    assert [u.id for u in users(vneid)] == [holder_id]
    with vneid.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OidcIdentity)) == 0


def test_issuer_must_match_the_discovery_document_exactly(vneid, client, monkeypatch):
    monkeypatch.setitem(vneid.config, "OIDC_ISSUER", vneid.config["OIDC_ISSUER"] + "/")
    response = client.get("/auth/vneid/login")
    assert_failed(vneid, client, response, "discovery_issuer_mismatch")


def test_unreachable_provider_fails_politely(vneid, client, monkeypatch):
    monkeypatch.setitem(vneid.config, "OIDC_ISSUER", "http://127.0.0.1:9/dev-idp")
    response = client.get("/auth/vneid/login")
    assert_failed(vneid, client, response, "provider_unavailable")


def test_vneid_login_is_rate_limited_per_ip(client):
    statuses = [client.get("/auth/vneid/login").status_code for _ in range(31)]
    assert statuses[:30] == [302] * 30
    assert statuses[30] == 429


@pytest.mark.parametrize("query", ["", "?next=/", "?next=%2F"])
def test_an_official_lands_on_the_console_after_a_vneid_login(vneid, app, client, query):
    """Issue 11, item 3: with no destination (or only the home page) an official lands on the
    console; the VNeID path once carried "/" as its destination and sent officials home."""
    from app.auth import services as auth
    from app.auth.models import Role
    from app.places.models import Ward

    vneid_login(client)
    with app.app_context():
        lan = db.session.scalars(sa.select(User)).one()
        ward = db.session.scalars(sa.select(Ward).limit(1)).first()
        auth.grant_role(lan, Role("ward_official"), ward_id=ward.id if ward else None)
        db.session.commit()
    response = vneid_login(app.test_client(), query=query)
    assert response.headers["Location"] == "/console/"
