"""Public services: the catalogue of administrative procedures, procedure complaints (a kind
of case, identity level 2) and the gated entry to the electronic health book."""

from flask import Blueprint

bp = Blueprint("procedures", __name__, url_prefix="/procedures")
health_bp = Blueprint("healthbook", __name__, url_prefix="/health-book")


def init_app(app) -> None:
    from app.procedures import kind, routes, tasks  # noqa: F401  (the case kind, the views, the jobs)
    from app.procedures.permissions import can_edit_some_procedure

    app.jinja_env.globals["can_edit_some_procedure"] = can_edit_some_procedure
    app.register_blueprint(bp)
    app.register_blueprint(health_bp)
