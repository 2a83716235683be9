from flask import Blueprint, Flask

bp = Blueprint("auth", __name__, url_prefix="/auth")


def init_app(app: Flask) -> None:
    from app.auth import account, permissions, phone, routes, vneid  # noqa: F401  (registers the views)
    from app.auth.services import client_account_id, init_login_manager

    init_login_manager(app)
    app.jinja_env.globals.update(
        can_use_console=permissions.can_use_console,
        can_administer=permissions.can_administer,
        client_account_id=client_account_id,
    )
    vneid.register_client(app)
    app.register_blueprint(bp)
    app.register_blueprint(account.bp)
    phone.register_dev_pages(app)
