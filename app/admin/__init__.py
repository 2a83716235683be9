from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from app.admin import api_keys, categories, places, routes, users  # noqa: E402,F401


def _describe_holiday_notes(notifications) -> dict:
    """Notifications to the admin who changed the holidays: how many running deadlines moved."""
    from flask_babel import ngettext

    from app.core.urls import path_for
    from app.notifications.registry import Described

    return {note.id: Described(ngettext(
        "The deadline of %(num)d open case moved with the change of holidays.",
        "The deadlines of %(num)d open cases moved with the change of holidays.",
        int(note.data.get("count", 0))), path_for("admin.holidays")) for note in notifications}


def _register() -> None:
    from app.notifications import registry

    registry.register_subject("holidays", _describe_holiday_notes)


_register()
