"""Choose a login method, and log out."""

from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import bp, services
from app.auth.phone import PhoneStartForm
from app.core.htmx import render


@bp.get("/login")
def login():
    if current_user.is_authenticated:
        return redirect(services.landing_url(current_user, request.args.get("next")))
    return render(
        "auth/login.html",
        next=services.safe_next(request.args.get("next"), ""),
        phone_form=PhoneStartForm(next=request.args.get("next", "")),
        vneid_configured=bool(current_app.config.get("OIDC_ISSUER")),
    )


@bp.post("/logout")
def logout():
    services.logout(current_user)
    flash(_("You have logged out."), "info")
    return redirect(url_for("main.home"), code=303)
