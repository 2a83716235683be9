"""Login with VNeID through OpenID Connect (placeholder until the OIDC client lands)."""

from __future__ import annotations

from flask import Flask


def register_client(app: Flask) -> None:
    pass
