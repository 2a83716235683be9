from flask import Blueprint

bp = Blueprint("stats", __name__, url_prefix="/stats")
# The officials' dashboard lives with the statistics, under the console's address.
officials_bp = Blueprint("console_stats", __name__, url_prefix="/console/stats")

from app.stats import routes  # noqa: E402,F401
