import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from app.auth.models import Role, RoleGrant, User
from app.extensions import db


@pytest.mark.parametrize("path", ["/console/", "/admin/", "/admin/audit", "/account/"])
def test_visitors_are_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")
    assert path in response.headers["Location"].replace("%2F", "/")


def test_htmx_visitors_get_hx_redirect_not_a_fragment(client):
    response = client.get("/console/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/auth/login")


@pytest.mark.parametrize(
    ("role", "scope", "console", "admin"),
    [
        (None, {}, 403, 403),
        ("ward_official", {"ward": "phuong_hoan_kiem"}, 200, 403),
        ("agency_official", {"agency": "police"}, 200, 403),
        ("city_admin", {}, 200, 200),
    ],
)
def test_role_pages(client, make_user, login, role, scope, console, admin):
    login(client, make_user(role=role, **scope))
    assert client.get("/console/").status_code == console
    assert client.get("/admin/").status_code == admin
    assert client.get("/admin/audit").status_code == admin


def test_console_shows_the_officials_own_scope(client, make_user, login):
    login(client, make_user(role="ward_official", ward="phuong_cua_nam"))
    client.set_cookie("lang", "en")
    html = client.get("/console/").get_data(as_text=True)
    assert "Phường Cửa Nam" in html
    assert "Phường Hoàn Kiếm" not in html


def test_menu_links_follow_roles(client, make_user, login):
    login(client, make_user())
    html = client.get("/").get_data(as_text=True)
    assert "/console/" not in html and "/admin/" not in html
    login(client, make_user(role="city_admin"))
    html = client.get("/").get_data(as_text=True)
    assert "/console/" in html and "/admin/" in html


def test_scope_checks(app, make_user):
    from app.auth import permissions
    from app.places import services as places

    ward_official = make_user(role="ward_official", ward="phuong_hoan_kiem")
    police = make_user(role="agency_official", agency="police")
    admin = make_user(role="city_admin")
    with app.app_context():
        hoan_kiem = places.ward_by_codename("phuong_hoan_kiem").id
        cua_nam = places.ward_by_codename("phuong_cua_nam").id
        police_id = places.agency_by_code("police").id
        health_id = places.agency_by_code("health").id
        w, p, a = (db.session.get(User, i) for i in (ward_official, police, admin))
        assert permissions.can_handle_ward(w, hoan_kiem)
        assert not permissions.can_handle_ward(w, cua_nam)
        assert not permissions.can_handle_agency(w, police_id)
        assert permissions.can_handle_agency(p, police_id)
        assert not permissions.can_handle_agency(p, health_id)
        assert not permissions.can_handle_ward(p, hoan_kiem)
        assert permissions.can_handle_ward(a, cua_nam) and permissions.can_handle_agency(a, health_id)


def test_role_scope_is_enforced_by_the_database(app, make_user):
    user_id = make_user()
    with app.app_context():
        db.session.add(RoleGrant(user_id=user_id, role="ward_official"))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_logout_everywhere_invalidates_old_sessions(app, client, make_user, login):
    from app.auth.services import logout_everywhere

    user_id = make_user()
    login(client, user_id)
    assert client.get("/account/").status_code == 200
    with app.app_context():
        logout_everywhere(db.session.get(User, user_id))
        db.session.commit()
    assert client.get("/account/").status_code == 302


def test_logout_needs_post_with_csrf(client, make_user, login):
    from tests.conftest import csrf_token

    login(client, make_user())
    assert client.get("/auth/logout").status_code == 405
    assert client.post("/auth/logout").status_code == 400
    token = csrf_token(client, "/")
    response = client.post("/auth/logout", data={"csrf_token": token})
    assert response.status_code == 303
    assert client.get("/account/").status_code == 302


def test_cli_grant_and_revoke_role(app, make_user):
    user_id = make_user(phone="+84912345678")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "grant-role", "0912 345 678", "ward_official",
                                 "--ward", "phuong_hoan_kiem"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "grant-role", str(user_id), "agency_official",
                                 "--agency", "police"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user.roles == {Role.WARD_OFFICIAL, Role.AGENCY_OFFICIAL}
        from app.audit.models import AuditEntry

        actions = db.session.scalars(sa.select(AuditEntry.action)).all()
        assert actions.count("role.granted") == 2
    result = runner.invoke(args=["users", "revoke-role", str(user_id), "ward_official"])
    assert result.exit_code == 0
    with app.app_context():
        assert db.session.get(User, user_id).roles == {Role.AGENCY_OFFICIAL}


@pytest.mark.parametrize("args", [
    ["999999", "city_admin"],
    ["1", "ward_official"],
    ["1", "ward_official", "--ward", "no_such_ward"],
    ["1", "agency_official", "--agency", "nope"],
    ["1", "city_admin", "--ward", "phuong_hoan_kiem"],
])
def test_cli_grant_role_errors(app, make_user, args):
    make_user()
    result = app.test_cli_runner().invoke(args=["users", "grant-role", *args])
    assert result.exit_code != 0
    assert isinstance(CliRunner, type)
