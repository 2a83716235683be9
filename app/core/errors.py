"""Error pages in the user's language (400, 403, 404, 413, 429, 500)."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    403: (_l("Access denied"), _l("You do not have permission to open this page.")),
    404: (_l("Page not found"), _l("The page you are looking for does not exist or was removed.")),
    405: (_l("Not allowed"), _l("This action is not allowed here.")),
    413: (_l("File too large"), _l("The files you sent are too large. Please choose smaller photos.")),
    429: (_l("Too many requests"), _l("You have tried too many times. Please wait a little and try again.")),
    500: (_l("Something went wrong"),
          _l("An unexpected error occurred. We have been notified; please try again later.")),
}


def answers_json(view):
    """Mark a view whose answers are JSON (a script's endpoint): its errors (400, 404, 429…) are
    JSON too, whatever the request's ``Accept`` says, since the script reads the body as JSON.
    Paths ending in ``.json`` get the same without the mark."""
    view.answers_json = True
    return view


def _wants_json() -> bool:
    if request.path.endswith(".json"):
        return True
    from flask import current_app

    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "answers_json", False):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


# Feeds and documents for machines (Atom, CAP, iCalendar…): an error page in HTML would be read
# as a broken document; they get the error in their own family of formats.
_XML_SUFFIXES = (".atom", ".xml", ".rss")


def _xml_error(code: int, title: str, message: str):
    from xml.sax.saxutils import escape

    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<error code="{code}"><title>{escape(title)}</title>'
            f"<message>{escape(message)}</message></error>\n")
    return Response(body, status=code, mimetype="application/xml")


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    if request.path.endswith(_XML_SUFFIXES):
        return _xml_error(code, str(title), str(detail or message)), code
    if _wants_json():
        return jsonify(error=str(title), message=str(detail or message)), code
    return render_template("errors/error.html", code=code, title=title,
                           message=detail or message), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(e):
        from flask_babel import gettext as _
        return render_error(400, _("Your form expired or was sent from another site. "
                                   "Please reload the page and try again."))

    @app.errorhandler(HTTPException)
    def _http(e: HTTPException):
        if e.code in MESSAGES:
            body, code = render_error(e.code)
            # A 405 must list the allowed methods (RFC 9110); the error page would drop them.
            return body, code, [(k, v) for k, v in e.get_headers() if k == "Allow"]
        return e

    @app.errorhandler(Exception)
    def _unexpected(e: Exception):
        if isinstance(e, HTTPException):
            return _http(e)
        log.exception("Unhandled error on %s %s", request.method, request.path)
        # The failed request's transaction must not break the error page's own queries
        # (a session left in "pending rollback" would fail again while rendering it).
        from app.core.database import db

        db.session.rollback()
        return render_error(InternalServerError.code)
