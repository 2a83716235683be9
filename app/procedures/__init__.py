"""Public services: the catalogue of administrative procedures, procedure complaints (a kind
of case, identity level 2) and the gated entry to the electronic health book."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.main.tiles import Tile, register_tile

bp = Blueprint("procedures", __name__, url_prefix="/procedures")
health_bp = Blueprint("healthbook", __name__, url_prefix="/health-book")

register_tile(Tile("procedures", "procedures.catalogue", _l("Administrative procedures"),
                   _l("Documents, fees and processing times; apply online."), "file-text", 30))
register_tile(Tile("complaint", "procedures.new_complaint", _l("Procedure complaints"),
                   _l("Tell the agency how your file was handled (verified accounts)."), "scale", 40))
register_tile(Tile("health", "healthbook.health_book", _l("Electronic health book"),
                   _l("Open your national health book (verified accounts)."), "heart-pulse", 50))


def init_app(app) -> None:
    from app.procedures import kind, routes, tasks  # noqa: F401  (the case kind, the views, the jobs)
    from app.procedures.permissions import can_edit_some_procedure

    app.jinja_env.globals["can_edit_some_procedure"] = can_edit_some_procedure
    app.register_blueprint(bp)
    app.register_blueprint(health_bp)
