"""The notification inbox: what happened to the reports a user filed or follows."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app.auth.decorators import login_required
from app.core.htmx import redirect_to, render
from app.extensions import db
from app.notifications import bp, services
from app.reports.models import Report


@bp.get("", strict_slashes=False)
@login_required
def inbox():
    notifications = services.latest(current_user)
    ids = {n.report_id for n in notifications if n.report_id}
    reports = {r.id: r for r in db.session.scalars(
        sa.select(Report).where(Report.id.in_(ids)).options(joinedload(Report.category)))} if ids else {}
    return render("notifications/inbox.html", "notifications/_list.html",
                  notifications=notifications, reports=reports)


@bp.post("/read")
@login_required
def mark_read():
    services.mark_all_read(current_user)
    return redirect_to(url_for("notifications.inbox"))
