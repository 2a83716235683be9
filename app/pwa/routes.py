"""The installable app: web manifest, service worker and the page shown when offline."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import current_app, jsonify, make_response, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app.auth.services import client_account_id
from app.core.security import no_session_cookie
from app.pwa import bp

THEME_COLOUR = "#b3261e"
BACKGROUND_COLOUR = "#fafaf9"
SHORT_NAME = "Thủ đô số"

# Needed by every page, or by the report form that must open offline. Leaflet is left out:
# the map is of no use without its tiles, which are not cached.
PRECACHE_ASSETS = (
    "css/app.css",
    "vendor/htmx.min.js",
    "js/pwa.js",
    "js/a11y.js",
    "js/offline-queue.js",
    "js/offline-reports.js",
    "js/report-form.js",
    "js/lazy-leaflet.js",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/icon-maskable-512.png",
    "icons/favicon.ico",
    "icons/sprite.svg",
)


def precache_urls() -> list[str]:
    asset_url = current_app.extensions["asset_url"]
    return [asset_url(name) for name in PRECACHE_ASSETS] + [url_for("pwa.offline")]


def _catalogs() -> list[Path]:
    folders = current_app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")
    return sorted(p for folder in folders for p in Path(folder).glob("*/LC_MESSAGES/*.mo"))


def cache_version(urls: list[str]) -> str:
    """A digest of everything the worker serves: the precached files (each URL holds its
    file's hash), the offline page as rendered in every language, and the translation
    catalogs that the stored pages were rendered with. Any change makes a new /sw.js, so
    phones install it, rename the caches and drop the old ones."""
    digest = hashlib.sha256()
    for url in urls:
        digest.update(url.encode() + b"\n")
    for lang in current_app.config["LANGUAGES"]:
        with force_locale(lang):
            digest.update(render_template("pwa/offline.html").encode())
    for catalog in _catalogs():
        digest.update(catalog.read_bytes())
    return digest.hexdigest()[:12]


@bp.get("/manifest.webmanifest")
@no_session_cookie
def manifest():
    asset_url = current_app.extensions["asset_url"]
    with force_locale("vi"):
        name = _("Capital Digital Citizen")
        description = _("Report problems in your neighbourhood to the city and follow them until they are fixed.")
    icons = [
        {"src": asset_url("icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
        {"src": asset_url("icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
        {"src": asset_url("icons/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png",
         "purpose": "maskable"},
    ]
    response = jsonify({
        "id": "/",
        "name": name,
        "short_name": SHORT_NAME,
        "description": description,
        "lang": "vi",
        "dir": "ltr",
        "start_url": "/?source=pwa",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "categories": ["government", "utilities"],
        "icons": icons,
    })
    response.mimetype = "application/manifest+json"
    response.cache_control.no_cache = True
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/sw.js")
@no_session_cookie
def service_worker():
    urls = precache_urls()
    body = render_template("pwa/sw.js", precache=urls, version=cache_version(urls),
                           offline_url=url_for("pwa.offline"),
                           queue_script=current_app.extensions["asset_url"]("js/offline-queue.js"),
                           push_script=current_app.extensions["asset_url"]("js/sw-push.js"))
    response = make_response(body)
    response.mimetype = "text/javascript"
    # The browser checks for a new worker on every visit: it must never get a stale one.
    response.cache_control.no_cache = True
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/offline")
@no_session_cookie
def offline():
    return render_template("pwa/offline.html")


@bp.get("/csrf-token")
def csrf_token():
    """A fresh token for reports sent from the offline queue (the one in a cached page may
    belong to an earlier session), and the opaque id of the account it would be sent as."""
    # Who is logged in: the queue sends a report only for the account that saved it.
    response = jsonify(token=generate_csrf(), account=client_account_id(current_user))
    response.cache_control.no_store = True
    return response
