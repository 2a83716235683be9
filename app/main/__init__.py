from flask import Blueprint

bp = Blueprint("main", __name__)


@bp.record_once
def _register_dev_pages(state) -> None:
    from app.main import dev

    dev.register(state.app)


from app.main import routes  # noqa: E402,F401
