from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.main.tiles import Tile, register_tile

bp = Blueprint("stats", __name__, url_prefix="/stats")
# The officials' dashboard lives with the statistics, under the console's address.
officials_bp = Blueprint("console_stats", __name__, url_prefix="/console/stats")
register_tile(Tile("stats", "stats.dashboard", _l("Statistics"),
                   _l("How fast the city handles reports, ward by ward."), "chart-column", 110))

from app.stats import routes  # noqa: E402,F401
