from flask import Blueprint, g
from flask_login import current_user

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.app_context_processor
def _unread_badge():
    return {"unread_notifications": unread_notifications}


def unread_notifications() -> int:
    """Unread count for the header badge: one COUNT per request, none for visitors."""
    if not current_user.is_authenticated:
        return 0
    if "unread_notifications" not in g:
        from app.notifications import services

        g.unread_notifications = services.unread_count(current_user)
    return g.unread_notifications


from app.notifications import routes  # noqa: E402,F401
