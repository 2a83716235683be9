"""API keys for partner systems using the Open311 API: issue, list, revoke (city admins)."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.admin import bp
from app.auth.decorators import require
from app.auth.forms import invalid_status
from app.auth.permissions import can_administer
from app.core.forms import BaseForm
from app.core.htmx import render
from app.extensions import db
from app.open311 import services as open311
from app.open311.models import ApiKey


class ApiKeyForm(BaseForm):
    name = StringField(_l("Partner system"), validators=[
        DataRequired(message=_l("Name the partner system that will use the key.")), Length(max=120)])


def _render(form: ApiKeyForm, *, new_key: str | None = None, status: int = 200):
    response = render("admin/api_keys.html", keys=open311.all_keys(), form=form, new_key=new_key)
    response.status_code = status
    # The new key is shown once: keep it out of every cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/api-keys")
@require(can_administer)
def api_keys():
    return _render(ApiKeyForm())


@bp.post("/api-keys")
@require(can_administer)
def issue_api_key():
    form = ApiKeyForm()
    if not form.validate_on_submit():
        return _render(form, status=invalid_status())
    key, raw = open311.issue_key(form.name.data.strip(), created_by=current_user)
    flash(_("Key issued for %(name)s. Copy it now: it will not be shown again.", name=key.name), "success")
    # Answered directly, not redirected: the only time the key exists outside the partner's hands.
    return _render(ApiKeyForm(formdata=None), new_key=raw)


@bp.post("/api-keys/<int:key_id>/revoke")
@require(can_administer)
def revoke_api_key(key_id: int):
    key = db.session.get(ApiKey, key_id) or abort(404)
    if open311.revoke_key(key, actor=current_user):
        flash(_("Key for %(name)s revoked.", name=key.name), "success")
    return redirect(url_for("admin.api_keys"), code=303)
