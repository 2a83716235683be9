"""City admins find accounts and grant or revoke scoped roles; every change is audited."""

from __future__ import annotations

import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.auth.models import RoleGrant, User
from app.extensions import db
from app.places.models import Ward
from tests.conftest import csrf_token


def _grants(app, user_id):
    with app.app_context():
        rows = db.session.scalars(sa.select(RoleGrant).where(RoleGrant.user_id == user_id)).all()
        result = [(g.id, g.role, g.ward_id, g.agency_id, g.supervisor) for g in rows]
        db.session.remove()
    return result


def _actions(app):
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
        db.session.remove()
    return actions


def _ward_id(app, codename="phuong_hoan_kiem"):
    with app.app_context():
        ward_id = db.session.scalar(sa.select(Ward.id).where(Ward.codename == codename))
        db.session.remove()
    return ward_id


def test_search_shows_masked_phone_and_finds_by_name_or_id(app, client, make_user, login):
    login(client, make_user(role="city_admin", name="Quản Trị"))
    citizen = make_user(name="Trần Thị Lan", phone="+84912345678", level=2, cccd="001090012345")
    html = client.get("/admin/users?q=lan").get_data(as_text=True)
    assert "Trần Thị Lan" in html and "+8491••••678" in html
    assert "+84912345678" not in html and "001090012345" not in html and "Quản Trị" not in html
    assert "Trần Thị Lan" in client.get(f"/admin/users?q={citizen}").get_data(as_text=True)
    detail = client.get(f"/admin/users/{citizen}").get_data(as_text=True)
    assert "Trần Thị Lan" in detail and "+84912345678" not in detail and "001090012345" not in detail
    assert client.get("/admin/users/99999").status_code == 404


def test_admin_grants_toggles_and_revokes_a_scoped_role(app, client, make_user, login):
    admin = make_user(role="city_admin")
    login(client, admin)
    citizen = make_user()
    ward_id = _ward_id(app)
    token = csrf_token(client, f"/admin/users/{citizen}")
    response = client.post(f"/admin/users/{citizen}/roles", data={
        "role": "ward_official", "ward": str(ward_id), "agency": "", "supervisor": "y", "csrf_token": token})
    assert response.status_code == 303
    [(grant_id, role, scope, agency, supervisor)] = _grants(app, citizen)
    assert (role, scope, agency, supervisor) == ("ward_official", ward_id, None, True)
    assert client.post(f"/admin/users/{citizen}/roles/{grant_id}/supervisor",
                       data={"csrf_token": token}).status_code == 303
    assert _grants(app, citizen)[0][4] is False
    assert client.post(f"/admin/users/{citizen}/roles/{grant_id}/revoke",
                       data={"csrf_token": token}).status_code == 303
    assert _grants(app, citizen) == []
    actions = _actions(app)
    assert actions.count("role.supervisor_changed") == 2
    assert "role.granted" in actions and "role.revoked" in actions
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "role.granted",
                                                              AuditEntry.object_id == str(citizen)))
        assert entry.actor_id == admin and "+849" not in str(entry.details)
        db.session.remove()


def test_a_grant_needs_its_scope_and_keeps_the_input(app, client, make_user, login):
    login(client, make_user(role="city_admin"))
    client.set_cookie("lang", "en")
    citizen = make_user()
    token = csrf_token(client, f"/admin/users/{citizen}")
    response = client.post(f"/admin/users/{citizen}/roles", data={
        "role": "agency_official", "ward": "", "agency": "", "csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Choose the agency." in html
    assert '<option selected value="agency_official">' in html
    assert client.post(f"/admin/users/{citizen}/roles", data={
        "role": "ward_official", "ward": "999999999", "csrf_token": token}).status_code == 422
    assert _grants(app, citizen) == []


def test_grants_of_another_user_are_not_found(app, client, make_user, login):
    login(client, make_user(role="city_admin"))
    official = make_user(role="ward_official", ward="phuong_hoan_kiem")
    other = make_user()
    [(grant_id, *_)] = _grants(app, official)
    token = csrf_token(client, f"/admin/users/{other}")
    assert client.post(f"/admin/users/{other}/roles/{grant_id}/revoke", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/admin/users/{other}/roles/{grant_id}/supervisor",
                       data={"csrf_token": token}).status_code == 404
    assert len(_grants(app, official)) == 1


def test_an_admin_cannot_revoke_their_own_admin_role(app, client, make_user, login):
    admin = make_user(role="city_admin")
    other_admin = make_user(role="city_admin")
    login(client, admin)
    client.set_cookie("lang", "en")
    [(own_grant, *_)] = _grants(app, admin)
    token = csrf_token(client, f"/admin/users/{admin}")
    response = client.post(f"/admin/users/{admin}/roles/{own_grant}/revoke", data={"csrf_token": token})
    assert response.status_code == 409 and "cannot revoke your own city admin role" in response.get_data(as_text=True)
    assert len(_grants(app, admin)) == 1
    [(other_grant, *_)] = _grants(app, other_admin)
    assert client.post(f"/admin/users/{other_admin}/roles/{other_grant}/revoke",
                       data={"csrf_token": token}).status_code == 303
    assert _grants(app, other_admin) == []


def test_users_pages_are_for_city_admins_only(app, client, make_user, login):
    citizen = make_user()
    for user in (make_user(role="ward_official", ward="phuong_hoan_kiem"), citizen):
        login(client, user)
        token = csrf_token(client, "/")
        assert client.get("/admin/users").status_code == 403
        assert client.get(f"/admin/users/{citizen}").status_code == 403
        assert client.post(f"/admin/users/{citizen}/roles", data={
            "role": "city_admin", "csrf_token": token}).status_code == 403
    assert app.test_client().get("/admin/users").status_code == 302
    assert _grants(app, citizen) == []


def test_role_changes_need_the_csrf_token(app, client, make_user, login):
    login(client, make_user(role="city_admin"))
    official = make_user(role="ward_official", ward="phuong_hoan_kiem")
    [(grant_id, *_)] = _grants(app, official)
    assert client.post(f"/admin/users/{official}/roles", data={"role": "city_admin"}).status_code == 400
    assert client.post(f"/admin/users/{official}/roles/{grant_id}/revoke").status_code == 400
    assert client.post(f"/admin/users/{official}/roles/{grant_id}/supervisor").status_code == 400
    with app.app_context():
        assert db.session.get(User, official).roles == {"ward_official"}
        db.session.remove()
