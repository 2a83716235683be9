from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import current_app, jsonify, make_response, redirect, request
from flask_login import current_user

from app.auth.services import safe_next
from app.core.htmx import render
from app.core.i18n import LANG_COOKIE
from app.core.pagecache import cached_page, visitor_form
from app.extensions import csrf, db
from app.main import bp, services
from app.main.tiles import home_tiles

log = logging.getLogger(__name__)


@bp.get("/")
@cached_page("alerts")
def home():
    """Service tiles, the most severe alert, and a logged-in person's open cases."""
    open_cases, open_total = services.open_cases_of(current_user) if current_user.is_authenticated else ([], 0)
    return render("main/home.html", tiles=home_tiles(), open_cases=open_cases, open_total=open_total)


@bp.post("/language")
@csrf.exempt
@visitor_form
def set_language():
    """Switch language: a cookie for everyone, and the preference of a logged-in user."""
    lang = request.form.get("lang", "")
    target = safe_next(request.form.get("next"))
    response = make_response(redirect(target, code=303))
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True)
        if current_user.is_authenticated:
            current_user.locale = lang
    return response


@bp.get("/favicon.ico")
def favicon():
    response = current_app.send_static_file("icons/favicon.ico")
    response.cache_control.max_age = 7 * 24 * 3600
    response.cache_control.public = True
    return response


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
        database = "ok"
    except Exception:  # noqa: BLE001 - any failure means the database is unusable
        log.exception("health check: database unavailable")
        db.session.rollback()
        database = "error"
    status = 200 if database == "ok" else 503
    response = jsonify(status="ok" if status == 200 else "error", database=database)
    response.status_code = status
    response.cache_control.no_store = True
    return response
