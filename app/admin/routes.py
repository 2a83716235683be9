"""City administration: users and their roles, and the audit log."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.admin import audit_sentences as sentences
from app.admin import bp, services
from app.audit import services as audit
from app.auth.decorators import require
from app.auth.models import RoleGrant, User
from app.auth.permissions import can_administer
from app.core.dates import parse_day
from app.core.htmx import render
from app.core.ids import arg_id
from app.core.workcal import Holiday
from app.extensions import db


@bp.get("/")
@require(can_administer)
def dashboard():
    officials = db.session.scalars(
        sa.select(User).join(RoleGrant, RoleGrant.user_id == User.id).distinct()
        .options(selectinload(User.role_grants).selectinload(RoleGrant.ward),
                 selectinload(User.role_grants).selectinload(RoleGrant.agency))
        .order_by(User.id)
    ).all()
    user_count = db.session.scalar(sa.select(sa.func.count(User.id)))
    return render("admin/dashboard.html", officials=officials, user_count=user_count)


AUDIT_PAGE = 50
_HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def _date_arg(name: str) -> date | None:
    return parse_day(request.args.get(name))


def _local_midnight(day: date | None) -> datetime | None:
    """The start of a day in Hanoi, where the admins read the dates."""
    return None if day is None else datetime.combine(day, time(), _HANOI)


@bp.get("/audit")
@require(can_administer)
def audit_log():
    filters = {
        "action": request.args.get("action", "").strip(),
        "actor": request.args.get("actor", type=arg_id),
        "object_type": request.args.get("object_type", "").strip(),
        "object_id": request.args.get("object_id", "").strip(),
        "date_from": _date_arg("date_from"),
        "date_to": _date_arg("date_to"),
    }
    entries = audit.recent(
        action=filters["action"] or None, actor_id=filters["actor"],
        object_type=filters["object_type"] or None, object_id=filters["object_id"] or None,
        since=_local_midnight(filters["date_from"]),
        until=_local_midnight(filters["date_to"] + timedelta(days=1) if filters["date_to"] else None),
        before_id=request.args.get("before", type=arg_id), limit=AUDIT_PAGE)
    # Only the filters that are set travel in the "older entries" link.
    query = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in filters.items() if v}
    return render("admin/audit.html", "admin/_audit_rows.html", entries=entries, filters=filters,
                  query=query, page_size=AUDIT_PAGE, people=_people(entries),
                  sentence=sentences.sentence)


def _people(entries) -> dict[int, str]:
    """The names shown in the audit sentences: officials and admins by name (their acts are the
    log's subject); anyone else, a citizen, by account number only, as the log always showed."""
    ids = {e.actor_id for e in entries if e.actor_id}
    ids |= {int(e.object_id) for e in entries if e.object_type == "users" and (e.object_id or "").isdigit()}
    if not ids:
        return {}
    officials = set(db.session.scalars(sa.select(RoleGrant.user_id).where(RoleGrant.user_id.in_(ids))))
    names = {uid: name for uid, name in db.session.execute(sa.select(User.id, User.full_name).where(User.id.in_(ids)))}
    return {uid: (names.get(uid) if uid in officials and names.get(uid) else _("account #%(id)s", id=uid))
            for uid in ids}


@bp.get("/holidays")
@require(can_administer)
def holidays():
    from app.admin.forms import HolidayForm

    return _render_holidays(HolidayForm())


def _render_holidays(form, status: int = 200):
    rows = db.session.scalars(sa.select(Holiday).order_by(Holiday.day.desc())).all()
    response = render("admin/holidays.html", holidays=rows, form=form)
    response.status_code = status
    return response


@bp.post("/holidays")
@require(can_administer)
def add_holiday():
    from app.admin.forms import HolidayForm

    form = HolidayForm()
    if not form.validate_on_submit():
        return _render_holidays(form, 422)
    try:
        services.add_holiday(form.day.data, form.name.data, actor=current_user)
    except services.AdminError:
        form.day.errors.append(_("This day is already a holiday."))
        return _render_holidays(form, 422)
    flash(_("Holiday added. The deadlines of open cases are counted again; "
            "you will be notified how many moved."), "success")
    return redirect(url_for("admin.holidays"), code=303)


@bp.post("/holidays/load")
@require(can_administer)
def load_holidays():
    """Vietnam's public holidays of this year and the next, from the maintained calendar."""
    year = datetime.now(_HANOI).year
    added = services.load_public_holidays((year, year + 1), actor=current_user)
    flash(ngettext("%(num)d public holiday added.", "%(num)d public holidays added.", added) if added
          else _("Every public holiday of %(first)d and %(second)d is already in the list.", first=year,
                 second=year + 1), "success")
    return redirect(url_for("admin.holidays"), code=303)


@bp.post("/holidays/<int:holiday_id>/delete")
@require(can_administer)
def delete_holiday(holiday_id: int):
    holiday = db.session.get(Holiday, holiday_id) or abort(404)
    services.remove_holiday(holiday, actor=current_user)
    flash(_("Holiday removed. The deadlines of open cases are counted again; "
            "you will be notified how many moved."), "success")
    return redirect(url_for("admin.holidays"), code=303)
