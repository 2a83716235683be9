"""The VNeID sandbox: a small OpenID Connect provider for development and demos only.

``create_app`` calls :func:`init_app` only when ``DEV_IDP_ENABLED``, which production forces
off, so in production none of its URLs exist.
"""

from flask import Blueprint, Flask

bp = Blueprint("devidp", __name__, url_prefix="/dev-idp")


def init_app(app: Flask) -> None:
    from app.devidp import provider, routes
    from app.extensions import csrf

    app.extensions["devidp"] = provider.create_server(app)
    # Called by the client application's server, not from a form of ours.
    csrf.exempt(routes.token)
    csrf.exempt(routes.userinfo)
    app.register_blueprint(bp)
