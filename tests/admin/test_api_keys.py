"""City admins issue and revoke the Open311 API keys; only a hash is stored."""

from __future__ import annotations

import hashlib
import re

import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.extensions import db
from app.open311.models import ApiKey
from tests.conftest import csrf_token
from tests.reports.conftest import make_category  # noqa: F401


def _issue(client, name: str = "Tổng đài 1022") -> str:
    token = csrf_token(client, "/admin/api-keys")
    response = client.post("/admin/api-keys", data={"name": name, "csrf_token": token})
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    match = re.search(r'<code id="new-api-key">([^<]+)</code>', response.get_data(as_text=True))
    assert match, "the new key is shown"
    return match.group(1)


def test_admin_issues_a_key_shown_once_and_stored_hashed(app, client, make_user, login):
    admin = make_user(role="city_admin")
    login(client, admin)
    client.set_cookie("lang", "en")
    raw = _issue(client)
    with app.app_context():
        key = db.session.scalar(sa.select(ApiKey))
        assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
        assert raw.startswith(key.prefix) and key.prefix != raw
        assert key.user.full_name == "API: Tổng đài 1022" and key.created_by_id == admin
        columns = [getattr(key, c.key) for c in ApiKey.__table__.columns]
        assert raw not in [str(v) for v in columns]
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "api_key.issued"))
        assert entry.actor_id == admin and entry.object_id == str(key.id) and raw not in str(entry.details)
        db.session.remove()
    page = client.get("/admin/api-keys").get_data(as_text=True)
    assert "Tổng đài 1022" in page and raw not in page and "Active" in page
    assert "/admin/api-keys" in client.get("/admin/").get_data(as_text=True)


def test_a_revoked_key_can_no_longer_file(app, client, make_user, login, make_category):  # noqa: F811
    make_category("road_damage")
    login(client, make_user(role="city_admin"))
    raw = _issue(client)
    form = {"api_key": raw, "service_code": "road_damage", "address_id": "phuong_hoan_kiem",
            "description": "Ổ gà lớn trước số 12 Hàng Bài."}
    assert client.post("/open311/v2/requests.json", data=form).status_code == 200
    with app.app_context():
        key_id = db.session.scalar(sa.select(ApiKey.id))
        db.session.remove()
    token = csrf_token(client, "/admin/api-keys")
    response = client.post(f"/admin/api-keys/{key_id}/revoke", data={"csrf_token": token})
    assert response.status_code == 303
    refused = client.post("/open311/v2/requests.json", data=form)
    assert refused.status_code == 403
    assert refused.get_json() == [{"code": 403, "description": "api_key has been revoked"}]
    with app.app_context():
        assert db.session.get(ApiKey, key_id).revoked_at is not None
        actions = db.session.scalars(sa.select(AuditEntry.action)).all()
        assert "api_key.revoked" in actions
        db.session.remove()
    assert client.post(f"/admin/api-keys/{key_id}/revoke", data={"csrf_token": token}).status_code == 303
    assert client.post("/admin/api-keys/999/revoke", data={"csrf_token": token}).status_code == 404


def test_a_key_needs_a_name(app, client, make_user, login):
    login(client, make_user(role="city_admin"))
    client.set_cookie("lang", "en")
    token = csrf_token(client, "/admin/api-keys")
    response = client.post("/admin/api-keys", data={"name": " ", "csrf_token": token})
    assert response.status_code == 422 and 'aria-invalid="true"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ApiKey.id))) == 0
        db.session.remove()


def test_api_keys_are_for_city_admins_only(app, client, make_user, login):
    official = make_user(role="ward_official", ward="phuong_hoan_kiem")
    login(client, official)
    token = csrf_token(client, "/")
    assert client.get("/admin/api-keys").status_code == 403
    assert client.post("/admin/api-keys", data={"name": "x", "csrf_token": token}).status_code == 403
    assert client.post("/admin/api-keys/1/revoke", data={"csrf_token": token}).status_code == 403
    visitor = app.test_client()
    assert visitor.get("/admin/api-keys").status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ApiKey.id))) == 0
        db.session.remove()


def test_issuing_and_revoking_need_the_csrf_token(app, client, make_user, login):
    login(client, make_user(role="city_admin"))
    assert client.post("/admin/api-keys", data={"name": "Zalo OA"}).status_code == 400
    _issue(client, "Zalo OA")
    with app.app_context():
        key_id = db.session.scalar(sa.select(ApiKey.id))
        db.session.remove()
    assert client.post(f"/admin/api-keys/{key_id}/revoke").status_code == 400
    with app.app_context():
        assert db.session.get(ApiKey, key_id).revoked_at is None
        db.session.remove()
