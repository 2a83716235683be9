"""Content-hashed static URLs with long cache lifetimes."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, request, url_for


def init_app(app: Flask) -> None:
    static = Path(app.static_folder)

    @lru_cache(maxsize=256)
    def _digest(filename: str) -> str:
        return hashlib.sha256((static / filename).read_bytes()).hexdigest()[:12]

    def asset_url(filename: str) -> str:
        return url_for("static", filename=filename, v=_digest(filename))

    app.jinja_env.globals["asset_url"] = asset_url
    app.extensions["asset_url"] = asset_url

    @app.after_request
    def _cache_static(response):
        if request.endpoint == "static" and response.status_code == 200:
            if request.args.get("v"):
                response.cache_control.public = True
                response.cache_control.max_age = 31536000
                response.cache_control.immutable = True
            else:
                response.cache_control.max_age = 300
        return response
