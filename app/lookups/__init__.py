"""Lookups (Tiện ích): find a bus, airport bus tickets, parking, exam scores, schools and
enrollment, monthly bus pass."""

from flask import Blueprint

bp = Blueprint("lookups", __name__, url_prefix="/lookups", cli_group="lookups")

from app.lookups import api, cli, manage, routes  # noqa: E402,F401
