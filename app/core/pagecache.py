"""Rendered pages for visitors, from a shared cache, invalidated precisely by topic versions.

**Declaring a page.** A view of a public page is decorated with the topics its content depends
on; ``{name}`` fields are filled from the view's URL arguments::

    @bp.get("/<int:report_id>")
    @cached_page("case:{report_id}", "categories", "places")
    def show_report(report_id): ...

**Invalidating.** Whatever changes what such a page shows calls :func:`touch` with the topics
it changed, inside its transaction (services flush, the request commits)::

    pagecache.touch("alerts")

The topics are bumped only once the transaction has committed (nothing if it rolls back), so a
page rendered from the old rows can never be stored under the new version. Topics in use:

===================  ==========================================================================
``case:<id>``        one case (its page): every timeline event (:func:`app.cases.services.event`,
                     so every transition, filing, moderation, redaction, deadline move), followers
``feed``             any case that appears in lists (the same event), a new report
``stats``            public statistics (the same event)
``categories``       report categories (admin edits)
``places``           wards and agencies (admin edits)
``holidays``         the working calendar
``alerts``           published alerts
``procedures``       the procedures catalogue
``lookups``          bus routes and lookup data
===================  ==========================================================================

**How it works.** Each topic has a version (a random token) in the version store; the cache key
of a page is a digest of the method, path, sorted query string, locale, the htmx variant (a
fragment or the whole page) and the versions of its topics. A bump writes a new random token,
so the old pages are never asked for again and expire on their own (``PAGE_CACHE_TIMEOUT``). A
version that is missing (never set, evicted, expired) is created as a new random token, never
as a constant, so an eviction cannot bring an old page back.

Pages live in Redis when ``REDIS_URL`` is set (shared by every server), otherwise in each
process's memory (``SimpleCache``). Versions live in Redis, or without it in a folder of the
instance shared by all the workers of one machine (``FileSystemCache``): a bump made by one
gunicorn worker reaches the others. A failing cache (Redis down) is logged and the page is
rendered as if there were no cache.

**Who gets a cached page.** Only a visitor (no logged-in user), for GET/HEAD, with no flashed
message waiting; a page is stored only if it was a 200 HTML response that did not write the
session, set no cookie and created no CSRF token. Cached pages are sent with a weak ``ETag``
(digest of the body: Flask-Compress keeps weak validators as they are) and ``Last-Modified``,
answer 304 to ``If-None-Match``/``If-Modified-Since``, and carry ``Cache-Control: public,
max-age=PAGE_CACHE_MAX_AGE`` with ``Vary: Cookie, HX-Request`` (the locale and the login come
from cookies, so a proxy keeps one copy per cookie and never serves a visitor's copy to a
logged-in user). Pages of logged-in users are never cached here and get ``private, no-store``
from :mod:`app.core.security`.

**CSRF.** A per-session CSRF token must never be stored in a shared page: another visitor would
get a token that fails for them, or worse could use it against the first visitor. Pages rendered
for the cache therefore contain no token: ``page_csrf_token()`` (the token in ``<body
hx-headers>`` and in the language switch of ``base.html``) is empty while such a page renders,
and a page that calls ``csrf_token()`` anyway (a form in its content) is simply not stored. The
only form visitors submit from a cached page is the language switch, whose view uses
:func:`visitor_form`: a visitor's tokenless POST is accepted only from this site's own origin
(``Origin``, or ``Referer`` when a browser leaves it out, as OWASP recommends for tokenless
requests; same-site cookies back it), while a logged-in user always needs the token. Injecting a
token into the cached body after the cache was rejected: it would give every visitor a session
cookie and make the page personal, so no proxy could keep it. Forms reached by a boosted link
carry their own hidden token, which Flask-WTF reads before the header.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
import time
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from flask import Flask, abort, current_app, g, has_app_context, make_response, request, session
from flask_caching import Cache
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.http import http_date

from app.core.database import db

log = logging.getLogger(__name__)

pages = Cache()
versions = Cache()

_PENDING = "pagecache_topics"
_VERSION_PREFIX = "v:"
_PAGE_PREFIX = "p:"
_RENDERING = "_pagecache_rendering"


def init_app(app: Flask) -> None:
    """Bind the two stores (pages, versions) from the settings and add ``page_csrf_token``.

    Settings: ``PAGE_CACHE_ENABLED``, ``PAGE_CACHE_TIMEOUT`` (seconds a page is kept),
    ``PAGE_CACHE_VERSION_TIMEOUT`` (seconds a version is kept), ``PAGE_CACHE_MAX_AGE`` (seconds
    a proxy or browser may reuse a page), ``PAGE_CACHE_THRESHOLD`` (pages per process in memory),
    ``PAGE_CACHE_DIR`` (versions without Redis; default ``instance/pagecache``) and ``REDIS_URL``.
    """
    cfg = app.config
    if cfg.get("REDIS_URL"):
        redis = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": cfg["REDIS_URL"]}
        pages.init_app(app, config={**redis, "CACHE_KEY_PREFIX": "cdtd:page:"})
        versions.init_app(app, config={**redis, "CACHE_KEY_PREFIX": "cdtd:page:"})
    else:
        pages.init_app(app, config={"CACHE_TYPE": "SimpleCache", "CACHE_KEY_PREFIX": "",
                                    "CACHE_THRESHOLD": cfg["PAGE_CACHE_THRESHOLD"]})
        folder = cfg.get("PAGE_CACHE_DIR") or f"{app.instance_path}/pagecache"
        versions.init_app(app, config={"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": folder,
                                       "CACHE_THRESHOLD": 0, "CACHE_KEY_PREFIX": ""})
    app.jinja_env.globals["page_csrf_token"] = page_csrf_token


def enabled() -> bool:
    return bool(current_app.config.get("PAGE_CACHE_ENABLED"))


# --- topics -----------------------------------------------------------------------------------

def touch(*topics: str) -> None:
    """Say that the current transaction changes what pages of ``topics`` show.

    The topics get new versions once the transaction commits (in requests, CLI commands and
    jobs alike); nothing happens if it rolls back. Several calls in one transaction bump each
    topic once. Versions are kept even with the page cache off: in-process memos (the ward
    options of :mod:`app.places.services`) follow them too.
    """
    if topics:
        _touch(db.session(), topics)


def _touch(session: Session, topics) -> None:
    if not has_app_context():
        return  # a script's own session: no app, no cache to bump
    info = session.info
    pending = info.get(_PENDING)
    if pending is None:
        pending = info[_PENDING] = set()
        app = current_app._get_current_object()

        def run():
            names = info.pop(_PENDING, set())
            with app.app_context():
                bump(*names)

        # The same list app.core.database.after_commit fills, of this very session.
        info.setdefault("after_commit", []).append(run)
    pending.update(topics)


_WATCHED: dict[type, tuple[str | Callable, ...]] = {}


def watch(model: type, *topics: str | Callable) -> None:
    """Touch ``topics`` whenever a row of ``model`` is added, changed or deleted through the ORM
    (admin edits, imports, seeds: every path at once). A topic may be a function of the row
    returning a topic (``lambda row: f"case:{row.report_id}"``). Bulk ``UPDATE``/``DELETE``
    statements bypass this: their callers call :func:`touch` themselves."""
    _WATCHED[model] = _WATCHED.get(model, ()) + topics


@event.listens_for(Session, "after_flush")
def _touch_watched(session, _context):
    if not _WATCHED:
        return
    changed: set[str] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        for topic in _WATCHED.get(type(obj), ()):
            changed.add(topic(obj) if callable(topic) else topic)
    if changed:
        _touch(session, changed)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session):
    root = session.get_transaction()
    if root is None or not root.is_active:
        session.info.pop(_PENDING, None)


def bump(*topics: str) -> None:
    """Give ``topics`` new versions now (prefer :func:`touch`, which waits for the commit)."""
    timeout = current_app.config["PAGE_CACHE_VERSION_TIMEOUT"]
    try:
        versions.set_many({_VERSION_PREFIX + t: _token() for t in topics}, timeout=timeout)
    except Exception:  # noqa: BLE001 - a cache outage must not fail the change itself
        log.exception("page cache: could not bump %s", ", ".join(sorted(topics)))


def current_versions(topics: list[str]) -> list[str]:
    """The version of each topic, creating a random one for a topic that has none."""
    keys = [_VERSION_PREFIX + t for t in topics]
    found = list(versions.get_many(*keys)) if keys else []
    timeout = current_app.config["PAGE_CACHE_VERSION_TIMEOUT"]
    for i, value in enumerate(found):
        if value is None:
            # add() keeps a version another worker created in between.
            versions.add(keys[i], _token(), timeout=timeout)
            found[i] = versions.get(keys[i])
            if found[i] is None:
                raise RuntimeError(f"page cache: no version for {topics[i]}")
    return found


def _token() -> str:
    return secrets.token_hex(8)


# --- pages ------------------------------------------------------------------------------------

def cached_page(*topics: str) -> Callable:
    """Serve the view's page to visitors from the cache (see the module's docstring).

    ``topics``: the topics the page shows, with ``{arg}`` fields taken from the view's URL
    arguments (``"case:{report_id}"``). The page must be the same for every visitor of one
    locale: what differs per visitor must depend on the login (then it is not cached) or come
    from the browser.
    """

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not _eligible():
                return view(*args, **kwargs)
            names = [t.format(**kwargs) for t in topics]
            try:
                key = _page_key(current_versions(names))
                entry = pages.get(key)
            except Exception:  # noqa: BLE001 - without the cache the page is still served
                log.exception("page cache: unavailable")
                return view(*args, **kwargs)
            if entry is not None:
                g.pagecache = "hit"
                return _respond(entry)
            setattr(g, _RENDERING, True)
            try:
                response = make_response(view(*args, **kwargs))
            finally:
                setattr(g, _RENDERING, False)
            if not _storable(response):
                g.pagecache = "skip"
                return response
            entry = _entry(response)
            try:
                pages.set(key, entry, timeout=current_app.config["PAGE_CACHE_TIMEOUT"])
            except Exception:  # noqa: BLE001
                log.exception("page cache: could not store a page")
            g.pagecache = "miss"
            return _respond(entry)

        wrapper.page_topics = topics
        return wrapper

    return decorate


def _eligible() -> bool:
    return (enabled() and request.method in {"GET", "HEAD"} and not current_user.is_authenticated
            and not session.get("_flashes"))


def _page_key(topic_versions: list[str]) -> str:
    from flask_babel import get_locale

    from app.core.htmx import is_htmx

    query = urlencode(sorted(request.args.items(multi=True)))
    parts = [request.endpoint or "", request.path, query, str(get_locale()),
             "fragment" if is_htmx() else "page", *topic_versions]
    return _PAGE_PREFIX + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _storable(response) -> bool:
    token_name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    return (response.status_code == 200 and response.mimetype == "text/html"
            and not response.direct_passthrough and not response.is_streamed
            and "Set-Cookie" not in response.headers
            and not response.cache_control.private and not response.cache_control.no_store
            and token_name not in g and not session.modified)


def _entry(response) -> dict:
    body = response.get_data()
    return {"body": body, "content_type": response.headers.get("Content-Type"),
            "vary": sorted(response.vary), "etag": hashlib.sha256(body).hexdigest()[:32],
            "rendered": int(time.time())}


def _respond(entry: dict):
    response = make_response(entry["body"])
    response.headers["Content-Type"] = entry["content_type"]
    for header in (*entry["vary"], "Cookie", "HX-Request"):
        response.vary.add(header)
    response.set_etag(entry["etag"], weak=True)
    response.headers["Last-Modified"] = http_date(entry["rendered"])
    response.headers["Cache-Control"] = f"public, max-age={int(current_app.config['PAGE_CACHE_MAX_AGE'])}"
    return response.make_conditional(request)


def page_csrf_token() -> str:
    """The CSRF token for the page's own chrome (``<body hx-headers>``, the language switch):
    empty while a page is rendered for the shared cache, the session's token otherwise."""
    if g.get(_RENDERING):
        return ""
    from flask_wtf.csrf import generate_csrf

    return generate_csrf()


# --- the one form visitors send from a cached page --------------------------------------------

def visitor_form(view: Callable) -> Callable:
    """A POST view that visitors may send without a CSRF token, from this site's own pages.

    For the language switch of cached pages (see the module's docstring). A logged-in user, or
    any request that carries a token, goes through Flask-WTF's full check; a visitor's tokenless
    request must come from this origin (``Origin``, else ``Referer``), or it gets 400. Put
    ``@csrf.exempt`` above it, so Flask-WTF leaves the check to this decorator::

        @bp.post("/language")
        @csrf.exempt
        @visitor_form
        def set_language(): ...
    """

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        token_name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        if current_user.is_authenticated or request.form.get(token_name) or request.headers.get("X-CSRFToken"):
            current_app.extensions["csrf"].protect()
        elif not _same_origin():
            abort(400)
        return view(*args, **kwargs)

    return wrapper


def _same_origin() -> bool:
    here = urlsplit(request.host_url)
    origin = request.headers.get("Origin") or request.referrer
    if not origin or origin == "null":
        return False
    there = urlsplit(origin)
    return (there.scheme, there.netloc) == (here.scheme, here.netloc)
