"""View guards: visitors go to the login page, the logged-in but not allowed get 403."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import abort, request, url_for
from flask_login import current_user

from app.core.htmx import redirect_to


def _to_login():
    return redirect_to(url_for("auth.login", next=request.full_path.rstrip("?")), code=302)


def login_required(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return _to_login()
        return view(*args, **kwargs)

    return wrapper


def require(check: Callable) -> Callable:
    """Allow the view only when ``check(current_user)`` holds (a ``can_*`` function)."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return _to_login()
            if not check(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator
