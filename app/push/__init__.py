"""Web Push: citizens opt in per device; every in-app notification reaches the phone through the job queue."""

from flask import Blueprint

bp = Blueprint("push", __name__, url_prefix="/push")


@bp.record_once
def _load_vapid_key(state) -> None:
    from app.push import vapid

    vapid.init_app(state.app)


@bp.record_once
def _forget_subscriptions_on_logout(state) -> None:
    from flask_login import user_logged_out

    from app.core.signals import sessions_ended_everywhere
    from app.push import services

    user_logged_out.connect(services.forget_this_browser, state.app, weak=False)
    sessions_ended_everywhere.connect(services.forget_every_device, state.app, weak=False)


@bp.app_context_processor
def _push_globals():
    from app.push.vapid import push_enabled

    return {"push_enabled": push_enabled}


from app.notifications import registry as _notifications  # noqa: E402
from app.push import routes, tasks  # noqa: E402,F401  (tasks: registers the job with the queue)

# Each new in-app notification is pushed too, once it has committed.
_notifications.on_added(tasks.push_if_subscribed)
