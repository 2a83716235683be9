"""The living style page (``/dev/ui``): every component of ``static/css/app.css`` in the current
language. Registered only when the app runs in development or tests (:func:`register`)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from flask import Blueprint, Flask, current_app

from app.cases.models import Status
from app.core.htmx import render
from app.core.models import utcnow
from app.core.workcal import calendar

dev_ui_bp = Blueprint("dev_ui", __name__, url_prefix="/dev")


def sample_case(status: str, due_in: timedelta | None = None, overdue_by: timedelta | None = None):
    """A stand-in for a case with the fields the badge and the chip read: ``due_in`` or
    ``overdue_by`` is working time from now (None: no deadline)."""
    now, cal = utcnow(), calendar()
    due_at = overdue_since = None
    if due_in is not None:
        due_at = cal.add_working_time(now, due_in)
    elif overdue_by is not None:
        start = now - timedelta(days=21)
        due_at = cal.add_working_time(start, cal.working_time_between(start, now) - overdue_by)
        overdue_since = due_at
    is_open = status in (Status.SUBMITTED, Status.ACCEPTED)
    return SimpleNamespace(id=1024, status=status, is_open=is_open, due_at=due_at, overdue_since=overdue_since)


def sprite_icons() -> list[str]:
    """The symbol ids of ``static/icons/sprite.svg``, in file order."""
    sprite = Path(current_app.static_folder, "icons", "sprite.svg").read_text()
    return re.findall(r'<symbol id="([^"]+)"', sprite)


@dev_ui_bp.get("/ui")
def style_page():
    hour, day = timedelta(hours=1), calendar().day_length
    response = render(
        "dev/ui.html",
        statuses=[sample_case(s) for s in Status],
        chips=[sample_case(Status.ACCEPTED, due_in=3 * day), sample_case(Status.SUBMITTED, due_in=3 * hour),
               sample_case(Status.ACCEPTED, overdue_by=2 * day), sample_case(Status.ACCEPTED, overdue_by=2 * hour)],
        overdue_case=sample_case(Status.ACCEPTED, overdue_by=day),
        icons=sprite_icons(),
    )
    response.cache_control.no_store = True
    return response


def register(app: Flask) -> None:
    """The style page, only in development and tests (never in production or a demo built on it)."""
    if app.config["APP_ENV"] in ("development", "test"):
        app.register_blueprint(dev_ui_bp)
