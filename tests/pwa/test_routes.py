"""The installable app: manifest, service worker and offline page."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess

import pytest
from PIL import Image


def test_manifest_describes_an_installable_app(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["name"] == "Công dân Thủ đô số"
    assert 0 < len(manifest["short_name"]) <= 12
    assert manifest["lang"] == "vi"
    assert manifest["id"] == "/"
    assert manifest["start_url"] == "/?source=pwa"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#b3261e"
    assert manifest["background_color"] == "#fafaf9"
    purposes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= purposes


def test_manifest_icons_are_served_at_their_declared_size(client):
    manifest = client.get("/manifest.webmanifest").get_json(force=True)
    for icon in manifest["icons"]:
        response = client.get(icon["src"])
        assert response.status_code == 200
        assert response.mimetype == "image/png"
        width, height = Image.open(io.BytesIO(response.data)).size
        assert f"{width}x{height}" == icon["sizes"]


def test_maskable_icon_keeps_its_edges_plain_for_the_mask(client):
    """The safe zone is the centred circle of 80 % diameter: outside it, only background."""
    manifest = client.get("/manifest.webmanifest").get_json(force=True)
    src = next(i["src"] for i in manifest["icons"] if i["purpose"] == "maskable")
    img = Image.open(io.BytesIO(client.get(src).data)).convert("RGB")
    background = img.getpixel((0, 0))
    for point in [(51, 256), (256, 51), (460, 256), (256, 460), (80, 80), (430, 430)]:
        assert img.getpixel(point) == background


def test_service_worker_is_served_fresh_from_the_root(client, app):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype in {"text/javascript", "application/javascript"}
    assert "no-cache" in response.headers["Cache-Control"]
    assert response.headers["Service-Worker-Allowed"] == "/"
    body = response.get_data(as_text=True)
    with app.test_request_context():
        asset_url = app.extensions["asset_url"]
        for name in ["css/app.css", "vendor/htmx.min.js", "js/pwa.js", "js/offline-queue.js",
                     "icons/icon-192.png"]:
            assert json.dumps(asset_url(name)) in body
    assert re.search(r"\?v=[0-9a-f]{12}", body)
    precache = json.loads(re.search(r"var PRECACHE = (\[.*?\]);", body).group(1))
    assert "/offline" in precache


def test_precached_files_can_all_be_fetched(client):
    body = client.get("/sw.js").get_data(as_text=True)
    for url in json.loads(re.search(r"var PRECACHE = (\[.*?\]);", body).group(1)):
        assert client.get(url).status_code == 200, url


def _cache_version(client) -> str:
    body = client.get("/sw.js").get_data(as_text=True)
    return re.search(r'var VERSION = "([0-9a-f]+)";', body).group(1)


def test_cache_name_changes_when_a_static_file_changes(client, app, monkeypatch):
    before = _cache_version(client)
    assert _cache_version(client) == before
    original = app.extensions["asset_url"]

    def changed_css(filename):
        url = original(filename)
        return url.replace("v=", "v=new") if filename == "css/app.css" else url

    monkeypatch.setitem(app.extensions, "asset_url", changed_css)
    assert _cache_version(client) != before


def _sw_body(client) -> bytes:
    return client.get("/sw.js").get_data()


def test_service_worker_changes_when_only_the_offline_template_changes(client, app, monkeypatch):
    """A deploy that changes a template must reach installed phones: /sw.js differs."""
    from jinja2 import ChoiceLoader, DictLoader

    before = _sw_body(client)
    source = app.jinja_env.loader.get_source(app.jinja_env, "pwa/offline.html")[0]
    changed = source.replace("</main>", "<p>Một dòng mới.</p></main>")
    monkeypatch.setattr(app.jinja_env, "loader",
                        ChoiceLoader([DictLoader({"pwa/offline.html": changed}), app.jinja_env.loader]))
    app.jinja_env.cache.clear()
    try:
        assert _sw_body(client) != before
    finally:
        monkeypatch.undo()
        app.jinja_env.cache.clear()
    assert _sw_body(client) == before


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_service_worker_changes_when_a_translation_on_the_offline_page_changes(client, app, monkeypatch, lang):
    """Whatever language the phone asked in: the offline page is hashed in every language."""
    import flask_babel

    client.set_cookie("lang", "vi" if lang == "en" else "en")  # the other language than the change
    before = _sw_body(client)
    original = flask_babel.Domain.get_translations

    def changed(self):
        translations = original(self)
        if str(flask_babel.get_locale()) != lang:
            return translations

        class Changed:
            def __getattr__(self, name):
                return getattr(translations, name)

            def ugettext(self, message):
                text = translations.ugettext(message)
                return text + " (mới)" if message == "No connection" else text

            gettext = ugettext

        return Changed()

    monkeypatch.setattr(flask_babel.Domain, "get_translations", changed)
    assert _sw_body(client) != before


def test_service_worker_changes_when_a_catalog_changes(client, app, tmp_path, monkeypatch):
    import shutil as sh

    folder = tmp_path / "translations"
    sh.copytree(app.config["BABEL_TRANSLATION_DIRECTORIES"], folder)
    monkeypatch.setitem(app.config, "BABEL_TRANSLATION_DIRECTORIES", str(folder))
    before = _sw_body(client)
    with open(folder / "vi" / "LC_MESSAGES" / "messages.mo", "ab") as f:
        f.write(b"\0")
    assert _sw_body(client) != before


NODE = shutil.which("node")
# Runs the rendered worker in Node with just enough of a ServiceWorkerGlobalScope to load it,
# then asks its own storable() about responses with the given Cache-Control headers.
SW_HARNESS = """
const vm = require('vm');
const [body, cases] = [require('fs').readFileSync(0, 'utf8'), JSON.parse(process.argv[1])];
const scope = {self: {addEventListener() {}, cdtdQueue: {urls: {}}}, importScripts() {}};
vm.runInNewContext(body, scope);
console.log(JSON.stringify(cases.map((cc) => scope.storable({
  status: 200, type: 'basic', redirected: false,
  headers: {get: (name) => (name.toLowerCase() === 'cache-control' ? cc : null)}}))));
"""


@pytest.mark.skipif(NODE is None, reason="needs Node.js to run the service worker's code")
def test_service_worker_never_stores_what_the_server_marks_private(client):
    """Keyed on the header, not on a list of paths: any page the server marks is left alone."""
    body = client.get("/sw.js").get_data(as_text=True)
    assert "PERSONAL" not in body and "/reports/mine" not in body
    cases = ["private, no-store", "no-store", "private", "Private", "no-cache, private=\"Set-Cookie\"",
             "max-age=0, NO-STORE", None, "no-cache", "public, max-age=60"]
    result = subprocess.run([NODE, "-e", SW_HARNESS, json.dumps(cases)], input=body,
                            capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == [False] * 6 + [True] * 3


def test_pages_of_a_logged_in_user_are_marked_for_the_worker(client, make_user, login):
    login(client, make_user())
    for path in ["/", "/reports", "/account/", "/reports/mine"]:
        assert client.get(path).headers["Cache-Control"] == "private, no-store", path


@pytest.mark.parametrize(("lang", "title"), [("vi", "Công dân Thủ đô số"), ("en", "No connection")])
def test_offline_page_in_both_languages(client, lang, title):
    client.set_cookie("lang", lang)
    response = client.get("/offline")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="offline-page"' in html
    assert f'<html lang="{lang}">' in html
    assert "csrf_token" not in html  # stored once for everyone on the phone
    assert title in html


def test_offline_page_holds_nothing_personal(client, make_user, login):
    login(client, make_user())
    html = client.get("/offline").get_data(as_text=True)
    assert "Nguyễn Văn Test" not in html
    assert "/auth/logout" not in html


def test_csrf_token_endpoint_is_never_cached(client):
    response = client.get("/csrf-token")
    assert response.status_code == 200
    assert response.get_json()["token"]
    assert "no-store" in response.headers["Cache-Control"]


def test_pages_link_the_manifest_and_the_install_button(client):
    html = client.get("/").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert 'name="apple-mobile-web-app-capable" content="yes"' in html
    assert 'rel="apple-touch-icon"' in html
    assert re.search(r'<script src="/static/js/pwa\.js\?v=[0-9a-f]+" data-sw="/sw.js" defer>', html)
    assert re.search(r'<button type="button" class="install" data-install hidden>', html)


def test_service_worker_loads_the_push_handlers(client):
    from app.core import assets  # noqa: F401

    body = client.get("/sw.js").get_data(as_text=True)
    assert "importScripts(" in body and "/static/js/sw-push.js?v=" in body
    handlers = client.get("/static/js/sw-push.js").get_data(as_text=True)
    assert "addEventListener('push'" in handlers and "notificationclick" in handlers


def _account_on_page(client) -> str:
    return re.search(r'<span hidden data-account="([^"]*)"></span>', client.get("/").get_data(as_text=True)).group(1)


def test_pages_name_their_account_by_an_opaque_stable_id(app, make_user, login):
    """The offline queue keeps each report to the account that saved it, by this id."""
    lan, minh = make_user(phone="+84912000001"), make_user(phone="+84912000002", level=2)
    visitor = app.test_client()
    assert _account_on_page(visitor) == "" and visitor.get("/csrf-token").get_json()["account"] == ""
    first, second, again = app.test_client(), app.test_client(), app.test_client()
    login(first, lan)
    login(second, minh)
    login(again, lan)
    lan_id, minh_id = _account_on_page(first), _account_on_page(second)
    assert re.fullmatch(r"[0-9a-f]{32}", lan_id) and lan_id != minh_id
    assert _account_on_page(again) == lan_id  # the same on every device and session
    assert first.get("/csrf-token").get_json()["account"] == lan_id
    # Nothing personal in it: not the phone (nor the ID number: keyed hash of the row id).
    for secret in ["912000001", "0912000001", "84912000002"]:
        assert secret not in lan_id and secret not in minh_id


@pytest.mark.parametrize("path", ["/sw.js", "/offline", "/manifest.webmanifest", "/static/css/app.css"])
def test_files_the_browser_fetches_on_its_own_never_rewrite_the_session_cookie(client, make_user, login, path):
    """They are fetched in parallel with a login, with the cookie as it was before: a Set-Cookie
    from that older copy would undo the login (the OpenID state lives in the cookie)."""
    login(client, make_user())
    with client.session_transaction() as session:
        session.permanent = True  # as a login makes it: Flask refreshes its cookie on every answer
    assert "Set-Cookie" in client.get("/notifications").headers
    assert "Set-Cookie" not in client.get(path).headers
