"""Sessions end on the server: logout, "log out on all devices", idle timeout and lifetime."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.auth.models import UserSession
from app.core.models import utcnow
from app.extensions import db
from tests.conftest import csrf_token


def copy_cookies(source, target) -> None:
    """What an attacker does with a stolen cookie: the same session in another client."""
    for cookie in source._cookies.values():
        target.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)


def age_sessions(app, user_id: int, *, idle: timedelta = timedelta(), since_login: timedelta = timedelta()):
    with app.app_context():
        for row in db.session.scalars(sa.select(UserSession).where(UserSession.user_id == user_id)):
            row.last_seen_at = utcnow() - idle
            row.created_at = utcnow() - max(idle, since_login)
        db.session.commit()
        db.session.remove()


def session_count(app, user_id: int) -> int:
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)
                                  .where(UserSession.user_id == user_id))
        db.session.remove()
    return count


def test_a_copied_cookie_stops_working_after_logout(app, client, make_user, login):
    user = make_user()
    login(client, user)
    thief = app.test_client()
    copy_cookies(client, thief)
    assert thief.get("/account/").status_code == 200

    response = client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 303

    assert thief.get("/account/").status_code == 302
    assert session_count(app, user) == 0


def test_logout_ends_only_this_browsers_session(app, make_user, login):
    user = make_user()
    phone, computer = app.test_client(), app.test_client()
    login(phone, user)
    login(computer, user)
    phone.post("/auth/logout", data={"csrf_token": csrf_token(phone, "/")})
    assert phone.get("/account/").status_code == 302
    assert computer.get("/account/").status_code == 200


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_log_out_on_all_devices_from_the_account_page(app, make_user, login, lang):
    user = make_user()
    phone, computer = app.test_client(), app.test_client()
    for c in (phone, computer):
        c.set_cookie("lang", lang)
        login(c, user)
    page = phone.get("/account/").get_data(as_text=True)
    label = "Log out on all devices" if lang == "en" else "Đăng xuất trên mọi thiết bị"
    assert label in page
    assert 'action="/account/logout-everywhere"' in page

    response = phone.post("/account/logout-everywhere", data={"csrf_token": csrf_token(phone, "/account/")})
    assert response.status_code == 303
    assert phone.get("/account/").status_code == 302
    assert computer.get("/account/").status_code == 302
    assert session_count(app, user) == 0


def test_log_out_on_all_devices_needs_post_with_csrf(client, make_user, login):
    login(client, make_user())
    assert client.get("/account/logout-everywhere").status_code == 405
    assert client.post("/account/logout-everywhere").status_code == 400
    assert client.get("/account/").status_code == 200


def test_a_session_without_its_server_record_is_refused(app, client, make_user, login):
    """A cookie signed with the right key but naming no live session (e.g. from before the
    sessions table existed, or forged from an old cookie) is not a login."""
    user = make_user()
    login(client, user)
    with client.session_transaction() as sess:
        sess["sid"] = "made-up"
    assert client.get("/account/").status_code == 302
    with client.session_transaction() as sess:
        del sess["sid"]
    assert client.get("/account/").status_code == 302


@pytest.mark.parametrize(("role", "idle", "alive"), [
    (None, timedelta(hours=3), True),
    (None, timedelta(days=29), True),
    (None, timedelta(days=31), False),
    ("ward_official", timedelta(minutes=90), True),
    ("ward_official", timedelta(hours=3), False),
    ("city_admin", timedelta(hours=3), False),
])
def test_idle_timeout_depends_on_the_role(app, client, make_user, login, role, idle, alive):
    user = make_user(role=role, ward="phuong_hoan_kiem" if role == "ward_official" else None)
    login(client, user)
    age_sessions(app, user, idle=idle)
    assert client.get("/account/").status_code == (200 if alive else 302)


@pytest.mark.parametrize(("role", "since_login", "alive"), [
    (None, timedelta(days=60), True),
    (None, timedelta(days=91), False),
    ("ward_official", timedelta(days=13), True),
    ("ward_official", timedelta(days=15), False),
])
def test_absolute_lifetime_holds_however_active(app, client, make_user, login, role, since_login, alive):
    user = make_user(role=role, ward="phuong_hoan_kiem" if role else None)
    login(client, user)
    age_sessions(app, user, since_login=since_login)
    assert client.get("/account/").status_code == (200 if alive else 302)


def test_timeouts_are_configurable(tmp_path, monkeypatch):
    from app import create_app

    monkeypatch.setenv("SESSION_IDLE_TIMEOUT_OFFICIAL", "600")
    app = create_app({"APP_ENV": "development", "INSTANCE_PATH": str(tmp_path)})
    assert app.config["SESSION_IDLE_TIMEOUT_OFFICIAL"] == 600
    assert app.config["SESSION_IDLE_TIMEOUT"] == 30 * 24 * 3600
    assert app.config["PERMANENT_SESSION_LIFETIME"] >= app.config["SESSION_LIFETIME"]


def test_activity_keeps_a_session_alive(app, client, make_user, login):
    user = make_user(role="ward_official", ward="phuong_hoan_kiem")
    login(client, user)
    age_sessions(app, user, idle=timedelta(minutes=90))
    assert client.get("/account/").status_code == 200
    # The visit above counted as activity: 90 more minutes are fine.
    with app.app_context():
        row = db.session.scalar(sa.select(UserSession).where(UserSession.user_id == user))
        assert utcnow() - row.last_seen_at < timedelta(minutes=1)
        db.session.remove()


def test_expired_sessions_are_dropped_at_the_next_login(app, make_user, login):
    user = make_user()
    login(app.test_client(), user)
    age_sessions(app, user, idle=timedelta(days=40))
    login(app.test_client(), user)
    assert session_count(app, user) == 1
