"""The citizen's own account page: identity level, linked logins, language."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from app.audit import services as audit
from app.auth import services, verifier
from app.auth.decorators import login_required
from app.auth.forms import GENDER_CHOICES, IdentityForm, invalid_status
from app.core.htmx import redirect_to, render
from app.extensions import db, limiter

bp = Blueprint("account", __name__, url_prefix="/account")

# Each try may probe whether an ID number is taken: a handful per account is plenty.
VERIFY_LIMIT_PER_USER = "10 per hour"


@bp.get("/")
@login_required
def show_account():
    return render("account/account.html", user=current_user)


@bp.post("/logout-everywhere")
@login_required
def logout_everywhere():
    """End every session of the account: a lost phone, a shared computer left logged in."""
    user = current_user._get_current_object()
    services.logout_everywhere(user)
    services.logout(user)
    flash(_("You have logged out on all devices."), "info")
    return redirect(url_for("main.home"), code=303)


def _user_key() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else get_remote_address()


def _identity_page(form: IdentityForm, status: int = 200):
    response = render("account/verify.html", form=form, gender_choices=GENDER_CHOICES)
    response.status_code = status
    # The page may carry the ID number the person typed.
    response.cache_control.no_store = True
    return response


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit(VERIFY_LIMIT_PER_USER, key_func=_user_key, methods=["POST"])
@login_required
def verify_identity():
    """Raise a phone account to level 2 with the details of its CCCD card."""
    if current_user.is_verified:
        flash(_("Your identity is already verified."), "info")
        return redirect_to(url_for("account.show_account"))
    form = IdentityForm()
    if request.method == "GET":
        if not form.full_name.data:
            form.full_name.data = current_user.full_name
        return _identity_page(form)
    if not form.validate_on_submit():
        return _identity_page(form, invalid_status())
    details = {"cccd": form.cccd.data, "full_name": form.full_name.data,
               "birth_date": form.birth_date.data, "gender": form.gender.data}
    problems = verifier.verify(**details)
    if problems:
        for problem in problems:
            field = getattr(form, problem.field, None) if problem.field else None
            (field.errors if field is not None else form.form_errors).append(problem.message)
        return _identity_page(form, invalid_status())
    try:
        services.set_verified_identity(current_user, source="verifier", **details)
    except services.IdentityConflict:
        # Someone may be trying numbers that are not theirs: keep a trace, without the number.
        audit.record("identity.conflict", current_user, actor=current_user)
        db.session.commit()
        form.cccd.errors.append(_("This ID number is already linked to another account. "
                                  "If it is yours, please contact your ward office."))
        return _identity_page(form, invalid_status())
    flash(_("Your identity is verified: you can now use every service."), "success")
    return redirect_to(url_for("account.show_account"))
