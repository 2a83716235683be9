"""The notification inbox: what happened to what a user filed or follows."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user

from app.auth.decorators import login_required
from app.core.htmx import redirect_to, render
from app.notifications import bp, services


@bp.get("", strict_slashes=False)
@login_required
def inbox():
    items = services.describe(services.latest(current_user))
    return render("notifications/inbox.html", "notifications/_list.html", items=items)


@bp.post("/read")
@login_required
def mark_read():
    services.mark_all_read(current_user)
    return redirect_to(url_for("notifications.inbox"))
