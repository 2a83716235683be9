"""Satisfaction surveys (Khảo sát sự hài lòng): built by officials, answered once per account."""

from flask import Blueprint

bp = Blueprint("surveys", __name__, url_prefix="/surveys")


def init_app(app) -> None:
    app.register_blueprint(bp)


from app.surveys import routes  # noqa: E402,F401
