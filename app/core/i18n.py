"""Locale chain: the user's preference, then the language cookie, then Vietnamese."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import Babel, format_date, format_datetime, get_locale
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import Markup, escape

babel = Babel()

LANG_COOKIE = "lang"


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in languages:
        return cookie
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app: Flask) -> None:
    import os

    app.config["BABEL_TRANSLATION_DIRECTORIES"] = os.path.join(app.root_path, "..", "translations")
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime


def _escaped_html(self: LazyString) -> Markup:
    return escape(str(self))


# Flask-Babel's lazy strings declare themselves safe HTML (``__html__`` returns the text as is),
# so a lazy message with a parameter the user typed (a form error quoting the search, say) went
# out as raw markup. A lazy string is text, like any other string: escape it when rendered.
LazyString.__html__ = _escaped_html
