"""Shared fixtures: one app and database per test session, emptied after each test.

``TEST_DATABASE_URL`` selects the database (PostgreSQL in CI's second pass); otherwise a
SQLite file in a temporary folder. The schema is built by the real migrations.
"""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from datetime import date

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db

KEEP_TABLES = {"wards", "agencies", "alembic_version"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_port() -> int:
    return _free_port()


@pytest.fixture(scope="session")
def app(tmp_path_factory, live_port):
    import os

    instance = tmp_path_factory.mktemp("instance")
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{instance / 'test.db'}"
    issuer = f"http://127.0.0.1:{live_port}/dev-idp"
    app = create_app({
        "APP_ENV": "test",
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": url,
        "DEV_IDP_ISSUER": issuer,
        "OIDC_ISSUER": None,
        "REDIS_URL": None,
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": None,
    })
    with app.app_context():
        from flask_migrate import upgrade

        if url.startswith("postgresql"):
            # A leftover schema from an interrupted run must not mask migration errors.
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        upgrade()
        from app.places import services as places

        places.ensure_loaded()
        db.session.commit()
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        if url.startswith("postgresql"):
            # 0005_case_engine is a one-way data migration: drop what the run made.
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _restore_job_queue():
    """Apps made inside a test re-point the shared queue; put the test queue back."""
    from app.core import jobs

    saved = (jobs.huey._immediate, jobs.huey.storage, jobs._app)
    yield
    jobs.stop_in_process_consumer()
    jobs.huey._immediate, jobs.huey.storage, jobs._app = saved


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Empty every table but the reference data after each test that used the app."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    from app.extensions import limiter

    limiter.reset()
    with app.app_context():
        db.session.remove()
        tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in KEEP_TABLES]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                names = ", ".join(t.name for t in tables)
                conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            else:
                for table in tables:
                    conn.execute(table.delete())
            # Ward centres are data that tests set on the kept wards table.
            wards = db.metadata.tables["wards"]
            conn.execute(wards.update().where(wards.c.centre_lat.is_not(None))
                         .values(centre_lat=None, centre_lon=None))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture(scope="session")
def live_server(app, live_port) -> Iterator[str]:
    """The app over real HTTP (the OIDC client talks to the sandbox provider through it)."""
    server = make_server("127.0.0.1", live_port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{live_port}"
    server.shutdown()
    thread.join(timeout=5)


def csrf_token(client, path: str = "/auth/login") -> str:
    """Fetch a page and read the CSRF token from its form."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    if match is None:
        match = re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


@pytest.fixture
def make_user(app):
    """Factory: ``make_user(role=..., ward=..., agency=..., level=2, phone=...)``."""
    from app.auth import services as auth
    from app.auth.models import Role
    from app.places import services as places

    counter = iter(range(1, 10_000))

    def factory(*, role: Role | str | None = None, ward: str | None = None,
                agency: str | None = None, level: int = 1, phone: str | None = None,
                name: str = "Nguyễn Văn Test", cccd: str | None = None):
        with app.app_context():
            n = next(counter)
            user = auth.new_user(full_name=name, phone=phone or f"+849120{n:05d}")
            if level >= 2:
                auth.set_verified_identity(
                    user, cccd=cccd or f"0010900{n:05d}", full_name=name,
                    birth_date=date(1990, 1, 1), gender="male", source="verifier")
            if role is not None:
                role = Role(role)
                ward_id = places.ward_by_codename(ward).id if ward else None
                agency_id = places.agency_by_code(agency).id if agency else None
                auth.grant_role(user, role, ward_id=ward_id, agency_id=agency_id)
            db.session.commit()
            user_id = user.id
            db.session.remove()
        return user_id

    return factory


@pytest.fixture
def login(app):
    """Log a client in as a user id, the way a real login does (a fresh session)."""
    from app.auth import services as auth
    from app.auth.models import User

    def do_login(client, user_id: int):
        with app.app_context():
            user = db.session.get(User, user_id)
            key = user.get_id()
            sid = auth.start_session(user)
            db.session.commit()
            db.session.remove()
        with client.session_transaction() as sess:
            sess.clear()
            sess["_user_id"] = key
            sess["_fresh"] = True
            sess["sid"] = sid
        return client

    return do_login
