from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.main.tiles import Tile, register_tile

bp = Blueprint("reports", __name__, url_prefix="/reports")

register_tile(Tile("report", "reports.new_report", _l("Reports and petitions"),
                   _l("Report a problem on the street: potholes, waste, lighting, flooding…"), "megaphone", 0,
                   primary=True, boost=False))
register_tile(Tile("feed", "reports.feed", _l("Reports in the city"),
                   _l("See what others reported, who handles it and by when."), "list", 10))

from app.reports import filters, routes  # noqa: E402,F401
