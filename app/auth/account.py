"""The citizen's own account page: identity level, linked logins, language."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from app.auth.decorators import login_required
from app.core.htmx import render

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.get("/")
@login_required
def show_account():
    return render("account/account.html", user=current_user)
