"""Security headers: a strict Content-Security-Policy (no inline script or style) and friends."""

from __future__ import annotations

from flask import Flask, request


def init_app(app: Flask) -> None:
    production = app.config["APP_ENV"] == "production"

    @app.after_request
    def _headers(response):
        csp = [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data: blob: https:",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors 'none'",
            "form-action 'self'",
            "manifest-src 'self'",
            "worker-src 'self'",
        ]
        response.headers.setdefault("Content-Security-Policy", "; ".join(csp))
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault(
            "Permissions-Policy", "geolocation=(self), camera=(self), microphone=()"
        )
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if production and request.is_secure:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response
