from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from app.admin import api_keys, categories, places, routes, users  # noqa: E402,F401
