"""Open311 GeoReport v2: the public API for partner systems, at ``/open311``."""

from flask import Blueprint

from app.extensions import csrf

bp = Blueprint("open311", __name__, url_prefix="/open311")
# Partners authenticate with an API key, not a session cookie: there is nothing to forge.
csrf.exempt(bp)

from app.open311 import routes  # noqa: E402,F401
