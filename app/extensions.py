"""Flask extensions, created unbound and initialised in :func:`app.create_app`."""

from __future__ import annotations

from authlib.integrations.flask_client import OAuth
from flask_compress import Compress
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from app.core.database import db  # noqa: F401  (defined in core, which imports no feature)
from app.core.i18n import babel  # noqa: F401
from app.core.ratelimit import limiter  # noqa: F401

login_manager = LoginManager()
csrf = CSRFProtect()
compress = Compress()
oauth = OAuth()

