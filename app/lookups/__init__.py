"""Lookups (Tiện ích): find a bus, airport bus tickets, parking, exam scores, schools and
enrollment, monthly bus pass."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.main.tiles import Tile, register_tile

bp = Blueprint("lookups", __name__, url_prefix="/lookups", cli_group="lookups")
register_tile(Tile("lookups", "lookups.index", _l("Utilities"),
                   _l("Buses, airport bus tickets, parking, exam scores, school enrollment."), "bus", 100))

from app.lookups import api, cli, manage, routes  # noqa: E402,F401
