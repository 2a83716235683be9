"""Satisfaction surveys (Khảo sát sự hài lòng): built by officials, answered once per account."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.main.tiles import Tile, register_tile

bp = Blueprint("surveys", __name__, url_prefix="/surveys")
register_tile(Tile("surveys", "surveys.index", _l("Satisfaction surveys"),
                   _l("Tell the city how well it served you."), "clipboard-list", 90))


def init_app(app) -> None:
    app.register_blueprint(bp)


from app.surveys import routes  # noqa: E402,F401
