"""Công dân Thủ đô số: the application factory."""

from __future__ import annotations

import logging

from flask import Flask

from app.config import load_config


def create_app(config: dict | None = None) -> Flask:
    import os

    instance_path = (config or {}).get("INSTANCE_PATH") or os.environ.get("INSTANCE_PATH")
    app = Flask(__name__, instance_relative_config=True,
                instance_path=os.path.abspath(instance_path) if instance_path else None)
    load_config(app, config)
    _configure_logging(app)
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from app import extensions as ext
    from app import models  # noqa: F401
    from app.core import assets, database, errors, filters, ids, jobs, pagecache, security
    from app.core import i18n as core_i18n

    ids.init_app(app)
    ext.db.init_app(app)
    _init_migrations(app)
    ext.csrf.init_app(app)
    ext.compress.init_app(app)
    ext.limiter.init_app(app)
    ext.oauth.init_app(app)
    core_i18n.init_app(app)
    filters.init_app(app)
    database.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    assets.init_app(app)
    jobs.init_app(app)
    pagecache.init_app(app)

    from app.auth import init_app as init_auth
    from app.cases import init_app as init_cases

    init_auth(app)
    init_cases(app)

    from app.admin import bp as admin_bp
    from app.console import bp as console_bp
    from app.main import bp as main_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(console_bp)
    app.register_blueprint(admin_bp)
    from app.reports import bp as reports_bp
    app.register_blueprint(reports_bp)
    from app.notifications import bp as notifications_bp
    app.register_blueprint(notifications_bp)
    from app.pwa import bp as pwa_bp
    app.register_blueprint(pwa_bp)
    from app.open311 import bp as open311_bp
    app.register_blueprint(open311_bp)
    from app.stats import bp as stats_bp
    from app.stats import officials_bp as stats_officials_bp
    app.register_blueprint(stats_bp)
    app.register_blueprint(stats_officials_bp)
    from app.push import bp as push_bp
    app.register_blueprint(push_bp)
    from app.reception import bp as reception_bp
    app.register_blueprint(reception_bp)
    from app.business import bp as business_bp
    app.register_blueprint(business_bp)
    # Public services (issue 12): procedures, complaints, health book; the answer desk.
    from app.procedures import init_app as init_procedures
    init_procedures(app)
    from app.answers import init_app as init_answers
    init_answers(app)
    from app.alerts import init_app as init_alerts
    from app.surveys import init_app as init_surveys

    init_alerts(app)
    init_surveys(app)
    from app.lookups import bp as lookups_bp
    app.register_blueprint(lookups_bp)

    if app.config["DEV_IDP_ENABLED"]:
        from app.devidp import init_app as init_devidp

        init_devidp(app)

    from app import cli
    from app.auth import tasks  # noqa: F401  (registers jobs with the queue)
    from app.reports import tasks as report_tasks  # noqa: F401

    cli.register(app)
    jobs.register_cli(app)
    return app


def _configure_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
        logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def _init_migrations(app: Flask) -> None:
    """Flask-Migrate (Alembic) for ``flask db`` and the scripts that migrate in-process.

    A production web worker never migrates, and Alembic costs it about 11 MB (issue 15: memory
    per worker): it is left out there unless the app runs under the ``flask`` command (which
    sets ``FLASK_RUN_FROM_CLI``), as ``flask db upgrade`` and ``flask jobs worker`` do.
    """
    import os

    if app.config["APP_ENV"] == "production" and not os.environ.get("FLASK_RUN_FROM_CLI"):
        return
    from flask_migrate import Migrate

    from app.core.database import db

    Migrate(app, db, directory=str(app.root_path + "/../migrations"), render_as_batch=True, compare_type=True)

