"""The page cache for visitors (app.core.pagecache): served from the cache, never stale after a
change, never for a logged-in user, no CSRF token or personal data shared between visitors."""

from __future__ import annotations

import re
import socket
from contextlib import contextmanager
from datetime import date

import pytest
import sqlalchemy as sa
from flask import template_rendered

from app.extensions import db

ACCEPTED = '<span class="status status-accepted">In progress</span>'


@pytest.fixture
def page_cache(app):
    """The shared test app with the page cache on, emptied before and after."""
    from app.core import pagecache

    app.config["PAGE_CACHE_ENABLED"] = True
    with app.app_context():
        pagecache.pages.clear()
    yield app
    app.config["PAGE_CACHE_ENABLED"] = False
    with app.app_context():
        pagecache.pages.clear()


@contextmanager
def renders(app):
    """The names of the templates rendered inside the block (a cache hit renders none)."""
    seen: list[str] = []

    def record(sender, template, context, **extra):
        seen.append(template.name)

    template_rendered.connect(record, app)
    try:
        yield seen
    finally:
        template_rendered.disconnect(record, app)


@pytest.fixture
def citizen(make_user):
    return make_user(name="Trần Thị Dân")


def test_a_second_visit_is_served_from_the_cache(page_cache, client, citizen, make_report):
    make_report(citizen)
    first = client.get("/reports")
    with renders(page_cache) as seen:
        second = client.get("/reports")
    assert first.status_code == second.status_code == 200
    assert seen == []
    assert second.get_data() == first.get_data()
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Cache-Control"] == "public, max-age=5"
    assert "Cookie" in second.headers["Vary"] and "HX-Request" in second.headers["Vary"]
    assert "Last-Modified" in second.headers
    # Nothing ties the page to the visitor: no session cookie is handed out.
    assert "Set-Cookie" not in first.headers


def test_the_cache_saves_the_database_too(page_cache, client, citizen, make_report):
    from sqlalchemy import event

    make_report(citizen)
    report_id = make_report(citizen)
    client.get(f"/reports/{report_id}")
    statements = []
    with page_cache.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(f"/reports/{report_id}").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert statements == []


def test_query_string_order_and_htmx_fragments_are_keyed(page_cache, client, citizen, make_report):
    make_report(citizen)
    client.get("/reports?status=submitted&overdue=1")
    with renders(page_cache) as seen:
        client.get("/reports?overdue=1&status=submitted")
    assert seen == []
    with renders(page_cache) as seen:
        fragment = client.get("/reports?overdue=1&status=submitted", headers={"HX-Request": "true"})
    assert seen == ["reports/_feed_items.html"]
    assert "<html" not in fragment.get_data(as_text=True)


def test_a_transition_shows_on_the_next_request(page_cache, client, citizen, make_report, make_user):
    from app.auth.models import User
    from app.reports import services
    from app.reports.models import Report

    report_id = make_report(citizen)
    official_id = make_user(role="ward_official", ward="phuong_hoan_kiem")
    client.set_cookie("lang", "en")
    page = client.get(f"/reports/{report_id}").get_data(as_text=True)
    feed = client.get("/reports").get_data(as_text=True)
    assert ACCEPTED not in page and ACCEPTED not in feed
    with page_cache.app_context():
        services.accept(db.session.get(Report, report_id), db.session.get(User, official_id), "normal")
        db.session.commit()
    with renders(page_cache) as seen:
        page = client.get(f"/reports/{report_id}").get_data(as_text=True)
        feed = client.get("/reports").get_data(as_text=True)
    assert "reports/show.html" in seen and "reports/feed.html" in seen
    assert ACCEPTED in page and ACCEPTED in feed


def test_a_new_report_shows_in_the_feed_at_once(page_cache, client, citizen, make_report):
    make_report(citizen, description="Đèn đường hỏng ở ngõ 12.")
    assert "Đèn đường hỏng" in client.get("/reports").get_data(as_text=True)
    make_report(citizen, description="Cống tràn nước bẩn ra vỉa hè.")
    assert "Cống tràn nước bẩn" in client.get("/reports").get_data(as_text=True)


def test_a_redaction_shows_on_the_next_request(page_cache, client, citizen, make_report, make_user):
    from app.auth.models import User
    from app.reports import services
    from app.reports.models import Report

    report_id = make_report(citizen, description="Gọi tôi 0912345678 nhé, ổ gà rất to.")
    official_id = make_user(role="ward_official", ward="phuong_hoan_kiem")
    assert "rất to" in client.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "rất to" in client.get("/reports").get_data(as_text=True)
    with page_cache.app_context():
        services.redact(db.session.get(Report, report_id), db.session.get(User, official_id),
                        "Ổ gà đã được biên tập.", "Số điện thoại")
        db.session.commit()
    page = client.get(f"/reports/{report_id}").get_data(as_text=True)
    feed = client.get("/reports").get_data(as_text=True)
    assert "rất to" not in page and "rất to" not in feed
    assert "Ổ gà đã được biên tập." in page


def test_hiding_a_report_removes_it_from_the_cached_pages(page_cache, client, citizen, make_report, make_user):
    from app.auth.models import User
    from app.reports import services
    from app.reports.models import Report

    report_id = make_report(citizen)
    official_id = make_user(role="ward_official", ward="phuong_hoan_kiem")
    assert client.get(f"/reports/{report_id}").status_code == 200
    with page_cache.app_context():
        services.set_hidden(db.session.get(Report, report_id), db.session.get(User, official_id), True, "Spam")
        db.session.commit()
    assert client.get(f"/reports/{report_id}").status_code == 404
    assert f"/reports/{report_id}\"" not in client.get("/reports").get_data(as_text=True)


def test_following_changes_the_count_on_the_page(page_cache, client, citizen, make_report, make_user):
    from app.auth.models import User
    from app.reports import services
    from app.reports.models import Report

    report_id = make_report(citizen)
    fan = make_user(name="Lê Văn Theo")
    client.set_cookie("lang", "en")
    before = _followers(client.get(f"/reports/{report_id}").get_data(as_text=True))
    with page_cache.app_context():
        services.follow(db.session.get(Report, report_id), db.session.get(User, fan))
        db.session.commit()
    assert _followers(client.get(f"/reports/{report_id}").get_data(as_text=True)) == before + 1


def _followers(html: str) -> int:
    return int(re.search(r"(\d+) (?:person follows|people follow) this report", html).group(1))


def test_a_holiday_or_a_category_change_bumps_its_topic(page_cache, make_category):
    from app.admin import services as admin
    from app.core import pagecache

    with page_cache.app_context():
        before = pagecache.current_versions(["holidays", "categories"])
        admin.add_holiday(date(2031, 3, 3), "Ngày thử")
        db.session.commit()
        make_category("lights")
        after = pagecache.current_versions(["holidays", "categories"])
    assert before[0] != after[0] and before[1] != after[1]


def test_a_rolled_back_change_bumps_nothing(page_cache):
    from app.core import pagecache

    with page_cache.app_context():
        before = pagecache.current_versions(["feed"])
        db.session.execute(sa.text("SELECT 1"))
        pagecache.touch("feed")
        db.session.rollback()
        db.session.commit()
        assert pagecache.current_versions(["feed"]) == before
        db.session.execute(sa.text("SELECT 1"))
        pagecache.touch("feed")
        db.session.commit()
        assert pagecache.current_versions(["feed"]) != before


def test_logged_in_pages_are_never_cached(page_cache, client, citizen, make_report, login):
    report_id = make_report(citizen)
    login(client, citizen)
    for path in ("/reports", f"/reports/{report_id}", "/"):
        with renders(page_cache) as seen:
            first = client.get(path)
            second = client.get(path)
        assert len(seen) >= 2, path
        for response in (first, second):
            assert response.headers["Cache-Control"] == "private, no-store"
            assert "ETag" not in response.headers
    # The page a visitor then gets is not the citizen's.
    visitor = page_cache.test_client()
    html = visitor.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "Trần Thị Dân" not in html and "Log in" in html or "Đăng nhập" in html


def test_a_visitor_never_gets_a_logged_in_users_page(page_cache, client, citizen, make_report, login):
    make_report(citizen)
    page_cache.test_client().get("/reports")  # a visitor fills the cache
    login(client, citizen)
    html = client.get("/reports").get_data(as_text=True)
    assert 'name="csrf_token" value=""' not in html  # the citizen's own, fresh page


def test_304_for_a_matching_etag_or_date(page_cache, client, citizen, make_report):
    report_id = make_report(citizen)
    first = client.get(f"/reports/{report_id}")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('W/"')
    again = client.get(f"/reports/{report_id}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag
    assert client.get(f"/reports/{report_id}", headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(f"/reports/{report_id}", headers={"If-None-Match": 'W/"other"'}).status_code == 200


def test_locales_are_cached_separately(page_cache, client, citizen, make_report):
    make_report(citizen)
    english = page_cache.test_client()
    english.set_cookie("lang", "en")
    vi = client.get("/reports").get_data(as_text=True)
    en = english.get("/reports").get_data(as_text=True)
    assert '<html lang="vi">' in vi and '<html lang="en">' in en
    with renders(page_cache) as seen:
        assert english.get("/reports").get_data(as_text=True) == en
        assert client.get("/reports").get_data(as_text=True) == vi
    assert seen == []


def test_no_csrf_token_travels_between_visitors(page_cache, citizen, make_report):
    make_report(citizen)
    first, second = page_cache.test_client(), page_cache.test_client()
    # The first visitor has a session with a token of its own (the login page made one).
    first.get("/auth/login")
    html_a = first.get("/reports").get_data(as_text=True)
    html_b = second.get("/reports").get_data(as_text=True)
    assert html_a == html_b
    assert '"X-CSRFToken": ""' in html_a
    tokens = [t for t in re.findall(r'name="csrf_token" value="([^"]*)"', html_a) if t]
    assert tokens == []


def test_a_page_with_a_token_in_it_is_not_stored(page_cache, client):
    with renders(page_cache) as seen:
        client.get("/auth/login")
        client.get("/auth/login")
    assert seen.count("auth/login.html") == 2


def test_a_flashed_message_is_not_cached(page_cache, client, citizen, make_report):
    make_report(citizen)
    client.get("/reports")
    with client.session_transaction() as sess:
        sess["_flashes"] = [("success", "Chỉ dành cho bạn")]
    assert "Chỉ dành cho bạn" in client.get("/reports").get_data(as_text=True)
    other = client.get("/reports").get_data(as_text=True)
    assert "Chỉ dành cho bạn" not in other
    assert "Chỉ dành cho bạn" not in page_cache.test_client().get("/reports").get_data(as_text=True)


def test_the_language_switch_works_from_a_cached_page(page_cache, client, make_user, login):
    html = client.get("/").get_data(as_text=True)
    assert 'name="csrf_token" value=""' in html
    ok = client.post("/language", data={"lang": "en", "next": "/reports"},
                     headers={"Origin": "http://localhost"})
    assert ok.status_code == 303 and "lang=en" in ok.headers["Set-Cookie"]
    # From another site, or with no origin at all: refused.
    assert client.post("/language", data={"lang": "en"}, headers={"Origin": "https://evil.example"}).status_code == 400
    assert client.post("/language", data={"lang": "en"}).status_code == 400
    # A logged-in user always needs the token.
    login(client, make_user())
    assert client.post("/language", data={"lang": "en"}, headers={"Origin": "http://localhost"}).status_code == 400


def test_other_public_pages_are_cached(page_cache, client):
    for path in ("/", "/stats", "/alerts", "/procedures", "/lookups/"):
        first = client.get(path)
        assert first.status_code == 200, path
        with renders(page_cache) as seen:
            second = client.get(path)
        assert seen == [], path
        assert second.headers["Cache-Control"] == "public, max-age=5", path


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="Redis is not reachable on 127.0.0.1:6379")
def test_with_redis(app, citizen, make_report, make_user):
    """Pages and versions in Redis (db 5): served from it, and a transition made through one
    app (one server) is seen by another app on the same Redis at once."""
    from app import create_app
    from app.auth.models import User
    from app.core import pagecache
    from app.reports import services
    from app.reports.models import Report

    settings = {"APP_ENV": "test", "INSTANCE_PATH": app.instance_path, "DATABASE_URL": app.config["DATABASE_URL"],
                "REDIS_URL": "redis://127.0.0.1:6379/5", "PAGE_CACHE_ENABLED": True, "OIDC_ISSUER": None,
                "RATELIMIT_STORAGE_URI": "memory://", "SERVER_NAME": None}
    reader, writer = create_app(settings), create_app(settings)
    with reader.app_context():
        pagecache.pages.clear()
    report_id = make_report(citizen)
    official_id = make_user(role="ward_official", ward="phuong_hoan_kiem")
    client = reader.test_client()
    client.set_cookie("lang", "en")
    try:
        assert ACCEPTED not in client.get(f"/reports/{report_id}").get_data(True)
        with renders(reader) as seen:
            client.get(f"/reports/{report_id}")
        assert seen == []
        with writer.app_context():
            services.accept(db.session.get(Report, report_id), db.session.get(User, official_id), "normal")
            db.session.commit()
        assert ACCEPTED in client.get(f"/reports/{report_id}").get_data(True)
    finally:
        with reader.app_context():
            pagecache.pages.clear()
            db.session.remove()
            db.engine.dispose()
        with writer.app_context():
            db.session.remove()
            db.engine.dispose()
