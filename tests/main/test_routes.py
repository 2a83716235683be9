import sqlalchemy as sa

from tests.conftest import csrf_token


def test_home_is_vietnamese_by_default_with_report_action_first(client):
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert "Phản ánh, kiến nghị" in html
    # The report tile is the first and the only full-width one.
    tiles = html[html.index('class="tiles actions"'):]
    assert tiles.index('id="action-report"') < tiles.index('id="action-')+1
    assert tiles.count('class="tile-primary"') == 1


def test_language_switch_sets_cookie_and_english_pages(client):
    token = csrf_token(client, "/")
    response = client.post("/language", data={"lang": "en", "next": "/", "csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Reports and petitions" in html


def test_language_switch_refuses_offsite_next(client):
    token = csrf_token(client, "/")
    response = client.post("/language", data={"lang": "en", "next": "//evil.example/x",
                                              "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_language_switch_needs_csrf(client):
    response = client.post("/language", data={"lang": "en", "next": "/"})
    assert response.status_code == 400
    assert "lang" not in response.headers.get("Set-Cookie", "")


def test_logged_in_language_choice_is_remembered_on_the_account(app, client, make_user, login):
    from app.auth.models import User
    from app.extensions import db

    user_id = make_user()
    login(client, user_id)
    token = csrf_token(client, "/")
    client.post("/language", data={"lang": "en", "next": "/", "csrf_token": token})
    with app.app_context():
        assert db.session.get(User, user_id).locale == "en"
    client.delete_cookie("lang")
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_reports_broken_database(app, client, monkeypatch):
    from app.extensions import db

    def broken(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("down"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "error"


def test_security_headers_and_strict_csp(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    html = response.get_data(as_text=True)
    # No inline script: every <script> has a src.
    assert "<script>" not in html and "<script " in html
    assert all("src=" in tag for tag in html.split("<script")[1:])


def test_pages_are_compressed(client):
    response = client.get("/", headers={"Accept-Encoding": "br, gzip"})
    assert response.headers.get("Content-Encoding") in {"br", "gzip"}


def test_static_files_have_hashed_urls_and_long_cache(client):
    html = client.get("/").get_data(as_text=True)
    import re

    url = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]{12})"', html).group(1)
    response = client.get(url)
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=31536000" in response.headers["Cache-Control"]


def test_htmx_is_vendored_and_boosted(client):
    html = client.get("/").get_data(as_text=True)
    assert 'hx-boost="true"' in html
    assert "X-CSRFToken" in html
    assert client.get("/static/vendor/htmx.min.js").status_code == 200


def test_error_pages_in_both_languages(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.get_data(as_text=True)
    client.set_cookie("lang", "en")
    response = client.get("/no-such-page")
    assert "Page not found" in response.get_data(as_text=True)


def test_error_page_json_when_asked(client):
    response = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["error"]


def test_500_page_is_translated(app, client, monkeypatch):
    def boom():
        raise RuntimeError("boom")

    monkeypatch.setitem(app.view_functions, "main.home", boom)
    response = client.get("/")
    assert response.status_code == 500
    assert "Đã có lỗi xảy ra" in response.get_data(as_text=True)


def test_413_when_upload_too_large(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 10)
    response = client.post("/language", data={"lang": "x" * 100})
    assert response.status_code == 413
    assert "quá lớn" in response.get_data(as_text=True)


def test_boosted_navigation_gets_whole_pages_and_fragments_only_for_htmx(app, client, make_user, login):
    login(client, make_user(role="city_admin"))
    boosted = client.get("/admin/audit", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.get_data(as_text=True)
    fragment = client.get("/admin/audit", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]
