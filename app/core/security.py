"""Security headers: a strict Content-Security-Policy (no inline script or style) and friends,
and no caching of anything rendered for a logged-in user."""

from __future__ import annotations

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user

PRIVATE = "private, no-store"


def _personal(response) -> bool:
    """A response to a logged-in user may carry their data, unless its view declared it the
    same for everyone (``Cache-Control: public``: public photos, versioned static files)."""
    if request.endpoint == "static" or response.cache_control.public:
        return False
    return current_user.is_authenticated


def no_session_cookie(view):
    """Mark a view whose answer never carries the session cookie: files a browser or its service
    worker fetches on its own (the worker script, the offline page, the manifest), often in
    parallel with a login. Their request may hold an older cookie than the one a login just set
    (the OpenID state lives in it); rewriting the cookie from that copy would undo the login
    (seen as ``state_mismatch`` while the service worker installed). Static files are never
    given the cookie either."""
    view.no_session_cookie = True
    return view


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, except on the answers of :func:`no_session_cookie` views."""

    def should_set_cookie(self, app: Flask, session) -> bool:
        endpoint = request.endpoint or ""
        if endpoint == "static" or getattr(app.view_functions.get(endpoint), "no_session_cookie", False):
            return False
        return super().should_set_cookie(app, session)


def init_app(app: Flask) -> None:
    production = app.config["APP_ENV"] == "production"
    app.session_interface = _SessionInterface()

    # The one place personal responses are marked: pages, fragments, JSON, CSV, errors. Shared
    # caches must not keep them, nor the browser's back/forward cache or the service worker,
    # which stores pages by this header (a shared phone must not show them to the next person).
    @app.after_request
    def _no_store_personal(response):
        if _personal(response):
            response.headers["Cache-Control"] = PRIVATE
            response.headers.pop("Expires", None)
        return response

    @app.after_request
    def _headers(response):
        csp = [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data: blob: https:",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors 'none'",
            "form-action 'self'",
            "manifest-src 'self'",
            "worker-src 'self'",
        ]
        response.headers.setdefault("Content-Security-Policy", "; ".join(csp))
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault(
            "Permissions-Policy", "geolocation=(self), camera=(self), microphone=()"
        )
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if production and request.is_secure:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response
