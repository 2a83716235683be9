"""The VNeID sandbox: a small OpenID Connect provider for development and demos only."""

from flask import Flask


def init_app(app: Flask) -> None:
    pass
