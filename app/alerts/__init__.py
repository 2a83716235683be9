"""Alerts (Cảnh báo): warnings from the police and agencies, as pages, Atom and CAP 1.2."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.main.tiles import Tile, register_tile

bp = Blueprint("alerts", __name__)
register_tile(Tile("alerts", "alerts.index", _l("Alerts"),
                   _l("Warnings from the police and agencies: scams, traffic, floods."), "triangle-alert", 80))


def init_app(app) -> None:
    from app.alerts import display, notify, permissions, services, tasks  # noqa: F401  (tasks: the jobs)

    display.init_app(app)
    notify.register()
    app.add_template_global(services.top_alert, "top_alert")
    app.add_template_global(permissions.can_write_alerts, "can_write_alerts")
    app.register_blueprint(bp)


from app.alerts import routes  # noqa: E402,F401
