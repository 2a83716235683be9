"""The rate limiter (Flask-Limiter), keyed by client address; ``app.extensions`` re-exports it.

Defined in core so that core's own machinery (upload limits) can use it without importing
the feature-level extensions module.
"""

from __future__ import annotations

from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address


def _client_ip() -> str:
    return get_remote_address() or request.remote_addr or "unknown"


limiter = Limiter(key_func=_client_ip, default_limits=[], headers_enabled=True)
