"""Flask extensions, created unbound and initialised in :func:`app.create_app`."""

from __future__ import annotations

from authlib.integrations.flask_client import OAuth
from flask import request
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

from app.core.database import db  # noqa: F401  (defined in core, which imports no feature)
from app.core.i18n import babel  # noqa: F401

migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
compress = Compress()
oauth = OAuth()


def _client_ip() -> str:
    return get_remote_address() or request.remote_addr or "unknown"


limiter = Limiter(key_func=_client_ip, default_limits=[], headers_enabled=True)
